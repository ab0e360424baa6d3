"""FULLER's multi-level gradient calibration, done inside autograd.

Two identity operations whose backward passes rewrite gradients:

* **Task level** (:meth:`GradientCalibration.split`): the shared BEV is handed to every task head
  through one autograd node, so its backward receives every task's gradient with respect to the last
  shared layer at once. Rule implemented (FULLER published no code; this is our choice and why):
  1. *Projection of conflicting components* (PCGrad, Yu et al. 2020): when two task gradients point
     against each other (negative dot product), the component of one along the other is removed, so
     no task's update undoes another's progress on the shared features. Tasks are visited in a fixed
     order (not PCGrad's random one) so results are reproducible and identical across DDP ranks.
  2. *Magnitude equalisation* (optional, on in the FULLER configs): every projected task gradient is
     rescaled to the mean of their norms, so a task with large raw gradients (detection's heatmap
     loss at the BEV) cannot drown the others (map segmentation), which is the imbalance FULLER reports.
  The calibrated gradients are summed.
* **Modality level** (:meth:`GradientCalibration.modalities`): the gradients flowing into the camera
  and LiDAR BEV maps are rescaled to the mean of their norms, so both branches learn at the same rate.

Everything is computed per sample (the batch dimension is never mixed), which makes the result
independent of how a batch is split across gradient-accumulation steps or DDP ranks. Both rules are
positively homogeneous (scaling all incoming gradients by ``s`` scales the output by ``s``), so AMP's
loss scaling passes through exactly; non-finite incoming gradients skip calibration and are summed
as is, so the ``GradScaler`` still sees the inf/NaN and skips the step. No parameters are involved:
mmengine's ``OptimWrapper`` / ``AmpOptimWrapper``, DDP and gradient accumulation need no changes.
"""
from typing import Callable, Dict, Optional, Sequence, Tuple

import torch
from mmdet3d.registry import MODELS
from mmengine.model import BaseModule
from torch import Tensor


def project_conflicting_gradients(gradients: Tensor) -> Tensor:
    """PCGrad projection in a fixed task order, per sample.

    Args:
        gradients: ``[T, B, N]`` gradient of each of ``T`` tasks for each of ``B`` samples.

    Returns:
        ``[T, B, N]``: for each task ``i`` and each other task ``j`` in order, when ``g_i . g_j < 0``,
        ``g_i <- g_i - (g_i . g_j / |g_j|^2) g_j`` (``g_i`` the running projected gradient, ``g_j``
        the original one).
    """
    projected = gradients.clone()
    squared_norms = (gradients * gradients).sum(dim=-1)  # [T, B]
    for i in range(gradients.shape[0]):
        for j in range(gradients.shape[0]):
            if i == j:
                continue
            dot = (projected[i] * gradients[j]).sum(dim=-1)  # [B]
            conflicting = dot < 0  # implies |g_j| > 0
            coefficient = torch.where(conflicting, dot / squared_norms[j].clamp_min(torch.finfo(dot.dtype).tiny),
                                      torch.zeros_like(dot))
            projected[i] = projected[i] - coefficient[:, None] * gradients[j]
    return projected


def equalizing_scales(norms: Tensor) -> Tensor:
    """Factors ``[K, B]`` that bring each of ``K`` norms ``[K, B]`` to their mean, per sample.

    A zero norm (a task or modality that received no gradient) keeps factor 1 and does not count in
    the mean.
    """
    present = norms > 0
    mean_norm = (norms * present).sum(dim=0, keepdim=True) / present.sum(dim=0, keepdim=True).clamp_min(1)
    return torch.where(present, mean_norm / norms.clamp_min(torch.finfo(norms.dtype).tiny), torch.ones_like(norms))


def equalize_magnitudes(gradients: Tensor) -> Tensor:
    """Rescale each of ``[K, B, N]`` gradients to the mean norm over ``K``, per sample."""
    return gradients * equalizing_scales(gradients.norm(dim=-1))[..., None]


def _calibrate(gradients: Sequence[Tensor], rule: Callable[[Tensor], Tensor]) -> Tensor:
    """Apply ``rule`` to ``K`` same-shaped gradients in float32, per sample; returns ``[K, B, N]`` float32."""
    return rule(torch.stack([g.float().reshape(g.shape[0], -1) for g in gradients]))


