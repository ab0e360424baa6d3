"""BEVZooMetric's detection scores equal the devkit's own when both score the same predictions."""
import json
import os.path as osp

import numpy as np
import pytest
import torch
from mmdet3d.structures import LiDARInstance3DBoxes
from nuscenes import NuScenes
from nuscenes.eval.common.config import config_factory
from nuscenes.eval.detection.evaluate import DetectionEval
from pyquaternion import Quaternion

from bevzoo.evaluation import BEVZooMetric

from . import handmade_nuscenes as db

CLASSES = ('car', 'truck', 'trailer', 'bus', 'construction_vehicle', 'bicycle', 'motorcycle', 'pedestrian',
           'traffic_cone', 'barrier')
LIDAR2EGO = db.pose_matrix(db.LIDAR_YAW, db.LIDAR_TRANSLATION)
EGO2GLOBAL = db.pose_matrix(db.EGO_YAW, db.EGO_TRANSLATION)
DEVKIT_NAME = {'vehicle.car': 'car', 'human.pedestrian.adult': 'pedestrian', 'movable_object.barrier': 'barrier'}


def predicted_global_boxes(sample_token: str, nusc: NuScenes) -> list:
    """Ground truth moved, resized and turned a little, one false positive and one box beyond 50 m."""
    boxes = []
    for annotation_token in nusc.get('sample', sample_token)['anns']:
        annotation = nusc.get('sample_annotation', annotation_token)
        name = DEVKIT_NAME[annotation['category_name']]
        attribute = {'car': 'vehicle.moving', 'pedestrian': 'pedestrian.standing', 'barrier': ''}[name]
        yaw = Quaternion(annotation['rotation']).yaw_pitch_roll[0] + 0.2
        moved = np.add(annotation['translation'], [0.3, -0.2, 0.1])
        boxes.append(dict(sample_token=sample_token, translation=list(moved),
                          size=list(np.multiply(annotation['size'], 1.1)),
                          rotation=list(Quaternion(axis=[0, 0, 1], radians=yaw).elements),
                          velocity=list(nusc.box_velocity(annotation_token)[:2] + [0.1, 0.0]), detection_name=name,
                          detection_score=0.8, attribute_name=attribute))
    extras = ((db.ego_to_global((3.0, 9.0, 0.9)), 'pedestrian', 0.3), (db.ego_to_global((70.0, 0.0, 0.9)), 'car', 0.9))
    for translation, name, score in extras:
        boxes.append(dict(sample_token=sample_token, translation=translation, size=[1.0, 1.0, 1.7],
                          rotation=list(Quaternion(axis=[0, 0, 1], radians=db.EGO_YAW).elements), velocity=[0.0, 0.0],
                          detection_name=name, detection_score=score,
                          attribute_name='pedestrian.standing' if name == 'pedestrian' else 'vehicle.parked'))
    return boxes


def to_lidar_frame(boxes: list) -> dict:
    """The same boxes as a model would output them: 9-value LiDARInstance3DBoxes (bottom centre)."""
    global2lidar = np.linalg.inv(EGO2GLOBAL @ LIDAR2EGO)
    rows = []
    for box in boxes:
        centre = global2lidar[:3, :3] @ box['translation'] + global2lidar[:3, 3]
        width, length, height = box['size']
        yaw = Quaternion(box['rotation']).yaw_pitch_roll[0] - db.EGO_YAW - db.LIDAR_YAW
        velocity = global2lidar[:2, :2] @ box['velocity']
        rows.append([centre[0], centre[1], centre[2] - height / 2, length, width, height, yaw, *velocity])
    return dict(bboxes_3d=LiDARInstance3DBoxes(torch.tensor(rows, dtype=torch.float64), box_dim=9),
                scores_3d=torch.tensor([b['detection_score'] for b in boxes]),
                labels_3d=torch.tensor([CLASSES.index(b['detection_name']) for b in boxes]))


