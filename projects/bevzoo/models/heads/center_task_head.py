"""Adapter that gives mmdet3d's ``CenterHead`` the bevzoo task-head protocol."""
from typing import Dict, List

from mmengine.model import BaseModule
from torch import Tensor, nn

from mmdet3d.registry import MODELS
from mmdet3d.structures import Det3DDataSample, LiDARInstance3DBoxes


@MODELS.register_module()
class CenterTaskHead(BaseModule):
    """mmdet3d's ``CenterHead`` on one BEV map, with ``loss(bev, samples)`` / ``predict(bev, samples)``.

    Predictions are ``LiDARInstance3DBoxes`` whatever ``box_type_3d`` the samples carry: the BEV is in the
    (augmented) LiDAR frame by construction.

    Args:
        init_cfg: mmengine initialisation config.
        **center_head: arguments of ``mmdet3d.models.CenterHead`` (``in_channels``, ``tasks``,
            ``bbox_coder``, ``train_cfg``, ``test_cfg``, losses...).
    """

    def __init__(self, init_cfg: dict = None, **center_head) -> None:
        super().__init__(init_cfg=init_cfg)
        self.center_head = MODELS.build(dict(type='CenterHead', **center_head))

    def init_weights(self) -> None:
        super().init_weights()
        # CenterHead keeps its SeparateHeads in a plain nn.ModuleList, which mmengine's recursive init_weights
        # skips: without this their heatmap bias prior (init_bias) would never be set.
        for task_head in self.center_head.task_heads:
            task_head.init_weights()
            # SeparateHead's Kaiming init (fan_out) gives the 1-2 channel heatmap classifier weights of std ~0.5,
            # so initial logits spread by ~6 around the prior and the first heatmap losses reach thousands,
            # swamping every other task's gradient in the shared layers. Focal-loss practice (RetinaNet): small
            # classifier weights, so every cell starts at the prior probability the bias encodes.
            nn.init.normal_(task_head.heatmap[-1].weight, std=0.01)

    def _float32_outputs(self, bev: Tensor) -> tuple:
        """CenterHead's outputs (per level, per task, per branch) in float32, also under bf16 autocast: the heatmap
        focal loss clamps sigmoids to ``1 - 1e-4``, which bfloat16 rounds to 1 (``log(0)``)."""
        return tuple([{name: value.float() for name, value in task.items()} for task in level]
                     for level in self.center_head([bev]))

    def loss(self, bev: Tensor, data_samples: List[Det3DDataSample]) -> Dict[str, Tensor]:
        """Task-head protocol: CenterHead's per-task ``taskI.loss_heatmap`` / ``taskI.loss_bbox`` losses.

        Args:
            bev: ``[B, C, Y, X]`` BEV features.
            data_samples: ``B`` samples with ``gt_instances_3d``.
        """
        targets = [sample.gt_instances_3d for sample in data_samples]
        return self.center_head.loss_by_feat(self._float32_outputs(bev), targets)

    def predict(self, bev: Tensor, data_samples: List[Det3DDataSample]) -> None:
        """Task-head protocol: writes ``pred_instances_3d`` into each sample."""
        metas = [dict(sample.metainfo, box_type_3d=LiDARInstance3DBoxes) for sample in data_samples]
        results = self.center_head.predict_by_feat(self._float32_outputs(bev), metas)
        for sample, result in zip(data_samples, results):
            sample.pred_instances_3d = result
