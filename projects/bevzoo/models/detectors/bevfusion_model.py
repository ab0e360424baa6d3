"""BEVFusionModel: one detector class for camera-only, LiDAR-only and camera+LiDAR BEV models."""
from dataclasses import dataclass
from typing import Dict, List, Optional

from mmengine.model import ModuleDict
from torch import Tensor, nn

from mmdet3d.models.detectors import Base3DDetector
from mmdet3d.registry import MODELS
from mmdet3d.structures import Det3DDataSample
from ..view_transforms import CameraGeometry
from ..balancers.non_finite import check_finite_losses


@dataclass
class BEVFeatures:
    """BEV maps of one batch.

    Attributes:
        camera: ``[B, C_cam, Y, X]`` camera BEV, ``None`` without a camera branch or images.
        lidar: ``[B, C_lidar, Y, X]`` LiDAR BEV, ``None`` without a LiDAR branch or points.
        fused: ``[B, C, Y, X]`` fused BEV (the only present modality when there is no fuser).
        depth: ``[B, N, D, H, W]`` camera depth distribution, ``None`` without images.
        geometry: the batch's camera geometry, ``None`` without images.
    """
    camera: Optional[Tensor]
    lidar: Optional[Tensor]
    fused: Tensor
    depth: Optional[Tensor]
    geometry: Optional[CameraGeometry]


def _build_optional(cfg: Optional[dict]) -> Optional[nn.Module]:
    return None if cfg is None else MODELS.build(cfg)


