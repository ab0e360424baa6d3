"""The converter writes mmdet3d 1.4.0's v2 info format from a real-nuScenes-layout root."""
import os.path as osp

import mmengine
import numpy as np
import pytest
from mmdet3d.datasets import NuScenesDataset
from mmdet3d.datasets.transforms import LoadPointsFromMultiSweeps

from bevzoo.datasets.constants import CAMERA_NAMES, DETECTION_CLASSES
from bevzoo.datasets.transforms import LoadLidarPoints, LoadLidarSweeps

from . import nuscenes_fixture as fx
from .geometry_checks import apply, points_in_box
from .pipelines import DATA_PREFIX


def _infos(fixture, split):
    return mmengine.load(fixture.info_paths[split])


def _true_pose(scene_name, offset_us):
    start = dict(fx.SCENES)[scene_name]
    return fx.ego_pose(start, offset_us / 1e6)


def _lidar2ego():
    return fx.pose_matrix_of(*fx.LIDAR_CALIB)


def test_splits_follow_devkit_scene_lists(nusc_fixture):
    train, val = _infos(nusc_fixture, 'train'), _infos(nusc_fixture, 'val')
    assert {info['scene_name'] for info in train['data_list']} == {'scene-0001'}
    assert {info['scene_name'] for info in val['data_list']} == {'scene-0003'}
    assert [info['token'] for info in train['data_list']] == nusc_fixture.sample_tokens['scene-0001']
    assert train['metainfo'] == dict(categories={name: i for i, name in enumerate(DETECTION_CLASSES)},
                                     dataset='nuscenes', version='v1.0-trainval', info_version='1.1')


def test_infos_load_in_mmdet3d_nuscenes_dataset(nusc_fixture):
    dataset = NuScenesDataset(data_root=nusc_fixture.root, ann_file='bevzoo_infos_train.pkl',
                              data_prefix=DATA_PREFIX, modality=dict(use_lidar=True, use_camera=True))
    assert len(dataset) == fx.NUM_KEYFRAMES
    info = dataset.get_data_info(0)
    # 6 annotations; the far car has no LiDAR points and is dropped, the animal stays with label -1.
    assert sorted(info['ann_info']['gt_labels_3d'].tolist()) == [-1, 0, 1, 7, 9]
    assert info['ann_info']['gt_bboxes_3d'].tensor.shape == (5, 9)
    assert list(info['images']) == list(CAMERA_NAMES)


def test_sample_fields_and_sweep_chain(nusc_fixture):
    data_list = _infos(nusc_fixture, 'train')['data_list']
    assert [len(info['lidar_sweeps']) for info in data_list] == [0, 2, 4]
    info = data_list[2]
    assert info['lidar_sweeps'][0]['lidar_points']['lidar_path'].startswith('sweeps/LIDAR_TOP/')
    assert info['lidar_sweeps'][1]['lidar_points']['lidar_path'].startswith('samples/LIDAR_TOP/')
    assert [s['timestamp'] for s in info['lidar_sweeps']] == sorted((s['timestamp'] for s in info['lidar_sweeps']),
                                                                    reverse=True)
    assert info['occ_path'] == f'gts/scene-0001/{info["token"]}/labels.npz'
    assert info['map_location'] == fx.MAP_NAME
    assert np.asarray(info['ego2global']).shape == (4, 4)
    for camera in info['images'].values():
        assert set(camera) == {'img_path', 'cam2img', 'cam2ego', 'sample_data_token', 'timestamp', 'lidar2cam'}
        assert np.asarray(camera['cam2img']).shape == (3, 3)
    instance = info['instances'][0]
    assert {'bbox_3d', 'bbox_label', 'bbox_label_3d', 'velocity', 'num_lidar_pts', 'num_radar_pts',
            'bbox_3d_isvalid'} <= set(instance)


