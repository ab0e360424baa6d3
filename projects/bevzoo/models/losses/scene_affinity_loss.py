"""Scene-class affinity loss for semantic occupancy (MonoScene's ``sem_scal`` + ``geo_scal``, used by M3Net).

Per-voxel cross-entropy scores every voxel alone; this loss scores the whole scene at once: for each
class it asks that the soft precision, recall and specificity of the predicted class map over all
scored voxels be 1, which directly rewards the class-wise IoU the metric measures. The geometric term
does the same for the binary occupied-vs-free split.
"""
import torch
import torch.nn.functional as F
from mmdet3d.registry import MODELS
from torch import Tensor, nn


def _ratio_losses(probabilities: Tensor, targets: Tensor) -> Tensor:
    """``-log`` of soft precision, recall and specificity summed, for ``K`` binary splits at once.

    Args:
        probabilities: ``[P, K]`` predicted probability of the positive side of each split.
        targets: ``[P, K]`` 0/1 ground truth of each split.

    Returns:
        ``[K]`` losses. A ratio whose denominator is zero (no predicted mass, no positive or no
        negative voxel) is undefined and contributes nothing.
    """
    true_positive = (probabilities * targets).sum(dim=0)
    true_negative = ((1 - probabilities) * (1 - targets)).sum(dim=0)
    denominators = torch.stack([probabilities.sum(dim=0), targets.sum(dim=0), (1 - targets).sum(dim=0)])  # [3, K]
    numerators = torch.stack([true_positive, true_positive, true_negative])
    defined = denominators > 0
    ratios = numerators / denominators.clamp_min(torch.finfo(denominators.dtype).tiny)
    ratios = torch.where(defined, ratios.clamp(0.0, 1.0), torch.ones_like(ratios))  # undefined: loss 0
    return F.binary_cross_entropy(ratios, torch.ones_like(ratios), reduction='none').sum(dim=0)


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

    def forward(self, logits: Tensor, labels: Tensor) -> Tensor:
        """Loss over ``P`` scored voxels.

        Args:
            logits: ``[P, num_classes]`` class logits.
            labels: ``[P]`` long labels in ``[0, num_classes)``.

        Returns:
            Scalar loss (zero, still attached to ``logits``, when ``P == 0``).
        """
        if logits.dim() != 2 or labels.shape != logits.shape[:1]:
            raise ValueError(f'SceneAffinityLoss expects logits [P, C] and labels [P], got '
                             f'{tuple(logits.shape)} and {tuple(labels.shape)}')
        if logits.shape[0] == 0:
            return logits.sum() * 0
        probabilities = logits.float().softmax(dim=1)
        return self.loss_weight * (self.semantic_weight * self._semantic(probabilities, labels)
                                   + self.geometric_weight * self._geometric(probabilities, labels))

    def _semantic(self, probabilities: Tensor, labels: Tensor) -> Tensor:
        targets = F.one_hot(labels, probabilities.shape[1]).float()
        present = targets.sum(dim=0) > 0
        return _ratio_losses(probabilities, targets)[present].mean()

    def _geometric(self, probabilities: Tensor, labels: Tensor) -> Tensor:
        occupied = 1 - probabilities[:, self.free_index:self.free_index + 1]
        return _ratio_losses(occupied, (labels != self.free_index).float()[:, None])[0]
