"""Every zoo config under configs/ builds its model (nuScenes-size ones too: built, not run, on the CPU; the sparse
3D encoder, which cannot run here, is built for inspection). The fused world config also trains and predicts on
the tiny world in test_world_pipeline.py."""
import glob
import os

import pytest
import torch
from mmengine import Config

from mmdet3d.registry import MODELS
from bevzoo.models.lidar import count_sparse_encoder, inspection_build

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CONFIGS = sorted(os.path.relpath(path, REPO_ROOT)
                 for path in glob.glob(os.path.join(REPO_ROOT, 'configs', '**', '*.py'), recursive=True)
                 if '_base_' not in path)
FUSED_WORLD = 'configs/bevfusion/bevfusion_transfusion_world.py'


def build_model(config_path: str) -> tuple:
    cfg = Config.fromfile(os.path.join(REPO_ROOT, config_path))
    with inspection_build():  # only a GPU runs the sparse encoder, but its weights build anywhere
        return cfg, MODELS.build(cfg.model)


def test_the_zoo_has_configs():
    assert len(CONFIGS) >= 10 and FUSED_WORLD in CONFIGS


@pytest.mark.parametrize('config_path', CONFIGS)
def test_config_builds(config_path):
    _, model = build_model(config_path)
    assert sum(p.numel() for p in model.parameters()) > 0


SPARSE_CONFIGS = [path for path in CONFIGS if 'SparseBEVEncoder' in str(
    Config.fromfile(os.path.join(REPO_ROOT, path)).model.get('lidar_encoder'))]


@pytest.mark.parametrize('config_path', SPARSE_CONFIGS)
def test_sparse_encoder_output_matches_the_bev_grid(config_path):
    # the sparse encoder's padding arithmetic, replayed on one voxel, must land on the camera / head BEV grid
    cfg = Config.fromfile(os.path.join(REPO_ROOT, config_path))
    with inspection_build():
        encoder = MODELS.build(cfg.model.lidar_encoder.middle_encoder)
    pcr, voxel = cfg.point_cloud_range, cfg.voxel_size
    grid = [round((pcr[axis + 3] - pcr[axis]) / voxel[axis] / cfg.out_size_factor) for axis in (1, 0)]  # Y, X
    count = count_sparse_encoder(encoder, torch.tensor([[0, 20, 700, 700]]), batch_size=1)
    assert count.bev_shape == (1, cfg.lidar_bev_channels, *grid)
