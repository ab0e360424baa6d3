"""Every augmentation keeps points, boxes, images, the map mask and occupancy aligned."""
import cv2
import numpy as np
import pytest
import torch
from mmdet3d.structures import LiDARInstance3DBoxes
import shapely
from shapely.geometry import Polygon

from bevzoo.datasets.bev_grid import BEVGrid
from bevzoo.datasets.occupancy_grid import OccupancyGrid
from bevzoo.datasets.transforms import LoadBEVMapMask, MultiViewImageAug
from bevzoo.datasets.transforms.bev_augmentation import bev_similarity, transform_boxes

from .geometry_checks import apply, points_in_box
from .pipelines import build_dataset, full_pipeline

SEEDS = range(4)
OCC3D_BY_DETECTION_LABEL = {0: 4, 1: 10, 7: 7, 9: 1}  # car, truck, pedestrian, barrier


@pytest.fixture(scope='module')
def datasets(nusc_fixture):
    root = nusc_fixture.root
    return (build_dataset(root, full_pipeline(augment=False)),
            build_dataset(root, full_pipeline(augment=True)))


def _augmented(dataset, index, seed):
    np.random.seed(seed)
    return dataset[index]


@pytest.mark.parametrize('seed', SEEDS)
def test_points_inside_a_box_stay_inside(datasets, seed):
    plain, augmented = datasets[0][2], _augmented(datasets[1], 2, seed)
    aug_matrix = augmented['data_samples'].metainfo['lidar_aug_matrix']
    assert not np.allclose(aug_matrix, np.eye(4))
    for packed, expected_scale in ((plain, 1.0), (augmented, None)):
        points = packed['inputs']['points'].numpy()
        for box in packed['data_samples'].gt_instances_3d.bboxes_3d.tensor.numpy():
            # 60 keyframe points and 4 sweeps x 60 (the moving objects' sweep points trail behind them)
            assert points_in_box(points[points[:, 4] == 0, :3], box, margin=1e-3).sum() == 60
    np.testing.assert_allclose(apply(aug_matrix, plain['inputs']['points'].numpy()[:, :3]),
                               augmented['inputs']['points'].numpy()[:, :3], atol=1e-3)


@pytest.mark.parametrize('seed', SEEDS)
def test_map_pixels_match_the_map_geometry_under_augmentation(datasets, nusc_fixture, seed):
    """Pixel centres clearly inside (or outside) a map polygon carry 1 (or 0), checked with shapely."""
    packed = _augmented(datasets[1], 1, seed)
    meta = packed['data_samples'].metainfo
    augmented2global = meta['ego2global'] @ meta['lidar2ego'] @ np.linalg.inv(meta['lidar_aug_matrix'])
    centres = BEVGrid().pixel_centres().reshape(-1, 2)
    world_xy = apply(augmented2global, np.c_[centres, np.zeros(len(centres))])[:, :2]
    mask = packed['data_samples'].gt_map_bev.numpy().reshape(6, -1)
    # stop_line (1 m wide) has no pixel 1 m clear of its border, so it is left to the rasterizer test
    for channel, layer in ((0, 'drivable_area'), (1, 'ped_crossing'), (2, 'walkway'), (4, 'carpark_area')):
        polygons = [Polygon(corners) for corners in nusc_fixture.map_polygons[layer]]
        points = shapely.points(world_xy)
        distance = np.min([shapely.distance(polygon.exterior, points) for polygon in polygons], axis=0)
        inside = np.any([shapely.contains_xy(polygon, world_xy[:, 0], world_xy[:, 1]) for polygon in polygons], axis=0)
        clear = distance > 1.0  # rasterising and resampling each move borders by up to a pixel (0.5 m)
        np.testing.assert_array_equal(mask[channel][clear], inside[clear].astype(np.uint8), err_msg=layer)
        assert inside[clear].any(), layer


