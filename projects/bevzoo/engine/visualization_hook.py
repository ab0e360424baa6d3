"""Writes one PNG per test sample (``tools/test.py --show-dir``)."""
import os
import os.path as osp
from typing import Optional, Sequence

from mmengine.hooks import Hook

from mmdet3d.registry import HOOKS

from ..visualization import sample_figure


def _sample_inputs(inputs, index: int) -> dict:
    """This sample's ``points`` and ``img`` from a batch's (unpreprocessed) inputs, where present."""
    if not isinstance(inputs, dict):
        return {}
    return {key: inputs[key][index] for key in ('points', 'img') if key in inputs}


def ground_truth_boxes(runner, sample):
    """The sample's ground-truth boxes of the detection classes: packed ones, else the test dataset's.

    Test pipelines usually do not load annotations, but mmdet3d datasets keep them for evaluation
    (``eval_ann_info``), found through the sample's ``sample_idx``. None when neither exists.
    """
    packed = getattr(sample, 'gt_instances_3d', None)
    if packed is not None and 'bboxes_3d' in packed:
        return packed.bboxes_3d
    dataset = runner.test_dataloader.dataset
    if 'sample_idx' not in sample.metainfo or not hasattr(dataset, 'get_data_info'):
        return None
    info = dataset.get_data_info(sample.metainfo['sample_idx'])
    annotations = info.get('eval_ann_info') or info.get('ann_info')
    if not annotations:
        return None
    return annotations['gt_bboxes_3d'][annotations['gt_labels_3d'] >= 0]


@HOOKS.register_module()
class BEVVisualizationHook(Hook):
    """Save ``<out_dir>/<token>.png`` for the first ``max_samples`` test samples of each rank.

    Args:
        out_dir: the folder for the PNGs (created).
        max_samples: how many samples to draw per rank.
        score_threshold: boxes scoring below it are not drawn.
        dpi: resolution of the PNGs.
    """

    def __init__(self, out_dir: str, max_samples: int = 20, score_threshold: float = 0.3, dpi: int = 80) -> None:
        self.out_dir = out_dir
        self.max_samples = max_samples
        self.score_threshold = score_threshold
        self.dpi = dpi
        self._written = 0

    def after_test_iter(self, runner, batch_idx: int, data_batch: Optional[dict] = None,
                        outputs: Optional[Sequence] = None) -> None:
        """Draw the batch's samples until ``max_samples`` PNGs exist."""
        os.makedirs(self.out_dir, exist_ok=True)
        for index, sample in enumerate(outputs or []):
            if self._written >= self.max_samples:
                return
            figure = sample_figure(sample, _sample_inputs(data_batch.get('inputs'), index),
                                   ground_truth_boxes(runner, sample), self.score_threshold)
            name = sample.metainfo.get('token', f'{batch_idx}_{index}')
            figure.savefig(osp.join(self.out_dir, f'{name}.png'), dpi=self.dpi)
            self._written += 1

    def after_test(self, runner) -> None:
        """Tell the user where the pictures are."""
        runner.logger.info(f'{self._written} visualisations written to {osp.abspath(self.out_dir)}')
