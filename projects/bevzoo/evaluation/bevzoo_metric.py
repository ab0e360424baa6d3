"""One registered metric for every bevzoo task: detection (devkit), map segmentation (BEVFusion) and
occupancy (Occ3D).

Per sample, ``process`` keeps only what the dataset-level protocols need: the detection records in the
global frame, the map TP/FP/FN counts and the occupancy confusion matrix. mmengine gathers these once
from all ranks and ``compute_metrics`` runs on rank 0, so distributed testing gives the same numbers
as a single process.
"""
import os
import os.path as osp
import tempfile
from typing import Dict, List, Optional, Sequence

import mmengine
import numpy as np
import torch
from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log
from nuscenes import NuScenes
from nuscenes.eval.common.config import config_factory

from mmdet3d.registry import METRICS

from .detection_results import devkit_records
from .devkit_detection import VAL_SPLIT_OF_VERSION, check_tokens_match, evaluate_detection, split_sample_tokens
from .map_iou import map_counts, map_iou_metrics
from .occupancy_miou import OCC_CLASSES, occupancy_confusion, occupancy_metrics
from .tables import detection_table, map_table, occupancy_table

MAP_CLASSES = ('drivable_area', 'ped_crossing', 'walkway', 'stop_line', 'carpark_area', 'divider')
TASKS = ('det', 'map', 'occ')
_PREDICTION_FIELD = {'det': 'pred_instances_3d', 'map': 'pred_map_bev', 'occ': 'pred_occupancy'}
_DEFAULT_MODALITY = dict(use_camera=True, use_lidar=True, use_radar=False, use_map=False, use_external=False)


