"""A packed sample carries the fields, shapes and meta keys of docs/architecture.md."""
import numpy as np
import torch
from mmdet3d.structures import LiDARInstance3DBoxes

from bevzoo.datasets.constants import DETECTION_CLASSES

from .geometry_checks import points_in_box
from .pipelines import build_dataset, full_pipeline, evaluation_pipeline

CONTRACT_META = ('token', 'sample_idx', 'scene_name', 'map_location', 'ego2global', 'lidar2ego', 'lidar2img',
                 'cam2img', 'lidar2cam', 'cam2lidar', 'img_aug_matrix', 'lidar_aug_matrix')


def test_packed_sample_follows_the_contract(nusc_fixture):
    dataset = build_dataset(nusc_fixture.root, full_pipeline(augment=False))
    packed = dataset[1]
    points, images = packed['inputs']['points'], packed['inputs']['img']
    assert points.dtype == torch.float32 and points.shape[1] == 5
    assert images.shape == (6, 3, 90, 160) and images.dtype == torch.uint8
    sample = packed['data_samples']
    assert set(CONTRACT_META) <= set(sample.metainfo)
    for key in ('lidar2img', 'cam2img', 'lidar2cam', 'cam2lidar', 'img_aug_matrix'):
        assert sample.metainfo[key].shape == (6, 4, 4), key
    np.testing.assert_allclose(sample.metainfo['img_aug_matrix'], np.tile(np.eye(4), (6, 1, 1)))
    np.testing.assert_allclose(sample.metainfo['lidar_aug_matrix'], np.eye(4))
    meta = sample.metainfo
    np.testing.assert_allclose(meta['lidar2img'], meta['cam2img'] @ meta['lidar2cam'])
    np.testing.assert_allclose(meta['cam2lidar'] @ meta['lidar2cam'], np.tile(np.eye(4), (6, 1, 1)), atol=1e-9)
    assert sample.metainfo['token'] == nusc_fixture.sample_tokens['scene-0001'][1]
    boxes = sample.gt_instances_3d.bboxes_3d
    assert isinstance(boxes, LiDARInstance3DBoxes) and boxes.tensor.shape == (4, 9)
    expected_labels = [DETECTION_CLASSES.index(name) for name in ('car', 'truck', 'pedestrian', 'barrier')]
    assert sample.gt_instances_3d.labels_3d.tolist() == expected_labels
    assert sample.gt_map_bev.shape == (6, 200, 200) and sample.gt_map_bev.dtype == torch.uint8
    assert sample.gt_occupancy.shape == (200, 200, 16) and sample.gt_occupancy.dtype == torch.uint8
    assert sample.gt_occupancy_mask.dtype == torch.bool
    assert int(sample.gt_occupancy.max()) <= 17


def test_keyframe_points_fill_their_boxes(nusc_fixture):
    """All 60 keyframe points of each object lie in its GT box (bottom-centre boxes of mmdet3d)."""
    packed = build_dataset(nusc_fixture.root, full_pipeline(augment=False))[0]
    points = packed['inputs']['points'].numpy()
    keyframe = points[points[:, 4] == 0, :3]
    for box in packed['data_samples'].gt_instances_3d.bboxes_3d.tensor.numpy():
        assert points_in_box(keyframe, box, margin=1e-3).sum() == 60


def test_val_split_in_test_mode_keeps_eval_annotations(nusc_fixture):
    dataset = build_dataset(nusc_fixture.root, evaluation_pipeline(), split='val', test_mode=True)
    sample = dataset[0]['data_samples']
    assert sample.metainfo['scene_name'] == 'scene-0003'
    assert len(sample.eval_ann_info['gt_labels_3d']) == 5  # the far car without points is not evaluated
