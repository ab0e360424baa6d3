"""Shared pytest fixtures. Expensive artefacts (a tiny generated world, its info files) are built once
per session under data/test_cache/ and reused by every test that asks for them."""
import os

import pytest

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope='session')
def repo_root() -> str:
    return REPO_ROOT


@pytest.fixture(scope='session')
def tiny_world() -> tuple:
    """A tiny generated world (1 train + 1 val scene of 4 keyframes), cached under data/test_cache/.

    Returns:
        ``(dataroot, version)``, e.g. ``('.../data/test_cache/world-<key>', 'v1.0-trainval')``.
    """
    from bevzoo.world import WorldConfig
    from bevzoo.world.cache import cached_world
    config = WorldConfig.tiny()
    return cached_world(config, os.path.join(REPO_ROOT, 'data', 'test_cache')), config.version
