"""`make demo`: built-in world -> info files -> train the default fused world config -> test -> metrics.

Each step runs the project's own tool (so its output and progress show as they would by hand) and is
skipped when its result already exists: the world (tools/create_world.py), the info files
(tools/create_data.py), the trained checkpoint (tools/train.py, resumed if interrupted), then
tools/test.py with visualisations. Ends with the headline metrics and where the pictures are.

The demo fits its time budget (``--minutes``, 30 by default) on any machine: before training it times a dozen
training iterations of the config here and trains as many whole epochs as the rest of the budget holds (the
learning-rate schedule stretched to match). The choice is kept in the work dir's demo_plan.json, so an
interrupted demo resumes the same schedule; ``--epochs N`` or ``--minutes 0`` (the config's own epochs)
skip the timing.
"""
import _bootstrap  # noqa: F401  (must come first: clear message outside the bevzoo environment)

import argparse
import copy
import glob
import json
import os
import os.path as osp
import subprocess
import sys
import time
from typing import List

import torch
from mmengine.config import Config, DictAction

from bevzoo.engine.cpu_autocast_optim_wrapper import cpu_has_native_bfloat16
from bevzoo.engine.tool_config import enable_amp
from bevzoo.engine.training_speed import TrainingSpeed, measure_training_speed

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
DEFAULT_CONFIG = 'configs/m3net/m3net_det-map-occ_world-demo.py'
HEADLINE = (('det/NDS', 'NDS', 0.3), ('det/mAP', 'mAP', None), ('map/mean/iou@max', 'map mIoU', 0.5),
            ('occ/mIoU', 'occupancy mIoU', 0.25))
PLAN_FILE = 'demo_plan.json'
# Kept from the training budget for train.py's start-up and the final test.py run (about 20 s and 60 s on the
# 2-core machine), with a margin for checkpoints and a busier machine.
RESERVED_SECONDS = 150


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--config', default=DEFAULT_CONFIG, help='the config to train and test')
    parser.add_argument('--work-dir', help='default ./work_dirs/<config name>')
    parser.add_argument('--show-max', type=int, default=8, help='visualisations to write')
    parser.add_argument('--cfg-options', nargs='+', default=[], metavar='KEY=VALUE',
                        help='passed to train.py and test.py, e.g. train_cfg.max_epochs=2')
    parser.add_argument('--precision', choices=('auto', 'float32', 'mixed'), default='auto',
                        help='training precision; mixed is train.py --amp (bfloat16 autocast on a CPU, float16 on '
                             'CUDA); auto (default): mixed on CUDA or on a CPU with native bfloat16, else float32')
    parser.add_argument('--minutes', type=float, default=30.0,
                        help='time budget of the whole demo after set-up; training gets what the other steps leave '
                             '(default 30; 0 trains the config\'s own epochs)')
    parser.add_argument('--epochs', type=int, help='train exactly this many epochs instead of fitting the budget')
    args = parser.parse_args()
    if args.epochs is not None and args.epochs < 1:
        parser.error(f'--epochs must be at least 1, got {args.epochs}')
    if args.minutes < 0:
        parser.error(f'--minutes must be >= 0, got {args.minutes}')
    return args


def mixed_precision(choice: str) -> bool:
    """Whether the demo trains with ``--amp``: asked for, or ``auto`` where mixed precision is fast (CUDA, or a CPU
    with native bfloat16; emulated bfloat16 is slower than float32)."""
    if choice != 'auto':
        return choice == 'mixed'
    return torch.cuda.is_available() or cpu_has_native_bfloat16()


def parse_cfg_options(options: List[str]) -> dict:
    """``key=value`` strings parsed exactly as train.py / test.py parse them (mmengine's DictAction)."""
    parser = argparse.ArgumentParser()
    parser.add_argument('--cfg-options', nargs='*', action=DictAction, default={})
    return parser.parse_args(['--cfg-options', *options]).cfg_options


def run_step(title: str, command: List[str]) -> None:
    """Run one tool, stream its output, and stop the demo with its exit status if it fails."""
    print(f'\n=== {title}\n$ {" ".join(command)}', flush=True)
    start = time.time()
    status = subprocess.call(command, cwd=REPO)
    if status != 0:
        sys.exit(f'demo: "{title}" failed with exit status {status}')
    print(f'=== {title}: done in {time.time() - start:.0f} s', flush=True)


def tool(name: str, *args: str) -> List[str]:
    return [sys.executable, osp.join(REPO, 'tools', name), *args]


def latest_checkpoint(work_dir: str) -> str:
    with open(osp.join(work_dir, 'last_checkpoint')) as stream:
        return stream.read().strip()


def training_finished(work_dir: str, train_cfg: dict) -> bool:
    """Whether the final checkpoint exists: ``epoch_N.pth`` of an epoch-based loop, ``iter_N.pth`` of an
    iteration-based one (``max_iters``)."""
    final = f'iter_{train_cfg["max_iters"]}.pth' if 'max_iters' in train_cfg else f'epoch_{train_cfg["max_epochs"]}.pth'
    return osp.isfile(osp.join(work_dir, final))


