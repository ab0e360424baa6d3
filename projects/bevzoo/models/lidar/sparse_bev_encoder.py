"""BEVFusion's sparse 3D LiDAR encoder (GPU only): mmdet3d's ``SparseEncoder`` with a build-time check."""
import torch

from mmdet3d.models.layers.spconv import IS_SPCONV2_AVAILABLE
from mmdet3d.models.middle_encoders import SparseEncoder
from mmdet3d.registry import MODELS


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


@MODELS.register_module()
class SparseBEVEncoder(SparseEncoder):
    """mmdet3d's ``SparseEncoder`` (output ``[B, C * D, Y, X]``), refusing to build where it cannot run.

    Identical to the parent except that construction raises :class:`SparseConvUnavailableError` with the
    fix when there is no CUDA device or no sparse-convolution backend, instead of failing in the first
    forward pass. Arguments: see ``mmdet3d.models.middle_encoders.SparseEncoder``.
    """

    def __init__(self, *args, **kwargs) -> None:
        problem = sparse_conv_problem()
        if problem:
            raise SparseConvUnavailableError(f'SparseBEVEncoder cannot be built: {problem}')
        super().__init__(*args, **kwargs)
