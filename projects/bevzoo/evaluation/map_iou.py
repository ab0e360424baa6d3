"""BEV map segmentation IoU, BEVFusion's protocol.

Per class and threshold t in {0.35, 0.40, ..., 0.65} a pixel is predicted when its probability is
``>= t``; TP, FP and FN are summed over the whole dataset (not averaged per frame), IoU is
``TP / (TP + FP + FN + 1e-7)``, each class reports the maximum over the thresholds (``iou@max``) and
the overall figure is the mean of those maxima.
"""
from typing import Dict, Sequence

import numpy as np
import torch

MAP_THRESHOLDS = (0.35, 0.40, 0.45, 0.50, 0.55, 0.60, 0.65)
_EPS = 1e-7


def map_counts(probabilities: torch.Tensor, ground_truth: torch.Tensor,
               thresholds: Sequence[float] = MAP_THRESHOLDS) -> np.ndarray:
    """Count TP, FP and FN of one frame for every class and threshold.

    Args:
        probabilities: ``[C, H, W]`` per-class probabilities.
        ground_truth: ``[C, H, W]`` binary masks (any dtype; non-zero is positive).
        thresholds: probability thresholds, ``>=`` counts as predicted.

    Returns:
        ``[C, T, 3]`` int64 counts (TP, FP, FN), to be summed over the dataset.
    """
    if probabilities.shape != ground_truth.shape or probabilities.dim() != 3:
        raise ValueError(f'map prediction and ground truth must both be [C, H, W] of the same shape, got '
                         f'{tuple(probabilities.shape)} and {tuple(ground_truth.shape)}')
    num_classes = probabilities.shape[0]
    # float32 thresholds as BEVFusion compares them, so borderline pixels are counted identically
    limits = torch.tensor(thresholds, dtype=torch.float32)
    predicted = probabilities.detach().float().cpu().reshape(num_classes, -1, 1) >= limits
    positive = ground_truth.detach().cpu().bool().reshape(num_classes, -1, 1)
    true_pos = (predicted & positive).sum(dim=1)
    false_pos = (predicted & ~positive).sum(dim=1)
    false_neg = (~predicted & positive).sum(dim=1)
    return torch.stack([true_pos, false_pos, false_neg], dim=-1).numpy().astype(np.int64)


def map_iou_metrics(counts: np.ndarray, class_names: Sequence[str],
                    thresholds: Sequence[float] = MAP_THRESHOLDS) -> Dict[str, float]:
    """Turn dataset-summed counts into BEVFusion's map metrics.

    Args:
        counts: ``[C, T, 3]`` TP, FP, FN summed over the dataset.
        class_names: the C map class names.
        thresholds: the T thresholds the counts were taken at.

    Returns:
        ``map/<class>/iou@<t>`` for every class and threshold, ``map/<class>/iou@max`` and
        ``map/mean/iou@max``.
    """
    if counts.shape != (len(class_names), len(thresholds), 3):
        raise ValueError(f'map counts have shape {counts.shape}, expected '
                         f'({len(class_names)}, {len(thresholds)}, 3) for classes {list(class_names)}')
    counts = counts.astype(np.float64)
    ious = counts[..., 0] / (counts.sum(axis=-1) + _EPS)
    metrics = {}
    for name, class_ious in zip(class_names, ious):
        metrics[f'map/{name}/iou@max'] = float(class_ious.max())
        for threshold, iou in zip(thresholds, class_ious):
            metrics[f'map/{name}/iou@{threshold:.2f}'] = float(iou)
    metrics['map/mean/iou@max'] = float(ious.max(axis=1).mean())
    return metrics
