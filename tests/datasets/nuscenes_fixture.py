"""Write a tiny dataset in the real nuScenes v1.0 layout with plain json / numpy / cv2.

It has none of the built-in world's code: the converter and the dataset must handle it only because it
follows the nuScenes format (13 tables, samples/ and sweeps/ blobs, a map-expansion json, Occ3D labels).
Two scenes named from the devkit's official split lists (one train, one val), three keyframes each at
2 Hz with one LiDAR sweep between keyframes, six cameras, five objects per scene (one out of LiDAR range,
so it has no points, and one 'animal' outside the 10 detection classes).
"""
import hashlib
import json
import os
import os.path as osp
from dataclasses import dataclass, field
from typing import Dict, List, Tuple

import cv2
import numpy as np
from pyquaternion import Quaternion

VERSION = 'v1.0-trainval'
MAP_NAME = 'singapore-onenorth'
SCENES = (('scene-0001', (500.0, 700.0, 0.3)), ('scene-0003', (900.0, 1200.0, -1.2)))  # train, val
NUM_KEYFRAMES = 3
KEYFRAME_PERIOD_US = 500_000
EGO_SPEED, EGO_YAW_RATE = 6.0, 0.2  # m/s, rad/s: the ego turns, so ego motion matters between sensors
IMAGE_HW = (90, 160)
LIDAR_RANGE = 35.0  # objects farther than this get no points
LIDAR_CALIB = ([0.94, 0.0, 1.84], Quaternion(axis=[0, 0, 1], angle=-np.pi / 2))  # x right, y forward
CAMERA_YAWS_DEG = {'CAM_FRONT': 0, 'CAM_FRONT_RIGHT': -55, 'CAM_FRONT_LEFT': 55, 'CAM_BACK': 180,
                   'CAM_BACK_LEFT': 110, 'CAM_BACK_RIGHT': -110}
OCC3D_LABEL = {'vehicle.car': 4, 'vehicle.truck': 10, 'human.pedestrian.adult': 7,
               'movable_object.barrier': 1, 'animal': 0}
FREE, DRIVEABLE_SURFACE = 17, 11


@dataclass
class FixtureObject:
    """An object in the scene's start frame: ``offset`` (forward, left) m, speed along its heading."""
    category: str
    size_wlh: Tuple[float, float, float]
    offset: Tuple[float, float]
    heading: float
    speed: float
    attribute: str


OBJECTS = (
    FixtureObject('vehicle.car', (1.9, 4.5, 1.6), (12.0, 3.0), 0.1, 5.0, 'vehicle.moving'),
    FixtureObject('vehicle.truck', (2.5, 7.0, 3.0), (18.0, -6.0), 0.5, 0.0, 'vehicle.parked'),
    FixtureObject('human.pedestrian.adult', (0.7, 0.8, 1.75), (7.0, -4.0), 1.6, 1.2, 'pedestrian.moving'),
    FixtureObject('movable_object.barrier', (2.0, 0.6, 1.0), (6.0, 6.0), 0.0, 0.0, ''),
    FixtureObject('animal', (0.5, 0.9, 0.7), (-8.0, 5.0), 2.0, 0.0, ''),
    FixtureObject('vehicle.car', (1.9, 4.5, 1.6), (45.0, 0.0), 0.0, 0.0, 'vehicle.parked'),  # no points
)


def make_token(*parts) -> str:
    return hashlib.md5('/'.join(map(str, parts)).encode()).hexdigest()


@dataclass
class NuScenesFixture:
    """What the tests need to know about the written fixture."""
    root: str
    version: str = VERSION
    sample_tokens: Dict[str, List[str]] = field(default_factory=dict)  # scene name -> keyframe tokens
    map_polygons: Dict[str, List[np.ndarray]] = field(default_factory=dict)  # layer -> [K, 2] global xy


def pose_matrix_of(translation, rotation: Quaternion) -> np.ndarray:
    pose = np.eye(4)
    pose[:3, :3] = rotation.rotation_matrix
    pose[:3, 3] = translation
    return pose


def ego_pose(start: Tuple[float, float, float], t: float) -> np.ndarray:
    """Ego 4x4 pose at time ``t`` s on a constant-turn arc from ``start`` = (x, y, yaw)."""
    x0, y0, yaw0 = start
    yaw = yaw0 + EGO_YAW_RATE * t
    radius = EGO_SPEED / EGO_YAW_RATE
    return pose_matrix_of([x0 + radius * (np.sin(yaw) - np.sin(yaw0)), y0 - radius * (np.cos(yaw) - np.cos(yaw0)), 0],
                          Quaternion(axis=[0, 0, 1], angle=yaw))


