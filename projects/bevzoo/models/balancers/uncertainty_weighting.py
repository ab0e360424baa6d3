"""Homoscedastic-uncertainty task weighting with learned log-variances (Kendall et al., CVPR 2018)."""
from typing import Dict, Iterable, Optional

import torch
from mmdet3d.registry import MODELS
from torch import Tensor, nn

from .loss_balancer import LossBalancer


@MODELS.register_module()
class UncertaintyWeightBalancer(LossBalancer):
    """Weights task ``t`` by ``0.5 * exp(-s_t)`` and adds ``0.5 * s_t``, with ``s_t = log(sigma_t^2)`` learned.

    The total is ``sum_t 0.5 * exp(-s_t) * L_t + 0.5 * s_t``; minimising over ``s_t`` gives
    ``exp(s_t) = L_t``, so a task whose loss is large (noisy) is down-weighted. ``s_t`` is clamped to
    ``log_variance_range`` in the forward pass so a loss that collapses to ~0 cannot blow its weight
    up to inf (the clamp stops the gradient to ``s_t`` at the bounds).

    The log-variances are parameters of this module, so they are trained by the model's optimiser
    (give them no weight decay: ``paramwise_cfg=dict(custom_keys={'balancer': dict(decay_mult=0)})``).

    Args:
        tasks: the task names (one learned log-variance each; required).
        init_log_variance: initial ``s_t`` (0: weight 0.5 per task).
        log_variance_range: ``(min, max)`` clamp of ``s_t``.
        init_cfg: mmengine initialisation config.
    """

    def __init__(self, tasks: Iterable[str], init_log_variance: float = 0.0,
                 log_variance_range: tuple = (-6.0, 6.0), init_cfg: Optional[dict] = None) -> None:
        super().__init__(tasks=tasks, init_cfg=init_cfg)
        if not self.tasks:
            raise ValueError('UncertaintyWeightBalancer needs the list of tasks it weights, e.g. tasks=["det", "map"]')
        self.log_variances = nn.ParameterDict(
            {task: nn.Parameter(torch.tensor(float(init_log_variance))) for task in self.tasks})
        self.log_variance_range = tuple(log_variance_range)

    def balance(self, task: str, losses: Dict[str, Tensor]) -> Dict[str, Tensor]:
        log_variance = self.log_variances[task].clamp(*self.log_variance_range)
        weight = 0.5 * torch.exp(-log_variance)
        balanced = {key: value * weight if 'loss' in key else value for key, value in losses.items()}
        balanced['loss_log_variance'] = 0.5 * log_variance
        balanced['uncertainty_weight'] = weight.detach()
        return balanced
