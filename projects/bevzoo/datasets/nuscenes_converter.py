"""Build mmdet3d 1.x ("v2") info files from any nuScenes-format root: real nuScenes or the built-in world.

The output is exactly what mmdet3d 1.4.0's ``NuScenesDataset`` reads (see docs/datasets.md), plus the keys
map and occupancy supervision need: ``scene_name``, ``map_location`` and ``occ_path``.
"""
import os
import os.path as osp
from typing import Dict, List, Optional, Tuple

import mmengine
import numpy as np
from nuscenes import NuScenes
from nuscenes.eval.detection.utils import category_to_detection_name
from nuscenes.utils.splits import create_splits_scenes

from .constants import (CAMERA_NAMES, DETECTION_CLASSES, INFO_FILE_TEMPLATE, INFO_VERSION, LIDAR_NAME,
                        SPLITS_BY_VERSION)
from .geometry import pose_matrix, to_float32_list, yaw_of
from .table_integrity import find_dangling_reference

NUM_POINT_FEATURES = 5  # x y z intensity ring
OCC_PATH_TEMPLATE = 'gts/{scene_name}/{sample_token}/labels.npz'


class NuScenesInfoBuilder:
    """Turns the samples of a loaded ``NuScenes`` database into v2 info dicts.

    Args:
        nusc: The devkit database.
        max_sweeps: How many previous LiDAR sweeps to list per keyframe (newest first).
        check_files: Raise ``FileNotFoundError`` when a keyframe's LiDAR or camera file is missing.
    """

    def __init__(self, nusc: NuScenes, max_sweeps: int = 10, check_files: bool = True) -> None:
        self.nusc = nusc
        self.max_sweeps = max_sweeps
        self.check_files = check_files

    def sample_tokens(self, scene_names: set) -> List[str]:
        """Keyframe tokens of the named scenes, scene by scene in time order."""
        tokens = []
        for scene in self.nusc.scene:
            if scene['name'] not in scene_names:
                continue
            token = scene['first_sample_token']
            while token:
                tokens.append(token)
                token = self.nusc.get('sample', token)['next']
        return tokens

    def build(self, sample_token: str, sample_idx: int) -> dict:
        """The v2 info dict of one keyframe (matrices as float32 nested lists, times in seconds)."""
        sample = self.nusc.get('sample', sample_token)
        lidar_sd = self.nusc.get('sample_data', sample['data'][LIDAR_NAME])
        lidar2ego, ego2global = self._sensor_poses(lidar_sd)
        lidar2global = ego2global @ lidar2ego
        global2lidar = np.linalg.inv(lidar2global)
        scene = self.nusc.get('scene', sample['scene_token'])
        log = self.nusc.get('log', scene['log_token'])
        return dict(
            sample_idx=sample_idx,
            token=sample_token,
            timestamp=sample['timestamp'] / 1e6,
            ego2global=to_float32_list(ego2global),
            lidar_points=dict(
                num_pts_feats=NUM_POINT_FEATURES,
                lidar_path=osp.basename(self._checked_path(lidar_sd)),
                lidar2ego=to_float32_list(lidar2ego)),
            lidar_sweeps=self._lidar_sweeps(lidar_sd, lidar2global),
            images={cam: self._camera_info(sample['data'][cam], lidar2global) for cam in CAMERA_NAMES},
            instances=[self._instance(token, global2lidar) for token in sample['anns']],
            scene_name=scene['name'],
            map_location=log['location'],
            occ_path=OCC_PATH_TEMPLATE.format(scene_name=scene['name'], sample_token=sample_token),
            prev=sample['prev'],
            next=sample['next'],
        )

    def _sensor_poses(self, sample_data: dict) -> Tuple[np.ndarray, np.ndarray]:
        calib = self.nusc.get('calibrated_sensor', sample_data['calibrated_sensor_token'])
        ego = self.nusc.get('ego_pose', sample_data['ego_pose_token'])
        return (pose_matrix(calib['translation'], calib['rotation']),
                pose_matrix(ego['translation'], ego['rotation']))

    def _checked_path(self, sample_data: dict) -> str:
        path = osp.join(self.nusc.dataroot, sample_data['filename'])
        if self.check_files and not osp.isfile(path):
            raise FileNotFoundError(
                f'{path} (sample_data {sample_data["token"]}) is missing: the sensor blobs of this nuScenes '
                'root are incomplete. Extract all of them, or pass --skip-file-check to list it anyway.')
        return sample_data['filename']

    def _lidar_sweeps(self, keyframe_sd: dict, lidar2global: np.ndarray) -> List[dict]:
        """Previous LiDAR sweeps, newest first; ``lidar2sensor`` maps keyframe-LiDAR points into the sweep
        sensor frame through both ego poses (the inverse of sweep -> ego(t_s) -> global -> keyframe)."""
        sweeps = []
        sweep_sd = keyframe_sd
        while sweep_sd['prev'] and len(sweeps) < self.max_sweeps:
            sweep_sd = self.nusc.get('sample_data', sweep_sd['prev'])
            sensor2ego, ego2global = self._sensor_poses(sweep_sd)
            lidar2sensor = np.linalg.inv(ego2global @ sensor2ego) @ lidar2global
            sweeps.append(dict(
                timestamp=sweep_sd['timestamp'] / 1e6,
                ego2global=to_float32_list(ego2global),
                sample_data_token=sweep_sd['token'],
                lidar_points=dict(
                    lidar_path=sweep_sd['filename'],  # keeps 'samples/' or 'sweeps/' for mmdet3d's prefixing
                    lidar2ego=to_float32_list(sensor2ego),
                    lidar2sensor=to_float32_list(lidar2sensor),
                    num_pts_feats=NUM_POINT_FEATURES)))
        return sweeps

    def _camera_info(self, cam_sd_token: str, lidar2global: np.ndarray) -> dict:
        """One camera; ``lidar2cam`` includes the ego motion between the LiDAR and camera timestamps."""
        cam_sd = self.nusc.get('sample_data', cam_sd_token)
        calib = self.nusc.get('calibrated_sensor', cam_sd['calibrated_sensor_token'])
        cam2ego, ego2global = self._sensor_poses(cam_sd)
        lidar2cam = np.linalg.inv(ego2global @ cam2ego) @ lidar2global
        return dict(
            img_path=osp.basename(self._checked_path(cam_sd)),
            cam2img=np.asarray(calib['camera_intrinsic'], dtype=np.float32).tolist(),
            cam2ego=to_float32_list(cam2ego),
            sample_data_token=cam_sd_token,
            timestamp=cam_sd['timestamp'] / 1e6,
            lidar2cam=to_float32_list(lidar2cam))

    def _instance(self, ann_token: str, global2lidar: np.ndarray) -> dict:
        """One annotation as a LiDAR-frame box ``[x, y, z, l, w, h, yaw]`` (geometric centre, yaw from +x
        towards +y) with its velocity rotated into the LiDAR frame (NaN when the devkit cannot tell)."""
        ann = self.nusc.get('sample_annotation', ann_token)
        box = self.nusc.get_box(ann_token)
        centre = global2lidar[:3, :3] @ box.center + global2lidar[:3, 3]
        box_rotation = global2lidar[:3, :3] @ box.orientation.rotation_matrix
        width, length, height = box.wlh
        velocity = global2lidar[:3, :3] @ np.append(self.nusc.box_velocity(ann_token)[:2], 0.0)
        detection_name = category_to_detection_name(ann['category_name'])
        label = DETECTION_CLASSES.index(detection_name) if detection_name in DETECTION_CLASSES else -1
        return dict(
            bbox_3d=[float(v) for v in (*centre, length, width, height, yaw_of(box_rotation))],
            bbox_label=label,
            bbox_label_3d=label,
            velocity=[float(velocity[0]), float(velocity[1])],
            num_lidar_pts=int(ann['num_lidar_pts']),
            num_radar_pts=int(ann['num_radar_pts']),
            bbox_3d_isvalid=bool(ann['num_lidar_pts'] + ann['num_radar_pts'] > 0),
            instance_token=ann['instance_token'])


