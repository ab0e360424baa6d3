"""The unmodified nuscenes-devkit loads, maps and scores the generated world."""
import json
import os

import numpy as np
import pytest
from nuscenes import NuScenes
from nuscenes.eval.common.loaders import add_center_dist, filter_eval_boxes, load_gt
from nuscenes.eval.detection.config import config_factory
from nuscenes.eval.detection.data_classes import DetectionBox
from nuscenes.eval.detection.evaluate import DetectionEval
from nuscenes.map_expansion.map_api import NuScenesMap
from pyquaternion import Quaternion

from bevzoo.world import Town, WorldConfig
from bevzoo.world.generate import town_seed
from bevzoo.world.ground import SURFACE
from bevzoo.world.nuscenes_writer import TABLES


@pytest.fixture(scope='module')
def nusc(tiny_world):
    root, version = tiny_world
    return NuScenes(version, root, verbose=False)


def test_all_tables_load_and_link(nusc, tiny_world):
    root, version = tiny_world
    assert sorted(os.path.splitext(f)[0] for f in os.listdir(os.path.join(root, version))) == sorted(TABLES)
    assert len(nusc.scene) == 2 and len(nusc.sample) == 8
    for sample in nusc.sample:
        assert set(sample['data']) == {'LIDAR_TOP', 'CAM_FRONT', 'CAM_FRONT_RIGHT', 'CAM_FRONT_LEFT', 'CAM_BACK',
                                       'CAM_BACK_LEFT', 'CAM_BACK_RIGHT'}
        lidar = nusc.get('sample_data', sample['data']['LIDAR_TOP'])
        points = np.fromfile(os.path.join(root, lidar['filename']), np.float32).reshape(-1, 5)
        assert len(points) > 10000 and set(np.unique(points[:, 4])) <= set(range(32))
    sweep_chain = nusc.get('sample_data', nusc.sample[1]['data']['LIDAR_TOP'])
    assert not nusc.get('sample_data', sweep_chain['prev'])['is_key_frame']  # sweeps between keyframes
    names = {c['name'] for c in nusc.category}
    assert {'vehicle.car', 'human.pedestrian.adult', 'movable_object.trafficcone'} <= names


def test_map_mask_is_the_true_layout(tiny_world):
    root, _ = tiny_world
    config = WorldConfig.tiny()
    town = Town.generate(config.town, town_seed(config), config.traffic.light_cycle)
    nusc_map = NuScenesMap(root, config.town.location)
    center = (town.width / 2, town.height / 2)
    mask = nusc_map.get_map_mask((*center, 100, 100), 0.0, ['drivable_area', 'walkway'], (200, 200))
    xs = center[0] - 50 + 0.5 * (np.arange(200) + 0.5)
    ys = center[1] - 50 + 0.5 * (np.arange(200) + 0.5)
    grid_x, grid_y = np.meshgrid(xs, ys)  # row = y, col = x, as get_map_mask returns
    surface, _ = town.ground.lookup(grid_x, grid_y)
    drivable = np.isin(surface, [SURFACE['road'], SURFACE['parking'], SURFACE['carpark']])
    assert (mask[0].astype(bool) == drivable).mean() > 0.98
    assert (mask[1].astype(bool) == (surface == SURFACE['sidewalk'])).mean() > 0.97


def _gt_as_predictions(nusc, folder: str) -> str:
    gt = load_gt(nusc, 'val', DetectionBox, verbose=False)
    results = {token: [{'sample_token': token, 'translation': list(box.translation), 'size': list(box.size),
                        'rotation': list(box.rotation), 'velocity': [float(v) for v in box.velocity],
                        'detection_name': box.detection_name, 'detection_score': 1.0,
                        'attribute_name': box.attribute_name} for box in gt[token] if box.num_pts > 0]
               for token in gt.sample_tokens}
    path = os.path.join(folder, 'results.json')
    with open(path, 'w') as f:
        json.dump({'meta': {'use_camera': True, 'use_lidar': True, 'use_radar': False, 'use_map': False,
                            'use_external': False}, 'results': results}, f)
    return path


def test_detection_eval_of_ground_truth_is_perfect(nusc, tmp_path):
    """The unmodified DetectionEval scores the ground truth as predictions with AP 1 and zero errors for
    every class the tiny val scene holds (an absent class scores 0, so mAP = present / 10)."""
    config = config_factory('detection_cvpr_2019')
    gt = load_gt(nusc, 'val', DetectionBox, verbose=False)
    gt = filter_eval_boxes(nusc, add_center_dist(nusc, gt), config.class_range)
    present = sorted({box.detection_name for box in gt.all})
    assert len(present) >= 3
    results = _gt_as_predictions(nusc, str(tmp_path))
    metrics, _ = DetectionEval(nusc, config, results, 'val', str(tmp_path), verbose=False).evaluate()
    assert metrics.mean_ap == pytest.approx(len(present) / len(config.class_names), abs=1e-6)
    for name in present:
        assert metrics.get_label_ap(name, 0.5) == pytest.approx(1.0, abs=1e-6)
        assert metrics.get_label_tp(name, 'trans_err') == pytest.approx(0.0, abs=1e-6)


def test_annotation_velocities_match_the_motion(nusc):
    """The devkit's velocity from neighbouring annotations agrees with the actors' motion."""
    moving_token = next(a['token'] for a in nusc.attribute if a['name'] == 'vehicle.moving')
    moving = [a for a in nusc.sample_annotation if a['prev'] and a['next'] and a['attribute_tokens'] == [moving_token]]
    assert moving
    for ann in moving:
        velocity = nusc.box_velocity(ann['token'])[:2]
        heading = Quaternion(ann['rotation']).yaw_pitch_roll[0]
        assert np.linalg.norm(velocity) > 0.2
        along = velocity @ np.array([np.cos(heading), np.sin(heading)])
        assert along > 0.7 * np.linalg.norm(velocity)  # vehicles move forward along their heading