def test_boxes_and_velocities_are_in_the_lidar_frame(nusc_fixture):
    start = dict(fx.SCENES)['scene-0001']
    for k, info in enumerate(_infos(nusc_fixture, 'train')['data_list']):
        t = k * fx.KEYFRAME_PERIOD_US / 1e6
        global2lidar = np.linalg.inv(fx.ego_pose(start, t) @ _lidar2ego())
        for obj, instance in zip(fx.OBJECTS, info['instances']):
            centre, yaw = fx.object_state(start, obj, t)
            box = np.asarray(instance['bbox_3d'])
            np.testing.assert_allclose(box[:3], apply(global2lidar, centre[None])[0], atol=1e-4)
            np.testing.assert_allclose(box[3:6], np.asarray(obj.size_wlh)[[1, 0, 2]], atol=1e-6)
            heading = global2lidar[:3, :3] @ [np.cos(yaw), np.sin(yaw), 0]
            assert np.isclose(np.cos(box[6] - np.arctan2(heading[1], heading[0])), 1.0, atol=1e-8)
            velocity = global2lidar[:3, :3] @ (obj.speed * np.array([np.cos(yaw), np.sin(yaw), 0]))
            np.testing.assert_allclose(instance['velocity'], velocity[:2], atol=1e-4)
            assert instance['bbox_3d_isvalid'] == (instance['num_lidar_pts'] > 0)


def test_lidar2cam_includes_ego_motion_between_sensor_times(nusc_fixture):
    info = _infos(nusc_fixture, 'train')['data_list'][1]
    keyframe_us = fx.KEYFRAME_PERIOD_US
    lidar2global = _true_pose('scene-0001', keyframe_us) @ _lidar2ego()
    for index, name in enumerate(CAMERA_NAMES):
        camera = info['images'][name]
        offset_us = keyframe_us + 20_000 + 8_000 * list(fx.CAMERA_YAWS_DEG).index(name)
        cam2global = _true_pose('scene-0001', offset_us) @ np.asarray(camera['cam2ego'])
        expected = np.linalg.inv(cam2global) @ lidar2global
        np.testing.assert_allclose(camera['lidar2cam'], expected, atol=1e-4)
        static = np.linalg.inv(np.asarray(camera['cam2ego'])) @ _lidar2ego()
        assert np.abs(np.asarray(camera['lidar2cam'])[:3, 3] - static[:3, 3]).max() > 0.1


def _static_truck_box(info) -> np.ndarray:
    box = np.asarray(info['instances'][1]['bbox_3d'])  # the parked truck
    return np.r_[box[:2], box[2] - box[5] / 2, box[3:]]  # geometric -> bottom centre


@pytest.mark.parametrize('loader, fixed', [(LoadLidarSweeps, True), (LoadPointsFromMultiSweeps, False)])
def test_sweep_points_of_a_parked_truck_land_in_its_keyframe_box(nusc_fixture, loader, fixed):
    """Each of the 4 sweeps holds 60 truck points; the ego turns 0.2 rad/s at 6 m/s between sweeps."""
    info = _infos(nusc_fixture, 'train')['data_list'][2]
    root = nusc_fixture.root
    sweeps = [dict(sweep, lidar_points=dict(sweep['lidar_points'],
                                            lidar_path=osp.join(root, sweep['lidar_points']['lidar_path'])))
              for sweep in info['lidar_sweeps']]
    results = dict(lidar_points=dict(lidar_path=f'{root}/samples/LIDAR_TOP/{info["lidar_points"]["lidar_path"]}'),
                   timestamp=info['timestamp'], lidar_sweeps=sweeps)
    results = LoadLidarPoints(coord_type='LIDAR', load_dim=5, use_dim=5).transform(results)
    points = loader(sweeps_num=10, load_dim=5, use_dim=5, test_mode=True).transform(results)['points'].numpy()
    sweep_points = points[points[:, 4] > 0]
    inside = points_in_box(sweep_points[:, :3], _static_truck_box(info), margin=0.01).sum()
    if fixed:
        assert inside == 4 * 60
    else:  # mmdet3d's loader, for comparison: its sweep translation is off by (R^T - I) t, 1.2 m at 1 s
        assert inside < 4 * 60 - 30
