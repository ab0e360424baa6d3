"""Which multi-task balancing works? Trains the `world` det+map+occ model with each balancer, and each task
alone, on the same iteration budget, then tests them all and prints one table.

    python tools/benchmark_multitask.py [--iters 300] [--data-root data/world/] [--work-dir DIR] [--only NAME ...]

Every run starts from the same seed and differs from the static-weights model only in what its config
changes (balancer, gradient calibration, fuser / task gates); the single-task baselines are the static
model with the other heads removed. Metrics come from the configs' ``BEVZooMetric`` on the world's val
split. Budget, seed and wall time are printed with the table.
"""
import argparse
import os.path as osp
import time
from typing import Dict, List, Optional, Sequence, Tuple

import _bootstrap  # noqa: F401  (imports bevzoo or says how to set up)
import mmengine
from mmengine.config import Config
from mmengine.runner import Runner
from terminaltables import AsciiTable

CONFIGS = 'configs'
STATIC = f'{CONFIGS}/bevfusion/bevfusion_multitask_det-map-occ_world.py'
EXPERIMENTS: List[Tuple[str, str, Optional[str]]] = [  # (name, config, single task kept or None)
    ('det only', STATIC, 'det'),
    ('map only', STATIC, 'map'),
    ('occ only', STATIC, 'occ'),
    ('static weights', STATIC, None),
    ('uncertainty', f'{CONFIGS}/bevfusion/bevfusion_multitask_det-map-occ_uncertainty_world.py', None),
    ('FULLER calibration', f'{CONFIGS}/fuller/fuller_det-map-occ_world.py', None),
    ('M3Net MAFI + TCS', f'{CONFIGS}/m3net/m3net_det-map-occ_world.py', None),
]
COLUMNS = (('NDS', 'det/NDS'), ('mAP', 'det/mAP'), ('map mIoU', 'map/mean/iou@max'), ('occ mIoU', 'occ/mIoU'))


def single_task(cfg: Config, task: str) -> Config:
    """``cfg`` with only ``task``'s head (and no balancer hooks: nothing to balance)."""
    cfg.model.heads = {task: cfg.model.heads[task]}
    for hook in ('balancer', 'gradient_calibration', 'task_gates'):
        cfg.model[hook] = None
    return cfg


def on_data(cfg: Config, data_root: str) -> Config:
    """``cfg`` reading its train and val splits (infos from ``tools/create_data.py``) from ``data_root``."""
    for loader in (cfg.train_dataloader, cfg.val_dataloader, cfg.test_dataloader):
        loader.dataset.data_root = data_root
    for evaluator in (cfg.val_evaluator, cfg.test_evaluator):
        evaluator.data_root = data_root
    return cfg


def budgeted(cfg: Config, iters: int, seed: int, work_dir: str) -> Config:
    """``cfg`` trained for ``iters`` iterations (no intermediate validation), one checkpoint at the end."""
    cfg.train_cfg = dict(type='IterBasedTrainLoop', max_iters=iters, val_interval=iters + 1)
    cfg.param_scheduler = [dict(type='CosineAnnealingLR', T_max=iters, by_epoch=False, eta_min_ratio=0.01)]
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook', interval=iters, by_epoch=False)
    cfg.randomness = dict(seed=seed)
    cfg.work_dir = work_dir
    return cfg


def run(cfg: Config) -> Dict[str, float]:
    """Train then test one experiment; returns its metrics plus ``train_s`` (wall time of training)."""
    runner = Runner.from_cfg(cfg)
    start = time.perf_counter()
    runner.train()
    train_s = time.perf_counter() - start
    metrics = dict(runner.test())
    metrics['train_s'] = train_s
    return metrics


def results_table(results: Dict[str, Dict[str, float]], iters: int, seed: int, data_root: str) -> str:
    rows = [['experiment', *(title for title, _ in COLUMNS), 'train s']]
    for name, metrics in results.items():
        cells = [f'{metrics[key]:.4f}' if key in metrics else '-' for _, key in COLUMNS]
        rows.append([name, *cells, f'{metrics["train_s"]:.0f}'])
    return AsciiTable(rows, title=f' {data_root}: det+map+occ, {iters} iterations each, seed {seed} ').table


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--iters', type=int, default=300, help='training iterations per experiment')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--data-root', default='data/world/',
                        help='world root with bevzoo_infos_{train,val}.pkl '
                             '(tools/create_world.py, then tools/create_data.py)')
    parser.add_argument('--work-dir', default='work_dirs/benchmark_multitask')
    parser.add_argument('--only', nargs='+', choices=[name for name, _, _ in EXPERIMENTS],
                        help='run only these experiments')
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> Dict[str, Dict[str, float]]:
    args = parse_args(argv)
    results = {}
    for name, config, task in EXPERIMENTS:
        if args.only and name not in args.only:
            continue
        cfg = Config.fromfile(config)
        if task is not None:
            cfg = single_task(cfg, task)
        work_dir = osp.join(args.work_dir, name.replace(' ', '_').replace('+', 'and'))
        results[name] = run(budgeted(on_data(cfg, args.data_root), args.iters, args.seed, work_dir))
        mmengine.dump(results, osp.join(args.work_dir, 'results.json'), indent=2)
    print(results_table(results, args.iters, args.seed, args.data_root))
    return results


if __name__ == '__main__':
    main()
