"""Train a bevzoo config with mmengine's Runner (mmdet3d's tools/train.py flags).

    python tools/train.py CONFIG [--work-dir DIR] [--resume [CKPT]] [--amp] [--auto-scale-lr]
                          [--cfg-options key=value ...] [--launcher none|pytorch|slurm]
Several processes: tools/dist_train.sh CONFIG NPROC (torchrun; NCCL on GPUs, gloo on CPUs).
"""
import _bootstrap  # noqa: F401  (must come first: clear message outside the bevzoo environment)

import argparse
import os.path as osp

from bevzoo.engine import prepare_distributed
from bevzoo.engine.tool_config import (add_runner_arguments, build_runner, check_dataset_files, configure_resume,
                                       enable_amp, enable_auto_scale_lr, ensure_runtime_hooks, exit_on_user_error,
                                       load_config, resolve_work_dir, route_metric_outputs)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Train a bevzoo model.')
    parser.add_argument('config', help='config file, e.g. configs/bevfusion/...py')
    parser.add_argument('--resume', nargs='?', const='auto', metavar='CKPT',
                        help='resume from CKPT, or from the latest checkpoint in the work dir when no path is given')
    parser.add_argument('--amp', action='store_true',
                        help='mixed precision: float16 + loss scaling on CUDA, bfloat16 autocast on the CPU')
    parser.add_argument('--auto-scale-lr', action='store_true',
                        help='scale the learning rate with the total batch size (needs auto_scale_lr in the config)')
    add_runner_arguments(parser)
    return parser.parse_args()


def build_config(args: argparse.Namespace):
    """The config with the command line applied, checked before any work starts."""
    cfg = load_config(args.config, args.cfg_options)
    cfg.work_dir = resolve_work_dir(cfg, args.work_dir, args.config)
    if args.amp:
        enable_amp(cfg)
    if args.auto_scale_lr:
        enable_auto_scale_lr(cfg)
    configure_resume(cfg, args.resume)
    check_dataset_files(cfg, ('train_dataloader', 'val_dataloader'))
    route_metric_outputs(cfg, osp.join(cfg.work_dir, 'val'))
    ensure_runtime_hooks(cfg)
    prepare_distributed(cfg, args.launcher)
    return cfg


def main() -> None:
    args = parse_args()
    with exit_on_user_error(args.resume if args.resume != 'auto' else None):
        build_runner(build_config(args)).train()


if __name__ == '__main__':
    main()
