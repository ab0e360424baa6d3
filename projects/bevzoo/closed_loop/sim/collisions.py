"""Footprint overlap of the ego with actors and static layout: 2D oriented boxes, separating-axis test."""
import numpy as np

from ..criteria import ActorKind


def box_corners(center: np.ndarray, length: np.ndarray, width: np.ndarray, yaw: np.ndarray) -> np.ndarray:
    """``[N, 4, 2]`` corners of oriented rectangles from ``center [N, 2]``, sizes ``[N]`` and ``yaw [N]``."""
    local = np.array([[0.5, 0.5], [-0.5, 0.5], [-0.5, -0.5], [0.5, -0.5]])
    half = local[None] * np.stack([length, width], axis=1)[:, None, :]
    cos, sin = np.cos(yaw)[:, None], np.sin(yaw)[:, None]
    x = half[..., 0] * cos - half[..., 1] * sin
    y = half[..., 0] * sin + half[..., 1] * cos
    return np.stack([x, y], axis=-1) + center[:, None, :]


def _separated_on_axes(a: np.ndarray, b: np.ndarray, axes: np.ndarray) -> np.ndarray:
    """For ``a [N, 4, 2]``, ``b [N, 4, 2]`` and axes ``[N, 2, 2]``: whether some axis separates them."""
    projections_a = np.einsum('nkd,nad->nak', a, axes)
    projections_b = np.einsum('nkd,nad->nak', b, axes)
    gap_ab = projections_b.min(axis=2) > projections_a.max(axis=2)
    gap_ba = projections_a.min(axis=2) > projections_b.max(axis=2)
    return (gap_ab | gap_ba).any(axis=1)


def overlapping(ego_corners: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """Which of the rectangles ``corners [N, 4, 2]`` overlap the ego rectangle ``ego_corners [4, 2]``.

    Returns:
        ``[N]`` bool.
    """
    if len(corners) == 0:
        return np.zeros(0, dtype=bool)
    ego = np.broadcast_to(ego_corners, corners.shape)

    def edge_normals(rect: np.ndarray) -> np.ndarray:
        edges = rect[:, [1, 2]] - rect[:, [0, 1]]
        normals = np.stack([-edges[..., 1], edges[..., 0]], axis=-1)
        return normals / np.maximum(np.linalg.norm(normals, axis=-1, keepdims=True), 1e-9)

    separated = _separated_on_axes(ego, corners, edge_normals(ego)) | \
        _separated_on_axes(ego, corners, edge_normals(corners))
    return ~separated


def actor_kind(category: str) -> ActorKind:
    """The Leaderboard's class of a nuScenes category: vehicles, walkers, and everything else static."""
    if category.startswith('vehicle.'):
        return ActorKind.VEHICLE
    if category.startswith('human.'):
        return ActorKind.PEDESTRIAN
    return ActorKind.STATIC