@pytest.mark.parametrize('seed', SEEDS)
def test_occupancy_stays_in_the_ego_frame_under_augmentation(datasets, seed):
    """BEV augmentation leaves the Occ3D labels untouched; an augmented box centre carried back to the ego
    frame (through lidar_aug_matrix and lidar2ego, as the occupancy head does) lands on a voxel of its class."""
    packed = _augmented(datasets[1], 2, seed)
    sample = packed['data_samples']
    plain = datasets[0][2]['data_samples']
    np.testing.assert_array_equal(sample.gt_occupancy.numpy(), plain.gt_occupancy.numpy())
    np.testing.assert_array_equal(sample.gt_occupancy_mask.numpy(), plain.gt_occupancy_mask.numpy())
    occupancy = sample.gt_occupancy.numpy()
    augmented2ego = sample.metainfo['lidar2ego'] @ np.linalg.inv(sample.metainfo['lidar_aug_matrix'])
    boxes = sample.gt_instances_3d.bboxes_3d
    for centre, label in zip(boxes.gravity_center.numpy(), sample.gt_instances_3d.labels_3d.tolist()):
        i, j, k = OccupancyGrid().voxel_index(apply(augmented2ego, centre[None]))[0]
        assert occupancy[i, j, k] == OCC3D_BY_DETECTION_LABEL[label]


@pytest.mark.parametrize('seed', SEEDS)
def test_image_augmentation_moves_pixels_as_its_matrix_says(seed):
    np.random.seed(seed)
    image = np.zeros((90, 160, 3), np.uint8)
    dot_uv = np.array([110.0, 30.0])
    cv2.circle(image, tuple(int(v) for v in dot_uv), 2, (255, 255, 255), -1)
    aug = MultiViewImageAug(final_size=(64, 128), resize_range=(1.0, 1.2), bottom_crop_range=(0.0, 0.1),
                            rotate_range=(-10.0, 10.0), flip=True)
    results = aug.transform(dict(img=[image], img_aug_matrix=np.eye(4)[None]))
    matrix = results['img_aug_matrix'][0]
    expected = matrix[:2, :2] @ (dot_uv + 0.5) + matrix[:2, 3] - 0.5  # pixel centres at +0.5
    out = results['img'][0][..., 0].astype(float)
    rows, cols = np.nonzero(out > 0.5 * out.max())
    np.testing.assert_allclose([cols.mean(), rows.mean()], expected, atol=1.0)


@pytest.mark.parametrize('angle', [-0.7, 0.3, np.pi / 2])
def test_box_transform_agrees_with_mmdet3d_box_operations(angle):
    """Our single-matrix box transform equals mmdet3d's rotate / scale / translate / flip chain."""
    data = torch.tensor([[3.0, -4.0, -1.5, 4.5, 1.9, 1.6, 0.4, 2.0, -1.0],
                         [-10.0, 7.0, -1.0, 0.8, 0.7, 1.8, -2.0, 0.0, 0.5]])
    expected = LiDARInstance3DBoxes(data.clone(), box_dim=9)
    expected.rotate(angle)
    expected.scale(1.05)
    expected.translate(torch.tensor([0.3, -0.2, 0.1]))
    expected.flip('horizontal')  # mmdet3d's horizontal BEV flip negates y
    ours = transform_boxes(LiDARInstance3DBoxes(data.clone(), box_dim=9),
                           bev_similarity(angle, 1.05, (0.3, -0.2, 0.1), flip_x=False, flip_y=True))
    np.testing.assert_allclose(ours.tensor[:, :6], expected.tensor[:, :6], atol=1e-5)
    np.testing.assert_allclose(np.cos(ours.tensor[:, 6] - expected.tensor[:, 6]), 1.0, atol=1e-6)
    np.testing.assert_allclose(ours.tensor[:, 7:], expected.tensor[:, 7:], atol=1e-5)


def test_map_loader_refuses_augmentation_beyond_its_cached_raster(datasets):
    results = datasets[0].get_data_info(0)
    results['lidar_aug_matrix'] = bev_similarity(0.0, 1.0, (20.0, 0.0, 0.0), flip_x=False, flip_y=False)
    with pytest.raises(ValueError, match='raise cache_margin'):
        LoadBEVMapMask(cache_dir=None, cache_margin=5.0).transform(results)
