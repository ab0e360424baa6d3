"""3D semantic occupancy head: lifts the BEV to the Occ3D voxel grid by channel-to-height."""
from typing import Dict, List, Optional, Sequence

import numpy as np
import torch
from mmcv.cnn import ConvModule
from mmdet3d.registry import MODELS
from mmengine.model import BaseModule
from torch import Tensor, nn

from .bev_grid_resampler import BEVGridResampler
from .dense_targets import stack_sample_field

OCC3D_RANGE = (-40.0, -40.0, -1.0, 40.0, 40.0, 5.4)


@MODELS.register_module()
class OccupancyHead(BaseModule):
    """Predicts ``pred_occupancy`` ``[X, Y, Z]`` uint8 labels from the shared BEV.

    On the incoming BEV grid, a 3x3 conv-BN-ReLU mixes neighbours and a 1x1 conv emits
    ``Z * height_channels`` channels (channel-to-height, as FlashOcc); these are resampled to the occupancy
    grid's x-y cells (working before the resampling keeps the 2D layers on the usually coarser BEV) and
    reshaped into ``height_channels`` features per voxel; a per-voxel MLP (linear, ReLU, linear) classifies
    every voxel. No 3D convolution: the 2D layers already see every height level as channels, and 3D
    convolutions on the 640k-voxel grid cost seconds per step on a CPU.

    The voxel grid is Occ3D's, in the ego frame, so predictions and targets are the official label files
    voxel for voxel (no resampled ground truth). The BEV lives in the augmented LiDAR frame, so every
    sample's voxel columns are looked up through ``lidar_aug_matrix @ inv(lidar2ego)`` from its metainfo
    (rotation about z and translation; the LiDAR's roll and pitch are ignored).

    Training scores only voxels whose ``gt_occupancy_mask`` is set (Occ3D's camera-visibility mask by
    default, whichever mask the dataset puts in that field) when ``train_on_mask`` is true, so
    unobserved voxels receive exactly zero gradient. Three losses: class-weighted cross-entropy,
    Lovasz-softmax (mmdet3d's ``LovaszLoss``) and the scene-class affinity loss.

    Free space fills ~94 % of the camera-visible voxels of the world (and most of Occ3D's), so classifying and
    scoring every one of them is most of the head's training cost. ``free_sample_ratio`` < 1 scores a random
    fraction of the free voxels each step, each kept one counting ``1 / free_sample_ratio``: the cross-entropy
    (averaged over all scored voxels) and the affinity loss's sums are then unbiased estimates of the full ones.

    Args:
        in_channels: channels of the incoming BEV map.
        bev_range: ``[x_min, y_min, x_max, y_max]`` (m) that the incoming BEV covers.
        grid_range: ``[x_min, y_min, z_min, x_max, y_max, z_max]`` (m) of the voxel grid (Occ3D's).
        voxel_size: edge (m) of the cubic voxels (0.4 in Occ3D: 200 x 200 x 16).
        num_classes: labels including free (18 in Occ3D).
        channels: width of the 2D layer before the lift.
        height_channels: features per height level after the lift.
        train_on_mask: score only voxels with ``gt_occupancy_mask`` set.
        free_sample_ratio: fraction of the scored free voxels (the last label, Occ3D's 17) that the training
            losses see, in ``(0, 1]``; 1 scores them all. Not with ``loss_lovasz``, which is not a sum over voxels.
        loss_ce: per-voxel classification loss on ``[P, num_classes]`` logits and ``[P]`` labels
            (default: unweighted ``mmdet.CrossEntropyLoss``; set ``class_weight`` to weight classes).
        loss_lovasz: Lovasz loss on ``[P, num_classes]`` logits and ``[P]`` labels, e.g. mmdet3d's
            ``dict(type='LovaszLoss', reduction='none')``; None leaves it out.
        loss_affinity: scene-affinity loss on ``[P, num_classes]`` logits and ``[P]`` labels, e.g.
            ``dict(type='SceneAffinityLoss')``; None leaves it out.
        norm_cfg: normalisation of the 2D layer (default BN).
        init_cfg: mmengine initialisation config.
    """

    def __init__(self,
                 in_channels: int,
                 bev_range: Sequence[float],
                 grid_range: Sequence[float] = OCC3D_RANGE,
                 voxel_size: float = 0.4,
                 num_classes: int = 18,
                 channels: int = 128,
                 height_channels: int = 16,
                 train_on_mask: bool = True,
                 free_sample_ratio: float = 1.0,
                 loss_ce: Optional[dict] = None,
                 loss_lovasz: Optional[dict] = None,
                 loss_affinity: Optional[dict] = None,
                 norm_cfg: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if len(grid_range) != 6:
            raise ValueError(f'grid_range must be [x_min, y_min, z_min, x_max, y_max, z_max], got {grid_range}')
        x_min, y_min, z_min, x_max, y_max, z_max = grid_range
        levels = (z_max - z_min) / voxel_size
        if abs(levels - round(levels)) > 1e-6:
            raise ValueError(f'grid_range height {z_max - z_min} m is not a whole number of {voxel_size} m voxels')
        self.resampler = BEVGridResampler(bev_range, (x_min, y_min, x_max, y_max), voxel_size)
        self.num_levels, self.num_classes = round(levels), num_classes
        self.height_channels, self.train_on_mask = height_channels, train_on_mask
        if not 0 < free_sample_ratio <= 1:
            raise ValueError(f'free_sample_ratio must be in (0, 1], got {free_sample_ratio}')
        if free_sample_ratio < 1 and loss_lovasz:
            raise ValueError('free_sample_ratio < 1 cannot be combined with loss_lovasz: Lovasz-softmax is not a sum '
                             'over voxels, so subsampled free voxels cannot be reweighted to the full loss')
        self.free_sample_ratio = free_sample_ratio
        norm_cfg = norm_cfg or dict(type='BN')
        self.bev_layers = nn.Sequential(
            ConvModule(in_channels, channels, 3, padding=1, norm_cfg=norm_cfg),
            nn.Conv2d(channels, self.num_levels * height_channels, 1))
        self.voxel_classifier = nn.Sequential(
            nn.Linear(height_channels, height_channels), nn.ReLU(inplace=True), nn.Linear(height_channels, num_classes))
        self.loss_ce = MODELS.build(loss_ce or dict(type='mmdet.CrossEntropyLoss', use_sigmoid=False))
        self.loss_lovasz = MODELS.build(loss_lovasz) if loss_lovasz else None
        self.loss_affinity = MODELS.build(loss_affinity) if loss_affinity else None

    @property
    def grid_shape(self) -> tuple:
        """``(X, Y, Z)`` of one sample's voxel grid (the axes order of ``gt_occupancy``)."""
        height, width = self.resampler.target_shape
        return (width, height, self.num_levels)

    def forward(self, bev: Tensor, ego2bev: Optional[Tensor] = None) -> Tensor:
        """Voxel logits ``[B, X, Y, Z, num_classes]`` (channel-last) from the BEV ``[B, C, H_bev, W_bev]``.

        ``ego2bev`` ``[B, 3, 3]``: 2D transforms from the voxel grid's frame into the BEV's (see
        ``ego_to_bev``); None when the two frames coincide.
        """
        return self.voxel_classifier(self.voxel_features(bev, ego2bev))

    def voxel_features(self, bev: Tensor, ego2bev: Optional[Tensor] = None, levels_first: bool = False) -> Tensor:
        """Per-voxel features, the lift before the voxel classifier: ``[B, X, Y, Z, height_channels]`` (the
        labels' axes), or ``[B, Z, Y, X, height_channels]`` with ``levels_first``, the order the resampled
        features are stored in (gathering voxels in that order costs half as much on a CPU)."""
        features = self.resampler(self.bev_layers(bev), ego2bev)  # [B, Z * Ch, Y, X] on the occupancy grid
        batch, _, rows, cols = features.shape
        features = features.view(batch, self.num_levels, self.height_channels, rows, cols)
        return features.permute(0, 1, 3, 4, 2) if levels_first else features.permute(0, 4, 3, 1, 2)

    def loss(self, bev: Tensor, data_samples: List) -> Dict[str, Tensor]:
        """Occupancy losses against ``gt_occupancy`` on the scored voxels.

        Only the scored voxels are classified (a third of the grid with Occ3D's camera mask; fewer with
        ``free_sample_ratio``): the classifier is per voxel, so the logits are the same as ``forward``'s at
        those voxels, at a fraction of the cost. The losses do not depend on the order of the voxels, so they
        are gathered level by level (``[Z, Y, X]``).
        """
        features = self.voxel_features(bev, ego_to_bev(data_samples), levels_first=True)
        device = features.device

        def levels_first(field: str) -> Tensor:  # [B, X, Y, Z] -> [B, Z, Y, X]
            return stack_sample_field(data_samples, field, self.grid_shape, device).permute(0, 3, 2, 1)

        labels = levels_first('gt_occupancy').long()
        if self.train_on_mask:
            scored = levels_first('gt_occupancy_mask').bool()
        else:
            scored = torch.ones_like(labels, dtype=torch.bool)
        num_scored = int(scored.sum())
        kept, weights = self._sample_free_voxels(scored, labels)
        voxel_labels = labels[kept]  # [P]; every scored label but free is kept, so this checks them all
        if voxel_labels.numel() and int(voxel_labels.max()) >= self.num_classes:
            raise ValueError(f'gt_occupancy holds label {int(voxel_labels.max())}, but the head has '
                             f'{self.num_classes} classes (labels 0..{self.num_classes - 1})')
        voxel_logits = self.voxel_classifier(features[kept]).float()  # [P, classes], float32 also under AMP
        return self._losses(voxel_logits, voxel_labels, weights, num_scored)

    def _sample_free_voxels(self, scored: Tensor, labels: Tensor) -> tuple:
        """The voxels the losses see (all scored ones but a random ``1 - free_sample_ratio`` of the free ones)
        and their ``[P]`` weights (``1 / free_sample_ratio`` for a kept free voxel, else 1)."""
        if self.free_sample_ratio == 1:
            return scored, torch.ones(int(scored.sum()), device=scored.device)
        free = labels == self.num_classes - 1
        kept = scored & (~free | (torch.rand(scored.shape, device=scored.device) < self.free_sample_ratio))
        weights = torch.where(free[kept], 1.0 / self.free_sample_ratio, 1.0)
        return kept, weights

    def _losses(self, voxel_logits: Tensor, voxel_labels: Tensor, weights: Tensor,
                num_scored: int) -> Dict[str, Tensor]:
        """The configured losses on ``[P, classes]`` logits, ``[P]`` labels and ``[P]`` voxel weights, the
        cross-entropy averaged over the ``num_scored`` voxels they stand for (zero when ``P == 0``)."""
        if voxel_labels.numel() == 0:  # nothing observed in the batch: zero, still attached to every weight
            zero = voxel_logits.sum() * 0
            return {name: zero for name in self._loss_names()}
        losses = {'loss_occ_ce': self.loss_ce(voxel_logits, voxel_labels, weight=weights, avg_factor=num_scored)}
        if self.loss_lovasz is not None:  # unobserved voxels are already gone: nothing for Lovasz to ignore
            losses['loss_occ_lovasz'] = self.loss_lovasz(voxel_logits, voxel_labels, ignore_index=None)
        if self.loss_affinity is not None:
            losses['loss_occ_affinity'] = self.loss_affinity(voxel_logits, voxel_labels, weight=weights)
        return losses

    def _loss_names(self) -> List[str]:
        optional = {'loss_occ_lovasz': self.loss_lovasz, 'loss_occ_affinity': self.loss_affinity}
        return ['loss_occ_ce'] + [name for name, loss in optional.items() if loss is not None]

    def predict(self, bev: Tensor, data_samples: List) -> None:
        """Write ``pred_occupancy`` (``[X, Y, Z]`` uint8 labels) into every sample."""
        labels = self(bev, ego_to_bev(data_samples)).argmax(dim=-1).to(torch.uint8)
        for sample, sample_labels in zip(data_samples, labels):
            sample.pred_occupancy = sample_labels


def ego_to_bev(data_samples: List) -> Tensor:
    """``[B, 3, 3]`` float64 2D transforms from each sample's ego frame into its augmented LiDAR (BEV) frame,
    ``lidar_aug_matrix @ inv(lidar2ego)`` restricted to x and y."""
    transforms = []
    for index, sample in enumerate(data_samples):
        missing = [key for key in ('lidar2ego', 'lidar_aug_matrix') if key not in sample.metainfo]
        if missing:
            raise KeyError(f'OccupancyHead: data sample {index} lacks metainfo {missing}; the Occ3D grid is in the '
                           'ego frame, so the pipeline must pack lidar2ego and lidar_aug_matrix (PackMultiTaskInputs).')
        lidar2ego = np.asarray(sample.lidar2ego, np.float64)
        ego2bev = np.asarray(sample.lidar_aug_matrix, np.float64) @ np.linalg.inv(lidar2ego)
        transforms.append(ego2bev[np.ix_([0, 1, 3], [0, 1, 3])])
    return torch.as_tensor(np.stack(transforms))
