"""Compiled ops (owned by the ops issue). Loads bevzoo._C."""
from .. import _C  # noqa: F401
