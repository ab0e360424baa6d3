"""Every zoo config under configs/ builds its model (nuScenes-size ones too: built, not run, on the CPU; models
needing GPU-only ops are skipped with the reason their build error gives). The fused world config also trains
and predicts on the tiny world in test_world_pipeline.py."""
import glob
import os

import pytest
from mmengine import Config

from mmdet3d.registry import MODELS
from bevzoo.models.lidar import SparseConvUnavailableError

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CONFIGS = sorted(os.path.relpath(path, REPO_ROOT)
                 for path in glob.glob(os.path.join(REPO_ROOT, 'configs', '**', '*.py'), recursive=True)
                 if '_base_' not in path)
FUSED_WORLD = 'configs/bevfusion/bevfusion_transfusion_world.py'


def build_model(config_path: str) -> tuple:
    cfg = Config.fromfile(os.path.join(REPO_ROOT, config_path))
    try:
        return cfg, MODELS.build(cfg.model)
    except SparseConvUnavailableError as error:
        pytest.skip(str(error))


def test_the_zoo_has_configs():
    assert len(CONFIGS) >= 10 and FUSED_WORLD in CONFIGS


@pytest.mark.parametrize('config_path', CONFIGS)
def test_config_builds(config_path):
    _, model = build_model(config_path)
    assert sum(p.numel() for p in model.parameters()) > 0
