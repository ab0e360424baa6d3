"""Test a trained bevzoo model: metrics of every task the model predicts (mmdet3d's tools/test.py flags).

    python tools/test.py CONFIG CHECKPOINT [--work-dir DIR] [--show-dir DIR] [--out FILE.pkl]
                         [--cfg-options key=value ...] [--launcher none|pytorch|slurm]
Writes the per-class tables to the log, all metrics to <work_dir>/metrics.json and the detection result
JSON (devkit format, global frame) to <work_dir>/results_nusc.json.
"""
import _bootstrap  # noqa: F401  (must come first: clear message outside the bevzoo environment)

import argparse

from bevzoo.engine import prepare_distributed
from bevzoo.engine.tool_config import (ToolInputError, add_runner_arguments, build_runner, check_dataset_files,
                                       ensure_runtime_hooks, exit_on_user_error, load_config, require_checkpoint,
                                       resolve_work_dir, route_metric_outputs)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Test (and evaluate) a bevzoo model.')
    parser.add_argument('config', help='config file the checkpoint was trained with')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--show-dir', help='write one PNG per sample here: BEV boxes, map, occupancy, cameras')
    parser.add_argument('--show-max', type=int, default=20, help='at most this many PNGs with --show-dir')
    parser.add_argument('--out', help='also dump the raw predictions to this .pkl file')
    add_runner_arguments(parser)
    return parser.parse_args()


def build_config(args: argparse.Namespace):
    """The config with the command line applied, checked before any work starts."""
    cfg = load_config(args.config, args.cfg_options)
    cfg.work_dir = resolve_work_dir(cfg, args.work_dir, args.config)
    cfg.load_from = require_checkpoint(args.checkpoint)
    check_dataset_files(cfg, ('test_dataloader',))
    route_metric_outputs(cfg, cfg.work_dir)
    ensure_runtime_hooks(cfg)
    if args.show_dir:
        cfg.custom_hooks.append(dict(type='BEVVisualizationHook', out_dir=args.show_dir, max_samples=args.show_max))
    if args.out:
        if not args.out.endswith(('.pkl', '.pickle')):
            raise ToolInputError(f'--out {args.out!r}: the predictions are pickled, use a .pkl file name')
        evaluators = cfg.test_evaluator if isinstance(cfg.test_evaluator, list) else [cfg.test_evaluator]
        cfg.test_evaluator = [*evaluators, dict(type='DumpResults', out_file_path=args.out)]
    prepare_distributed(cfg, args.launcher)
    return cfg


def main() -> None:
    args = parse_args()
    with exit_on_user_error(args.checkpoint):
        build_runner(build_config(args)).test()


if __name__ == '__main__':
    main()