@pytest.fixture(scope='module')
def database(tmp_path_factory) -> str:
    root = str(tmp_path_factory.mktemp('handmade_nuscenes'))
    db.write_database(root)
    return root


def make_metric(root: str, output_dir: str) -> BEVZooMetric:
    metric = BEVZooMetric(data_root=root, version=db.VERSION, output_dir=output_dir)
    metric.dataset_meta = dict(classes=CLASSES)
    return metric


def sample_dict(token: str, predictions: dict) -> dict:
    return dict(token=token, lidar2ego=LIDAR2EGO, ego2global=EGO2GLOBAL, pred_instances_3d=predictions)


def test_detection_metric_equals_devkit(database, tmp_path):
    nusc = NuScenes(version=db.VERSION, dataroot=database, verbose=False)
    global_boxes = {token: predicted_global_boxes(token, nusc) for token in db.SAMPLE_TOKENS}
    reference_json = tmp_path / 'reference.json'
    reference_json.write_text(json.dumps({'meta': dict(use_camera=True, use_lidar=True, use_radar=False, use_map=False,
                                                       use_external=False), 'results': global_boxes}))
    reference = DetectionEval(nusc, config_factory('detection_cvpr_2019'), str(reference_json), db.EVAL_SET,
                              str(tmp_path / 'reference'), verbose=False).main(plot_examples=0, render_curves=False)

    metric = make_metric(database, str(tmp_path / 'ours'))
    metric.process({}, [sample_dict(token, to_lidar_frame(boxes)) for token, boxes in global_boxes.items()])
    ours = metric.evaluate(size=len(db.SAMPLE_TOKENS))

    assert reference['mean_dist_aps']['car'] > 0.9  # not degenerate: the moved boxes still match
    assert ours['det/NDS'] == pytest.approx(reference['nd_score'], abs=1e-6)
    assert ours['det/mAP'] == pytest.approx(reference['mean_ap'], abs=1e-6)
    for name, ap in reference['mean_dist_aps'].items():
        assert ours[f'det/{name}/AP'] == pytest.approx(ap, abs=1e-6)
    for key, short in (('trans_err', 'mATE'), ('scale_err', 'mASE'), ('orient_err', 'mAOE'), ('vel_err', 'mAVE'),
                       ('attr_err', 'mAAE')):
        assert ours[f'det/{short}'] == pytest.approx(reference['tp_errors'][key], abs=1e-6)
    saved = json.loads((tmp_path / 'ours' / 'results_nusc.json').read_text())
    assert set(saved['results']) == set(db.SAMPLE_TOKENS)
    assert all(len(boxes) == 4 for boxes in saved['results'].values())  # the box beyond 50 m is dropped
    assert json.loads((tmp_path / 'ours' / 'metrics.json').read_text())['det/NDS'] == ours['det/NDS']


def test_empty_detections_score_zero(database, tmp_path):
    metric = make_metric(database, str(tmp_path))
    nothing = dict(bboxes_3d=LiDARInstance3DBoxes(torch.zeros(0, 9), box_dim=9), scores_3d=torch.zeros(0),
                   labels_3d=torch.zeros(0, dtype=torch.long))
    metric.process({}, [sample_dict(token, nothing) for token in db.SAMPLE_TOKENS])
    scores = metric.evaluate(size=len(db.SAMPLE_TOKENS))
    assert scores['det/mAP'] == 0.0
    assert scores['det/NDS'] == 0.0
    assert osp.isfile(tmp_path / 'results_nusc.json')


def test_missing_samples_named(database, tmp_path):
    metric = make_metric(database, str(tmp_path))
    nothing = dict(bboxes_3d=LiDARInstance3DBoxes(torch.zeros(0, 9), box_dim=9), scores_3d=torch.zeros(0),
                   labels_3d=torch.zeros(0, dtype=torch.long))
    metric.process({}, [sample_dict(db.SAMPLE_TOKENS[0], nothing)])
    with pytest.raises(ValueError, match="split 'mini_val' .*1 missing"):
        metric.evaluate(size=1)
