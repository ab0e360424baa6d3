"""`make demo`: built-in world -> info files -> train the default fused world config -> test -> metrics.

Each step runs the project's own tool (so its output and progress show as they would by hand) and is
skipped when its result already exists: the world (tools/create_world.py), the info files
(tools/create_data.py), the trained checkpoint (tools/train.py, resumed if interrupted), then
tools/test.py with visualisations. Ends with the headline metrics and where the pictures are.
"""
import _bootstrap  # noqa: F401  (must come first: clear message outside the bevzoo environment)

import argparse
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

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
DEFAULT_CONFIG = 'configs/m3net/m3net_det-map-occ_world-demo.py'
HEADLINE = (('det/NDS', 'NDS', 0.3), ('det/mAP', 'mAP', None), ('map/mean/iou@max', 'map mIoU', 0.5),
            ('occ/mIoU', 'occupancy mIoU', 0.25))


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
    return parser.parse_args()


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
    overrides = ['--cfg-options', *args.cfg_options] if args.cfg_options else []
    cfg.merge_from_dict(parse_cfg_options(args.cfg_options))
    data_root = osp.join(REPO, cfg.test_dataloader.dataset.data_root)  # where the config reads the world
    work_dir = args.work_dir or osp.join(REPO, 'work_dirs', osp.splitext(osp.basename(config))[0])
    started = time.time()
    if not glob.glob(osp.join(data_root, 'v1.0-*', 'sample.json')):
        run_step('generate the built-in world', tool('create_world.py', '--out', data_root))
    if not all(osp.isfile(osp.join(data_root, f'bevzoo_infos_{split}.pkl')) for split in ('train', 'val')):
        run_step('create the info files', tool('create_data.py', data_root))
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