@MODELS.register_module()
class BEVFusionModel(Base3DDetector):
    """Camera and/or LiDAR encoders -> fuser -> BEV decoder(s) -> task heads; every stage set by config.

    Missing inputs at inference (no ``imgs`` or no ``points``) leave that modality's BEV ``None``; the fuser
    fills it in, so a fused model still predicts with one sensor.

    Hook modules, built only when configured (implemented by the multi-task part of bevzoo):

    * ``gradient_calibration.modalities(cam_bev, lidar_bev) -> (cam_bev, lidar_bev)`` before the fuser
      (either may be ``None``), and ``gradient_calibration.split(shared_bev, tasks) -> {task: bev}`` on the
      last shared BEV: the fused BEV when ``decoders`` are per task, the shared decoder's output otherwise.
    * ``task_gates(bev, task) -> bev`` on each task's BEV after the shared decoder (and ``split``).
    * ``balancer.combine({task: {name: loss}}) -> {name: loss}``; default: names prefixed by task
      (``det.loss_heatmap``). Auxiliary losses (``aux.loss_depth``) are added outside the balancer.

    Args:
        data_preprocessor: e.g. :class:`~bevzoo.models.data_preprocessors.VoxelizingDataPreprocessor`.
        camera_encoder: :class:`~bevzoo.models.camera.CameraBEVEncoder` config, or ``None``.
        lidar_encoder: :class:`~bevzoo.models.lidar.LidarBEVEncoder` config, or ``None``.
        fuser: fuser config taking ``[camera, lidar]``; required when both encoders are set.
        decoder: one BEV decoder shared by all tasks, or ``None``.
        decoders: ``{task: decoder config}``, one per head (exclusive with ``decoder``).
        heads: ``{task: head config}``; each head implements ``loss(bev, samples)`` / ``predict(bev, samples)``.
        balancer: loss-combination hook config, or ``None``.
        gradient_calibration: gradient-calibration hook config, or ``None``.
        task_gates: per-task gating hook config, or ``None``.
        init_cfg: mmengine initialisation config.
    """

    def __init__(self, heads: Dict[str, dict], data_preprocessor: Optional[dict] = None,
                 camera_encoder: Optional[dict] = None, lidar_encoder: Optional[dict] = None,
                 fuser: Optional[dict] = None, decoder: Optional[dict] = None,
                 decoders: Optional[Dict[str, dict]] = None, balancer: Optional[dict] = None,
                 gradient_calibration: Optional[dict] = None, task_gates: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self._check_stages(heads, camera_encoder, lidar_encoder, fuser, decoder, decoders)
        self.camera_encoder = _build_optional(camera_encoder)
        self.lidar_encoder = _build_optional(lidar_encoder)
        self.fuser = _build_optional(fuser)
        self.decoder = _build_optional(decoder)
        self.decoders = None if decoders is None else ModuleDict(
            {task: MODELS.build(cfg) for task, cfg in decoders.items()})
        self.heads = ModuleDict({task: MODELS.build(cfg) for task, cfg in heads.items()})
        self.balancer = _build_optional(balancer)
        self.gradient_calibration = _build_optional(gradient_calibration)
        self.task_gates = _build_optional(task_gates)

    @staticmethod
    def _check_stages(heads, camera_encoder, lidar_encoder, fuser, decoder, decoders) -> None:
        if not heads:
            raise ValueError('BEVFusionModel needs at least one task head in `heads`')
        if camera_encoder is None and lidar_encoder is None:
            raise ValueError('BEVFusionModel needs a camera_encoder, a lidar_encoder or both')
        if camera_encoder is not None and lidar_encoder is not None and fuser is None:
            raise ValueError('a camera+LiDAR BEVFusionModel needs a `fuser` (e.g. ConvFuser)')
        if decoder is not None and decoders is not None:
            raise ValueError('set either `decoder` (shared) or `decoders` (per task), not both')
        if decoders is not None and set(decoders) != set(heads):
            raise ValueError(f'`decoders` tasks {sorted(decoders)} must equal `heads` tasks {sorted(heads)}')

    @property
    def tasks(self) -> List[str]:
        return list(self.heads)

    def _camera_bev(self, inputs: dict, samples: List[Det3DDataSample]) -> tuple:
        """``(ViewTransformOutput, CameraGeometry)``, or ``(None, None)`` without a camera branch or images."""
        if self.camera_encoder is None or inputs.get('imgs') is None:
            return None, None
        geometry = CameraGeometry.from_metainfos([s.metainfo for s in samples], inputs['imgs'].device)
        return self.camera_encoder(inputs['imgs'], geometry, inputs.get('points')), geometry

    def _lidar_bev(self, inputs: dict, batch_size: int) -> Optional[Tensor]:
        if self.lidar_encoder is None or inputs.get('voxels') is None:
            return None
        return self.lidar_encoder(inputs['voxels'], batch_size)

    def extract_feat(self, batch_inputs_dict: dict, batch_data_samples: List[Det3DDataSample]) -> BEVFeatures:
        """Encode the present modalities and fuse them.

        Args:
            batch_inputs_dict: ``imgs [B, N, 3, H, W]`` and/or ``points`` (list of ``[P, 5]``) and ``voxels``.
            batch_data_samples: ``B`` samples whose metainfo carries the camera geometry.

        Raises:
            ValueError: when no configured modality is present in the inputs.
        """
        camera, geometry = self._camera_bev(batch_inputs_dict, batch_data_samples)
        lidar = self._lidar_bev(batch_inputs_dict, len(batch_data_samples))
        camera_bev = None if camera is None else camera.bev
        if camera_bev is None and lidar is None:
            raise ValueError('BEVFusionModel got neither images (`imgs`) for its camera branch nor voxelized '
                             'points (`voxels`) for its LiDAR branch; check the pipeline and data preprocessor')
        if self.gradient_calibration is not None:
            camera_bev, lidar = self.gradient_calibration.modalities(camera_bev, lidar)
        fused = self.fuser([camera_bev, lidar]) if self.fuser is not None else \
            (camera_bev if camera_bev is not None else lidar)
        return BEVFeatures(camera_bev, lidar, fused, None if camera is None else camera.depth, geometry)

    def task_bevs(self, fused: Tensor) -> Dict[str, Tensor]:
        """Decode the fused ``[B, C, Y, X]`` BEV into one BEV per task (shared or per-task decoders, hooks)."""
        if self.decoders is not None:
            shared = self._split(fused)
            return {task: self.decoders[task](shared[task]) for task in self.tasks}
        per_task = self._split(fused if self.decoder is None else self.decoder(fused))
        if self.task_gates is not None:
            per_task = {task: self.task_gates(bev, task) for task, bev in per_task.items()}
        return per_task

    def _split(self, shared: Tensor) -> Dict[str, Tensor]:
        if self.gradient_calibration is not None:
            return self.gradient_calibration.split(shared, self.tasks)
        return {task: shared for task in self.tasks}

    def _depth_loss(self, inputs: dict, feats: BEVFeatures) -> Dict[str, Tensor]:
        view_transform = None if self.camera_encoder is None else self.camera_encoder.view_transform
        if feats.depth is None or inputs.get('points') is None or \
                not getattr(view_transform, 'supervises_depth', False):
            return {}
        return {'aux.loss_depth': view_transform.depth_loss(feats.depth, feats.geometry, inputs['points'])}

    def loss(self, batch_inputs_dict: dict, batch_data_samples: List[Det3DDataSample]) -> Dict[str, Tensor]:
        """Losses of every task head (combined by the balancer) plus auxiliary losses.

        Raises:
            NonFiniteLossError: naming the task and loss key when a head's loss is NaN or infinite.
        """
        feats = self.extract_feat(batch_inputs_dict, batch_data_samples)
        bevs = self.task_bevs(feats.fused)
        task_losses = {task: head.loss(bevs[task], batch_data_samples) for task, head in self.heads.items()}
        losses = self._combine(task_losses)
        losses.update(self._depth_loss(batch_inputs_dict, feats))
        return losses

    def _combine(self, task_losses: Dict[str, Dict[str, Tensor]]) -> Dict[str, Tensor]:
        """The balancer's combination, or by default each task's losses checked and prefixed with the task."""
        if self.balancer is not None:
            return self.balancer.combine(task_losses)
        for task, losses in task_losses.items():
            check_finite_losses(task, losses)
        return {f'{task}.{name}': value for task, losses in task_losses.items() for name, value in losses.items()}

    def predict(self, batch_inputs_dict: dict, batch_data_samples: List[Det3DDataSample]) -> List[Det3DDataSample]:
        """Run every head; each writes its ``pred_*`` field (``pred_instances_3d`` for ``det``) into the samples."""
        bevs = self.task_bevs(self.extract_feat(batch_inputs_dict, batch_data_samples).fused)
        for task, head in self.heads.items():
            head.predict(bevs[task], batch_data_samples)
        return batch_data_samples

    def _forward(self, batch_inputs_dict: dict, batch_data_samples: List[Det3DDataSample]) -> Dict[str, Tensor]:
        """Network forward without heads' post-processing: the per-task BEV maps ``{task: [B, C, Y, X]}``."""
        return self.task_bevs(self.extract_feat(batch_inputs_dict, batch_data_samples).fused)
