"""BEV map segmentation head: multi-label per-class sigmoid maps on the map grid (BEVFusion's protocol)."""
from typing import Dict, List, Optional, Sequence

import torch
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule
from torch import Tensor, nn

from mmdet3d.registry import MODELS
from .bev_grid_resampler import BEVGridResampler
from .dense_targets import stack_sample_field

MAP_CLASSES = ('drivable_area', 'ped_crossing', 'walkway', 'stop_line', 'carpark_area', 'divider')


@MODELS.register_module()
class BEVMapSegmentationHead(BaseModule):
    """Predicts ``pred_map_bev`` ``[num_classes, H, W]`` probabilities from the shared BEV.

    Two 3x3 conv-BN-ReLU layers and a 1x1 classifier give one logit per class and cell of the head's own
    grid (default 100 m x 100 m at 0.5 m = 200 x 200, centred on the LiDAR), onto which the BEV is bilinearly
    resampled; classes are independent (a cell can be both ``drivable_area`` and ``divider``). BEVFusion
    resamples first and runs both layers on the map grid; ``layers_before_resampling=1`` runs the first on
    the incoming BEV instead, which then resamples ``channels`` rather than ``in_channels`` features (on a
    coarser BEV, such as the world configs' 0.75 m cells, the first layer also runs on fewer cells).

    Args:
        in_channels: channels of the incoming BEV map.
        bev_range: ``[x_min, y_min, x_max, y_max]`` (m) that the incoming BEV covers.
        grid_range: ``[x_min, y_min, x_max, y_max]`` (m) of the map grid.
        grid_cell: map cell size (m).
        classes: class names, in the channel order of ``gt_map_bev``.
        channels: width of the two hidden conv layers.
        layers_before_resampling: how many of the two hidden layers run on the incoming BEV (0, 1 or 2).
        loss: per-element sigmoid loss on ``[B, C, H, W]`` logits and 0/1 targets, averaged over every element,
            e.g. ``mmdet.FocalLoss`` or ``mmdet.CrossEntropyLoss(use_sigmoid=True)``. Default: BEVFusion's
            per-class mean focal loss (gamma 2, no alpha balancing) summed over the classes, i.e. mmdet's
            FocalLoss with alpha 0.5 (both sides x0.5) and loss weight 2 x the number of classes.
        norm_cfg: normalisation of the hidden layers.
        init_cfg: mmengine initialisation config.
    """

    def __init__(self,
                 in_channels: int,
                 bev_range: Sequence[float],
                 grid_range: Sequence[float] = (-50.0, -50.0, 50.0, 50.0),
                 grid_cell: float = 0.5,
                 classes: Sequence[str] = MAP_CLASSES,
                 channels: int = 256,
                 layers_before_resampling: int = 0,
                 loss: Optional[dict] = None,
                 norm_cfg: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if layers_before_resampling not in (0, 1, 2):
            raise ValueError(f'layers_before_resampling must be 0, 1 or 2 (of the two hidden layers), got '
                             f'{layers_before_resampling}')
        self.layers_before_resampling = layers_before_resampling
        self.classes = tuple(classes)
        self.resampler = BEVGridResampler(bev_range, grid_range, grid_cell)
        norm_cfg = norm_cfg or dict(type='BN')
        self.layers = nn.Sequential(
            ConvModule(in_channels, channels, 3, padding=1, norm_cfg=norm_cfg),
            ConvModule(channels, channels, 3, padding=1, norm_cfg=norm_cfg),
            nn.Conv2d(channels, len(self.classes), 1))
        self.loss_map = MODELS.build(loss or dict(type='mmdet.FocalLoss', use_sigmoid=True, gamma=2.0, alpha=0.5,
                                                  reduction='mean', loss_weight=2.0 * len(self.classes)))

    @property
    def map_shape(self) -> tuple:
        """``(num_classes, H, W)`` of one sample's prediction and target."""
        return (len(self.classes), *self.resampler.target_shape)

    def forward(self, bev: Tensor) -> Tensor:
        """Per-class logits ``[B, num_classes, H, W]`` from the BEV ``[B, C, H_bev, W_bev]``."""
        split = self.layers_before_resampling
        return self.layers[split:](self.resampler(self.layers[:split](bev)))

    def loss(self, bev: Tensor, data_samples: List) -> Dict[str, Tensor]:
        """Sigmoid loss against ``gt_map_bev`` (``[num_classes, H, W]`` 0/1 per sample)."""
        logits = self(bev).float()  # loss in float32 also under AMP
        targets = stack_sample_field(data_samples, 'gt_map_bev', self.map_shape, logits.device).float()
        return {'loss_map': self.loss_map(logits, targets)}

    def predict(self, bev: Tensor, data_samples: List) -> None:
        """Write ``pred_map_bev`` (``[num_classes, H, W]`` float probabilities) into every sample."""
        probabilities = torch.sigmoid(self(bev).float()).detach()
        for sample, sample_probabilities in zip(data_samples, probabilities):
            sample.pred_map_bev = sample_probabilities
