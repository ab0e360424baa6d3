"""Detection of NaN / inf task losses, reported with the task and loss term that produced them."""
from typing import Dict

import torch
from torch import Tensor


class NonFiniteLossError(FloatingPointError):
    """A task head returned a NaN or infinite loss term."""


def check_finite_losses(task: str, losses: Dict[str, Tensor]) -> None:
    """Raise :class:`NonFiniteLossError` naming ``task`` and the term when any loss term is NaN or inf.

    Only keys containing ``'loss'`` are checked (the ones mmengine sums); logged statistics may be
    anything. Checking here, before the terms are summed, is what lets the error name the task: after
    the sum a single NaN hides where it came from.
    """
    for key, value in losses.items():
        if 'loss' not in key or not isinstance(value, Tensor):
            continue
        if not bool(torch.isfinite(value.detach()).all()):
            raise NonFiniteLossError(
                f'task {task!r} produced a non-finite {key} = {value.detach().float().cpu().tolist()}; '
                'lower the learning rate, enable gradient clipping, or check this head\'s targets')
