"""The same converter, dataset and pipeline on the built-in world (``tiny_world`` of tests/conftest.py)."""
import os.path as osp

import numpy as np
import pytest
from mmdet3d.datasets import NuScenesDataset

from bevzoo.datasets.nuscenes_converter import create_infos
from bevzoo.datasets.occupancy_grid import OccupancyGrid

from .geometry_checks import apply, points_in_box
from .pipelines import DATA_PREFIX, build_dataset, full_pipeline

# Occ3D label of each detection class (car, truck, trailer, bus, construction_vehicle, bicycle, motorcycle,
# pedestrian, traffic_cone, barrier).
OCC3D_OF_DETECTION_LABEL = (4, 10, 9, 3, 5, 2, 6, 7, 8, 1)


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
    sample = augmented['data_samples']
    assert sample.gt_map_bev[0].sum() > 0  # drivable area around the ego
    _check_vehicle_centres_are_occupied(sample)


def _check_vehicle_centres_are_occupied(sample):
    """The occupancy voxel under the centre of every vehicle of at least 1.5 m x 1.5 m has its class (where the
    centre lies in the ego-frame label grid; elsewhere the rotated grid's corners hold masked 'free')."""
    grid = OccupancyGrid()
    augmented2ego = sample.metainfo['lidar2ego'] @ np.linalg.inv(sample.metainfo['lidar_aug_matrix'])
    boxes = sample.gt_instances_3d.bboxes_3d
    checked = 0
    for centre, dims, label in zip(boxes.gravity_center.numpy(), boxes.dims.numpy(),
                                   sample.gt_instances_3d.labels_3d.tolist()):
        i, j, _ = grid.voxel_index(centre[None])[0]
        ego_index = grid.voxel_index(apply(augmented2ego, centre[None]))[0]  # heights stay the ego's levels
        k = ego_index[2]
        in_both_grids = np.all((0 <= ego_index) & (ego_index < grid.shape)) and 0 <= min(i, j) and max(i, j) < 200
        if min(dims[:2]) >= 1.5 and in_both_grids:
            assert sample.gt_occupancy[i, j, k] == OCC3D_OF_DETECTION_LABEL[label]
            checked += 1
    assert checked > 0
