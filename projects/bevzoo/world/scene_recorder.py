"""Records one scene into nuScenes files and table rows: simulates it, renders every sweep and keyframe,
writes the sensor files and Occ3D labels, and returns the scene's rows of the dynamic tables."""
import os
from dataclasses import dataclass, field

import cv2
import numpy as np

from .config import WorldConfig
from .geometry import yaw_to_quaternion
from .ground_truth import lidar_point_counts, visibility_token, visible_fractions
from .occupancy import occupancy_labels
from .scene import Scene
from .sensors import CAMERA_NAMES, SensorRig, ego_matrix, render_camera, render_lidar
from .tokens import make_token
from .town import Town

ANNOTATION_RADIUS = 60.0  # actors observed by a sensor within this distance of the ego are annotated
WARM_UP_SECONDS, WARM_UP_STEP = 4.0, 0.1
_TIME_ORIGIN_US = 1533151603547590


@dataclass(frozen=True)
class SceneJob:
    """What one worker records: the scene's index, name, seed and the world configuration."""
    index: int
    name: str
    seed: int
    config: WorldConfig


@dataclass
class SceneRows:
    """Rows of the per-scene tables, in nuScenes' schema."""
    log: list = field(default_factory=list)
    scene: list = field(default_factory=list)
    sample: list = field(default_factory=list)
    sample_data: list = field(default_factory=list)
    ego_pose: list = field(default_factory=list)
    instance: list = field(default_factory=list)
    sample_annotation: list = field(default_factory=list)


def sensor_token(channel: str) -> str:
    return make_token('sensor', channel)


def calibrated_sensor_token(channel: str) -> str:
    return make_token('calibrated_sensor', channel)


