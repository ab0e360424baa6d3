"""LiDAR, cameras, annotations and occupancy describe the same scene."""
import os

import cv2
import numpy as np
import pytest
from nuscenes import NuScenes
from nuscenes.utils.data_classes import LidarPointCloud
from nuscenes.utils.geometry_utils import points_in_box, transform_matrix, view_points
from pyquaternion import Quaternion

from bevzoo.world.taxonomy import CATEGORY_TO_OCC, OCC

CAMERAS = ('CAM_FRONT', 'CAM_FRONT_RIGHT', 'CAM_FRONT_LEFT', 'CAM_BACK', 'CAM_BACK_LEFT', 'CAM_BACK_RIGHT')


@pytest.fixture(scope='module')
def nusc(tiny_world):
    root, version = tiny_world
    return NuScenes(version, root, verbose=False)


def _sensor_to_global(nusc, sample_data_token: str) -> np.ndarray:
    data = nusc.get('sample_data', sample_data_token)
    calib = nusc.get('calibrated_sensor', data['calibrated_sensor_token'])
    pose = nusc.get('ego_pose', data['ego_pose_token'])
    return transform_matrix(pose['translation'], Quaternion(pose['rotation'])) @ transform_matrix(
        calib['translation'], Quaternion(calib['rotation']))


def _global_points(nusc, sample) -> np.ndarray:
    lidar = nusc.get('sample_data', sample['data']['LIDAR_TOP'])
    cloud = LidarPointCloud.from_file(os.path.join(nusc.dataroot, lidar['filename']))
    cloud.transform(_sensor_to_global(nusc, sample['data']['LIDAR_TOP']))
    return cloud.points[:3]


def test_points_of_a_box_project_inside_it_in_every_camera_that_sees_it(nusc):
    checked = 0
    for sample in nusc.sample[:4]:
        points = _global_points(nusc, sample)
        for ann_token in sample['anns']:
            box = nusc.get_box(ann_token)
            inside = points[:, points_in_box(box, points, wlh_factor=1.05)]
            if inside.shape[1] < 10:
                continue
            for camera in CAMERAS:
                data = nusc.get('sample_data', sample['data'][camera])
                calib = nusc.get('calibrated_sensor', data['calibrated_sensor_token'])
                to_camera = np.linalg.inv(_sensor_to_global(nusc, sample['data'][camera]))
                corners = to_camera[:3, :3] @ box.corners() + to_camera[:3, 3:]
                local = to_camera[:3, :3] @ inside + to_camera[:3, 3:]
                if (corners[2] < 0.5).any():
                    continue  # box partly behind this camera
                uv_box = view_points(corners, np.array(calib['camera_intrinsic']), normalize=True)[:2]
                uv = view_points(local, np.array(calib['camera_intrinsic']), normalize=True)[:2]
                if uv_box[0].max() < 0 or uv_box[0].min() > data['width'] or uv_box[1].min() > data['height']:
                    continue  # not seen by this camera
                hull = cv2.convexHull(uv_box.T.astype(np.float32))
                inside_hull = [cv2.pointPolygonTest(hull, (float(u), float(v)), True) > -1.0 for u, v in uv.T]
                assert np.mean(inside_hull) > 0.98, (ann_token, camera)
                checked += 1
    assert checked >= 10


def test_annotated_point_counts_match_the_points_in_the_boxes(nusc):
    sample = nusc.sample[0]
    points = _global_points(nusc, sample)
    for ann_token in sample['anns']:
        ann = nusc.get('sample_annotation', ann_token)
        counted = points_in_box(nusc.get_box(ann_token), points, wlh_factor=1.1).sum()
        # Rendered points carry 2 cm range noise, so a few may fall just outside an exact box.
        assert counted >= 0.9 * ann['num_lidar_pts'] - 2


def test_occupancy_agrees_with_the_boxes(nusc, tiny_world):
    root, _ = tiny_world
    checked = 0
    for sample in nusc.sample:
        scene = nusc.get('scene', sample['scene_token'])
        labels = np.load(os.path.join(root, 'gts', scene['name'], sample['token'], 'labels.npz'))
        semantics = labels['semantics']
        assert semantics.shape == labels['mask_camera'].shape == labels['mask_lidar'].shape == (200, 200, 16)
        assert semantics.dtype == np.uint8 and semantics.max() <= OCC['free']
        lidar = nusc.get('sample_data', sample['data']['LIDAR_TOP'])
        pose = nusc.get('ego_pose', lidar['ego_pose_token'])
        to_ego = np.linalg.inv(transform_matrix(pose['translation'], Quaternion(pose['rotation'])))
        for ann_token in sample['anns']:
            ann = nusc.get('sample_annotation', ann_token)
            center = to_ego[:3, :3] @ np.array(ann['translation']) + to_ego[:3, 3]
            index = np.floor((center - np.array([-40.0, -40.0, -1.0])) / 0.4).astype(int)
            if (index < 0).any() or (index >= np.array([200, 200, 16])).any():
                continue
            expected = CATEGORY_TO_OCC[ann['category_name']]
            window = semantics[max(index[0] - 1, 0):index[0] + 2, max(index[1] - 1, 0):index[1] + 2, index[2]]
            assert expected in window, (ann['category_name'], ann_token)
            checked += 1
        # The camera mask sees free space and surfaces, never only one of them.
        seen = semantics[labels['mask_camera'].astype(bool)]
        assert (seen == OCC['free']).any() and (seen != OCC['free']).any()
    assert checked >= 50