def start_frame_to_global(start, forward: float, left: float) -> np.ndarray:
    x0, y0, yaw0 = start
    return np.array([x0 + forward * np.cos(yaw0) - left * np.sin(yaw0),
                     y0 + forward * np.sin(yaw0) + left * np.cos(yaw0)])


def object_state(start, obj: FixtureObject, t: float) -> Tuple[np.ndarray, float]:
    """Global box centre (geometric) and yaw at time ``t``."""
    yaw = start[2] + obj.heading
    xy = start_frame_to_global(start, *obj.offset) + obj.speed * t * np.array([np.cos(yaw), np.sin(yaw)])
    return np.array([xy[0], xy[1], obj.size_wlh[2] / 2 + 0.05]), yaw


def points_in_object(rng, centre, yaw, size_wlh, count: int = 60) -> np.ndarray:
    """``[count, 3]`` global points strictly inside the box."""
    width, length, height = size_wlh
    local = (rng.random((count, 3)) - 0.5) * 0.9 * np.array([length, width, height])
    rot = Quaternion(axis=[0, 0, 1], angle=yaw).rotation_matrix
    return local @ rot.T + centre


def voxel_centres_ego() -> np.ndarray:
    """``[200, 200, 16, 3]`` Occ3D voxel centres in the ego frame."""
    axes = [np.arange(200) * 0.4 - 40 + 0.2, np.arange(200) * 0.4 - 40 + 0.2, np.arange(16) * 0.4 - 1 + 0.2]
    return np.stack(np.meshgrid(*axes, indexing='ij'), axis=-1)


