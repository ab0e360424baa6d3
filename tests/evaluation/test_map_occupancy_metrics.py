"""Map segmentation (BEVFusion) and occupancy (Occ3D) metrics on small cases worked out by hand."""
import numpy as np
import pytest
import torch

from bevzoo.evaluation import BEVZooMetric, map_counts, map_iou_metrics, occupancy_confusion, occupancy_metrics

# Class 'a', two 2x2 frames. Hand count per threshold, TP/FP/FN summed over both frames:
#   t in {0.35, 0.40}: frame 1 TP 2; frame 2 TP 1, FP 2, FN 1  -> 3 / (3 + 2 + 1) = 0.5
#   t in {0.45, 0.50}: frame 1 TP 2; frame 2 TP 1, FP 1, FN 1  -> 3 / 5 = 0.6  (0.5 >= 0.50 counts)
#   t in {0.55, 0.60}: frame 1 TP 1, FN 1; frame 2 TP 1, FP 1, FN 1 -> 2 / 5 = 0.4  (0.6 >= 0.60 counts)
#   t = 0.65: frame 1 TP 1, FN 1; frame 2 TP 1, FN 1 -> 2 / 4 = 0.5
# Class 'b' is empty everywhere: IoU 0 at every threshold (BEVFusion's 1e-7 guard), so mIoU = (0.6 + 0) / 2.
PROBS = [torch.tensor([[[0.9, 0.5], [0.3, 0.1]], [[0.0, 0.0], [0.0, 0.0]]]),
         torch.tensor([[[0.6, 0.2], [0.4, 0.7]], [[0.0, 0.0], [0.0, 0.0]]])]
TRUTH = [torch.tensor([[[1, 1], [0, 0]], [[0, 0], [0, 0]]], dtype=torch.uint8),
         torch.tensor([[[0, 1], [0, 1]], [[0, 0], [0, 0]]], dtype=torch.uint8)]
EXPECTED_A = [0.5, 0.5, 0.6, 0.6, 0.4, 0.4, 0.5]


def test_map_iou_by_hand():
    counts = sum(map_counts(p, t) for p, t in zip(PROBS, TRUTH))
    metrics = map_iou_metrics(counts, ('a', 'b'))
    for threshold, expected in zip((0.35, 0.40, 0.45, 0.50, 0.55, 0.60, 0.65), EXPECTED_A):
        assert metrics[f'map/a/iou@{threshold:.2f}'] == pytest.approx(expected, abs=1e-6)
    assert metrics['map/a/iou@max'] == pytest.approx(0.6, abs=1e-6)
    assert metrics['map/b/iou@max'] == 0.0
    assert metrics['map/mean/iou@max'] == pytest.approx(0.3, abs=1e-6)


def test_map_counts_summed_not_averaged():
    # Per-frame IoUs at 0.5 are 1 and 1/3 (mean 0.667); the dataset-summed protocol gives 0.6.
    counts = sum(map_counts(p[:1], t[:1]) for p, t in zip(PROBS, TRUTH))
    assert map_iou_metrics(counts, ('a',))['map/a/iou@0.50'] == pytest.approx(0.6, abs=1e-6)


def test_map_shape_mismatch_is_named():
    with pytest.raises(ValueError, match=r'\[C, H, W\]'):
        map_counts(torch.zeros(6, 200, 200), torch.zeros(6, 100, 100))


# Two frames of 2x2x1 voxels (labels: 0 others, 4 car, 11 driveable_surface, 17 free).
#   frame 1, all visible: car->car, drive->drive, free->car (FP car), car->free (FN car)
#   frame 2: car->car, car->drive (FN car, FP drive), others->others; the drive->drive voxel is not visible.
#   car 2 / (2 + 1 + 2) = 0.4; driveable 1 / (1 + 1 + 0) = 0.5; others 1 / 1 = 1; other classes NaN (absent).
#   mIoU = mean(0.4, 0.5, 1.0); free is in the matrix but not in the mean.
OCC_TRUTH = [torch.tensor([[4, 11], [17, 4]]), torch.tensor([[4, 4], [0, 11]])]
OCC_PRED = [torch.tensor([[4, 11], [4, 17]]), torch.tensor([[4, 11], [0, 11]])]
OCC_MASK = [torch.ones(2, 2, dtype=torch.bool), torch.tensor([[True, True], [True, False]])]


def test_occupancy_miou_by_hand():
    confusion = sum(occupancy_confusion(p[..., None], t[..., None], m[..., None])
                    for p, t, m in zip(OCC_PRED, OCC_TRUTH, OCC_MASK))
    assert confusion.sum() == 7  # visible voxels only
    metrics = occupancy_metrics(confusion)
    assert metrics['occ/car/iou'] == pytest.approx(0.4)
    assert metrics['occ/driveable_surface/iou'] == pytest.approx(0.5)
    assert metrics['occ/others/iou'] == pytest.approx(1.0)
    assert np.isnan(metrics['occ/bus/iou'])
    assert 'occ/free/iou' not in metrics
    assert metrics['occ/mIoU'] == pytest.approx((0.4 + 0.5 + 1.0) / 3)


def test_occupancy_label_out_of_range_is_named():
    with pytest.raises(ValueError, match='prediction has labels outside'):
        occupancy_confusion(torch.full((2, 2, 1), 18), torch.zeros(2, 2, 1), torch.ones(2, 2, 1))


def _sample(index: int, with_map: bool = True, with_occ: bool = True) -> dict:
    sample = dict(token=f's{index}')
    if with_map:
        sample.update(pred_map_bev=PROBS[index].repeat(3, 1, 1), gt_map_bev=TRUTH[index].repeat(3, 1, 1))
    if with_occ:
        sample.update(pred_occupancy=OCC_PRED[index][..., None], gt_occupancy=OCC_TRUTH[index][..., None],
                      gt_occupancy_mask=OCC_MASK[index][..., None])
    return sample


def test_metric_any_subset_of_tasks(tmp_path):
    metric = BEVZooMetric(output_dir=str(tmp_path))
    metric.process({}, [_sample(0, with_occ=False), _sample(1, with_occ=False)])
    scores = metric.evaluate(size=2)
    assert scores['map/mean/iou@max'] == pytest.approx((0.6 + 0 + 0.6 + 0 + 0.6 + 0) / 6, abs=1e-6)
    assert not any(key.startswith(('det/', 'occ/')) for key in scores)

    metric = BEVZooMetric(output_dir=str(tmp_path))
    metric.process({}, [_sample(0, with_map=False), _sample(1, with_map=False)])
    assert metric.evaluate(size=2)['occ/mIoU'] == pytest.approx((0.4 + 0.5 + 1.0) / 3)
    assert (tmp_path / 'metrics.json').is_file()


def test_metric_configured_task_missing_is_named():
    metric = BEVZooMetric(tasks=('map', 'occ'))
    with pytest.raises(KeyError, match="task 'occ' is configured"):
        metric.process({}, [_sample(0, with_occ=False)])


def test_metric_missing_ground_truth_is_named():
    sample = _sample(0, with_occ=False)
    del sample['gt_map_bev']
    with pytest.raises(KeyError, match="no 'gt_map_bev'"):
        BEVZooMetric().process({}, [sample])


def test_metric_no_samples():
    with pytest.raises(ValueError, match='no samples'):
        BEVZooMetric().compute_metrics([])
