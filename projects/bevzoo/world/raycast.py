"""Vectorised ray casting against the ground plane (z = 0) and yaw-oriented boxes.

Broad phase: rays and boxes are binned by direction (azimuth x elevation seen from the common ray origin);
a ray is tested only against the boxes whose angular extent covers its bin. The (ray, box) pairs are
expanded into flat arrays and tested with the slab method in torch (multi-threaded); the nearest hit per
ray is reduced with ``scatter_reduce``.
"""
from dataclasses import dataclass

import numpy as np
import torch

from .primitives import BoxSet

NO_HIT, GROUND = -2, -1


@dataclass
class RayHits:
    """Nearest hit per ray.

    Attributes:
        distance: [N] float32 distance along the (unit) ray, inf for no hit.
        primitive: [N] int64 box index, GROUND (-1) for the ground, NO_HIT (-2) otherwise.
        local: [N, 3] float32 hit point in the hit box's frame (zeros for the ground / no hit).
        face_axis: [N] int64 axis (0 x, 1 y, 2 z) of the box face hit (-1 for ground / no hit).
        pair_ray, pair_box: [P] every (ray, box) intersection within range, occluded or not.
    """
    distance: torch.Tensor
    primitive: torch.Tensor
    local: torch.Tensor
    face_axis: torch.Tensor
    pair_ray: np.ndarray
    pair_box: np.ndarray


def _angular_bounds(origin: np.ndarray, boxes: BoxSet) -> tuple:
    """Conservative azimuth interval (start, width) and elevation interval of each box seen from ``origin``."""
    corners = boxes.corners_xy() - origin[None, None, :2]
    center_az = np.arctan2(boxes.center[:, 1] - origin[1], boxes.center[:, 0] - origin[0])
    rel = np.angle(np.exp(1j * (np.arctan2(corners[..., 1], corners[..., 0]) - center_az[:, None])))
    az_lo, az_hi = center_az + rel.min(axis=1), center_az + rel.max(axis=1)
    # Horizontal distance from the origin to the footprint (0 inside) and to its farthest corner.
    d = origin[None, :2] - boxes.center[:, :2]
    c, s = np.cos(boxes.yaw), np.sin(boxes.yaw)
    local = np.abs(np.stack([d[:, 0] * c + d[:, 1] * s, -d[:, 0] * s + d[:, 1] * c], axis=1))
    near = np.linalg.norm(np.maximum(local - boxes.size[:, :2] / 2, 0.0), axis=1)
    far = np.linalg.norm(corners, axis=2).max(axis=1)
    inside = near == 0
    az_lo[inside], az_hi[inside] = -np.pi, np.pi
    z_lo = boxes.center[:, 2] - boxes.size[:, 2] / 2 - origin[2]
    z_hi = boxes.center[:, 2] + boxes.size[:, 2] / 2 - origin[2]
    el_lo = np.minimum(np.arctan2(z_lo, near), np.arctan2(z_lo, far))
    el_hi = np.maximum(np.arctan2(z_hi, near), np.arctan2(z_hi, far))
    return az_lo, az_hi, el_lo, el_hi


