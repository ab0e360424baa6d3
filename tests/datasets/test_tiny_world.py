"""The same converter, dataset and pipeline on the built-in world (``tiny_world`` of tests/conftest.py)."""
import os.path as osp

import numpy as np
import pytest
from mmdet3d.datasets import NuScenesDataset

from bevzoo.datasets.nuscenes_converter import create_infos
from bevzoo.datasets.occupancy_grid import FREE_LABEL, OccupancyGrid

from .geometry_checks import apply, points_in_box
from .pipelines import DATA_PREFIX, build_dataset, full_pipeline

CAR = 0


@pytest.fixture(scope='module')
def world_infos(tiny_world, tmp_path_factory):
    root, version = tiny_world
    out_dir = str(tmp_path_factory.mktemp('world_infos'))
    return root, create_infos(root, version, out_dir=out_dir), out_dir


def _pipeline(out_dir, augment):
    """The fixture pipeline with the map cache outside the shared world folder."""
    pipeline = full_pipeline(augment)
    return [dict(transform, cache_dir=osp.join(out_dir, 'map_cache')) if transform['type'] == 'LoadBEVMapMask'
            else transform for transform in pipeline]


def test_world_infos_load_in_mmdet3d(world_infos):
    root, paths, _ = world_infos
    dataset = NuScenesDataset(data_root=root, ann_file=paths['train'], data_prefix=DATA_PREFIX,
                              modality=dict(use_lidar=True, use_camera=True))
    assert len(dataset) > 0
    assert len(dataset.get_data_info(0)['ann_info']['gt_labels_3d']) > 0


@pytest.mark.parametrize('seed', range(2))
def test_world_sample_stays_aligned_under_augmentation(world_infos, seed):
    root, paths, out_dir = world_infos
    plain = build_dataset(root, _pipeline(out_dir, False), ann_file=paths['train'])[1]
    np.random.seed(seed)
    augmented = build_dataset(root, _pipeline(out_dir, True), ann_file=paths['train'])[1]
    # Ray-cast points lie on box faces, so compare with a 1 cm band: the same points stay inside.
    keyframes = [packed['inputs']['points'].numpy() for packed in (plain, augmented)]
    keyframes = [points[points[:, 4] == 0, :3] for points in keyframes]
    boxes = [packed['data_samples'].gt_instances_3d.bboxes_3d.tensor.numpy() for packed in (plain, augmented)]
    assert len(keyframes[0]) == len(keyframes[1]) and len(boxes[0]) == len(boxes[1])
    for box_plain, box_augmented in zip(*boxes):
        inside = points_in_box(keyframes[0], box_plain, margin=-0.01)
        assert points_in_box(keyframes[1], box_augmented, margin=0.01)[inside].all()
        inside = points_in_box(keyframes[1], box_augmented, margin=-0.01)
        assert points_in_box(keyframes[0], box_plain, margin=0.01)[inside].all()
    assert augmented['data_samples'].gt_map_bev[0].sum() > 0  # drivable area around the ego
    plain_labels = _labels_at_car_centres(plain['data_samples'])
    augmented_labels = _labels_at_car_centres(augmented['data_samples'])
    both = [(p, a) for p, a in zip(plain_labels, augmented_labels) if p is not None and a is not None]
    assert all(p == a for p, a in both) and any(p != FREE_LABEL for p, _ in both)


def _labels_at_car_centres(sample) -> list:
    """Occupancy label of the ego-frame voxel under the centre of each car (None for other classes and for
    cars outside the label grid): the labels stay in the ego frame, so a box centre is carried there through
    ``lidar_aug_matrix`` and ``lidar2ego``, as the occupancy head carries its voxel centres."""
    grid = OccupancyGrid()
    augmented2ego = sample.metainfo['lidar2ego'] @ np.linalg.inv(sample.metainfo['lidar_aug_matrix'])
    boxes = sample.gt_instances_3d.bboxes_3d
    labels = []
    for centre, label in zip(boxes.gravity_center.numpy(), sample.gt_instances_3d.labels_3d.tolist()):
        ego_index = grid.voxel_index(apply(augmented2ego, centre[None]))[0]
        in_grid = np.all((0 <= ego_index) & (ego_index < grid.shape))
        labels.append(int(sample.gt_occupancy[tuple(ego_index)]) if label == CAR and in_grid else None)
    return labels
