"""Process-group set-up that lets mmengine's Runner train on GPUs (NCCL) and on CPUs (gloo).

On a CPU-only torch, mmengine's own launcher calls ``torch.cuda.set_device`` and fails, and its default
DistributedDataParallel wrapper passes ``device_ids=[LOCAL_RANK]``, which CPU modules refuse. For CPU
runs the gloo process group is therefore created here, before the Runner (which then skips its own
initialisation), and the model wrapper is configured without device ids.
"""
import os

import torch
import torch.distributed as dist
from mmengine.config import Config

LAUNCHERS = ('none', 'pytorch', 'slurm')


def prepare_distributed(cfg: Config, launcher: str) -> None:
    """Set ``cfg.launcher`` and, on CPUs, start the gloo process group and a CPU model wrapper.

    Args:
        cfg: the run's config (edited in place: ``launcher``, ``model_wrapper_cfg`` on CPUs).
        launcher: 'none' (one process), 'pytorch' (started by torchrun) or 'slurm' (started by srun).

    Raises:
        ValueError: an unknown launcher, slurm without CUDA, or torchrun's variables missing.
    """
    if launcher not in LAUNCHERS:
        raise ValueError(f'--launcher must be one of {LAUNCHERS}, got {launcher!r}')
    cfg.launcher = launcher
    if launcher == 'none' or torch.cuda.is_available():
        return  # mmengine initialises NCCL itself (env_cfg.dist_cfg)
    if launcher == 'slurm':
        raise ValueError('--launcher slurm needs CUDA devices; on CPUs start the processes with '
                         '`srun torchrun ... tools/train.py CONFIG --launcher pytorch` (see docs/tools.md)')
    missing = [name for name in ('RANK', 'WORLD_SIZE', 'MASTER_ADDR', 'MASTER_PORT') if name not in os.environ]
    if missing:
        raise ValueError(f'--launcher pytorch expects the variables torchrun sets, missing {missing}; start it '
                         'with tools/dist_train.sh or `torchrun --nproc_per_node N tools/train.py ...`')
    if not dist.is_initialized():
        dist.init_process_group(backend='gloo')
    cfg.model_wrapper_cfg = dict(type='MMDistributedDataParallel', device_ids=None, broadcast_buffers=False,
                                 find_unused_parameters=cfg.get('find_unused_parameters', False))