class _TaskSplit(torch.autograd.Function):
    """Identity fan-out of the shared BEV to ``T`` tasks; backward calibrates and sums the task gradients."""

    @staticmethod
    def forward(ctx, rule: Callable[[Tensor], Tensor], shared: Tensor, num_tasks: int) -> Tuple[Tensor, ...]:
        ctx.rule = rule
        return tuple(shared.clone() for _ in range(num_tasks))

    @staticmethod
    def backward(ctx, *task_gradients: Tensor) -> Tuple[None, Tensor, None]:
        total = torch.stack(task_gradients).sum(dim=0)
        if not bool(torch.isfinite(total).all()):  # let AMP / the optimiser see the overflow
            return None, total, None
        calibrated = _calibrate(task_gradients, ctx.rule).sum(dim=0)  # summed in float32
        return None, calibrated.reshape(total.shape).to(total.dtype), None


class _ModalityBalance(torch.autograd.Function):
    """Identity on (camera BEV, LiDAR BEV); backward equalises the two gradients' magnitudes per sample."""

    @staticmethod
    def forward(ctx, camera: Tensor, lidar: Tensor) -> Tuple[Tensor, Tensor]:
        return camera.view_as(camera), lidar.view_as(lidar)

    @staticmethod
    def backward(ctx, camera_gradient: Tensor, lidar_gradient: Tensor) -> Tuple[Tensor, Tensor]:
        if not (bool(torch.isfinite(camera_gradient).all()) and bool(torch.isfinite(lidar_gradient).all())):
            return camera_gradient, lidar_gradient
        norms = torch.stack([g.float().reshape(g.shape[0], -1).norm(dim=1) for g in (camera_gradient, lidar_gradient)])
        scales = equalizing_scales(norms)  # [2, B]
        shape = (-1,) + (1,) * (camera_gradient.dim() - 1)
        return (camera_gradient * scales[0].view(shape).to(camera_gradient.dtype),
                lidar_gradient * scales[1].view(shape).to(lidar_gradient.dtype))


@MODELS.register_module()
class GradientCalibration(BaseModule):
    """FULLER-style task- and modality-level gradient calibration (see the module docstring).

    Args:
        project_conflicts: remove conflicting components between task gradients (PCGrad rule).
        equalize_task_magnitudes: rescale task gradients to their mean norm after projection.
        balance_modalities: equalise the camera / LiDAR gradient magnitudes in :meth:`modalities`.
        init_cfg: mmengine initialisation config.
    """

    def __init__(self, project_conflicts: bool = True, equalize_task_magnitudes: bool = True,
                 balance_modalities: bool = True, init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.project_conflicts = project_conflicts
        self.equalize_task_magnitudes = equalize_task_magnitudes
        self.balance_modalities = balance_modalities

    def task_rule(self, gradients: Tensor) -> Tensor:
        """The task-level rule on ``[T, B, N]`` task gradients (returns ``[T, B, N]``)."""
        if self.project_conflicts:
            gradients = project_conflicting_gradients(gradients)
        if self.equalize_task_magnitudes:
            gradients = equalize_magnitudes(gradients)
        return gradients

    def split(self, shared_bev: Tensor, tasks: Sequence[str]) -> Dict[str, Tensor]:
        """One identity copy of ``shared_bev`` ``[B, C, H, W]`` per task, joined by a calibrating backward."""
        tasks = list(tasks)
        if len(tasks) < 2 or not (torch.is_grad_enabled() and shared_bev.requires_grad):
            return {task: shared_bev for task in tasks}
        return dict(zip(tasks, _TaskSplit.apply(self.task_rule, shared_bev, len(tasks))))

    def modalities(self, camera_bev: Optional[Tensor], lidar_bev: Optional[Tensor]
                   ) -> Tuple[Optional[Tensor], Optional[Tensor]]:
        """Identity on the two modality BEVs (``[B, C_cam, H, W]``, ``[B, C_lidar, H, W]``) with balanced backward.

        A missing modality (None) or a pass without gradients returns the inputs unchanged.
        """
        if (not self.balance_modalities or camera_bev is None or lidar_bev is None
                or not torch.is_grad_enabled()):
            return camera_bev, lidar_bev
        return _ModalityBalance.apply(camera_bev, lidar_bev)
