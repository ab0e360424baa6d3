"""A local file backend whose writes are atomic, so a killed run never leaves a truncated checkpoint.

mmengine's ``LocalBackend.put`` opens the target with 'wb' and writes into it: a process killed while a
checkpoint is being written leaves a truncated ``epoch_N.pth`` behind. This backend writes to a temporary
file in the same folder, flushes it to disk and moves it over the target with ``os.replace`` (atomic on
POSIX), so the target is always either the old complete file or the new complete file. Select it with
``default_hooks.checkpoint.backend_args=dict(backend='atomic_local')``.
"""
import os
import os.path as osp
import tempfile
from pathlib import Path
from typing import Union

from mmengine.fileio import LocalBackend, register_backend


def atomic_write(data: bytes, filepath: Union[str, Path]) -> None:
    """Write ``data`` to ``filepath`` through a synced temporary file and ``os.replace``.

    Args:
        data: the bytes to write.
        filepath: the destination; its folder is created if missing.
    """
    folder = osp.dirname(osp.abspath(filepath))
    os.makedirs(folder, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f'.{osp.basename(filepath)}.', suffix='.tmp')
    try:
        with os.fdopen(handle, 'wb') as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, filepath)
    except BaseException:
        if osp.exists(temporary):
            os.remove(temporary)
        raise


@register_backend('atomic_local')
class AtomicLocalBackend(LocalBackend):
    """``LocalBackend`` whose ``put`` and ``put_text`` replace the target atomically."""

    def put(self, obj: bytes, filepath: Union[str, Path]) -> None:
        """Write bytes to ``filepath`` atomically."""
        atomic_write(obj, filepath)

    def put_text(self, obj: str, filepath: Union[str, Path], encoding: str = 'utf-8') -> None:
        """Write text to ``filepath`` atomically."""
        atomic_write(obj.encode(encoding), filepath)
