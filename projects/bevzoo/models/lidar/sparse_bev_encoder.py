"""BEVFusion's sparse 3D LiDAR encoder (GPU only): mmdet3d's ``SparseEncoder`` with a build-time check."""
import contextlib
import contextvars
from typing import Iterator

import torch
from torch import Tensor

from mmdet3d.models.layers.spconv import IS_SPCONV2_AVAILABLE
from mmdet3d.models.middle_encoders import SparseEncoder
from mmdet3d.registry import MODELS

# Set only by `inspection_build()`; a context variable so that one thread's inspection cannot let another
# thread build a model that would fail in its first forward pass.
_INSPECTION = contextvars.ContextVar('sparse_bev_encoder_inspection', default=False)


class SparseConvUnavailableError(RuntimeError):
    """Sparse 3D convolution cannot run in this environment."""


def sparse_conv_problem() -> str:
    """Why sparse convolution cannot run here, or ``''`` when it can."""
    if not torch.cuda.is_available():
        return ('no CUDA device is visible (sparse 3D convolution has no CPU kernels in mmcv or spconv); '
                'use a pillar config (configs/lidar/pillars_*.py) on the CPU')
    from mmcv.ops import get_compiling_cuda_version
    if not IS_SPCONV2_AVAILABLE and get_compiling_cuda_version() == 'not available':
        return ('neither spconv 2 nor a CUDA build of mmcv is installed; install one: `pip install '
                'spconv-cu120` (matching your CUDA) or rebuild mmcv with `FORCE_CUDA=1 make setup`')
    return ''


@contextlib.contextmanager
def inspection_build() -> Iterator[None]:
    """Let :class:`SparseBEVEncoder` be built where sparse convolution cannot run, for inspection only.

    The weights of the sparse convolutions are ordinary CPU tensors, so a model can be built to count its
    parameters, load or inspect a checkpoint, or count FLOPs with
    :mod:`bevzoo.models.lidar.sparse_conv_flops`. An encoder built this way without a backend still refuses to run:
    its ``forward`` raises :class:`SparseConvUnavailableError`. Training and inference never enter this context.

    Example::

        with inspection_build():
            model = MODELS.build(cfg.model)
    """
    token = _INSPECTION.set(True)
    try:
        yield
    finally:
        _INSPECTION.reset(token)


@MODELS.register_module()
class SparseBEVEncoder(SparseEncoder):
    """mmdet3d's ``SparseEncoder`` (output ``[B, C * D, Y, X]``), refusing to build where it cannot run.

    Identical to the parent except that construction raises :class:`SparseConvUnavailableError` with the
    fix when there is no CUDA device or no sparse-convolution backend, instead of failing in the first
    forward pass; inside :func:`inspection_build` it builds anyway and the error moves to ``forward``.
    Arguments: see ``mmdet3d.models.middle_encoders.SparseEncoder``.
    """

    def __init__(self, *args, **kwargs) -> None:
        problem = sparse_conv_problem()
        if problem and not _INSPECTION.get():
            raise SparseConvUnavailableError(f'SparseBEVEncoder cannot be built: {problem}')
        super().__init__(*args, **kwargs)
        self._unavailable = problem  # non-empty only for an inspection build without a backend

    def forward(self, voxel_features: Tensor, coors: Tensor, batch_size: int) -> Tensor:
        if self._unavailable:
            raise SparseConvUnavailableError('SparseBEVEncoder was built for inspection (inspection_build) and '
                                             f'cannot run: {self._unavailable}')
        return super().forward(voxel_features, coors, batch_size)