class SceneRecorder:
    """Simulates and records one scene.

    Args:
        job: The scene to record.
        town: The town (identical in every worker: it is rebuilt from the same seed).
        rig: The sensor rig.
        dataroot: Output dataset root.
        attribute_tokens: Attribute name -> token.
        progress: Called with no argument after every keyframe (e.g. to advance a progress bar).
    """

    def __init__(self, job: SceneJob, town: Town, rig: SensorRig, dataroot: str, attribute_tokens: dict,
                 progress=None) -> None:
        self.job, self.town, self.rig, self.root = job, town, rig, dataroot
        self.cfg = job.config
        self.attribute_tokens = attribute_tokens
        self.progress = progress or (lambda: None)
        self.rows = SceneRows()
        self.log_name = f'n008-bevzoo-{job.config.seed:04d}-{job.index:04d}'
        self.rng = np.random.default_rng(job.seed + 1)
        self._tracks: dict = {}
        self._last_data: dict = {}

    def record(self) -> SceneRows:
        keyframes, per = self.cfg.keyframes_per_scene, self.cfg.sweeps_per_keyframe
        duration = keyframes * 0.5
        scene = Scene(self.town, self.cfg.traffic, self.job.seed, route_length=16.0 * duration + 120.0)
        for _ in range(int(WARM_UP_SECONDS / WARM_UP_STEP)):
            scene.step(WARM_UP_STEP)
        start_us = _TIME_ORIGIN_US + self.job.index * 10 ** 8
        sample_tokens = [make_token(self.log_name, 'sample', k) for k in range(keyframes)]
        for frame in range((keyframes - 1) * per + 1):
            if frame > 0:
                scene.step(self.cfg.dt_sweep)
            timestamp = start_us + int(round(frame * self.cfg.dt_sweep * 1e6))
            keyframe, phase = divmod(frame, per)
            sample_token = sample_tokens[min(keyframe + (phase > 0), keyframes - 1)]
            if phase == 0:
                self._keyframe(scene, keyframe, sample_tokens, timestamp)
                self.progress()
            else:
                sweep = render_lidar(scene, self.rig.lidar, self.rng, frame, self.cfg.sensors.sweep_decimation)
                self._write_lidar(scene, sweep.points, timestamp, sample_token, key=False)
        self._finish(sample_tokens)
        return self.rows

    # ------------------------------------------------------------------------------ keyframes
    def _keyframe(self, scene: Scene, keyframe: int, sample_tokens: list, timestamp: int) -> None:
        token = sample_tokens[keyframe]
        self.rows.sample.append({
            'token': token, 'timestamp': timestamp, 'scene_token': self._scene_token,
            'prev': sample_tokens[keyframe - 1] if keyframe > 0 else '',
            'next': sample_tokens[keyframe + 1] if keyframe + 1 < len(sample_tokens) else ''})
        primitives = scene.primitives()
        sweep = render_lidar(scene, self.rig.lidar, self.rng, primitives=primitives)
        self._write_lidar(scene, sweep.points, timestamp, token, key=True)
        cameras = [self.rig.cameras[name] for name in CAMERA_NAMES]
        images = [render_camera(scene, camera, primitives) for camera in cameras]
        for name, image in zip(CAMERA_NAMES, images):
            self._write_camera(scene, name, image.rgb, timestamp, token)
        self._annotate(scene, token, lidar_point_counts(sweep, len(scene.kind)),
                       visible_fractions(images, len(scene.kind)))
        labels = occupancy_labels(self.town, primitives, ego_matrix(scene), sweep, images, self.rig)
        folder = os.path.join(self.root, 'gts', self.job.name, token)
        os.makedirs(folder, exist_ok=True)
        np.savez_compressed(os.path.join(folder, 'labels.npz'), semantics=labels.semantics,
                            mask_lidar=labels.mask_lidar.astype(np.uint8),
                            mask_camera=labels.mask_camera.astype(np.uint8))

    def _annotate(self, scene: Scene, sample_token: str, points: np.ndarray, visible: np.ndarray) -> None:
        """Annotations of the actors near the ego that a sensor observed."""
        ann = scene.annotations()
        ego_x, ego_y, _ = scene.ego_pose()
        near = np.hypot(ann.center[:, 0] - ego_x, ann.center[:, 1] - ego_y) < ANNOTATION_RADIUS
        observed = (points[ann.actor] > 0) | (visible[ann.actor] > 0)
        for k in np.flatnonzero(near & observed):
            actor = int(ann.actor[k])
            token = make_token(self.log_name, 'annotation', sample_token, actor)
            attribute = ann.attribute[k]
            self.rows.sample_annotation.append({
                'token': token, 'sample_token': sample_token,
                'instance_token': make_token(self.log_name, 'instance', actor),
                'visibility_token': visibility_token(float(visible[actor])),
                'attribute_tokens': [self.attribute_tokens[attribute]] if attribute else [],
                'translation': [float(v) for v in ann.center[k]],
                'size': [float(ann.size[k, 1]), float(ann.size[k, 0]), float(ann.size[k, 2])],  # w, l, h
                'rotation': yaw_to_quaternion(float(ann.yaw[k])),
                'prev': '', 'next': '', 'num_lidar_pts': int(points[actor]), 'num_radar_pts': 0})
            self._tracks.setdefault(actor, (ann.category[k], []))[1].append(len(self.rows.sample_annotation) - 1)

    # ------------------------------------------------------------------------------ files
    def _sample_data(self, scene: Scene, channel: str, timestamp: int, sample_token: str, filename: str,
                     key: bool, fileformat: str, width: int = 0, height: int = 0) -> None:
        token = make_token(self.log_name, channel, timestamp)
        x, y, yaw = scene.ego_pose()
        self.rows.ego_pose.append({'token': token, 'timestamp': timestamp, 'rotation': yaw_to_quaternion(yaw),
                                   'translation': [float(x), float(y), 0.0]})
        previous = self._last_data.get(channel)
        if previous is not None:
            previous['next'] = token
        record = {'token': token, 'sample_token': sample_token, 'ego_pose_token': token,
                  'calibrated_sensor_token': calibrated_sensor_token(channel), 'timestamp': timestamp,
                  'fileformat': fileformat, 'is_key_frame': key, 'height': height, 'width': width,
                  'filename': filename, 'prev': previous['token'] if previous else '', 'next': ''}
        self.rows.sample_data.append(record)
        self._last_data[channel] = record

    def _write_lidar(self, scene: Scene, points: np.ndarray, timestamp: int, sample_token: str, key: bool) -> None:
        filename = f'{"samples" if key else "sweeps"}/LIDAR_TOP/{self.log_name}__LIDAR_TOP__{timestamp}.pcd.bin'
        path = os.path.join(self.root, filename)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        points.astype(np.float32).tofile(path)
        self._sample_data(scene, 'LIDAR_TOP', timestamp, sample_token, filename, key, 'pcd')

    def _write_camera(self, scene: Scene, channel: str, rgb: np.ndarray, timestamp: int, sample_token: str) -> None:
        filename = f'samples/{channel}/{self.log_name}__{channel}__{timestamp}.jpg'
        path = os.path.join(self.root, filename)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        cv2.imwrite(path, rgb[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, self.cfg.sensors.jpeg_quality])
        self._sample_data(scene, channel, timestamp, sample_token, filename, True, 'jpg', rgb.shape[1], rgb.shape[0])

    # ------------------------------------------------------------------------------ tables
    @property
    def _scene_token(self) -> str:
        return make_token(self.log_name, 'scene')

    def _finish(self, sample_tokens: list) -> None:
        """Instances with their annotation chains, the scene and its log."""
        annotations = self.rows.sample_annotation
        for actor, (category, indices) in sorted(self._tracks.items()):
            for before, after in zip(indices[:-1], indices[1:]):
                annotations[before]['next'] = annotations[after]['token']
                annotations[after]['prev'] = annotations[before]['token']
            self.rows.instance.append({
                'token': make_token(self.log_name, 'instance', actor),
                'category_token': make_token('category', category),
                'nbr_annotations': len(indices), 'first_annotation_token': annotations[indices[0]]['token'],
                'last_annotation_token': annotations[indices[-1]]['token']})
        log_token = make_token(self.log_name, 'log')
        self.rows.scene.append({'token': self._scene_token, 'log_token': log_token, 'nbr_samples': len(sample_tokens),
                                'first_sample_token': sample_tokens[0], 'last_sample_token': sample_tokens[-1],
                                'name': self.job.name, 'description': f'bevzoo world, seed {self.job.seed}'})
        self.rows.log.append({'token': log_token, 'logfile': self.log_name, 'vehicle': 'n008',
                              'date_captured': '2018-08-01', 'location': self.town.config.location})