def planned_epochs(budget_seconds: float, speed: TrainingSpeed) -> int:
    """Whole epochs that fit in ``budget_seconds`` at ``speed``; at least one."""
    return max(1, int(budget_seconds // (speed.seconds_per_iteration * speed.iterations_per_epoch)))


def epoch_overrides(cfg: Config, epochs: int) -> List[str]:
    """``--cfg-options`` that train ``epochs`` epochs: the loop's ``max_epochs``, and the ``end`` and ``T_max`` of
    every epoch-based scheduler that stopped at the config's last epoch, moved to the new one."""
    last = cfg.train_cfg.max_epochs
    options = [f'train_cfg.max_epochs={epochs}']
    schedulers = cfg.get('param_scheduler') or []
    indexed = [('param_scheduler', schedulers)] if isinstance(schedulers, dict) else \
        [(f'param_scheduler.{i}', scheduler) for i, scheduler in enumerate(schedulers)]
    for prefix, scheduler in indexed:
        if scheduler.get('by_epoch', True):
            options += [f'{prefix}.{key}={epochs}' for key in ('end', 'T_max') if scheduler.get(key) == last]
    return options


def choose_epochs(args: argparse.Namespace, cfg: Config, work_dir: str, started: float) -> int:
    """The epochs to train: --epochs, an earlier run's plan, the config's own (--minutes 0, or a run begun
    without a plan, whose checkpoints carry that schedule), or what fits the budget at the speed measured here
    (then saved as the plan)."""
    plan_path = osp.join(work_dir, PLAN_FILE)
    if args.epochs is not None:
        return args.epochs
    if osp.isfile(plan_path):
        with open(plan_path) as stream:
            return json.load(stream)['epochs']
    if args.minutes == 0 or osp.isfile(osp.join(work_dir, 'last_checkpoint')):
        return cfg.train_cfg.max_epochs
    print('\n=== time a few training iterations on this machine', flush=True)
    probe = copy.deepcopy(cfg)
    if mixed_precision(args.precision):
        enable_amp(probe)
    speed = measure_training_speed(probe)
    budget = args.minutes * 60 - (time.time() - started) - RESERVED_SECONDS
    epochs = planned_epochs(budget, speed)
    print(f'{speed.seconds_per_iteration:.2f} s per iteration, {speed.iterations_per_epoch} per epoch: '
          f'{epochs} epochs fit the {budget / 60:.1f} minutes left for training (--epochs N chooses)', flush=True)
    os.makedirs(work_dir, exist_ok=True)
    with open(plan_path, 'w') as stream:
        json.dump(dict(epochs=epochs, seconds_per_iteration=speed.seconds_per_iteration,
                       iterations_per_epoch=speed.iterations_per_epoch, budget_minutes=args.minutes), stream)
    return epochs


def print_headline(metrics_path: str, show_dir: str) -> None:
    metrics = json.load(open(metrics_path))
    print('\n=== bevzoo demo: validation split of the built-in world')
    for key, name, floor in HEADLINE:
        if key in metrics:
            target = f'   (floor {floor})' if floor is not None else ''
            print(f'{name:>16}: {metrics[key]:.4f}{target}')
    print(f'all metrics: {metrics_path}\nvisualisations: {osp.abspath(show_dir)}')


def main() -> None:
    args = parse_args()
    config = osp.join(REPO, args.config) if not osp.isabs(args.config) else args.config
    cfg = Config.fromfile(config)
    user_options = parse_cfg_options(args.cfg_options)
    cfg.merge_from_dict(user_options)
    data_root = osp.join(REPO, cfg.test_dataloader.dataset.data_root)  # where the config reads the world
    work_dir = args.work_dir or osp.join(REPO, 'work_dirs', osp.splitext(osp.basename(config))[0])
    started = time.time()
    if not glob.glob(osp.join(data_root, 'v1.0-*', 'sample.json')):
        run_step('generate the built-in world', tool('create_world.py', '--out', data_root))
    if not all(osp.isfile(osp.join(data_root, f'bevzoo_infos_{split}.pkl')) for split in ('train', 'val')):
        run_step('create the info files', tool('create_data.py', data_root))
    options = list(args.cfg_options)
    if 'max_epochs' in cfg.train_cfg and not any(key.startswith('train_cfg.max_') for key in user_options):
        schedule = epoch_overrides(cfg, choose_epochs(args, cfg, work_dir, started))
        cfg.merge_from_dict(parse_cfg_options(schedule))  # the user's options are merged already
        options = schedule + options
    overrides = ['--cfg-options', *options] if options else []
    if not training_finished(work_dir, cfg.train_cfg):
        resume = ['--resume'] if osp.isfile(osp.join(work_dir, 'last_checkpoint')) else []
        amp = ['--amp'] if mixed_precision(args.precision) else []
        run_step('train', tool('train.py', config, '--work-dir', work_dir, *resume, *amp, *overrides))
    show_dir = osp.join(work_dir, 'show')
    test_dir = osp.join(work_dir, 'test')
    os.makedirs(test_dir, exist_ok=True)
    run_step('test', tool('test.py', config, latest_checkpoint(work_dir), '--work-dir', test_dir,
                          '--show-dir', show_dir, '--show-max', str(args.show_max), *overrides))
    print_headline(osp.join(test_dir, 'metrics.json'), show_dir)
    print(f'demo finished in {(time.time() - started) / 60:.1f} min')


if __name__ == '__main__':
    main()
