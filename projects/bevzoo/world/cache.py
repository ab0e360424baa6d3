"""A generated world cached on disk, keyed by its configuration and the world's source code, so repeated
test sessions (and several engineers' sessions) reuse one generation."""
import glob
import hashlib
import os
import shutil

from .config import WorldConfig
from .generate import generate_world

_SOURCES = os.path.dirname(os.path.abspath(__file__))


def world_key(config: WorldConfig) -> str:
    """Hash of the configuration and of every source file of `bevzoo.world`."""
    digest = hashlib.md5(repr(config).encode())
    for path in sorted(glob.glob(os.path.join(_SOURCES, '*.py'))):
        with open(path, 'rb') as f:
            digest.update(f.read())
    return digest.hexdigest()[:16]


def cached_world(config: WorldConfig, cache_root: str) -> str:
    """Path of a dataset generated from ``config`` under ``cache_root``; generated on the first call.

    Generation happens in a private temporary folder that is renamed into place when complete, so a
    concurrent or interrupted run never leaves a half-written dataset behind.
    """
    root = os.path.join(cache_root, f'world-{world_key(config)}')
    if os.path.isdir(root):
        return root
    staging = f'{root}.tmp-{os.getpid()}'
    shutil.rmtree(staging, ignore_errors=True)
    generate_world(config, staging, workers=1, progress=False)
    try:
        os.rename(staging, root)
    except OSError:  # another process finished first
        shutil.rmtree(staging, ignore_errors=True)
    return root
