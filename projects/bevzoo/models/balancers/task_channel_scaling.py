"""TCS (M3Net's Task-oriented Channel Scaling): per-task sigmoid channel gates on the shared BEV."""
from typing import Iterable, Optional

from mmdet3d.registry import MODELS
from mmengine.model import BaseModule
from torch import Tensor, nn


@MODELS.register_module()
class TaskChannelScaling(BaseModule):
    """Scales the shared BEV's channels differently for each task.

    ``task_gates(bev, task)`` returns ``bev * sigmoid(g_task(bev))`` where ``g_task`` is a squeeze-and-
    excitation branch of that task (global average pool, 1x1 conv, ReLU, 1x1 conv), so each head
    sees the shared channels it benefits from amplified and the others damped, reducing the
    interference between tasks that share one BEV.

    Args:
        in_channels: channels of the shared BEV.
        tasks: task names, one gate branch each.
        reduction: squeeze ratio of the hidden layer.
        init_cfg: mmengine initialisation config.
    """

    def __init__(self, in_channels: int, tasks: Iterable[str], reduction: int = 4,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        hidden = max(in_channels // reduction, 1)
        self.gates = nn.ModuleDict({
            task: nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Conv2d(in_channels, hidden, 1), nn.ReLU(inplace=True),
                                nn.Conv2d(hidden, in_channels, 1), nn.Sigmoid())
            for task in tasks})
        if not self.gates:
            raise ValueError('TaskChannelScaling needs at least one task, e.g. tasks=["det", "map"]')

    def forward(self, bev: Tensor, task: str) -> Tensor:
        """Gate ``bev`` ``[B, C, Y, X]`` for ``task``; returns ``[B, C, Y, X]``."""
        if task not in self.gates:
            raise KeyError(f'TaskChannelScaling has no gate for task {task!r}; configured tasks: {list(self.gates)}')
        return bev * self.gates[task](bev)
