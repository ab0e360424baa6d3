"""Fixed per-task loss weights (the naive multi-task baseline)."""
from typing import Dict, Optional

from mmdet3d.registry import MODELS
from torch import Tensor

from .loss_balancer import LossBalancer


@MODELS.register_module()
class StaticWeightBalancer(LossBalancer):
    """Multiplies every loss term of a task by that task's constant weight.

    Args:
        weights: ``{task: weight}``; tasks not listed get ``default_weight``.
        default_weight: weight of unlisted tasks (1.0: plain sum of all task losses).
        tasks: see :class:`LossBalancer`.
        init_cfg: mmengine initialisation config.
    """

    def __init__(self, weights: Optional[Dict[str, float]] = None, default_weight: float = 1.0,
                 tasks: Optional[list] = None, init_cfg: Optional[dict] = None) -> None:
        super().__init__(tasks=tasks, init_cfg=init_cfg)
        self.weights = dict(weights or {})
        for task, weight in self.weights.items():
            if weight < 0:
                raise ValueError(f'StaticWeightBalancer: weight of task {task!r} must be >= 0, got {weight}')
        self.default_weight = default_weight

    def balance(self, task: str, losses: Dict[str, Tensor]) -> Dict[str, Tensor]:
        weight = self.weights.get(task, self.default_weight)
        return {key: value * weight if 'loss' in key else value for key, value in losses.items()}
