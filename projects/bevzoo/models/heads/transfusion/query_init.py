"""Heatmap-initialised object queries: the top-k local maxima of a class heatmap become the queries."""
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn


@dataclass
class ObjectQueries:
    """Object queries picked from a BEV heatmap.

    Attributes:
        feats: ``[B, C, Q]`` query features (BEV feature at the peak plus a class embedding).
        positions: ``[B, Q, 2]`` ``(x, y)`` BEV cell centres of the peaks, in cells.
        labels: ``[B, Q]`` class of each peak.
        heatmap_scores: ``[B, K, Q]`` sigmoid heatmap of every class at each peak.
    """
    feats: Tensor
    positions: Tensor
    labels: Tensor
    heatmap_scores: Tensor


class HeatmapQueryInit(nn.Module):
    """Selects ``num_queries`` class-specific local maxima of the heatmap as object queries (TransFusion).

    Args:
        num_queries: number of queries ``Q``.
        num_classes: heatmap classes ``K``.
        channels: feature channels ``C``.
        nms_kernel_size: window of the local-maximum test (odd).
    """

    def __init__(self, num_queries: int, num_classes: int, channels: int, nms_kernel_size: int = 3) -> None:
        super().__init__()
        if nms_kernel_size % 2 != 1:
            raise ValueError(f'nms_kernel_size must be odd, got {nms_kernel_size}')
        self.num_queries = num_queries
        self.num_classes = num_classes
        self.nms_kernel_size = nms_kernel_size
        self.class_embedding = nn.Conv1d(num_classes, channels, 1)

    def _local_maxima(self, heatmap: Tensor) -> Tensor:
        pooled = F.max_pool2d(heatmap, self.nms_kernel_size, stride=1, padding=self.nms_kernel_size // 2)
        return heatmap * (heatmap == pooled)

    def forward(self, heatmap_logits: Tensor, bev_feats: Tensor) -> ObjectQueries:
        """Args:
            heatmap_logits: ``[B, K, Y, X]``.
            bev_feats: ``[B, C, Y, X]``.

        Returns:
            The selected :class:`ObjectQueries`.
        """
        heatmap = heatmap_logits.detach().sigmoid()
        batch, num_classes, _, width = heatmap.shape
        peaks = self._local_maxima(heatmap).flatten(1)  # [B, K * Y * X]
        top = peaks.topk(self.num_queries, dim=1).indices
        labels = torch.div(top, peaks.shape[1] // num_classes, rounding_mode='floor')
        cells = top % (peaks.shape[1] // num_classes)  # [B, Q] flat y * X + x
        feats = bev_feats.flatten(2).gather(2, cells[:, None].expand(-1, bev_feats.shape[1], -1))
        one_hot = F.one_hot(labels, num_classes).permute(0, 2, 1).to(feats.dtype)
        positions = torch.stack([cells % width, torch.div(cells, width, rounding_mode='floor')], -1).to(feats.dtype)
        heatmap_scores = heatmap.flatten(2).gather(2, cells[:, None].expand(-1, num_classes, -1))
        return ObjectQueries(feats + self.class_embedding(one_hot), positions + 0.5, labels, heatmap_scores)
