"""Fixtures of the multi-task tests: build configs in the mmdet3d scope, as the runner does."""
import pytest
from mmengine.registry import init_default_scope

import bevzoo  # noqa: F401  (registers the bevzoo modules)


@pytest.fixture(scope='session', autouse=True)
def mmdet3d_scope() -> None:
    init_default_scope('mmdet3d')
