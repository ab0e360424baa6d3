"""A hand-made nuScenes v1.0-mini database: one mini_val scene, two samples, three annotated objects.

Poses are non-trivial (ego yaw 0.7 rad, LiDAR mounted at -90 degrees like nuScenes' LIDAR_TOP) so a
wrong frame conversion changes the scores. Written with plain json, independent of bevzoo's world.
"""
import json
import os
import os.path as osp
from typing import Dict, List

import cv2
import numpy as np
from pyquaternion import Quaternion

VERSION = 'v1.0-mini'
EVAL_SET = 'mini_val'
SCENE_NAME = 'scene-0103'  # in the devkit's mini_val split
EGO_YAW, EGO_TRANSLATION = 0.7, np.array([400.0, 1100.0, 0.0])
LIDAR_YAW, LIDAR_TRANSLATION = -np.pi / 2, np.array([0.9, 0.0, 1.8])
SAMPLE_TOKENS = ('sample0', 'sample1')
SAMPLE_TIMES_US = (1_000_000, 1_500_000)
# Objects in the ego frame per sample: (instance, category, attribute, centre xyz, wlh, yaw); the car moves 4 m/s.
OBJECTS = (
    ('car0', 'vehicle.car', 'vehicle.moving', [(10.0, 2.0, 0.9), (12.0, 2.0, 0.9)], (1.9, 4.5, 1.6), 0.0),
    ('ped0', 'human.pedestrian.adult', 'pedestrian.standing', [(6.0, -4.0, 0.9)] * 2, (0.7, 0.7, 1.8), 1.0),
    ('bar0', 'movable_object.barrier', None, [(-8.0, 5.0, 0.5)] * 2, (2.0, 0.4, 1.0), 0.3),
)


def yaw_quaternion(yaw: float) -> Quaternion:
    return Quaternion(axis=[0, 0, 1], radians=yaw)


def pose_matrix(yaw: float, translation: np.ndarray) -> np.ndarray:
    matrix = np.eye(4)
    matrix[:3, :3] = yaw_quaternion(yaw).rotation_matrix
    matrix[:3, 3] = translation
    return matrix


def ego_to_global(point) -> List[float]:
    return list(yaw_quaternion(EGO_YAW).rotate(np.asarray(point)) + EGO_TRANSLATION)


def _annotation_rows() -> List[Dict]:
    rows = []
    for instance, _, attribute, centres, wlh, yaw in OBJECTS:
        for index, (sample, centre) in enumerate(zip(SAMPLE_TOKENS, centres)):
            rows.append(dict(
                token=f'{instance}_{index}', sample_token=sample, instance_token=instance, visibility_token='4',
                attribute_tokens=[attribute] if attribute else [], translation=ego_to_global(centre),
                size=list(wlh), rotation=list(yaw_quaternion(EGO_YAW + yaw).elements),
                prev=f'{instance}_{index - 1}' if index else '', next=f'{instance}_{index + 1}' if index == 0 else '',
                num_lidar_pts=20, num_radar_pts=0))
    return rows


def write_database(root: str) -> None:
    """Write the 13 tables under ``root/v1.0-mini``."""
    lidar_rows = [dict(token=f'lidar{i}', sample_token=s, ego_pose_token=f'pose{i}', calibrated_sensor_token='cs_lidar',
                       filename=f'samples/LIDAR_TOP/{s}.bin', fileformat='pcd', width=0, height=0,
                       timestamp=t, is_key_frame=True, prev=f'lidar{i - 1}' if i else '',
                       next='lidar1' if i == 0 else '')
                  for i, (s, t) in enumerate(zip(SAMPLE_TOKENS, SAMPLE_TIMES_US))]
    tables = dict(
        category=[dict(token=name, name=name, description='') for _, name, *_ in OBJECTS],
        attribute=[dict(token=name, name=name, description='') for name in ('vehicle.moving', 'pedestrian.standing')],
        visibility=[dict(token='4', level='v80-100', description='')],
        instance=[dict(token=inst, category_token=cat, nbr_annotations=2, first_annotation_token=f'{inst}_0',
                       last_annotation_token=f'{inst}_1') for inst, cat, *_ in OBJECTS],
        sensor=[dict(token='lidar_sensor', channel='LIDAR_TOP', modality='lidar')],
        calibrated_sensor=[dict(token='cs_lidar', sensor_token='lidar_sensor', translation=list(LIDAR_TRANSLATION),
                                rotation=list(yaw_quaternion(LIDAR_YAW).elements), camera_intrinsic=[])],
        ego_pose=[dict(token=f'pose{i}', timestamp=t, translation=list(EGO_TRANSLATION),
                       rotation=list(yaw_quaternion(EGO_YAW).elements)) for i, t in enumerate(SAMPLE_TIMES_US)],
        log=[dict(token='log0', logfile='', vehicle='', date_captured='2018-01-01', location='singapore-onenorth')],
        scene=[dict(token='scene0', log_token='log0', nbr_samples=2, first_sample_token=SAMPLE_TOKENS[0],
                    last_sample_token=SAMPLE_TOKENS[1], name=SCENE_NAME, description='')],
        sample=[dict(token=s, timestamp=t, scene_token='scene0', prev=SAMPLE_TOKENS[i - 1] if i else '',
                     next=SAMPLE_TOKENS[1] if i == 0 else '')
                for i, (s, t) in enumerate(zip(SAMPLE_TOKENS, SAMPLE_TIMES_US))],
        sample_data=lidar_rows,
        sample_annotation=_annotation_rows(),
        map=[dict(token='map0', log_tokens=['log0'], category='semantic_prior', filename='maps/map0.png')],
    )
    os.makedirs(osp.join(root, VERSION), exist_ok=True)
    os.makedirs(osp.join(root, 'maps'), exist_ok=True)
    cv2.imwrite(osp.join(root, 'maps', 'map0.png'), np.zeros((4, 4), np.uint8))  # the devkit checks it exists
    for name, rows in tables.items():
        with open(osp.join(root, VERSION, f'{name}.json'), 'w') as stream:
            json.dump(rows, stream)
