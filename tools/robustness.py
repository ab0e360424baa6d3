"""Missing-sensor robustness (MetaBEV-style): test one checkpoint with all sensors, without the LiDAR, without
the cameras and with some cameras missing, and print every metric's degradation in one table.

    python tools/robustness.py CONFIG CHECKPOINT [--missing-cameras 0 3] [--work-dir DIR] [--cfg-options k=v ...]

Each scenario wraps the model's data preprocessor in ``SensorDropPreprocessor`` and runs mmengine's test loop
with the config's own test dataloader and ``BEVZooMetric``, so the numbers are the ones ``tools/test.py``
reports. Scenarios that remove the only modality a model has are skipped.
"""
import argparse
import copy
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple

import _bootstrap  # noqa: F401  (imports bevzoo or says how to set up)
import mmengine
from mmengine.config import Config, DictAction
from mmengine.runner import Runner
from terminaltables import AsciiTable

HEADLINE = ('det/NDS', 'det/mAP', 'map/mean/iou@max', 'occ/mIoU')


def scenarios(model_cfg: dict, missing_cameras: Sequence[int]) -> List[Tuple[str, dict]]:
    """``(name, SensorDropPreprocessor arguments)`` of every scenario that leaves the model a sensor."""
    has_camera, has_lidar = model_cfg.get('camera_encoder') is not None, model_cfg.get('lidar_encoder') is not None
    chosen = [('all sensors', {})]
    if has_camera and has_lidar:
        chosen += [('no LiDAR', dict(drop_lidar=True)), ('no cameras', dict(drop_cameras='all'))]
    if has_camera and missing_cameras:
        chosen.append((f'cameras {",".join(map(str, missing_cameras))} missing', dict(drop_cameras=list(missing_cameras))))
    return chosen


def scenario_config(cfg: Config, name: str, drop: dict, checkpoint: str, work_dir: str) -> Config:
    """A copy of ``cfg`` whose model drops the sensors in ``drop`` and that tests ``checkpoint``."""
    cfg = copy.deepcopy(cfg)
    cfg.model.data_preprocessor = dict(type='SensorDropPreprocessor', preprocessor=cfg.model.data_preprocessor, **drop)
    cfg.load_from = checkpoint
    cfg.work_dir = osp.join(work_dir, name.replace(' ', '_').replace(',', '-'))
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
    parser.add_argument('config', help='model config (any bevzoo config with a test dataloader and evaluator)')
    parser.add_argument('checkpoint', help='checkpoint to test')
    parser.add_argument('--missing-cameras', type=int, nargs='*', default=[0, 3],
                        help='camera indices blanked in the "some cameras missing" scenario '
                             '(default 0 3: CAM_FRONT and CAM_BACK in nuScenes order); none to skip it')
    parser.add_argument('--work-dir', help='where logs and robustness.json go (default work_dirs/robustness/<config>)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, help='override config settings, key=value')
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> Dict[str, Dict[str, float]]:
    args = parse_args(argv)
    for path, what in ((args.config, 'config'), (args.checkpoint, 'checkpoint')):
        if not osp.isfile(path):
            raise SystemExit(f'error: {what} {path!r} does not exist')
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    work_dir = args.work_dir or osp.join('work_dirs', 'robustness', osp.splitext(osp.basename(args.config))[0])
    results = {}
    for name, drop in scenarios(cfg.model, args.missing_cameras):
        runner = Runner.from_cfg(scenario_config(cfg, name, drop, args.checkpoint, work_dir))
        results[name] = runner.test()
    print(degradation_table(results))
    mmengine.dump(results, osp.join(work_dir, 'robustness.json'), indent=2)
    print(f'all metrics written to {osp.join(work_dir, "robustness.json")}')
    return results


if __name__ == '__main__':
    main()
