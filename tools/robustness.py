"""Missing-sensor robustness (MetaBEV-style): test one checkpoint with all sensors, without the LiDAR, without
the cameras and with some cameras missing, and print every metric's degradation in one table.

    python tools/robustness.py CONFIG CHECKPOINT [--missing-cameras 0 3] [--work-dir DIR] [--cfg-options k=v ...]

Each scenario wraps the model's data preprocessor in ``SensorDropPreprocessor`` and runs the test path of
``tools/test.py`` (same config checks, runner and ``BEVZooMetric``; each scenario's metrics.json and result
JSON in its own folder), so the numbers are the ones ``tools/test.py`` reports. Scenarios that remove the
only modality a model has are skipped.
"""
import _bootstrap  # noqa: F401  (must come first: clear message outside the bevzoo environment)

import argparse
import copy
import os.path as osp
import sys
from typing import Dict, List, Optional, Sequence, Tuple

import mmengine
from mmengine.config import Config
from terminaltables import AsciiTable

from bevzoo.engine import CheckpointMismatchError, prepare_distributed
from bevzoo.engine.tool_config import (ToolInputError, add_runner_arguments, build_runner, check_dataset_files,
                                       ensure_runtime_hooks, load_config, require_checkpoint, resolve_work_dir,
                                       route_metric_outputs)

HEADLINE = ('det/NDS', 'det/mAP', 'map/mean/iou@max', 'occ/mIoU')


def scenarios(model_cfg: dict, missing_cameras: Sequence[int]) -> List[Tuple[str, dict]]:
    """``(name, SensorDropPreprocessor arguments)`` of every scenario that leaves the model a sensor."""
    has_camera, has_lidar = model_cfg.get('camera_encoder') is not None, model_cfg.get('lidar_encoder') is not None
    chosen = [('all sensors', {})]
    if has_camera and has_lidar:
        chosen += [('no LiDAR', dict(drop_lidar=True)), ('no cameras', dict(drop_cameras='all'))]
    if has_camera and missing_cameras:
        name = f'cameras {",".join(map(str, missing_cameras))} missing'
        chosen.append((name, dict(drop_cameras=list(missing_cameras))))
    return chosen


def scenario_config(cfg: Config, name: str, drop: dict, work_dir: str) -> Config:
    """A copy of ``cfg`` whose model drops the sensors in ``drop``, writing to its own folder of ``work_dir``."""
    cfg = copy.deepcopy(cfg)
    cfg.model.data_preprocessor = dict(type='SensorDropPreprocessor', preprocessor=cfg.model.data_preprocessor, **drop)
    cfg.work_dir = osp.join(work_dir, name.replace(' ', '_').replace(',', '-'))
    route_metric_outputs(cfg, cfg.work_dir)
    return cfg


def reported_metrics(metrics: Dict[str, float]) -> List[str]:
    """The metrics of the table: headline first, then per class (map at its best threshold, occupancy IoU,
    detection AP); the per-threshold map IoUs and per-class detection errors are left to ``tools/test.py``."""
    per_class = sorted(key for key in metrics if key not in HEADLINE and (
        key.endswith('/iou@max') or (key.startswith('occ/') and key.endswith('/iou'))
        or (key.startswith('det/') and key.endswith('/AP'))))
    summary = sorted(key for key in metrics if key.startswith('det/m') and key.count('/') == 1 and key not in HEADLINE)
    return [key for key in HEADLINE if key in metrics] + summary + per_class


def degradation_table(results: Dict[str, Dict[str, float]]) -> str:
    """One row per metric, one column per scenario: the value and its change from the first scenario."""
    names = list(results)
    baseline = results[names[0]]
    rows = [['metric', *names]]
    for key in reported_metrics(baseline):
        cells = [f'{baseline[key]:.4f}']
        for name in names[1:]:
            value = results[name].get(key, float('nan'))
            cells.append(f'{value:.4f} ({value - baseline[key]:+.4f})')
        rows.append([key, *cells])
    return AsciiTable(rows, title=' missing-sensor robustness: value (change from all sensors) ').table


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('config', help='config file the checkpoint was trained with')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--missing-cameras', type=int, nargs='*', default=[0, 3],
                        help='camera indices blanked in the "some cameras missing" scenario '
                             '(default 0 3: CAM_FRONT and CAM_BACK in nuScenes order); none to skip it')
    add_runner_arguments(parser)
    return parser.parse_args(argv)


def build_config(args: argparse.Namespace) -> Config:
    """The config with the command line applied and checked, as tools/test.py prepares it."""
    cfg = load_config(args.config, args.cfg_options)
    cfg.work_dir = osp.join(resolve_work_dir(cfg, args.work_dir, args.config), 'robustness')
    cfg.load_from = require_checkpoint(args.checkpoint)
    check_dataset_files(cfg, ('test_dataloader',))
    ensure_runtime_hooks(cfg)
    prepare_distributed(cfg, args.launcher)
    return cfg


def run(args: argparse.Namespace) -> Dict[str, Dict[str, float]]:
    """Test every scenario, print the table, write robustness.json; returns ``{scenario: metrics}``."""
    cfg = build_config(args)
    results = {}
    for name, drop in scenarios(cfg.model, args.missing_cameras):
        results[name] = build_runner(scenario_config(cfg, name, drop, cfg.work_dir)).test()
    print(degradation_table(results))
    mmengine.dump(results, osp.join(cfg.work_dir, 'robustness.json'), indent=2)
    print(f'all metrics written to {osp.join(cfg.work_dir, "robustness.json")}')
    return results


def main(argv: Optional[Sequence[str]] = None) -> None:
    args = parse_args(argv)
    try:
        run(args)
    except (ToolInputError, CheckpointMismatchError) as exc:
        sys.exit(f'error: {exc}')


if __name__ == '__main__':
    main()
