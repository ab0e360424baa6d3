"""The dataset configs of configs/_base_/datasets build working train and val datasets."""
import os.path as osp

import numpy as np
import pytest
from mmdet3d.registry import DATASETS
from mmengine import Config
from mmengine.registry import init_default_scope

import bevzoo  # noqa: F401  (registers the dataset and transforms)


@pytest.mark.parametrize('name', ['nuscenes_multitask.py', 'world_multitask.py'])
def test_base_dataset_config_builds_train_and_val(repo_root, nusc_fixture, name):
    config = Config.fromfile(osp.join(repo_root, 'configs', '_base_', 'datasets', name))
    init_default_scope('mmdet3d')
    train = DATASETS.build(dict(config.train_dataloader.dataset, data_root=nusc_fixture.root))
    np.random.seed(0)
    sample = train[1]['data_samples']
    assert train[1]['inputs']['img'].shape == (6, 3, *config.image_size)
    assert not np.allclose(sample.metainfo['lidar_aug_matrix'], np.eye(4))
    assert sample.gt_map_bev.shape == (6, 200, 200) and len(sample.gt_instances_3d.labels_3d) > 0
    val = DATASETS.build(dict(config.val_dataloader.dataset, data_root=nusc_fixture.root))
    assert len(val) == 3
    assert val[0]['data_samples'].gt_occupancy.shape == (200, 200, 16)
