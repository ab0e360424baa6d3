"""Statistics of a nuScenes-format dataset read straight from its tables and files (the world's or a real
one): objects near the ego per keyframe, class and attribute frequencies, LiDAR density by range."""
import json
import os
from collections import Counter
from dataclasses import dataclass

import numpy as np

# Detection class of each category (nuScenes' mapping; other categories are not detection classes).
_DETECTION_CLASS = {
    'vehicle.car': 'car', 'vehicle.truck': 'truck', 'vehicle.construction': 'construction_vehicle',
    'vehicle.bus.bendy': 'bus', 'vehicle.bus.rigid': 'bus', 'vehicle.trailer': 'trailer',
    'movable_object.barrier': 'barrier', 'vehicle.motorcycle': 'motorcycle', 'vehicle.bicycle': 'bicycle',
    'human.pedestrian.adult': 'pedestrian', 'human.pedestrian.child': 'pedestrian',
    'human.pedestrian.construction_worker': 'pedestrian', 'human.pedestrian.police_officer': 'pedestrian',
    'movable_object.trafficcone': 'traffic_cone',
}
RANGE_BANDS = (0, 10, 20, 30, 40, 50, 70)


@dataclass
class WorldStatistics:
    """Measured statistics.

    Attributes:
        scenes, keyframes, sweeps: Counts (sweeps = non-keyframe LiDAR sample_data).
        objects_within_50m: Mean annotations of the 10 detection classes within 50 m of the ego per keyframe.
        objects_within_50m_with_points: The same, counting only boxes with at least one LiDAR point.
        class_counts: Annotations per detection class.
        attribute_counts: Annotations per attribute name ('' for none).
        visibility_counts: Annotations per visibility level token.
        points_per_keyframe, points_per_sweep: Mean LiDAR points per file.
        points_per_m2_by_range: Mean keyframe point density (points / m^2) per horizontal range band.
        megabytes: Size of the dataset root on disk.
    """
    scenes: int
    keyframes: int
    sweeps: int
    objects_within_50m: float
    objects_within_50m_with_points: float
    class_counts: dict
    attribute_counts: dict
    visibility_counts: dict
    points_per_keyframe: float
    points_per_sweep: float
    points_per_m2_by_range: dict
    megabytes: float


def _load(dataroot: str, version: str, table: str) -> list:
    path = os.path.join(dataroot, version, f'{table}.json')
    if not os.path.isfile(path):
        raise FileNotFoundError(f'table {table!r} not found: {path}')
    with open(path) as f:
        return json.load(f)


def _folder_megabytes(root: str) -> float:
    total = 0
    for folder, _, files in os.walk(root):
        total += sum(os.path.getsize(os.path.join(folder, name)) for name in files)
    return total / 2 ** 20


def _density_by_range(dataroot: str, lidar_files: list) -> dict:
    counts = np.zeros(len(RANGE_BANDS) - 1)
    for filename in lidar_files:
        points = np.fromfile(os.path.join(dataroot, filename), np.float32).reshape(-1, 5)
        counts += np.histogram(np.hypot(points[:, 0], points[:, 1]), bins=RANGE_BANDS)[0]
    areas = np.pi * np.diff(np.square(RANGE_BANDS))
    density = counts / max(len(lidar_files), 1) / areas
    return {f'{lo}-{hi} m': float(d) for lo, hi, d in zip(RANGE_BANDS[:-1], RANGE_BANDS[1:], density)}


def world_statistics(dataroot: str, version: str, density_samples: int = 40) -> WorldStatistics:
    """Measure a dataset.

    Args:
        dataroot: Dataset root.
        version: Table folder (e.g. 'v1.0-trainval').
        density_samples: Keyframe LiDAR files (evenly spaced) used for the density by range.

    Returns:
        `WorldStatistics`.
    """
    tables = {name: _load(dataroot, version, name) for name in
              ('scene', 'sample', 'sample_data', 'ego_pose', 'sample_annotation', 'instance', 'category',
               'attribute')}
    category = {c['token']: c['name'] for c in tables['category']}
    instance_category = {i['token']: category[i['category_token']] for i in tables['instance']}
    attribute = {a['token']: a['name'] for a in tables['attribute']}
    pose = {p['token']: np.array(p['translation'][:2]) for p in tables['ego_pose']}
    lidar = [sd for sd in tables['sample_data'] if '__LIDAR_TOP__' in sd['filename']]
    keyframe_lidar = [sd for sd in lidar if sd['is_key_frame']]
    ego_at_sample = {sd['sample_token']: pose[sd['ego_pose_token']] for sd in keyframe_lidar}

    near, near_with_points = Counter(), Counter()
    classes, attributes, visibility = Counter(), Counter(), Counter()
    for ann in tables['sample_annotation']:
        name = _DETECTION_CLASS.get(instance_category[ann['instance_token']])
        attributes[attribute[ann['attribute_tokens'][0]] if ann['attribute_tokens'] else ''] += 1
        visibility[ann['visibility_token']] += 1
        if name is None:
            continue
        classes[name] += 1
        if np.linalg.norm(np.array(ann['translation'][:2]) - ego_at_sample[ann['sample_token']]) < 50:
            near[ann['sample_token']] += 1
            near_with_points[ann['sample_token']] += ann['num_lidar_pts'] > 0

    def mean_points(records: list) -> float:
        sizes = [os.path.getsize(os.path.join(dataroot, sd['filename'])) for sd in records]
        return float(np.mean(sizes) / 20) if sizes else 0.0

    samples = len(tables['sample'])
    step = max(1, len(keyframe_lidar) // max(density_samples, 1))
    return WorldStatistics(
        scenes=len(tables['scene']), keyframes=samples, sweeps=len(lidar) - len(keyframe_lidar),
        objects_within_50m=sum(near.values()) / max(samples, 1),
        objects_within_50m_with_points=sum(near_with_points.values()) / max(samples, 1),
        class_counts=dict(classes.most_common()), attribute_counts=dict(attributes.most_common()),
        visibility_counts=dict(sorted(visibility.items())),
        points_per_keyframe=mean_points(keyframe_lidar),
        points_per_sweep=mean_points([sd for sd in lidar if not sd['is_key_frame']]),
        points_per_m2_by_range=_density_by_range(dataroot, [sd['filename'] for sd in keyframe_lidar[::step]]),
        megabytes=_folder_megabytes(dataroot))
