"""Base class of the multi-task loss balancers: one place that checks, prefixes and weights task losses."""
from typing import Dict, Iterable, Optional

from mmengine.model import BaseModule
from torch import Tensor

from .non_finite import check_finite_losses


class LossBalancer(BaseModule):
    """Combines per-task loss dicts into one flat dict that mmengine's ``parse_losses`` sums.

    ``combine({'det': {'loss_heatmap': a}, 'map': {'loss_map': b}})`` returns
    ``{'det.loss_heatmap': w_det * a, 'map.loss_map': w_map * b, ...}``: every key is prefixed with its
    task, terms whose key contains ``'loss'`` are weighted, other entries (logged statistics) pass
    through unweighted. Every loss term is checked for NaN / inf first (:class:`NonFiniteLossError`).
    Subclasses define the weighting in :meth:`balance`.

    Args:
        tasks: the task names the model trains (the keys of its heads); None accepts any task.
        init_cfg: mmengine initialisation config.
    """

    def __init__(self, tasks: Optional[Iterable[str]] = None, init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.tasks = tuple(tasks) if tasks is not None else None

    def combine(self, task_losses: Dict[str, Dict[str, Tensor]]) -> Dict[str, Tensor]:
        """Check, weight and flatten ``{task: {key: loss}}`` into ``{'task.key': loss}``."""
        combined = {}
        for task, losses in task_losses.items():
            if self.tasks is not None and task not in self.tasks:
                raise KeyError(f'{type(self).__name__} got losses of task {task!r}, but was configured for '
                               f'tasks {self.tasks}; add it to the balancer\'s tasks')
            check_finite_losses(task, losses)
            combined.update({f'{task}.{key}': value for key, value in self.balance(task, losses).items()})
        return combined

    def balance(self, task: str, losses: Dict[str, Tensor]) -> Dict[str, Tensor]:
        """Weighted loss dict of one task (keys without the task prefix)."""
        raise NotImplementedError(f'{type(self).__name__} must implement balance()')
