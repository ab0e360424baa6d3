"""bevzoo: a model zoo of BEV camera-LiDAR fusion networks with multi-task heads.

Importing the package registers every bevzoo module in the mmdet3d registries (scope
``mmdet3d``), so configs name them by type after
``custom_imports=dict(imports=['bevzoo'], allow_failed_imports=False)``.
"""
from .utils.environment import check_environment
from .version import __version__

check_environment()

from . import ops  # noqa: E402  (loads bevzoo._C and registers torch.ops.bevzoo)
from . import closed_loop, datasets, evaluation, models, world  # noqa: E402,F401
from . import engine, visualization  # noqa: E402,F401

__all__ = ['__version__']
