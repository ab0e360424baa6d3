"""TransFusion-style detection head: heatmap-initialised queries refined by one transformer decoder layer."""
from dataclasses import dataclass
from typing import Dict, List, Sequence, Tuple

import torch
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmengine.structures import InstanceData
from torch import Tensor, nn

from mmdet3d.models.dense_heads.centerpoint_head import SeparateHead
from mmdet3d.registry import MODELS
from mmdet3d.structures import Det3DDataSample
from .assigner import HungarianAssigner3D
from .box_coder import CODE_SIZE, QueryBoxCoder
from .decoder_layer import QueryDecoderLayer
from .heatmap_target import gaussian_heatmap
from .query_init import HeatmapQueryInit, ObjectQueries

BOX_BRANCHES = dict(center=2, height=1, dim=3, rot=2, vel=2)


@dataclass
class QueryHeadOutput:
    """Raw outputs of :class:`TransFusionHead`.

    Attributes:
        heatmap_logits: ``[B, K, Y, X]`` dense class heatmap.
        queries: the heatmap-initialised queries.
        cls_logits: ``[B, Q, K]`` per-query class logits after the decoder.
        codes: ``[B, Q, 10]`` per-query box codes (see :class:`QueryBoxCoder`), centres in absolute cells.
    """
    heatmap_logits: Tensor
    queries: ObjectQueries
    cls_logits: Tensor
    codes: Tensor


