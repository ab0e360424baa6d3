"""Hungarian matching of object queries to ground-truth boxes (focal + BEV-L1 + BEV-IoU costs)."""
import torch
from mmcv.ops import box_iou_rotated
from scipy.optimize import linear_sum_assignment
from torch import Tensor

from mmdet3d.structures import LiDARInstance3DBoxes
from .box_coder import QueryBoxCoder


def focal_cost(cls_logits: Tensor, gt_labels: Tensor, alpha: float = 0.25, gamma: float = 2.0) -> Tensor:
    """``[Q, K]`` logits, ``[M]`` labels -> ``[Q, M]`` sigmoid-focal classification cost (DETR-style)."""
    prob = cls_logits.sigmoid()
    neg = -(1 - prob + 1e-12).log() * (1 - alpha) * prob.pow(gamma)
    pos = -(prob + 1e-12).log() * alpha * (1 - prob).pow(gamma)
    return (pos - neg)[:, gt_labels]


def bev_iou(boxes_a: LiDARInstance3DBoxes, boxes_b: LiDARInstance3DBoxes) -> Tensor:
    """``[A, B]`` rotated IoU of the boxes' BEV footprints."""
    return box_iou_rotated(boxes_a.bev, boxes_b.bev)


class HungarianAssigner3D:
    """One-to-one assignment minimising ``w_cls * focal + w_l1 * BEV-L1 + w_iou * (-BEV IoU)``.

    The L1 cost compares centres as fractions of the BEV extent, so its weight is independent of the grid.

    Args:
        box_coder: the head's box coder (grid of the centres).
        cls_weight: weight of the focal classification cost.
        l1_weight: weight of the L1 distance between normalised BEV centres.
        iou_weight: weight of the negative rotated BEV IoU.
    """

    def __init__(self, box_coder: QueryBoxCoder, cls_weight: float = 0.15, l1_weight: float = 0.25,
                 iou_weight: float = 0.25) -> None:
        self.box_coder = box_coder
        self.cls_weight = cls_weight
        self.l1_weight = l1_weight
        self.iou_weight = iou_weight

    @torch.no_grad()
    def assign(self, cls_logits: Tensor, codes: Tensor, gt_boxes: LiDARInstance3DBoxes,
               gt_labels: Tensor) -> Tensor:
        """Match queries to ground truth.

        Args:
            cls_logits: ``[Q, K]`` classification logits.
            codes: ``[Q, 10]`` box codes (centres in absolute cells).
            gt_boxes: ``M`` ground-truth boxes.
            gt_labels: ``[M]`` their classes.

        Returns:
            ``[Q]`` long: the matched ground-truth index of each query, -1 for unmatched queries.
        """
        assigned = cls_logits.new_full((cls_logits.shape[0],), -1, dtype=torch.long)
        if len(gt_labels) == 0:
            return assigned
        gt_cells = self.box_coder.centres_in_cells(gt_boxes.tensor[:, :2])
        l1 = torch.cdist(self.box_coder.normalized_centres(codes[:, :2]),
                         self.box_coder.normalized_centres(gt_cells), p=1)
        iou = bev_iou(self.box_coder.decode(codes), gt_boxes)
        cost = self.cls_weight * focal_cost(cls_logits, gt_labels) + self.l1_weight * l1 - self.iou_weight * iou
        rows, cols = linear_sum_assignment(cost.float().cpu().numpy())
        assigned[torch.as_tensor(rows, device=assigned.device)] = torch.as_tensor(cols, device=assigned.device)
        return assigned
