"""Bad input gets a clear error naming the file: converter, dataset and loaders."""
import json
import os
import os.path as osp
import pickle
import shutil

import numpy as np
import pytest

from bevzoo.datasets import DanglingReferenceError, DataFileError
from bevzoo.datasets.nuscenes_converter import create_infos
from bevzoo.datasets.transforms import LoadLidarPoints, LoadMultiViewCameras, LoadOccupancy

from .pipelines import build_dataset, full_pipeline


@pytest.fixture
def fixture_copy(nusc_fixture, tmp_path):
    """A private copy of the fixture root (with its info files) that a test may damage."""
    root = str(tmp_path / 'root')
    shutil.copytree(nusc_fixture.root, root, ignore=shutil.ignore_patterns('map_cache'))
    return root


def _first_info(root, split='train'):
    with open(osp.join(root, f'bevzoo_infos_{split}.pkl'), 'rb') as handle:
        return pickle.load(handle)['data_list'][0]


def _rewrite_table(root, table, edit):
    path = osp.join(root, 'v1.0-trainval', f'{table}.json')
    with open(path) as handle:
        records = json.load(handle)
    edit(records)
    with open(path, 'w') as handle:
        json.dump(records, handle)


def test_missing_lidar_file_is_named_by_converter_and_loader(fixture_copy):
    lidar_path = osp.join(fixture_copy, 'samples', 'LIDAR_TOP', _first_info(fixture_copy)['lidar_points']['lidar_path'])
    os.remove(lidar_path)
    with pytest.raises(FileNotFoundError, match=lidar_path):
        build_dataset(fixture_copy, full_pipeline(augment=False))[0]
    with pytest.raises(FileNotFoundError, match=lidar_path):
        create_infos(fixture_copy)


def test_truncated_lidar_file_is_named(tmp_path):
    path = str(tmp_path / 'cut.pcd.bin')
    np.arange(5 * 10, dtype=np.float32).tofile(path)
    with open(path, 'r+b') as handle:
        handle.truncate(5 * 10 * 4 - 6)
    with pytest.raises(DataFileError, match=f'{path} has 194 bytes'):
        LoadLidarPoints(coord_type='LIDAR', load_dim=5, use_dim=5).transform(dict(lidar_points=dict(lidar_path=path)))


def test_missing_and_corrupt_images_are_named(fixture_copy):
    info = _first_info(fixture_copy)
    front = osp.join(fixture_copy, 'samples', 'CAM_FRONT', info['images']['CAM_FRONT']['img_path'])
    images = {name: dict(camera, img_path=osp.join(fixture_copy, 'samples', name, camera['img_path']))
              for name, camera in info['images'].items()}
    with open(front, 'wb') as handle:
        handle.write(b'not a jpeg')
    with pytest.raises(DataFileError, match=f'{front} cannot be decoded'):
        LoadMultiViewCameras().transform(dict(images=images))
    os.remove(front)
    with pytest.raises(FileNotFoundError, match=front):
        LoadMultiViewCameras().transform(dict(images=images))
    with pytest.raises(FileNotFoundError, match=front):
        create_infos(fixture_copy)


@pytest.mark.parametrize('table, field', [('sample_annotation', 'instance_token'), ('sample_data', 'ego_pose_token')])
def test_table_reference_to_a_missing_token_names_table_and_token(fixture_copy, table, field):
    def break_first_record(records):
        records[0][field] = 'no-such-token'
    _rewrite_table(fixture_copy, table, break_first_record)
    with pytest.raises(DanglingReferenceError, match=rf"{table}\.json.*{field}='no-such-token'"):
        create_infos(fixture_copy)


def test_missing_table_version_is_named(fixture_copy):
    with pytest.raises(FileNotFoundError, match=r"v1\.0-mini does not exist.*\['v1\.0-trainval'\]"):
        create_infos(fixture_copy, version='v1.0-mini')


def test_info_file_from_another_version_is_rejected(fixture_copy):
    path = osp.join(fixture_copy, 'bevzoo_infos_train.pkl')
    with open(path, 'rb') as handle:
        infos = pickle.load(handle)
    infos['metainfo']['version'] = 'v1.0-mini'
    with open(path, 'wb') as handle:
        pickle.dump(infos, handle)
    with pytest.raises(DataFileError, match=f"{path} was made from nuScenes tables 'v1.0-mini'"):
        build_dataset(fixture_copy, [])
    assert len(build_dataset(fixture_copy, [], metainfo=dict(version='v1.0-mini'))) == 3


def test_info_file_of_mmdet3d_0x_or_without_bevzoo_keys_is_rejected(fixture_copy):
    path = osp.join(fixture_copy, 'bevzoo_infos_train.pkl')
    with open(path, 'rb') as handle:
        infos = pickle.load(handle)
    with open(path, 'wb') as handle:
        pickle.dump(dict(infos=infos['data_list'], metadata=dict(version='v1.0-trainval')), handle)
    with pytest.raises(DataFileError, match=f'{path} is not an mmdet3d v2 info file'):
        build_dataset(fixture_copy, [])
    for info in infos['data_list']:
        del info['occ_path']
    with open(path, 'wb') as handle:
        pickle.dump(infos, handle)
    with pytest.raises(DataFileError, match=rf"{path}: sample \w+ lacks \['occ_path'\]"):
        build_dataset(fixture_copy, [])


def test_missing_or_misshapen_occupancy_labels_are_named(tmp_path):
    path = str(tmp_path / 'labels.npz')
    results = dict(occ_path=path, lidar2ego=np.eye(4), lidar_aug_matrix=np.eye(4))
    with pytest.raises(FileNotFoundError, match=path):
        LoadOccupancy().transform(results)
    np.savez(path, semantics=np.zeros((200, 200, 8), np.uint8), mask_camera=np.ones((200, 200, 8), bool))
    with pytest.raises(DataFileError, match=rf'{path}: semantics has shape \(200, 200, 8\)'):
        LoadOccupancy().transform(results)