@MODELS.register_module()
class TransFusionHead(BaseModule):
    """Query-based 3D detection head (TransFusion-L style) implementing the bevzoo task-head protocol.

    A dense heatmap picks ``num_queries`` peaks; their BEV features, plus a class embedding, form queries
    that one decoder layer refines against the whole BEV; small FFNs predict class and box per query.
    Training matches queries to ground truth with the Hungarian algorithm (focal / BEV-L1 / BEV-IoU costs).

    Args:
        in_channels: channels of the input BEV.
        num_classes: detection classes ``K``.
        point_cloud_range: ``[x_min, y_min, z_min, x_max, y_max, z_max]`` covered by the input BEV.
        voxel_size: voxel size; a BEV cell is ``voxel_size[:2] * out_size_factor``.
        out_size_factor: BEV stride relative to the voxel grid.
        num_queries: number of object queries ``Q``.
        hidden_channels: width of the shared conv, queries and decoder.
        num_heads: attention heads of the decoder layer.
        ffn_channels: FFN width of the decoder layer.
        dropout: decoder dropout.
        head_conv: hidden width of the per-branch prediction FFNs.
        code_weights: weights of the 10 box-code entries in the L1 loss (velocity down-weighted by default).
        assigner: keyword arguments of :class:`HungarianAssigner3D` (cost weights).
        loss_cls: classification loss config (sigmoid focal).
        loss_bbox: box regression loss config.
        loss_heatmap: dense heatmap loss config.
        score_threshold: predictions with a lower score are dropped.
        init_cfg: mmengine initialisation config.
    """

    def __init__(self, in_channels: int, num_classes: int, point_cloud_range: Sequence[float],
                 voxel_size: Sequence[float], out_size_factor: int, num_queries: int = 200,
                 hidden_channels: int = 128, num_heads: int = 8, ffn_channels: int = 256, dropout: float = 0.1,
                 head_conv: int = 64, code_weights: Sequence[float] = (1.0,) * 8 + (0.2, 0.2),
                 assigner: dict = dict(cls_weight=0.15, l1_weight=0.25, iou_weight=0.25),
                 loss_cls: dict = dict(type='mmdet.FocalLoss', use_sigmoid=True, gamma=2.0, alpha=0.25,
                                       loss_weight=1.0),
                 loss_bbox: dict = dict(type='mmdet.L1Loss', loss_weight=0.25),
                 loss_heatmap: dict = dict(type='mmdet.GaussianFocalLoss', loss_weight=1.0),
                 score_threshold: float = 0.0, init_cfg: dict = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if len(code_weights) != CODE_SIZE:
            raise ValueError(f'code_weights needs {CODE_SIZE} entries, got {len(code_weights)}')
        self.num_classes = num_classes
        self.score_threshold = score_threshold
        self.box_coder = QueryBoxCoder(point_cloud_range, voxel_size, out_size_factor)
        self.assigner = HungarianAssigner3D(self.box_coder, **assigner)
        self.register_buffer('code_weights', torch.tensor(code_weights, dtype=torch.float32), persistent=False)
        self.shared_conv = nn.Sequential(nn.Conv2d(in_channels, hidden_channels, 3, padding=1, bias=False),
                                         nn.BatchNorm2d(hidden_channels), nn.ReLU(inplace=True))
        self.heatmap_conv = nn.Sequential(nn.Conv2d(hidden_channels, hidden_channels, 3, padding=1, bias=False),
                                          nn.BatchNorm2d(hidden_channels), nn.ReLU(inplace=True),
                                          nn.Conv2d(hidden_channels, num_classes, 3, padding=1))
        self.query_init = HeatmapQueryInit(num_queries, num_classes, hidden_channels)
        self.decoder = QueryDecoderLayer(hidden_channels, num_heads, ffn_channels, dropout)
        branches = {name: (channels, 2) for name, channels in BOX_BRANCHES.items()}
        self.prediction = SeparateHead(hidden_channels, dict(branches, heatmap=(num_classes, 2)), head_conv=head_conv)
        self.loss_cls = MODELS.build(loss_cls)
        self.loss_bbox = MODELS.build(loss_bbox)
        self.loss_heatmap = MODELS.build(loss_heatmap)

    def init_weights(self) -> None:
        super().init_weights()
        nn.init.constant_(self.heatmap_conv[-1].bias, -2.19)  # prior probability 0.1

    def _check_grid(self, bev: Tensor) -> None:
        if tuple(bev.shape[-2:]) != self.box_coder.grid_shape():
            raise ValueError(f'TransFusionHead expects a BEV of {self.box_coder.grid_shape()} cells (from '
                             'point_cloud_range, voxel_size, out_size_factor), got '
                             f'{tuple(bev.shape[-2:])}')

    def forward(self, bev: Tensor) -> QueryHeadOutput:
        """``[B, C, Y, X]`` BEV -> :class:`QueryHeadOutput`."""
        self._check_grid(bev)
        feats = self.shared_conv(bev)
        heatmap_logits = self.heatmap_conv(feats)
        queries = self.query_init(heatmap_logits, feats)
        rows, cols = torch.meshgrid(torch.arange(feats.shape[2], device=bev.device),
                                    torch.arange(feats.shape[3], device=bev.device), indexing='ij')
        key_positions = torch.stack([cols, rows], -1).flatten(0, 1).to(feats.dtype)[None] + 0.5
        refined = self.decoder(queries.feats.transpose(1, 2), queries.positions, feats.flatten(2).transpose(1, 2),
                               key_positions.expand(feats.shape[0], -1, -1))
        preds = {name: out.squeeze(-1) for name, out in self.prediction(refined.transpose(1, 2)[..., None]).items()}
        preds['center'] = preds['center'] + queries.positions.transpose(1, 2)
        return QueryHeadOutput(heatmap_logits, queries, preds['heatmap'].transpose(1, 2),
                               QueryBoxCoder.stack_predictions(preds))

    def _sample_targets(self, output: QueryHeadOutput, index: int, sample: Det3DDataSample) -> Tuple[Tensor, ...]:
        """Classification, box-code and box-weight targets ``[Q]``, ``[Q, 10]``, ``[Q, 10]`` and heatmap."""
        gt = sample.gt_instances_3d
        device = output.codes.device
        boxes, labels = gt.bboxes_3d.to(device), gt.labels_3d.to(device)
        if len(labels) and not (0 <= int(labels.min()) and int(labels.max()) < self.num_classes):
            raise ValueError(f'gt labels_3d must lie in [0, {self.num_classes}), got {labels.unique().tolist()} '
                             f"(sample {sample.metainfo.get('sample_idx')}); filter unknown classes in the pipeline")
        assigned = self.assigner.assign(output.cls_logits[index], output.codes[index], boxes, labels)
        matched = assigned >= 0
        cls_target = torch.full_like(assigned, self.num_classes)
        cls_target[matched] = labels[assigned[matched]]
        code_target = output.codes.new_zeros(output.codes.shape[1:])
        code_target[matched] = self.box_coder.encode(boxes)[assigned[matched]]
        code_weight = matched[:, None].to(code_target) * self.code_weights
        heatmap = gaussian_heatmap(boxes, labels, self.num_classes, self.box_coder, self.box_coder.grid_shape())
        return cls_target, code_target, code_weight, heatmap

    def loss(self, bev: Tensor, data_samples: List[Det3DDataSample]) -> Dict[str, Tensor]:
        """Task-head protocol: losses ``loss_cls``, ``loss_bbox``, ``loss_heatmap`` of a batch.

        Args:
            bev: ``[B, C, Y, X]`` BEV features.
            data_samples: ``B`` samples with ``gt_instances_3d`` (9-dim ``bboxes_3d``, ``labels_3d``).
        """
        output = self(bev)
        cls_target, code_target, code_weight, heatmap = (
            torch.stack(parts) for parts in zip(*(self._sample_targets(output, index, sample)
                                                  for index, sample in enumerate(data_samples))))
        num_matched = max(float((cls_target < self.num_classes).sum()), 1.0)
        num_gt = max(float(sum(len(sample.gt_instances_3d) for sample in data_samples)), 1.0)
        heatmap_prob = output.heatmap_logits.sigmoid().clamp(1e-4, 1 - 1e-4)
        return dict(
            loss_cls=self.loss_cls(output.cls_logits.flatten(0, 1), cls_target.flatten(), avg_factor=num_matched),
            loss_bbox=self.loss_bbox(output.codes, code_target, code_weight, avg_factor=num_matched),
            loss_heatmap=self.loss_heatmap(heatmap_prob, heatmap, avg_factor=num_gt))

    @torch.no_grad()
    def predict(self, bev: Tensor, data_samples: List[Det3DDataSample]) -> None:
        """Task-head protocol: writes ``pred_instances_3d`` (``LiDARInstance3DBoxes``, 9-dim) into each sample.

        A query's score is its class probability times the heatmap score of its peak for the query's class.
        """
        output = self(bev)
        one_hot = F.one_hot(output.queries.labels, self.num_classes).to(output.cls_logits)
        scores = output.cls_logits.sigmoid() * output.queries.heatmap_scores.transpose(1, 2) * one_hot
        best, labels = scores.max(dim=2)
        for index, sample in enumerate(data_samples):
            keep = best[index] > self.score_threshold
            sample.pred_instances_3d = InstanceData(bboxes_3d=self.box_coder.decode(output.codes[index][keep]),
                                                    scores_3d=best[index][keep], labels_3d=labels[index][keep])