def _pairs(origin: np.ndarray, directions: np.ndarray, boxes: BoxSet, bin_size: float) -> tuple:
    """Candidate (ray, box) pairs: every box against the rays in the direction bins it covers."""
    num_az, num_el = int(np.ceil(2 * np.pi / bin_size)), int(np.ceil(np.pi / bin_size)) + 1
    ray_az = np.arctan2(directions[:, 1], directions[:, 0])
    ray_el = np.arcsin(np.clip(directions[:, 2], -1, 1))
    ray_bin = (np.floor((ray_az + np.pi) / bin_size).astype(np.int64) % num_az) * num_el + np.floor(
        (ray_el + np.pi / 2) / bin_size).astype(np.int64)
    order = np.argsort(ray_bin, kind='stable')
    count = np.bincount(ray_bin, minlength=num_az * num_el)
    start = np.cumsum(count) - count

    az_lo, az_hi, el_lo, el_hi = _angular_bounds(origin, boxes)
    a0 = np.floor((az_lo + np.pi) / bin_size).astype(np.int64)
    na = np.minimum(np.floor((az_hi + np.pi) / bin_size).astype(np.int64) - a0 + 1, num_az)
    e0 = np.floor((el_lo + np.pi / 2) / bin_size).astype(np.int64)
    ne = np.floor((el_hi + np.pi / 2) / bin_size).astype(np.int64) - e0 + 1
    cells = na * ne
    box_of_cell = np.repeat(np.arange(len(boxes)), cells)
    k = np.arange(cells.sum()) - np.repeat(np.cumsum(cells) - cells, cells)
    cell_az = (a0[box_of_cell] + k // ne[box_of_cell]) % num_az
    cell_el = np.clip(e0[box_of_cell] + k % ne[box_of_cell], 0, num_el - 1)
    cell_bin = cell_az * num_el + cell_el
    rays_in_cell = count[cell_bin]
    keep = rays_in_cell > 0
    cell_bin, box_of_cell, rays_in_cell = cell_bin[keep], box_of_cell[keep], rays_in_cell[keep]
    pair_cell = np.repeat(np.arange(len(cell_bin)), rays_in_cell)
    offset = np.arange(rays_in_cell.sum()) - np.repeat(np.cumsum(rays_in_cell) - rays_in_cell, rays_in_cell)
    return order[start[cell_bin][pair_cell] + offset], box_of_cell[pair_cell]


def cast_rays(origin: np.ndarray, directions: np.ndarray, boxes: BoxSet, max_range: float,
              bin_size: float = np.radians(1.0), ground: bool = True) -> RayHits:
    """Nearest intersection of rays from one origin with the ground plane and a set of boxes.

    Args:
        origin: [3] ray origin (global frame).
        directions: [N, 3] unit ray directions.
        boxes: Boxes to test (cull far ones before calling to save time).
        max_range: Hits beyond this distance are dropped.
        bin_size: Angular bin size of the broad phase in radians.
        ground: Whether the plane z = 0 is solid.

    Returns:
        `RayHits` for the N rays.
    """
    origin = np.asarray(origin, np.float64)
    n = len(directions)
    dirs = torch.from_numpy(np.ascontiguousarray(directions, np.float32))
    distance = torch.full((n,), float('inf'))
    primitive = torch.full((n,), NO_HIT, dtype=torch.int64)
    if ground and origin[2] > 0:
        t_ground = -float(origin[2]) / dirs[:, 2]
        hit = (dirs[:, 2] < 0) & (t_ground <= max_range)
        distance = torch.where(hit, t_ground, distance)
        primitive[hit] = GROUND
    local = torch.zeros((n, 3))
    face_axis = torch.full((n,), -1, dtype=torch.int64)
    no_pairs = np.zeros(0, np.int64)
    if len(boxes) == 0 or n == 0:
        return RayHits(distance, primitive, local, face_axis, no_pairs, no_pairs)
    ray, box = _pairs(origin, np.asarray(directions, np.float64), boxes, bin_size)
    if len(ray) == 0:
        return RayHits(distance, primitive, local, face_axis, no_pairs, no_pairs)
    ray_t, box_t = torch.from_numpy(ray), torch.from_numpy(box)
    # Box-frame origin and rotation per box (float64 -> float32 after centring keeps precision).
    rel = origin[None] - boxes.center
    c, s = np.cos(boxes.yaw), np.sin(boxes.yaw)
    box_origin = torch.from_numpy(np.stack([rel[:, 0] * c + rel[:, 1] * s, -rel[:, 0] * s + rel[:, 1] * c,
                                            rel[:, 2]], axis=1).astype(np.float32))
    box_cs = torch.from_numpy(np.stack([c, s], axis=1).astype(np.float32))
    half = torch.from_numpy((boxes.size / 2).astype(np.float32))
    d = dirs[ray_t]
    cs = box_cs[box_t]
    d_local = torch.stack([d[:, 0] * cs[:, 0] + d[:, 1] * cs[:, 1], -d[:, 0] * cs[:, 1] + d[:, 1] * cs[:, 0],
                           d[:, 2]], dim=1)
    o_local, h = box_origin[box_t], half[box_t]
    inv = 1.0 / torch.where(d_local.abs() < 1e-9, torch.full_like(d_local, 1e-9), d_local)
    t1, t2 = (-h - o_local) * inv, (h - o_local) * inv
    t_near_axes = torch.minimum(t1, t2)
    t_near = t_near_axes.max(dim=1).values
    t_far = torch.maximum(t1, t2).min(dim=1).values
    hit = (t_far >= t_near) & (t_near > 0) & (t_near <= max_range)
    t_pair = torch.where(hit, t_near, torch.full_like(t_near, float('inf')))
    distance = distance.scatter_reduce(0, ray_t, t_pair, reduce='amin')
    winner = hit & (t_pair == distance[ray_t])
    win_ray = ray_t[winner]
    primitive[win_ray] = box_t[winner]
    local[win_ray] = o_local[winner] + t_pair[winner, None] * d_local[winner]
    face_axis[win_ray] = t_near_axes[winner].argmax(dim=1)
    hit_np = hit.numpy()
    return RayHits(distance, primitive, local, face_axis, ray[hit_np], box[hit_np])
