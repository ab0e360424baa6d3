"""A zoo model ready for closed-loop inference: any config + checkpoint, fed from in-memory sensor data.

The model is built from the config's ``model`` (mmdet3d registry) and its checkpoint loaded strictly.
Inputs go through the config's own test pipeline with its file loaders (``Load*`` transforms) removed and
its packing restricted to the sensor inputs (there is no ground truth in closed loop):
the agent supplies what those loaders would have produced (the keys of ``LoadMultiViewCameras`` and a
``LiDARPoints`` cloud), so resizing, cropping, range filtering and packing are exactly those of testing.
"""
import re
from dataclasses import dataclass
from typing import List, Optional, Sequence

import numpy as np
import torch
from mmengine.dataset import Compose, pseudo_collate
from mmengine.registry import init_default_scope

from mmdet3d.datasets.transforms import (LoadMultiViewImageFromFiles, LoadPointsFromFile, LoadPointsFromMultiSweeps,
                                         Pack3DDetInputs)
from mmdet3d.registry import MODELS, TRANSFORMS
from mmdet3d.structures import Box3DMode, LiDARInstance3DBoxes
from mmdet3d.structures.points import LiDARPoints

from ..datasets.transforms.camera_loading import LoadMultiViewCameras
from ..engine import CheckpointMismatchError
from ..engine.checkpoint_compatibility_hook import state_dict_mismatches
from ..engine.safe_globals import register_checkpoint_globals
from ..engine.tool_config import load_config, require_checkpoint
from .perception import MapGrid

DEFAULT_CAMERAS = ('CAM_FRONT', 'CAM_FRONT_RIGHT', 'CAM_FRONT_LEFT', 'CAM_BACK', 'CAM_BACK_LEFT', 'CAM_BACK_RIGHT')
CAMERA_LOADERS = (LoadMultiViewCameras, LoadMultiViewImageFromFiles)
POINT_LOADERS = (LoadPointsFromFile, LoadPointsFromMultiSweeps)
INPUT_KEYS = ('points', 'img')


def _without_targets(cfg: dict) -> dict:
    """A packing transform keeps only the sensor inputs: in closed loop there is no ground truth to pack."""
    if not _is_transform(cfg, (Pack3DDetInputs,)):
        return cfg
    return {**cfg, 'keys': [key for key in cfg['keys'] if key in INPUT_KEYS]}


def _is_transform(cfg: dict, classes: tuple) -> bool:
    """Whether a pipeline entry builds one of ``classes`` (or a subclass), looked up in the registry."""
    transform = cfg['type'] if isinstance(cfg['type'], type) else TRANSFORMS.get(cfg['type'])
    return transform is not None and issubclass(transform, classes)


@dataclass(frozen=True)
class SensorFrame:
    """One set of sensor readings in the model's frames.

    Attributes:
        images: BGR ``[H, W, 3]`` uint8 per camera (in ``camera_names`` order), or None.
        cam2img: ``[N, 4, 4]`` intrinsics of those images.
        cam2lidar: ``[N, 4, 4]`` camera-to-LiDAR extrinsics.
        points: ``[P, 5]`` float32 ``x y z intensity time_lag`` in the LiDAR frame, or None.
        lidar2ego, ego2global: ``[4, 4]``.
        timestamp: Seconds.
    """
    images: Optional[List[np.ndarray]]
    cam2img: Optional[np.ndarray]
    cam2lidar: Optional[np.ndarray]
    points: Optional[np.ndarray]
    lidar2ego: np.ndarray
    ego2global: np.ndarray
    timestamp: float


def _test_pipeline(cfg) -> list:
    dataset = cfg.get('test_dataloader', {}).get('dataset', {})
    while 'pipeline' not in dataset and 'dataset' in dataset:  # dataset wrappers
        dataset = dataset['dataset']
    pipeline = dataset.get('pipeline', cfg.get('test_pipeline'))
    if pipeline is None:
        raise ValueError(f'{cfg.filename}: no test pipeline (test_dataloader.dataset.pipeline or test_pipeline)')
    return list(pipeline)