class FixtureWriter:
    """Collects table records and writes blobs while walking the scenes."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.tables = {name: [] for name in ('attribute', 'calibrated_sensor', 'category', 'ego_pose',
                                             'instance', 'log', 'map', 'sample', 'sample_annotation',
                                             'sample_data', 'scene', 'sensor', 'visibility')}
        self.rng = np.random.default_rng(0)
        self.fixture = NuScenesFixture(root=root)

    def write(self) -> NuScenesFixture:
        self._static_tables()
        for scene_index, (name, start) in enumerate(SCENES):
            self._scene(scene_index, name, start)
        self._link_chains()
        self._map()
        table_root = osp.join(self.root, VERSION)
        os.makedirs(table_root, exist_ok=True)
        for name, records in self.tables.items():
            with open(osp.join(table_root, f'{name}.json'), 'w') as handle:
                json.dump(records, handle)
        return self.fixture

    def _static_tables(self) -> None:
        for name in sorted(set(obj.category for obj in OBJECTS)):
            self.tables['category'].append(dict(token=make_token('category', name), name=name, description=''))
        for name in ('vehicle.moving', 'vehicle.parked', 'pedestrian.moving'):
            self.tables['attribute'].append(dict(token=make_token('attribute', name), name=name,
                                                 description=''))
        for level in range(1, 5):
            self.tables['visibility'].append(dict(token=str(level), level=f'v{level}', description=''))
        channels = [('LIDAR_TOP', 'lidar')] + [(cam, 'camera') for cam in CAMERA_YAWS_DEG]
        height, width = IMAGE_HW
        focal = 1266.0 * width / 1600
        for channel, modality in channels:
            self.tables['sensor'].append(dict(token=make_token('sensor', channel), channel=channel,
                                              modality=modality))
            if modality == 'lidar':
                translation, rotation, intrinsic = LIDAR_CALIB[0], LIDAR_CALIB[1], []
            else:
                yaw = Quaternion(axis=[0, 0, 1], angle=np.deg2rad(CAMERA_YAWS_DEG[channel]))
                # camera axes: x right, y down, z forward (optical axis along the ego heading at yaw 0)
                optical = Quaternion(matrix=np.array([[0, 0, 1], [-1, 0, 0], [0, -1, 0]], dtype=float))
                rotation = yaw * optical
                translation = list(yaw.rotate([1.0, 0.0, 0.0]) + np.array([0.5, 0.0, 1.5]))
                intrinsic = [[focal, 0, width / 2], [0, focal, height / 2], [0, 0, 1]]
            self.tables['calibrated_sensor'].append(dict(
                token=make_token('calib', channel), sensor_token=make_token('sensor', channel),
                translation=[float(v) for v in translation], rotation=list(rotation.elements),
                camera_intrinsic=intrinsic))

    def _scene(self, scene_index: int, name: str, start) -> None:
        log_token, scene_token = make_token('log', name), make_token('scene', name)
        self.tables['log'].append(dict(token=log_token, logfile=name, vehicle='fixture', date_captured='2018-01-01',
                                       location=MAP_NAME))
        base_us = 1_500_000_000_000_000 + scene_index * 100_000_000
        sample_tokens = [make_token('sample', name, k) for k in range(NUM_KEYFRAMES)]
        self.fixture.sample_tokens[name] = sample_tokens
        self.tables['scene'].append(dict(token=scene_token, log_token=log_token, nbr_samples=NUM_KEYFRAMES,
                                         first_sample_token=sample_tokens[0],
                                         last_sample_token=sample_tokens[-1], name=name, description=''))
        for k, sample_token in enumerate(sample_tokens):
            self.tables['sample'].append(dict(token=sample_token, timestamp=base_us + k * KEYFRAME_PERIOD_US,
                                              scene_token=scene_token, prev='', next=''))
        # LiDAR: keyframes and one sweep halfway between consecutive keyframes.
        for step in range(2 * NUM_KEYFRAMES - 1):
            keyframe = step % 2 == 0
            sample_token = sample_tokens[(step + 1) // 2]
            self._lidar(name, start, base_us, step * KEYFRAME_PERIOD_US // 2, sample_token, keyframe)
        for k, sample_token in enumerate(sample_tokens):
            for cam_index, cam in enumerate(CAMERA_YAWS_DEG):
                self._camera(name, start, base_us, k * KEYFRAME_PERIOD_US + 20_000 + 8_000 * cam_index,
                             sample_token, cam)
            self._annotations(name, start, k, sample_token)
            self._occupancy(name, start, k * KEYFRAME_PERIOD_US / 1e6, sample_token)

    def _ego_pose_record(self, name: str, start, base_us: int, offset_us: int) -> str:
        pose = ego_pose(start, offset_us / 1e6)
        token = make_token('ego_pose', name, offset_us)
        self.tables['ego_pose'].append(dict(token=token, timestamp=base_us + offset_us,
                                            translation=pose[:3, 3].tolist(),
                                            rotation=list(Quaternion(matrix=pose[:3, :3]).elements)))
        return token

    def _sample_data(self, token, sample_token, ego_token, channel, timestamp, filename, keyframe, hw):
        self.tables['sample_data'].append(dict(
            token=token, sample_token=sample_token, ego_pose_token=ego_token,
            calibrated_sensor_token=make_token('calib', channel), timestamp=timestamp,
            fileformat=filename.rsplit('.', 1)[-1], is_key_frame=keyframe, height=hw[0], width=hw[1],
            filename=filename, prev='', next=''))

    def _lidar(self, name, start, base_us, offset_us, sample_token, keyframe) -> None:
        t = offset_us / 1e6
        ego2global = ego_pose(start, t)
        lidar2ego = pose_matrix_of(*LIDAR_CALIB)
        ground = np.stack(np.meshgrid(np.arange(-30, 30, 1.5), np.arange(-30, 30, 1.5)), -1).reshape(-1, 2)
        ground_global = np.c_[ground, np.zeros(len(ground))] @ ego2global[:3, :3].T + ego2global[:3, 3]
        clouds = [ground_global]
        for obj in OBJECTS:
            centre, yaw = object_state(start, obj, t)
            if np.linalg.norm(centre[:2] - ego2global[:2, 3]) < LIDAR_RANGE:
                clouds.append(points_in_object(self.rng, centre, yaw, obj.size_wlh))
        xyz = np.concatenate(clouds)
        global2lidar = np.linalg.inv(ego2global @ lidar2ego)
        xyz = xyz @ global2lidar[:3, :3].T + global2lidar[:3, 3]
        points = np.c_[xyz, self.rng.random(len(xyz)) * 255, np.zeros(len(xyz))].astype(np.float32)
        folder = 'samples' if keyframe else 'sweeps'
        filename = f'{folder}/LIDAR_TOP/{name}__LIDAR_TOP__{base_us + offset_us}.pcd.bin'
        os.makedirs(osp.join(self.root, osp.dirname(filename)), exist_ok=True)
        points.tofile(osp.join(self.root, filename))
        ego_token = self._ego_pose_record(name, start, base_us, offset_us)
        self._sample_data(make_token('sd', name, 'LIDAR_TOP', offset_us), sample_token, ego_token, 'LIDAR_TOP',
                          base_us + offset_us, filename, keyframe, (0, 0))

    def _camera(self, name, start, base_us, offset_us, sample_token, cam) -> None:
        filename = f'samples/{cam}/{name}__{cam}__{base_us + offset_us}.jpg'
        os.makedirs(osp.join(self.root, osp.dirname(filename)), exist_ok=True)
        image = np.full((*IMAGE_HW, 3), 40 + 30 * list(CAMERA_YAWS_DEG).index(cam), np.uint8)
        image[::7] = 220  # stripes so that flips and crops are visible
        cv2.imwrite(osp.join(self.root, filename), image)
        ego_token = self._ego_pose_record(name, start, base_us, offset_us)
        self._sample_data(make_token('sd', name, cam, offset_us), sample_token, ego_token, cam,
                          base_us + offset_us, filename, True, IMAGE_HW)

    def _annotations(self, name, start, k, sample_token) -> None:
        t = k * KEYFRAME_PERIOD_US / 1e6
        ego_xy = ego_pose(start, t)[:2, 3]
        for obj_index, obj in enumerate(OBJECTS):
            centre, yaw = object_state(start, obj, t)
            has_points = np.linalg.norm(centre[:2] - ego_xy) < LIDAR_RANGE
            self.tables['sample_annotation'].append(dict(
                token=make_token('ann', name, obj_index, k), sample_token=sample_token,
                instance_token=make_token('instance', name, obj_index), visibility_token='4',
                attribute_tokens=[make_token('attribute', obj.attribute)] if obj.attribute else [],
                translation=centre.tolist(), size=list(obj.size_wlh),
                rotation=list(Quaternion(axis=[0, 0, 1], angle=yaw).elements), prev='', next='',
                num_lidar_pts=60 if has_points else 0, num_radar_pts=0))
            if k == 0:
                self.tables['instance'].append(dict(
                    token=make_token('instance', name, obj_index),
                    category_token=make_token('category', obj.category), nbr_annotations=NUM_KEYFRAMES,
                    first_annotation_token=make_token('ann', name, obj_index, 0),
                    last_annotation_token=make_token('ann', name, obj_index, NUM_KEYFRAMES - 1)))

    def _occupancy(self, name, start, t, sample_token) -> None:
        """Occ3D labels in the ego frame: ground is driveable surface, a box's voxels take its class."""
        global2ego = np.linalg.inv(ego_pose(start, t))
        centres = voxel_centres_ego()
        semantics = np.full((200, 200, 16), FREE, np.uint8)
        semantics[:, :, 2] = DRIVEABLE_SURFACE  # voxel z index 2 spans ego z [-0.2, 0.2]
        for obj in OBJECTS:
            centre, yaw = object_state(start, obj, t)
            box2ego = global2ego @ pose_matrix_of(centre, Quaternion(axis=[0, 0, 1], angle=yaw))
            local = (centres - box2ego[:3, 3]) @ box2ego[:3, :3]
            width, length, height = obj.size_wlh
            inside = np.all(np.abs(local) <= np.array([length, width, height]) / 2 + 0.35, axis=-1)
            semantics[inside] = OCC3D_LABEL[obj.category]
        mask_camera = np.ones_like(semantics, dtype=bool)
        mask_camera[:20] = False  # the 8 m behind the ego are unobserved
        folder = osp.join(self.root, 'gts', name, sample_token)
        os.makedirs(folder, exist_ok=True)
        np.savez_compressed(osp.join(folder, 'labels.npz'), semantics=semantics, mask_lidar=np.ones_like(mask_camera),
                            mask_camera=mask_camera)

    def _link_chains(self) -> None:
        """prev / next links: samples per scene, sample_data per channel, annotations per instance."""
        sensor_channel = {c['token']: s['channel'] for c in self.tables['calibrated_sensor']
                          for s in self.tables['sensor'] if s['token'] == c['sensor_token']}
        sample_scene = {s['token']: s['scene_token'] for s in self.tables['sample']}
        groups = {
            'sample': lambda r: r['scene_token'],
            'sample_data': lambda r: (sample_scene[r['sample_token']], sensor_channel[r['calibrated_sensor_token']]),
            'sample_annotation': lambda r: r['instance_token'],
        }
        timestamps = {s['token']: s['timestamp'] for s in self.tables['sample']}
        order = {
            'sample': lambda r: r['timestamp'],
            'sample_data': lambda r: r['timestamp'],
            'sample_annotation': lambda r: timestamps[r['sample_token']],
        }
        for table, key in groups.items():
            chains: Dict[object, list] = {}
            for record in self.tables[table]:
                chains.setdefault(key(record), []).append(record)
            for chain in chains.values():
                chain.sort(key=order[table])
                for prev, nxt in zip(chain[:-1], chain[1:]):
                    prev['next'], nxt['prev'] = nxt['token'], prev['token']

    def _map(self) -> None:
        """Map table (with its raster prior) and the map-expansion json the devkit's NuScenesMap reads."""
        os.makedirs(osp.join(self.root, 'maps', 'expansion'), exist_ok=True)
        cv2.imwrite(osp.join(self.root, 'maps', 'prior.png'), np.zeros((8, 8), np.uint8))
        self.tables['map'].append(dict(token=make_token('map'), category='semantic_prior', filename='maps/prior.png',
                                       log_tokens=[log['token'] for log in self.tables['log']]))
        expansion = MapExpansionWriter()
        for _, start in SCENES:
            expansion.add_scene_layout(start)
        self.fixture.map_polygons = expansion.polygons
        with open(osp.join(self.root, 'maps', 'expansion', f'{MAP_NAME}.json'), 'w') as handle:
            json.dump(expansion.to_json(), handle)


