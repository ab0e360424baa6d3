"""Configs that share their size-dependent deltas through bevzoo.config_parts load as classic mmengine configs,
and their dump (what tools/train.py writes into the work dir) loads back to the same values."""
import os

import pytest
from mmengine import Config

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SIZES = ('configs/_base_/models/bevfusion_world.py', 'configs/_base_/models/bevfusion_nuscenes.py')


@pytest.mark.parametrize('config_path', SIZES + ('configs/lss/lss_centerhead_world.py',
                                                 'configs/lidar/pillars_transfusion_world.py'))
def test_dump_loads_back(config_path, tmp_path):
    cfg = Config.fromfile(os.path.join(REPO_ROOT, config_path))
    dumped = tmp_path / 'dumped.py'
    cfg.dump(str(dumped))
    assert Config.fromfile(str(dumped)).to_dict() == cfg.to_dict()


def test_sizes_share_the_pipelines_but_the_image_size():
    world, nuscenes = (Config.fromfile(os.path.join(REPO_ROOT, path)) for path in SIZES)
    for name in ('train_pipeline', 'test_pipeline', 'lidar_train_pipeline', 'lidar_test_pipeline',
                 'multitask_train_pipeline', 'multitask_test_pipeline'):
        steps = [[dict(step, final_size=None) if step['type'] == 'MultiViewImageAug' else step for step in cfg[name]]
                 for cfg in (world, nuscenes)]
        assert steps[0] == steps[1], name
    image_aug = [step for step in world.train_pipeline if step['type'] == 'MultiViewImageAug']
    assert [step['final_size'] for step in image_aug] == [world.image_size] != [nuscenes.image_size]
