"""Scene-class affinity loss for semantic occupancy (MonoScene's ``sem_scal`` + ``geo_scal``, used by M3Net).

Per-voxel cross-entropy scores every voxel alone; this loss scores the whole scene at once: for each
class it asks that the soft precision, recall and specificity of the predicted class map over all
scored voxels be 1, which directly rewards the class-wise IoU the metric measures. The geometric term
does the same for the binary occupied-vs-free split.
"""
from typing import Optional

import torch
import torch.nn.functional as F
from mmdet3d.registry import MODELS
from torch import Tensor, nn


def _ratio_losses(true_positive: Tensor, predicted: Tensor, positives: Tensor, total: Tensor) -> Tensor:
    """``-log`` of soft precision, recall and specificity summed, for ``K`` binary splits at once.

    Works on per-split sums, never on ``[P, K]`` products: with ``p`` the predicted probability of a split's
    positive side and ``t`` its 0/1 truth over ``total`` voxels, the true negatives
    ``sum((1 - p) (1 - t)) = total - sum(p) - sum(t) + sum(p t)``.

    Args:
        true_positive: ``[K]`` ``sum(p t)``.
        predicted: ``[K]`` ``sum(p)``.
        positives: ``[K]`` ``sum(t)``.
        total: number of voxels ``P`` (their summed weights when voxels are weighted).

    Returns:
        ``[K]`` losses. A ratio whose denominator is zero (no predicted mass, no positive or no
        negative voxel) is undefined and contributes nothing.
    """
    true_positive, predicted, positives = true_positive.double(), predicted.double(), positives.double()
    negatives = total.double() - positives
    true_negative = negatives - predicted + true_positive
    denominators = torch.stack([predicted, positives, negatives])  # [3, K]
    numerators = torch.stack([true_positive, true_positive, true_negative])
    defined = denominators > 0
    ratios = numerators / denominators.clamp_min(torch.finfo(denominators.dtype).tiny)
    ratios = torch.where(defined, ratios.clamp(0.0, 1.0), torch.ones_like(ratios))  # undefined: loss 0
    return F.binary_cross_entropy(ratios, torch.ones_like(ratios), reduction='none').sum(dim=0).float()


@MODELS.register_module()
class SceneAffinityLoss(nn.Module):
    """Semantic and geometric scene-class affinity loss on scored voxels.

    Args:
        free_index: label of empty space (17 in Occ3D); the geometric term splits free vs. the rest.
        semantic_weight: weight of the per-class term (averaged over the classes present in the labels;
            absent classes are skipped).
        geometric_weight: weight of the occupied-vs-free term.
        loss_weight: overall weight.
    """

    def __init__(self, free_index: int = 17, semantic_weight: float = 1.0, geometric_weight: float = 1.0,
                 loss_weight: float = 1.0) -> None:
        super().__init__()
        self.free_index = free_index
        self.semantic_weight = semantic_weight
        self.geometric_weight = geometric_weight
        self.loss_weight = loss_weight

    def forward(self, logits: Tensor, labels: Tensor, weight: Optional[Tensor] = None) -> Tensor:
        """Loss over ``P`` scored voxels.

        Args:
            logits: ``[P, num_classes]`` class logits.
            labels: ``[P]`` long labels in ``[0, num_classes)``.
            weight: optional ``[P]`` voxel weights: every sum over voxels counts each voxel this many times (a
                voxel kept with probability ``q`` by a subsampling weighs ``1 / q``, so the sums stay unbiased).

        Returns:
            Scalar loss (zero, still attached to ``logits``, when ``P == 0``).
        """
        if logits.dim() != 2 or labels.shape != logits.shape[:1]:
            raise ValueError(f'SceneAffinityLoss expects logits [P, C] and labels [P], got '
                             f'{tuple(logits.shape)} and {tuple(labels.shape)}')
        if weight is not None and weight.shape != labels.shape:
            raise ValueError(f'SceneAffinityLoss: weight must be [P={labels.numel()}], got {tuple(weight.shape)}')
        if logits.shape[0] == 0:
            return logits.sum() * 0
        probabilities = logits.float().softmax(dim=1)
        weight = torch.ones_like(probabilities[:, 0]) if weight is None else weight.float()
        return self.loss_weight * (self.semantic_weight * self._semantic(probabilities, labels, weight)
                                   + self.geometric_weight * self._geometric(probabilities, labels, weight))

    def _semantic(self, probabilities: Tensor, labels: Tensor, weight: Tensor) -> Tensor:
        num_classes = probabilities.shape[1]
        positives = torch.bincount(labels, weights=weight, minlength=num_classes)
        true_positive = probabilities.new_zeros(num_classes).index_add(
            0, labels, probabilities.gather(1, labels[:, None])[:, 0] * weight)
        predicted = (probabilities * weight[:, None]).sum(dim=0)  # not a matmul: autocast would run it in bfloat16
        losses = _ratio_losses(true_positive, predicted, positives, weight.sum())
        return losses[positives > 0].mean()

    def _geometric(self, probabilities: Tensor, labels: Tensor, weight: Tensor) -> Tensor:
        occupied = (1 - probabilities[:, self.free_index]) * weight
        is_occupied = labels != self.free_index
        return _ratio_losses(occupied[is_occupied].sum()[None], occupied.sum()[None], weight[is_occupied].sum()[None],
                             weight.sum())[0]
