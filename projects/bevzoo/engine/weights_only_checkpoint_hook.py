"""Stores mmengine's message-hub history as plain data so checkpoints load with ``weights_only=True``."""
from typing import Dict

from mmengine.hooks import Hook
from mmengine.logging import HistoryBuffer

from mmdet3d.registry import HOOKS

_MARK = 'bevzoo_history_buffer'


def _plain(buffer: HistoryBuffer) -> Dict:
    log_history, count_history = buffer.data
    return {_MARK: True, 'log_history': log_history, 'count_history': count_history,
            'max_length': buffer.max_length}


def _is_plain(value) -> bool:
    return isinstance(value, dict) and value.get(_MARK, False)


@HOOKS.register_module()
class WeightsOnlyCheckpointHook(Hook):
    """Make checkpoints loadable by torch's safe unpickler and restore them on load.

    mmengine's ``HistoryBuffer`` (the logged scalars a resumed run continues) pickles its statistics
    methods through ``getattr``, which ``torch.load(weights_only=True)`` rightly refuses. Before a
    checkpoint is written, each buffer is replaced by its arrays; after a checkpoint is read (before
    ``resume`` hands it to the message hub), the buffers are rebuilt.
    """
    priority = 'VERY_HIGH'

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        """Replace history buffers by plain dicts of arrays."""
        scalars = checkpoint.get('message_hub', {}).get('log_scalars', {})
        for key, value in scalars.items():
            if isinstance(value, HistoryBuffer):
                scalars[key] = _plain(value)

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        """Rebuild the history buffers written by :meth:`before_save_checkpoint`."""
        scalars = checkpoint.get('message_hub', {}).get('log_scalars', {})
        for key, value in scalars.items():
            if _is_plain(value):
                scalars[key] = HistoryBuffer(value['log_history'], value['count_history'], value['max_length'])
