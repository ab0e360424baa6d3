"""The whole chain on the built-in world: info converter -> LiDAR-frame boxes -> BEVZooMetric -> devkit.

Predicting the ground truth itself (the info file's LiDAR-frame boxes and velocities) must score
perfect localisation: every class present gets AP 1 and the translation, scale, orientation and
velocity errors vanish. A frame or convention mistake anywhere in the chain breaks that.
"""
import mmengine
import numpy as np
import pytest
import torch
from mmdet3d.structures import LiDARInstance3DBoxes
from nuscenes.eval.common.config import config_factory

from bevzoo.datasets.nuscenes_converter import create_infos
from bevzoo.evaluation import BEVZooMetric

CLASSES = ('car', 'truck', 'trailer', 'bus', 'construction_vehicle', 'bicycle', 'motorcycle', 'pedestrian',
           'traffic_cone', 'barrier')


def ground_truth_as_predictions(info: dict) -> dict:
    """The sample's scored ground truth (a detection class and at least one point) as model output."""
    kept = [inst for inst in info['instances']
            if inst['bbox_label_3d'] >= 0 and inst['num_lidar_pts'] + inst['num_radar_pts'] > 0]
    rows = [[*inst['bbox_3d'], *np.nan_to_num(inst['velocity'])] for inst in kept]
    boxes = torch.tensor(rows, dtype=torch.float64).reshape(-1, 9)
    return dict(bboxes_3d=LiDARInstance3DBoxes(boxes, box_dim=9, origin=(0.5, 0.5, 0.5)),
                scores_3d=torch.ones(len(kept)), labels_3d=torch.tensor([i['bbox_label_3d'] for i in kept]))


def scored(instance: dict, info: dict) -> bool:
    """Whether the devkit keeps this ground-truth box: a detection class, points, within the class range."""
    if instance['bbox_label_3d'] < 0 or instance['num_lidar_pts'] + instance['num_radar_pts'] == 0:
        return False
    centre_ego = np.array(info['lidar_points']['lidar2ego']) @ np.array([*instance['bbox_3d'][:3], 1.0])
    class_range = config_factory('detection_cvpr_2019').class_range[CLASSES[instance['bbox_label_3d']]]
    return np.linalg.norm(centre_ego[:2]) <= class_range


@pytest.mark.slow
def test_ground_truth_scores_perfect_localisation(tiny_world, tmp_path):
    root, version = tiny_world
    infos = mmengine.load(create_infos(root, version, out_dir=str(tmp_path))['val'])['data_list']
    metric = BEVZooMetric(data_root=root, version=version, output_dir=str(tmp_path))
    metric.dataset_meta = dict(classes=CLASSES)
    metric.process({}, [dict(token=info['token'], lidar2ego=np.array(info['lidar_points']['lidar2ego']),
                             ego2global=np.array(info['ego2global']),
                             pred_instances_3d=ground_truth_as_predictions(info)) for info in infos])
    scores = metric.evaluate(size=len(infos))
    present = {CLASSES[inst['bbox_label_3d']] for info in infos for inst in info['instances'] if scored(inst, info)}
    assert present, 'the tiny world has no scored objects in its val scene'
    for name in present:
        assert scores[f'det/{name}/AP'] == pytest.approx(1.0, abs=1e-3), name
    for error in ('mATE', 'mASE', 'mAOE', 'mAVE'):
        per_class = [scores[f'det/{name}/{error[1:]}'] for name in present]
        assert np.nanmax(per_class) < 0.02, (error, per_class)