class PerceptionModel:
    """Args:
        config: Path of a zoo config.
        checkpoint: Its checkpoint, or None for the config's initial weights (tests only).
        device: Torch device for inference.
        cameras: Subset of the config's cameras to use (e.g. four under Leaderboard 1.0), or None for all.
    """

    def __init__(self, config: str, checkpoint: Optional[str], device: str = 'cpu',
                 cameras: Optional[Sequence[str]] = None) -> None:
        self.cfg = load_config(config)
        init_default_scope(self.cfg.get('default_scope', 'mmdet3d'))
        self.model = MODELS.build(self.cfg.model)
        if checkpoint is not None:
            self._load(require_checkpoint(checkpoint))
        self.model.to(device).eval()
        pipeline = _test_pipeline(self.cfg)
        loaders = [t for t in pipeline if str(t['type']).split('.')[-1].startswith('Load')]
        self.pipeline = Compose([_without_targets(t) for t in pipeline if t not in loaders])
        self.camera_names = self._camera_names(loaders, cameras, config)
        self.point_dims = self._point_dims(loaders)
        self.class_names = tuple(self.cfg.get('class_names', self.cfg.get('metainfo', {}).get('classes', ())))

    def _load(self, checkpoint: str) -> None:
        """Load the weights strictly: a checkpoint of another model is refused, naming what differs."""
        register_checkpoint_globals()
        state = torch.load(checkpoint, map_location='cpu')
        weights = {re.sub(r'^module\.', '', key): value for key, value in state.get('state_dict', state).items()}
        problems = state_dict_mismatches(self.model.state_dict(), weights)
        if problems:
            raise CheckpointMismatchError(f'{checkpoint} does not fit the model of {self.cfg.filename}:\n  '
                                          + '\n  '.join(problems))
        self.model.load_state_dict(weights, strict=True)

    @staticmethod
    def _camera_names(loaders: list, cameras: Optional[Sequence[str]], config: str) -> tuple:
        camera_loaders = [t for t in loaders if _is_transform(t, CAMERA_LOADERS)]
        if not camera_loaders:
            if cameras:
                raise ValueError(f'cameras={list(cameras)} given, but {config} loads no camera images')
            return ()
        names = tuple(camera_loaders[0].get('camera_names', DEFAULT_CAMERAS))
        if cameras is None:
            return names
        unknown = sorted(set(cameras) - set(names))
        if unknown:
            raise ValueError(f'cameras {unknown} are not among the cameras of {config}: {list(names)}')
        return tuple(cameras)

    @staticmethod
    def _point_dims(loaders: list) -> Optional[list]:
        point_loaders = [t for t in loaders if _is_transform(t, POINT_LOADERS)]
        if not point_loaders:
            return None
        use_dim = point_loaders[0].get('use_dim', 5)
        return list(range(use_dim)) if isinstance(use_dim, int) else list(use_dim)

    @property
    def uses_lidar(self) -> bool:
        return self.point_dims is not None

    def map_grid(self) -> Optional[tuple]:
        """``(MapGrid, drivable channel)`` of the model's map head, or None without one."""
        heads = getattr(self.model, 'heads', {})
        for head in heads.values() if hasattr(heads, 'values') else []:
            classes = getattr(head, 'classes', ())
            resampler = getattr(head, 'resampler', None)
            if 'drivable_area' in classes and resampler is not None:
                x_min, y_min, x_max, _ = resampler.target_range
                cell = (x_max - x_min) / resampler.target_shape[1]
                return MapGrid(resampler.target_range, cell), classes.index('drivable_area')
        return None

    def _results(self, frame: SensorFrame) -> dict:
        results = dict(lidar2ego=frame.lidar2ego, ego2global=frame.ego2global, timestamp=frame.timestamp,
                       token='closed_loop', sample_idx=0, scene_name='closed_loop', box_type_3d=LiDARInstance3DBoxes,
                       box_mode_3d=Box3DMode.LIDAR, lidar_aug_matrix=np.eye(4))
        if self.camera_names:
            if frame.images is None:
                raise ValueError(f'the model needs the cameras {list(self.camera_names)}; the frame has no images')
            lidar2cam = np.linalg.inv(frame.cam2lidar)
            shape = frame.images[0].shape[:2]
            results.update(img=list(frame.images), img_shape=shape, ori_shape=shape, pad_shape=shape,
                           num_views=len(frame.images), cam2img=frame.cam2img, lidar2cam=lidar2cam,
                           lidar2img=frame.cam2img @ lidar2cam, cam2lidar=frame.cam2lidar,
                           img_aug_matrix=np.tile(np.eye(4), (len(frame.images), 1, 1)))
        if self.uses_lidar:
            if frame.points is None:
                raise ValueError('the model needs LiDAR points; the frame has none')
            points = frame.points[:, self.point_dims].astype(np.float32)
            results['points'] = LiDARPoints(points, points_dim=points.shape[1])
        return results

    @torch.no_grad()
    def __call__(self, frame: SensorFrame):
        """Run perception on one frame; returns the ``Det3DDataSample`` with the model's predictions."""
        data = pseudo_collate([self.pipeline(self._results(frame))])
        return self.model.test_step(data)[0]
