"""Loads the compiled extension ``bevzoo._C``, whose import registers the ``torch.ops.bevzoo`` kernels."""
from .. import _C  # noqa: F401
