"""The allow-list that lets ``torch.load(weights_only=True)`` (torch >= 2.6's default) read bevzoo checkpoints.

mmengine loads checkpoints with torch's default, which since torch 2.6 refuses every class that is not
allow-listed. Besides tensors, a resumable mmengine checkpoint holds numpy arrays, dtypes and scalars (message
hub, random states) and a ``collections.Counter`` (step schedulers' milestones). These are plain data types;
allow-listing exactly them keeps loading a downloaded checkpoint safe, unlike ``weights_only=False``, which
runs whatever the file contains. mmengine's ``HistoryBuffer`` is not listed: it pickles its statistics
methods through ``getattr``, which must stay forbidden; ``WeightsOnlyCheckpointHook`` stores it as plain data
instead.
"""
import collections

import numpy as np
import torch

# Every concrete numpy dtype class (numpy >= 1.25 pickles dtypes through them), e.g. Float64DType.
_NUMPY_DTYPE_CLASSES = [type(np.dtype(code)) for code in '?bBhHiIlLqQefdgFDG']


def allowed_checkpoint_globals() -> list:
    """The classes and functions a bevzoo checkpoint may contain besides tensors and containers."""
    return [np.ndarray, np.dtype, np.core.multiarray._reconstruct, np.core.multiarray.scalar,
            collections.Counter, *_NUMPY_DTYPE_CLASSES]


def register_checkpoint_globals() -> None:
    """Allow-list :func:`allowed_checkpoint_globals` for every later ``torch.load`` in this process."""
    torch.serialization.add_safe_globals(allowed_checkpoint_globals())
