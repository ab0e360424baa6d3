"""3D semantic occupancy mIoU, Occ3D-nuScenes' protocol.

Only camera-visible voxels count. One confusion matrix (rows ground truth, columns prediction) over all
18 labels is accumulated over the whole dataset; ``IoU_c = TP / (TP + FP + FN)`` and mIoU is the
nan-mean over classes 0..16, so 'free' (17) is excluded from the mean but still present in the matrix.
Occ3D prints percentages; bevzoo reports the same values as fractions in [0, 1].
"""
from typing import Dict, Sequence

import numpy as np
import torch

from ..datasets.occupancy_grid import FREE_LABEL

OCC_CLASSES = ('others', 'barrier', 'bicycle', 'bus', 'car', 'construction_vehicle', 'motorcycle',
               'pedestrian', 'traffic_cone', 'trailer', 'truck', 'driveable_surface', 'other_flat',
               'sidewalk', 'terrain', 'manmade', 'vegetation', 'free')


def occupancy_confusion(prediction: torch.Tensor, ground_truth: torch.Tensor, camera_mask: torch.Tensor,
                        num_classes: int = len(OCC_CLASSES)) -> np.ndarray:
    """Confusion matrix of one frame over its camera-visible voxels.

    Args:
        prediction: ``[X, Y, Z]`` integer labels.
        ground_truth: ``[X, Y, Z]`` integer labels in ``[0, num_classes)``.
        camera_mask: ``[X, Y, Z]`` voxels seen by a camera (non-zero = counted).
        num_classes: number of labels (18 for Occ3D).

    Returns:
        ``[num_classes, num_classes]`` int64 counts, rows ground truth and columns prediction.
    """
    if not prediction.shape == ground_truth.shape == camera_mask.shape:
        raise ValueError(f'occupancy prediction, ground truth and camera mask must share a shape, got '
                         f'{tuple(prediction.shape)}, {tuple(ground_truth.shape)}, {tuple(camera_mask.shape)}')
    visible = camera_mask.detach().cpu().bool()
    truth = ground_truth.detach().cpu().long()[visible]
    guess = prediction.detach().cpu().long()[visible]
    for name, labels in (('ground truth', truth), ('prediction', guess)):
        if labels.numel() and (labels.min() < 0 or labels.max() >= num_classes):
            raise ValueError(f'occupancy {name} has labels outside [0, {num_classes}): '
                             f'min {int(labels.min())}, max {int(labels.max())}')
    flat = torch.bincount(truth * num_classes + guess, minlength=num_classes**2)
    return flat.reshape(num_classes, num_classes).numpy().astype(np.int64)


def occupancy_metrics(confusion: np.ndarray, class_names: Sequence[str] = OCC_CLASSES,
                      free_label: int = FREE_LABEL) -> Dict[str, float]:
    """Per-class IoU and mIoU from a dataset-summed confusion matrix.

    Args:
        confusion: ``[K, K]`` counts, rows ground truth and columns prediction.
        class_names: the K label names.
        free_label: the label left out of the mean (Occ3D: 17, 'free'); classes below it are averaged.

    Returns:
        ``occ/<class>/iou`` for every class except free (NaN where the class neither occurs nor is
        predicted) and ``occ/mIoU``, the nan-mean over classes ``0 .. free_label - 1``.
    """
    if confusion.shape != (len(class_names), len(class_names)):
        raise ValueError(f'occupancy confusion matrix has shape {confusion.shape}, expected '
                         f'{(len(class_names), len(class_names))}')
    confusion = confusion.astype(np.float64)
    true_pos = np.diag(confusion)
    with np.errstate(divide='ignore', invalid='ignore'):
        ious = true_pos / (confusion.sum(axis=0) + confusion.sum(axis=1) - true_pos)
    metrics = {f'occ/{name}/iou': float(iou) for name, iou in zip(class_names[:free_label], ious)}
    scored = ious[:free_label]
    metrics['occ/mIoU'] = float(np.nanmean(scored)) if not np.isnan(scored).all() else float('nan')
    return metrics
