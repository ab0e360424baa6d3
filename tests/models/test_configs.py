"""Every zoo config under configs/ builds its model (nuScenes-size ones too: built, not run, on the CPU; models
needing GPU-only ops are skipped with the reason their build error gives); the fused world model trains a step."""
import glob
import os

import pytest
import torch
from mmengine import Config

from mmdet3d.registry import MODELS
from bevzoo.models.lidar import SparseConvUnavailableError
from bevzoo.models.synthetic_inputs import synthetic_batch

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CONFIGS = sorted(os.path.relpath(path, REPO_ROOT) for path in glob.glob(os.path.join(REPO_ROOT, 'configs', '**', '*.py'),
                                                                         recursive=True) if '_base_' not in path)
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


def test_fused_world_model_trains_a_step_on_its_geometry():
    cfg, model = build_model(FUSED_WORLD)
    batch = synthetic_batch(1, cfg.image_size, len(cfg.class_names), extent=cfg.point_cloud_range[3] - 5)
    losses = model.train()(**model.data_preprocessor(batch, training=True), mode='loss')
    total = sum(losses.values())
    assert torch.isfinite(total)
    total.backward()