@METRICS.register_module()
class BEVZooMetric(BaseMetric):
    """Detection, BEV map segmentation and occupancy metrics with the official protocols.

    Args:
        data_root: nuScenes root holding the tables (needed for detection: the devkit reads its ground
            truth from them).
        version: table version, e.g. 'v1.0-trainval'; defaults to the dataset's ``metainfo['version']``.
        eval_set: devkit split to score; defaults to 'val' for v1.0-trainval and 'mini_val' for v1.0-mini.
        tasks: tasks to evaluate among 'det', 'map', 'occ'. None evaluates the tasks whose predictions
            the model writes (the same for every sample, otherwise an error).
        map_classes: names of the map channels, in order.
        occ_classes: names of the 18 occupancy labels, in order ('free' last).
        modality: the ``meta`` block of the devkit result JSON.
        output_dir: where the result JSON, the devkit's summaries and ``metrics.json`` are written;
            None keeps them in a temporary folder that is removed afterwards.
        collect_device: 'cpu' or 'gpu', how results are gathered across ranks.
        prefix: optional prefix for the metric names.
    """
    default_prefix = None

    def __init__(self, data_root: Optional[str] = None, version: Optional[str] = None,
                 eval_set: Optional[str] = None, tasks: Optional[Sequence[str]] = None,
                 map_classes: Sequence[str] = MAP_CLASSES, occ_classes: Sequence[str] = OCC_CLASSES,
                 modality: Optional[dict] = None, output_dir: Optional[str] = None,
                 collect_device: str = 'cpu', prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        unknown = set(tasks or ()) - set(TASKS)
        if unknown:
            raise ValueError(f'BEVZooMetric: unknown tasks {sorted(unknown)}; choose among {TASKS}')
        self.data_root = data_root
        self.version = version
        self.eval_set = eval_set
        self.tasks = tuple(tasks) if tasks is not None else None
        self.map_classes = tuple(map_classes)
        self.occ_classes = tuple(occ_classes)
        self.modality = dict(modality or _DEFAULT_MODALITY)
        self.output_dir = output_dir
        self._nusc: Optional[NuScenes] = None
        self._eval_config = config_factory('detection_cvpr_2019')

    # ---------------------------------------------------------------- per sample (every rank)
    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        """Reduce each sample to what the dataset-level protocols need."""
        for sample in data_samples:
            result = {'token': sample['token']}
            for task in self.tasks or TASKS:
                if _PREDICTION_FIELD[task] in sample:
                    result[task] = getattr(self, f'_reduce_{task}')(sample)
                elif self.tasks is not None:
                    raise KeyError(f'BEVZooMetric: task {task!r} is configured but sample {sample["token"]} has '
                                   f'no {_PREDICTION_FIELD[task]!r}; does the model have that head?')
            self.results.append(result)

    def _reduce_det(self, sample: dict) -> List[dict]:
        return devkit_records(sample['pred_instances_3d'], sample['token'], sample['lidar2ego'],
                              sample['ego2global'], self.dataset_meta['classes'], self._eval_config)

    def _reduce_map(self, sample: dict) -> np.ndarray:
        return map_counts(torch.as_tensor(sample['pred_map_bev']),
                          torch.as_tensor(_ground_truth(sample, 'gt_map_bev', 'map')))

    def _reduce_occ(self, sample: dict) -> np.ndarray:
        return occupancy_confusion(torch.as_tensor(sample['pred_occupancy']),
                                   torch.as_tensor(_ground_truth(sample, 'gt_occupancy', 'occ')),
                                   torch.as_tensor(_ground_truth(sample, 'gt_occupancy_mask', 'occ')),
                                   num_classes=len(self.occ_classes))

    # ---------------------------------------------------------------- dataset level (rank 0)
    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        """Score every evaluated task, print per-class tables and write ``metrics.json``."""
        if not results:
            raise ValueError('BEVZooMetric: no samples were evaluated (empty val/test dataset?)')
        tasks = _tasks_present(results)
        with tempfile.TemporaryDirectory() as scratch:
            output_dir = self.output_dir or scratch
            os.makedirs(output_dir, exist_ok=True)
            metrics: Dict[str, float] = {}
            tables = []
            if 'det' in tasks:
                metrics.update(self._score_detection(results, output_dir))
                tables.append(detection_table(metrics, self.dataset_meta['classes']))
            if 'map' in tasks:
                metrics.update(map_iou_metrics(sum(r['map'] for r in results), self.map_classes))
                tables.append(map_table(metrics, self.map_classes))
            if 'occ' in tasks:
                metrics.update(occupancy_metrics(sum(r['occ'] for r in results), self.occ_classes))
                tables.append(occupancy_table(metrics, self.occ_classes))
            print_log('\n' + '\n'.join(tables), logger='current')
            mmengine.dump(metrics, osp.join(output_dir, 'metrics.json'), indent=2)
            if self.output_dir:
                print_log(f'metrics written to {osp.join(output_dir, "metrics.json")}', logger='current')
        return metrics

    def _score_detection(self, results: List[dict], output_dir: str) -> Dict[str, float]:
        nusc, eval_set = self._devkit_tables()
        submission = {'meta': self.modality, 'results': {r['token']: r['det'] for r in results}}
        check_tokens_match(set(submission['results']), split_sample_tokens(nusc, eval_set), eval_set)
        return evaluate_detection(submission, osp.join(output_dir, 'results_nusc.json'), nusc, eval_set,
                                  self._eval_config, output_dir)

    def _devkit_tables(self):
        version = self.version or (self.dataset_meta or {}).get('version')
        if self.data_root is None or version is None:
            raise ValueError('BEVZooMetric: detection needs `data_root` and `version` (or a dataset metainfo '
                             f'with a version); got data_root={self.data_root!r}, version={version!r}')
        eval_set = self.eval_set or VAL_SPLIT_OF_VERSION.get(version)
        if eval_set is None:
            raise ValueError(f'BEVZooMetric: no default devkit split for version {version!r}; set `eval_set` '
                             f'(defaults exist for {sorted(VAL_SPLIT_OF_VERSION)})')
        if self._nusc is None:
            self._nusc = NuScenes(version=version, dataroot=self.data_root, verbose=False)
        return self._nusc, eval_set


def _ground_truth(sample: dict, field: str, task: str):
    if field not in sample:
        raise KeyError(f'BEVZooMetric: sample {sample["token"]} has a {task} prediction but no {field!r}; '
                       f'load it in the val/test pipeline and keep it when packing the inputs')
    return sample[field]


def _tasks_present(results: List[dict]) -> List[str]:
    """Tasks predicted for every sample; a task predicted for only some samples is an error."""
    tasks = []
    for task in TASKS:
        count = sum(task in result for result in results)
        if 0 < count < len(results):
            raise ValueError(f'BEVZooMetric: {task!r} predictions exist for {count} of {len(results)} samples')
        if count:
            tasks.append(task)
    return tasks