class MapExpansionWriter:
    """Builds the layers of a map-expansion json (version 1.3) around each scene's start pose."""

    POLYGON_LAYERS = ('drivable_area', 'road_segment', 'road_block', 'lane', 'ped_crossing', 'walkway',
                      'stop_line', 'carpark_area')
    LINE_LAYERS = ('road_divider', 'lane_divider', 'traffic_light')

    def __init__(self) -> None:
        self.json = dict(version='1.3', canvas_edge=[1585.6, 2025.0], node=[], line=[], polygon=[],
                         arcline_path_3={}, connectivity={}, lane_connector=[],
                         **{layer: [] for layer in self.POLYGON_LAYERS + self.LINE_LAYERS})
        self.polygons: Dict[str, List[np.ndarray]] = {}

    def _nodes(self, xy: np.ndarray) -> List[str]:
        tokens = []
        for x, y in xy:
            token = make_token('node', len(self.json['node']))
            self.json['node'].append(dict(token=token, x=float(x), y=float(y)))
            tokens.append(token)
        return tokens

    def _polygon(self, layer: str, corners_global: np.ndarray) -> None:
        polygon_token = make_token('polygon', len(self.json['polygon']))
        self.json['polygon'].append(dict(token=polygon_token, exterior_node_tokens=self._nodes(corners_global),
                                         holes=[]))
        record = dict(token=make_token(layer, len(self.json[layer])))
        if layer == 'drivable_area':
            record['polygon_tokens'] = [polygon_token]
        else:
            record['polygon_token'] = polygon_token
        if layer == 'stop_line':
            record.update(stop_line_type='STOP_SIGN', ped_crossing_tokens=[], traffic_light_tokens=[])
        self.json[layer].append(record)
        self.polygons.setdefault(layer, []).append(corners_global)

    def _line(self, layer: str, points_global: np.ndarray) -> None:
        line_token = make_token('line', len(self.json['line']))
        self.json['line'].append(dict(token=line_token, node_tokens=self._nodes(points_global)))
        self.json[layer].append(dict(token=make_token(layer, len(self.json[layer])), line_token=line_token,
                                     road_segment_token='', lane_divider_segments=[]))

    def add_scene_layout(self, start) -> None:
        """A straight road along the start heading with its furniture, in (forward, left) metres."""
        def rect(f0, f1, l0, l1):
            return np.array([start_frame_to_global(start, f, l) for f, l in ((f0, l0), (f1, l0), (f1, l1), (f0, l1))])
        self._polygon('drivable_area', rect(-60, 60, -7, 7))
        self._polygon('walkway', rect(-60, 60, 8, 12))
        self._polygon('ped_crossing', rect(20, 24, -7, 7))
        self._polygon('stop_line', rect(18.5, 19.5, -7, 0))
        self._polygon('carpark_area', rect(0, 20, -22, -10))
        self._line('road_divider', np.array([start_frame_to_global(start, f, 0.0) for f in (-60, 0, 60)]))
        self._line('lane_divider', np.array([start_frame_to_global(start, f, 3.5) for f in (-60, 60)]))

    def to_json(self) -> dict:
        return self.json


def write_nuscenes_fixture(root: str) -> NuScenesFixture:
    """Write the fixture under ``root`` and describe it."""
    return FixtureWriter(root).write()