def load_nuscenes(root: str, version: str) -> NuScenes:
    """Load the devkit database, reporting a broken table reference by file and record."""
    table_root = osp.join(root, version)
    if not osp.isdir(table_root):
        found = sorted(d for d in os.listdir(root) if d.startswith('v1.0')) if osp.isdir(root) else []
        raise FileNotFoundError(f'{table_root} does not exist: {root!r} has no tables for version {version!r} '
                                f'(versions found there: {found}).')
    try:
        return NuScenes(version=version, dataroot=root, verbose=False)
    except KeyError as err:
        raise (find_dangling_reference(table_root) or err) from err


def info_metainfo(version: str) -> dict:
    """The ``metainfo`` block mmdet3d's info files carry."""
    categories = {name: index for index, name in enumerate(DETECTION_CLASSES)}
    return dict(categories=categories, dataset='nuscenes', version=version, info_version=INFO_VERSION)


def scenes_outside_splits(nusc: NuScenes, version: str) -> List[str]:
    """Names of scenes that no split of ``version`` lists (they get no info entry)."""
    listed = set()
    for devkit_split in SPLITS_BY_VERSION[version]:
        listed.update(create_splits_scenes()[devkit_split])
    return [scene['name'] for scene in nusc.scene if scene['name'] not in listed]


def create_infos(root: str, version: str = 'v1.0-trainval', out_dir: Optional[str] = None,
                 max_sweeps: int = 10, check_files: bool = True) -> Dict[str, str]:
    """Write one info pickle per devkit split of ``version``.

    Args:
        root: nuScenes-format data root (tables under ``<root>/<version>/``).
        version: Table version; decides the splits (``SPLITS_BY_VERSION``).
        out_dir: Where to write ``bevzoo_infos_<split>.pkl``; defaults to ``root``.
        max_sweeps: Previous LiDAR sweeps listed per keyframe.
        check_files: Fail on missing keyframe sensor files.

    Returns:
        dict: split suffix (``train``/``val``/``test``) -> written path.
    """
    if version not in SPLITS_BY_VERSION:
        raise ValueError(f'version {version!r} is not one of {sorted(SPLITS_BY_VERSION)}')
    nusc = load_nuscenes(root, version)
    unlisted = scenes_outside_splits(nusc, version)
    if unlisted:
        print(f'warning: {len(unlisted)} scenes are in no {version} split and get no info entry: '
              f'{unlisted[:5]}...')
    builder = NuScenesInfoBuilder(nusc, max_sweeps=max_sweeps, check_files=check_files)
    scene_splits = create_splits_scenes()
    written = {}
    for devkit_split, suffix in SPLITS_BY_VERSION[version].items():
        tokens = builder.sample_tokens(set(scene_splits[devkit_split]))
        try:
            data_list = [builder.build(token, idx)
                         for idx, token in enumerate(mmengine.track_iter_progress(tokens))] if tokens else []
        except KeyError as err:
            raise (find_dangling_reference(osp.join(root, version)) or err) from err
        path = osp.join(out_dir or root, INFO_FILE_TEMPLATE.format(split=suffix))
        mmengine.dump(dict(metainfo=info_metainfo(version), data_list=data_list), path)
        written[suffix] = path
        print(f'{devkit_split}: {len(data_list)} samples -> {path}')
    return written
