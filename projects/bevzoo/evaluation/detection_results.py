"""Predicted LiDAR-frame boxes -> records of the nuScenes devkit's result JSON, in the global frame.

The conversion is mmdet3d's (``NuScenesMetric``): gravity centre, size ``wlh``, yaw quaternion and
velocity (vx, vy, 0) in the LiDAR frame; rotated and moved into the ego frame; dropped beyond the
devkit's class range; moved into the global frame. mmdet3d's own helpers do the geometry.
"""
from typing import Dict, List, Sequence

import numpy as np
from mmdet3d.evaluation.metrics.nuscenes_metric import (NuScenesMetric, lidar_nusc_box_to_global,
                                                        output_to_nusc_box)
from nuscenes.eval.detection.data_classes import DetectionConfig

MOVING_SPEED = 0.2  # m/s; mmdet3d's threshold between the moving and the static attribute
_VEHICLES = ('car', 'construction_vehicle', 'bus', 'truck', 'trailer')
_CYCLES = ('bicycle', 'motorcycle')


def nuscenes_attribute(class_name: str, velocity_xy: Sequence[float]) -> str:
    """The attribute mmdet3d assigns a box of ``class_name`` moving at ``velocity_xy`` (m/s).

    Args:
        class_name: one of the 10 detection classes.
        velocity_xy: the box's (vx, vy).

    Returns:
        A devkit attribute name, or '' for barrier and traffic_cone.
    """
    moving = float(np.hypot(velocity_xy[0], velocity_xy[1])) > MOVING_SPEED
    if moving and class_name in _VEHICLES:
        return 'vehicle.moving'
    if moving and class_name in _CYCLES:
        return 'cycle.with_rider'
    if not moving and class_name == 'pedestrian':
        return 'pedestrian.standing'
    if not moving and class_name == 'bus':
        return 'vehicle.stopped'
    return NuScenesMetric.DefaultAttribute[class_name]


def devkit_records(predictions: Dict, sample_token: str, lidar2ego: np.ndarray, ego2global: np.ndarray,
                   class_names: Sequence[str], eval_config: DetectionConfig) -> List[Dict]:
    """Convert one sample's predicted boxes to devkit result records in the global frame.

    Args:
        predictions: ``bboxes_3d`` (``LiDARInstance3DBoxes`` with 9 values: x y z l w h yaw vx vy),
            ``scores_3d`` ``[N]`` and ``labels_3d`` ``[N]`` (indices into ``class_names``).
        sample_token: the nuScenes sample token.
        lidar2ego: ``[4, 4]`` LiDAR -> ego transform of the sample.
        ego2global: ``[4, 4]`` ego -> global transform of the sample.
        class_names: the detection classes in label order.
        eval_config: the devkit config whose ``class_range`` drops far boxes.

    Returns:
        One dict per kept box with sample_token, translation, size, rotation, velocity,
        detection_name, detection_score and attribute_name.
    """
    on_cpu = {key: predictions[key].to('cpu') for key in ('bboxes_3d', 'scores_3d', 'labels_3d')}
    if on_cpu['bboxes_3d'].tensor.shape[-1] != 9:
        raise ValueError(f'sample {sample_token}: predicted boxes need 9 values (x y z l w h yaw vx vy) for '
                         f'the devkit, got {on_cpu["bboxes_3d"].tensor.shape[-1]}')
    boxes, _ = output_to_nusc_box(on_cpu)
    calibration = dict(lidar_points=dict(lidar2ego=np.asarray(lidar2ego)), ego2global=np.asarray(ego2global))
    boxes = lidar_nusc_box_to_global(calibration, boxes, list(class_names), eval_config)
    records = []
    for box in boxes:
        name = class_names[box.label]
        records.append(dict(
            sample_token=sample_token,
            translation=[float(v) for v in box.center],
            size=[float(v) for v in box.wlh],
            rotation=[float(v) for v in box.orientation.elements],
            velocity=[float(v) for v in box.velocity[:2]],
            detection_name=name,
            detection_score=float(box.score),
            attribute_name=nuscenes_attribute(name, box.velocity[:2])))
    return records
