"""Losses written for bevzoo (the others come from mmdet / mmdet3d by config)."""
from .scene_affinity_loss import SceneAffinityLoss

__all__ = ['SceneAffinityLoss']
