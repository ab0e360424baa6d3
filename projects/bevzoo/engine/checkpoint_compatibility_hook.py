"""Refuses a checkpoint whose weights do not fit the model, instead of mmengine's warn-and-skip."""
import re
from typing import Dict, List

import torch
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mmdet3d.registry import HOOKS

_SHOWN = 5  # keys listed per kind of mismatch


class CheckpointMismatchError(RuntimeError):
    """A checkpoint's state dict does not match the model it is loaded into."""


def state_dict_mismatches(model_state: Dict[str, torch.Tensor], checkpoint_state: Dict[str, torch.Tensor]) -> List[str]:
    """Describe missing keys, unexpected keys and shape mismatches (empty when the two fit).

    Args:
        model_state: the model's ``state_dict()``.
        checkpoint_state: the checkpoint's state dict (a ``module.`` prefix from a wrapper is ignored).

    Returns:
        One human-readable line per kind of mismatch found.
    """
    loaded = {re.sub(r'^module\.', '', key): value for key, value in checkpoint_state.items()}
    problems = []
    missing = sorted(set(model_state) - set(loaded))
    unexpected = sorted(set(loaded) - set(model_state))
    wrong_shape = [f'{key}: checkpoint {tuple(loaded[key].shape)} vs model {tuple(model_state[key].shape)}'
                   for key in sorted(set(model_state) & set(loaded))
                   if tuple(loaded[key].shape) != tuple(model_state[key].shape)]
    for title, items in (('missing in the checkpoint', missing), ('not in the model', unexpected),
                         ('with other shapes', wrong_shape)):
        if items:
            more = f' (+{len(items) - _SHOWN} more)' if len(items) > _SHOWN else ''
            problems.append(f'{len(items)} weights {title}: {", ".join(items[:_SHOWN])}{more}')
    return problems


@HOOKS.register_module()
class CheckpointCompatibilityHook(Hook):
    """Raise :class:`CheckpointMismatchError` before a non-matching checkpoint is loaded.

    mmengine loads ``load_from`` / ``--resume`` checkpoints with ``strict=False``: weights with other
    names or shapes are skipped with a warning, and a model tested with half its weights random gives
    numbers that look real. Runs in ``after_load_checkpoint``, which mmengine calls before copying the
    weights. For deliberate partial initialisation use a module's ``init_cfg=dict(type='Pretrained')``.
    """
    priority = 'VERY_HIGH'

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        """Compare the checkpoint's weights with the model's; raise on any difference."""
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        state = checkpoint.get('state_dict', checkpoint)
        problems = state_dict_mismatches(model.state_dict(), state)
        if problems:
            raise CheckpointMismatchError(
                f'the checkpoint does not fit {type(model).__name__} built from this config (was it trained '
                'with another config?):\n  ' + '\n  '.join(problems))
