"""Config preparation shared by tools/train.py and tools/test.py, with errors that say what to fix."""
import argparse
import contextlib
import os.path as osp
import pickle
import sys
from typing import Iterator, List, Optional, Sequence

import torch
from mmengine.config import Config, DictAction
from mmengine.registry import RUNNERS
from mmengine.runner import Runner

from .checkpoint_compatibility_hook import CheckpointMismatchError
from .distributed import LAUNCHERS
from .heap_reuse import keep_freed_memory

# Hooks every bevzoo run needs (also listed in configs/_base_/default_runtime.py): added when a config
# replaced ``custom_hooks`` without them.
RUNTIME_HOOKS = ('WeightsOnlyCheckpointHook', 'RandomStateHook', 'CheckpointCompatibilityHook')
_LOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')


class ToolInputError(RuntimeError):
    """A command-line argument or a file it names is unusable; the message says how to fix it."""


def add_runner_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags train.py and test.py share: --work-dir, --cfg-options, --launcher (and torch's --local-rank)."""
    parser.add_argument('--work-dir', help='where logs, checkpoints and metrics go (default ./work_dirs/<config name>)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, help='override config keys: key=value')
    parser.add_argument('--launcher', choices=LAUNCHERS, default='none', help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0, help=argparse.SUPPRESS)


def build_runner(cfg: Config) -> Runner:
    """mmengine's Runner, or the registered runner the config names in ``runner_type``.

    Without CUDA the process first keeps freed memory in its heap (``keep_freed_memory``): CPU steps then reuse
    their activations' pages instead of faulting in fresh ones."""
    if not torch.cuda.is_available():
        keep_freed_memory()
    return RUNNERS.build(cfg) if 'runner_type' in cfg else Runner.from_cfg(cfg)


@contextlib.contextmanager
def exit_on_user_error(checkpoint: Optional[str] = None) -> Iterator[None]:
    """Turn errors the user can fix into one ``error:`` line and exit status 1 instead of a traceback.

    Args:
        checkpoint: the checkpoint the run loads, named in checkpoint errors.
    """
    subject = f'{checkpoint}: ' if checkpoint else ''
    try:
        yield
    except ToolInputError as exc:
        sys.exit(f'error: {exc}')
    except CheckpointMismatchError as exc:
        sys.exit(f'error: {subject}{exc}')
    except pickle.UnpicklingError as exc:
        sys.exit(f'error: {subject}the checkpoint holds objects torch refuses to load safely ({exc}). bevzoo '
                 'allow-lists the data types its checkpoints need; if you trust the file, extract its '
                 "'state_dict' with torch.load(..., weights_only=False) and load that instead.")


def load_config(path: str, cfg_options: Optional[dict] = None) -> Config:
    """Read a config file and apply ``--cfg-options``.

    Raises:
        ToolInputError: the file does not exist or is not a config.
    """
    if not osp.isfile(path):
        raise ToolInputError(f'config {path!r} does not exist (the zoo configs are under configs/)')
    cfg = Config.fromfile(path)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    return cfg


def resolve_work_dir(cfg: Config, work_dir: Optional[str], config_path: str) -> str:
    """``--work-dir``, else the config's ``work_dir``, else ``./work_dirs/<config name>`` (mmdet3d's rule)."""
    if work_dir:
        return work_dir
    return cfg.get('work_dir') or osp.join('./work_dirs', osp.splitext(osp.basename(config_path))[0])


def require_checkpoint(path: str) -> str:
    """Return ``path`` if it is a file, else raise a :class:`ToolInputError` naming it."""
    if not osp.isfile(path):
        raise ToolInputError(f'checkpoint {path!r} does not exist')
    return path


def _dataset_configs(node) -> Iterator[dict]:
    """Dataset configs under a (possibly wrapped: CBGS, repeat, concat) dataset config."""
    if isinstance(node, dict):
        if 'ann_file' in node:
            yield node
        for key in ('dataset', 'datasets'):
            yield from _dataset_configs(node.get(key))
    elif isinstance(node, (list, tuple)):
        for child in node:
            yield from _dataset_configs(child)


def check_dataset_files(cfg: Config, loaders: Sequence[str] = _LOADERS) -> None:
    """Check that each dataset's root and info file exist before the Runner starts.

    Args:
        cfg: the run's config.
        loaders: which of train/val/test_dataloader the run uses (absent ones are skipped).

    Raises:
        ToolInputError: naming the loader, the missing path and the command that creates it.
    """
    for loader in loaders:
        if not cfg.get(loader):
            continue
        for dataset in _dataset_configs(cfg[loader].get('dataset')):
            root = dataset.get('data_root') or ''
            if root and not osp.isdir(root):
                raise ToolInputError(f'{loader}: dataset root {root!r} does not exist; generate the built-in world '
                                     f'with `python tools/create_world.py` or point data_root at nuScenes')
            info = dataset['ann_file'] if osp.isabs(dataset['ann_file']) else osp.join(root, dataset['ann_file'])
            if not osp.isfile(info):
                raise ToolInputError(f'{loader}: info file {info!r} is missing; create it with '
                                     f'`python tools/create_data.py {root or "<data_root>"}`')


def _evaluators(cfg: Config) -> List[dict]:
    found = []
    for key in ('val_evaluator', 'test_evaluator'):
        value = cfg.get(key)
        found += value if isinstance(value, (list, tuple)) else [value] if value else []
    return found


def route_metric_outputs(cfg: Config, output_dir: str) -> None:
    """Write BEVZooMetric's result JSON and metrics.json to ``output_dir`` unless the config chose a folder."""
    for evaluator in _evaluators(cfg):
        if evaluator.get('type') == 'BEVZooMetric' and not evaluator.get('output_dir'):
            evaluator['output_dir'] = output_dir


def ensure_runtime_hooks(cfg: Config) -> None:
    """Append the runtime hooks of :data:`RUNTIME_HOOKS` that the config's ``custom_hooks`` lack."""
    hooks = list(cfg.get('custom_hooks') or [])
    present = {hook.get('type') for hook in hooks}
    hooks += [dict(type=name) for name in RUNTIME_HOOKS if name not in present]
    cfg.custom_hooks = hooks


def enable_amp(cfg: Config) -> None:
    """Switch the optimiser wrapper to mixed precision: float16 with dynamic loss scaling on CUDA (mmengine's
    ``AmpOptimWrapper``), bfloat16 autocast on the CPU (``CPUAutocastOptimWrapper``)."""
    if torch.cuda.is_available():
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    else:
        cfg.optim_wrapper.type = 'CPUAutocastOptimWrapper'


def enable_auto_scale_lr(cfg: Config) -> None:
    """Scale the learning rate by total batch / ``auto_scale_lr.base_batch_size``."""
    if 'base_batch_size' not in (cfg.get('auto_scale_lr') or {}):
        raise ToolInputError('--auto-scale-lr needs `auto_scale_lr = dict(base_batch_size=N)` in the config '
                             '(the batch size its learning rate was tuned for)')
    cfg.auto_scale_lr.enable = True


def configure_resume(cfg: Config, resume: Optional[str]) -> None:
    """``--resume`` alone: continue from work_dir's latest checkpoint; ``--resume CKPT``: from CKPT."""
    if resume is None:
        return
    cfg.resume = True
    cfg.load_from = None if resume == 'auto' else require_checkpoint(resume)
