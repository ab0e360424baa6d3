"""Shared pytest fixtures. Expensive artefacts (a tiny generated world, its info files) are built once
per session under data/test_cache/ and reused by every test that asks for them."""
import os

import pytest

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope='session')
def repo_root() -> str:
    return REPO_ROOT
