"""Fixtures of the multi-task tests: build configs in the mmdet3d scope, as the runner does."""
import pytest
import torch
from mmengine.registry import init_default_scope

import bevzoo  # noqa: F401  (registers the bevzoo modules)


@pytest.fixture(scope='session', autouse=True)
def mmdet3d_scope() -> None:
    init_default_scope('mmdet3d')


@pytest.fixture(autouse=True)
def fixed_weights() -> None:
    """Every test builds its modules from the same random state: randomly initialised heads are otherwise a
    different network in each run (one with every hidden ReLU of a probed cell off gives that cell no gradient)."""
    torch.manual_seed(0)
