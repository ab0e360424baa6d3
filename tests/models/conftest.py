"""Fixtures of the model tests: the mmdet3d default scope and small synthetic batches."""
import pytest
from mmengine.registry import init_default_scope

import bevzoo  # noqa: F401  (registers the bevzoo modules)
from bevzoo.models.synthetic_inputs import synthetic_batch
from .tiny_models import IMAGE_SIZE, NUM_CLASSES, POINT_CLOUD_RANGE


@pytest.fixture(scope='session', autouse=True)
def mmdet3d_scope() -> None:
    """Build configs in the mmdet3d scope, as the runner does with ``default_scope='mmdet3d'``."""
    init_default_scope('mmdet3d')


@pytest.fixture
def batch() -> dict:
    """One sample with six cameras, points and four boxes (unpreprocessed, as from the dataloader)."""
    return synthetic_batch(1, IMAGE_SIZE, NUM_CLASSES, extent=POINT_CLOUD_RANGE[3] - 4)


@pytest.fixture
def batch_of_two() -> dict:
    """Like ``batch`` with two samples, for code paths that index the batch."""
    return synthetic_batch(2, IMAGE_SIZE, NUM_CLASSES, extent=POINT_CLOUD_RANGE[3] - 4, seed=1)
