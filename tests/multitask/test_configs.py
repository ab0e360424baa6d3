"""The multi-task configs wire the right heads and balancing, with grids derived from the shared BEV.

The world configs are built and trained a step by tests/models/test_configs.py; the nuScenes ones need the
GPU-only sparse LiDAR encoder, so here their multi-task parts (heads, balancer, hooks, fuser) are built alone.
"""
import glob
import os

import pytest
from mmengine import Config

from mmdet3d.registry import MODELS

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PATTERNS = ('configs/bevfusion/*multitask*.py', 'configs/fuller/*.py', 'configs/m3net/*.py')
CONFIGS = sorted(os.path.relpath(path, REPO_ROOT) for pattern in PATTERNS
                 for path in glob.glob(os.path.join(REPO_ROOT, pattern)))
BALANCING = {'uncertainty': ('balancer', 'UncertaintyWeightBalancer'),
             'fuller': ('gradient_calibration', 'GradientCalibration'),
             'm3net': ('task_gates', 'TaskChannelScaling')}


def test_every_family_has_world_and_nuscenes_sizes():
    names = {os.path.basename(path) for path in CONFIGS}
    for name in names:
        size, other = ('_world.py', '_nuscenes.py') if name.endswith('_world.py') else ('_nuscenes.py', '_world.py')
        twin = name.replace(size, other)
        assert twin in names, f'{name} has no {twin}'


@pytest.mark.parametrize('config_path', CONFIGS)
def test_multitask_parts_build_on_the_shared_bev(config_path):
    cfg = Config.fromfile(os.path.join(REPO_ROOT, config_path))
    tasks = set(cfg.model.heads)
    assert {'det', 'map'} <= tasks
    assert set(cfg.model.balancer.tasks) == tasks
    bev_range = [cfg.point_cloud_range[axis] for axis in (0, 1, 3, 4)]
    for task in tasks - {'det'}:
        head = MODELS.build(cfg.model.heads[task])
        assert list(head.resampler.source_range) == bev_range
        assert cfg.model.heads[task].in_channels == cfg.decoded_bev_channels
    MODELS.build(cfg.model.balancer)
    for key, (hook, type_name) in BALANCING.items():
        if key in config_path:
            assert type(MODELS.build(cfg.model[hook])).__name__ == type_name
    if 'm3net' in config_path:
        assert type(MODELS.build(cfg.model.fuser)).__name__ == 'MAFIFuser'
