"""Geometry of the view transforms: a camera feature seen at an object's pixel and depth lands in the object's
BEV cell, with and without image and BEV augmentation; the pooling index is cached while geometry is fixed."""
import math

import numpy as np
import pytest
import torch

from mmdet3d.registry import MODELS
from bevzoo.models.view_transforms import CameraGeometry, MissingCameraMetaError
from bevzoo.models.view_transforms.camera_geometry import lidar_to_pixels
from bevzoo.models.view_transforms.lidar_depth import rasterize_lidar_depth
from bevzoo.ops import bev_pool
from bevzoo.models.synthetic_inputs import camera_metainfo

IMAGE_SIZE = (24, 48)
CELL = 0.8
DBOUND = (1.0, 40.0, 0.5)
OBJECTS = [(10.0, 3.0, -0.5), (-14.0, -6.0, 0.3), (2.0, 17.0, -1.0), (-4.0, 12.0, 0.0)]


def image_augmentation() -> np.ndarray:
    """Resize by 0.9, crop (5, 3) pixels, flip horizontally: original pixel -> augmented pixel."""
    matrix = np.eye(4)
    matrix[0, 0], matrix[0, 3] = -0.9, IMAGE_SIZE[1] - 1 + 5
    matrix[1, 1], matrix[1, 3] = 0.9, -3
    return matrix


def bev_augmentation() -> np.ndarray:
    """Rotate by 0.3 rad, scale by 1.05, flip y, translate: LiDAR point -> augmented LiDAR point."""
    cos, sin = math.cos(0.3), math.sin(0.3)
    matrix = np.eye(4)
    matrix[:3, :3] = np.diag([1.0, -1.0, 1.0]) @ np.array([[cos, -sin, 0], [sin, cos, 0], [0, 0, 1]]) * 1.05
    matrix[:3, 3] = [0.5, -0.2, 0.1]
    return matrix


def geometry_of(augment: bool) -> CameraGeometry:
    meta = camera_metainfo(IMAGE_SIZE)
    if augment:
        meta['img_aug_matrix'] = np.stack([image_augmentation()] * 6)
        meta['lidar_aug_matrix'] = bev_augmentation()
    return CameraGeometry.from_metainfos([meta], torch.device('cpu'))


@pytest.fixture(scope='module')
def view_transform():
    return MODELS.build(dict(type='LSSTransform', in_channels=4, out_channels=1, image_size=IMAGE_SIZE,
                             feature_size=IMAGE_SIZE, xbound=[-25.6, 25.6, CELL], ybound=[-25.6, 25.6, CELL],
                             zbound=[-10.0, 10.0, 20.0], dbound=DBOUND)).eval()


def splat_single_feature(view_transform, geometry: CameraGeometry, point: torch.Tensor) -> tuple:
    """Pool a unit feature at the pixel and depth bin where ``point`` (augmented LiDAR frame) is seen."""
    uv, depth = lidar_to_pixels(point[None], geometry, 0)
    uv, depth = uv[:, 0], depth[:, 0]
    visible = (depth > DBOUND[0]) & (uv[:, 0] >= 0) & (uv[:, 0] <= IMAGE_SIZE[1] - 1) & \
        (uv[:, 1] >= 0) & (uv[:, 1] <= IMAGE_SIZE[0] - 1)
    assert visible.any(), 'test object outside every camera'
    cam = int(visible.nonzero()[0])
    col, row = int(uv[cam, 0].round()), int(uv[cam, 1].round())
    depth_bin = int(round((float(depth[cam]) - DBOUND[0]) / DBOUND[2]))
    depth_probs = torch.zeros(1, 6, view_transform.num_depth_bins, *IMAGE_SIZE)
    depth_probs[0, cam, depth_bin, row, col] = 1.0
    feats = torch.zeros(1, 6, *IMAGE_SIZE, 1)
    feats[0, cam, row, col] = 1.0
    bev = bev_pool(depth_probs, feats, view_transform.pool_index(geometry))[0, 0, 0]  # [Y, X]
    return bev, cam


@pytest.mark.parametrize('augment', [False, True], ids=['plain', 'augmented'])
@pytest.mark.parametrize('obj', OBJECTS)
def test_camera_feature_lands_in_object_bev_cell(view_transform, augment, obj):
    geometry = geometry_of(augment)
    point = geometry.lidar_aug[0, :3, :3] @ torch.tensor(obj) + geometry.lidar_aug[0, :3, 3]
    bev, _ = splat_single_feature(view_transform, geometry, point)
    cells = bev.nonzero()
    assert len(cells) == 1 and float(bev.sum()) == pytest.approx(1.0)
    expected = torch.floor((point[:2] + 25.6) / CELL).flip(0)  # (row = y, col = x)
    # one pixel and one depth bin of quantisation move the point by well under a cell
    assert (cells[0] - expected).abs().max() <= 1, (cells[0].tolist(), expected.tolist())


def test_lidar_depth_image_sees_the_object_at_its_depth():
    geometry = geometry_of(augment=True)
    point = geometry.lidar_aug[0, :3, :3] @ torch.tensor(OBJECTS[0]) + geometry.lidar_aug[0, :3, 3]
    depth_map = rasterize_lidar_depth([point[None]], geometry, IMAGE_SIZE)[0, :, 0]  # [N, H, W]
    uv, depth = lidar_to_pixels(point[None], geometry, 0)
    cam = int(depth_map.flatten(1).amax(1).argmax())
    row, col = (depth_map[cam] > 0).nonzero()[0].tolist()
    assert depth_map[cam, row, col] == pytest.approx(float(depth[cam, 0]))
    assert (col, row) == tuple(int(c) for c in uv[cam, 0].floor())


def test_pool_index_is_cached_until_the_geometry_changes(view_transform):
    cache = view_transform.index_cache
    cache.clear()
    misses, hits = cache.misses, cache.hits
    plain = geometry_of(augment=False)
    for _ in range(3):
        view_transform.pool_index(plain)
    view_transform.pool_index(geometry_of(augment=True))
    assert (cache.misses - misses, cache.hits - hits) == (2, 2)


def test_missing_augmentation_matrix_is_named():
    meta = camera_metainfo(IMAGE_SIZE)
    del meta['img_aug_matrix']
    with pytest.raises(MissingCameraMetaError, match="'img_aug_matrix'"):
        CameraGeometry.from_metainfos([meta], torch.device('cpu'))


def test_wrong_feature_shape_is_refused(view_transform):
    with pytest.raises(ValueError, match='expects image features'):
        view_transform(torch.zeros(1, 6, 4, 10, 10), geometry_of(augment=False))


def test_projection_undoes_bev_augmentation_and_applies_image_augmentation():
    geometry = geometry_of(augment=True)
    meta = camera_metainfo(IMAGE_SIZE)
    obj = np.array([*OBJECTS[0], 1.0])
    camera = meta['lidar2cam'][0] @ obj  # CAM_FRONT, unaugmented LiDAR point
    pixel = meta['cam2img'][0, :3, :3] @ camera[:3] / camera[2]
    expected = image_augmentation()[:2, :2] @ pixel[:2] + image_augmentation()[:2, 3]
    augmented_point = torch.from_numpy(bev_augmentation() @ obj).float()[:3]
    uv, depth = lidar_to_pixels(augmented_point[None], geometry, 0)
    assert uv[0, 0].tolist() == pytest.approx(expected.tolist(), abs=1e-3)
    assert float(depth[0, 0]) == pytest.approx(camera[2], abs=1e-4)
