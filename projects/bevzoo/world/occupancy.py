"""Occ3D-nuScenes labels of a keyframe: semantics on a 200 x 200 x 16 grid (0.4 m, ego frame, z from -1 m)
and the LiDAR / camera visibility masks.

Semantics are exact (voxel centres inside the scene's boxes; the ground layer from the ground raster).
Visibility follows Occ3D's ray-casting idea with the rendered depth: a voxel is observed by a sensor when
it lies in the sensor's field of view no farther along its ray than the first surface the ray hit (plus
half a voxel), so free space in front of surfaces and the surface voxels are visible, occluded ones not.
"""
from dataclasses import dataclass

import numpy as np

from .primitives import BoxSet
from .sensors import BEAM_ELEVATIONS, CameraImage, CameraSpec, LidarSweep
from .shading import GROUND_OCC
from .taxonomy import OCC
from .town import Town

GRID_SHAPE = (200, 200, 16)
VOXEL_SIZE = 0.4
GRID_MIN = np.array([-40.0, -40.0, -1.0])
_TOLERANCE = VOXEL_SIZE * 0.87  # half the voxel diagonal
# Thin boxes are grown so that any rotation still covers a voxel centre (the lattice's covering radius).
_MIN_HALF = np.array([VOXEL_SIZE / np.sqrt(2), VOXEL_SIZE / np.sqrt(2), VOXEL_SIZE / 2]) + 1e-3


@dataclass
class OccupancyLabels:
    """Occ3D arrays, all [200, 200, 16] indexed (x, y, z)."""
    semantics: np.ndarray
    mask_lidar: np.ndarray
    mask_camera: np.ndarray


def voxel_centers() -> np.ndarray:
    """Centres [200 * 200 * 16, 3] of the grid in the ego frame, in (x, y, z) C order."""
    axes = [GRID_MIN[k] + VOXEL_SIZE * (np.arange(GRID_SHAPE[k]) + 0.5) for k in range(3)]
    grid = np.stack(np.meshgrid(*axes, indexing='ij'), axis=-1)
    return grid.reshape(-1, 3)


_CENTERS = voxel_centers()


def semantics(town: Town, boxes: BoxSet, ego_to_global: np.ndarray) -> np.ndarray:
    """Occ3D semantic labels [200, 200, 16] (uint8) around the ego."""
    labels = np.full(GRID_SHAPE, OCC['free'], np.uint8)
    ground_k = int((0.0 - GRID_MIN[2]) // VOXEL_SIZE)
    ground = _CENTERS.reshape(*GRID_SHAPE, 3)[:, :, ground_k] @ ego_to_global[:3, :3].T + ego_to_global[:3, 3]
    surface, _ = town.ground.lookup(ground[..., 0], ground[..., 1])
    labels[:, :, ground_k] = GROUND_OCC[surface]
    _rasterise_boxes(labels, boxes, ego_to_global)
    return labels


def _rasterise_boxes(labels: np.ndarray, boxes: BoxSet, ego_to_global: np.ndarray) -> None:
    """Label voxel centres inside each box (thin boxes grown to ``_MIN_HALF``); later boxes win."""
    global_to_ego = np.linalg.inv(ego_to_global)
    center = boxes.center @ global_to_ego[:3, :3].T + global_to_ego[:3, 3]
    yaw = boxes.yaw - np.arctan2(ego_to_global[1, 0], ego_to_global[0, 0])
    half = np.maximum(boxes.size / 2, _MIN_HALF)
    radius = np.linalg.norm(half[:, :2], axis=1)
    lo = np.floor((center - np.concatenate([radius[:, None]] * 2 + [half[:, 2:]], 1) - GRID_MIN) / VOXEL_SIZE)
    hi = np.floor((center + np.concatenate([radius[:, None]] * 2 + [half[:, 2:]], 1) - GRID_MIN) / VOXEL_SIZE)
    lo = np.clip(lo, 0, np.array(GRID_SHAPE) - 1).astype(np.int64)
    hi = np.clip(hi, 0, np.array(GRID_SHAPE) - 1).astype(np.int64)
    inside_grid = np.all((center + radius[:, None] > GRID_MIN) & (center - radius[:, None] < GRID_MIN + VOXEL_SIZE
                                                                   * np.array(GRID_SHAPE)), axis=1)
    extent = np.where(inside_grid[:, None], hi - lo + 1, 0)
    count = extent.prod(axis=1)
    box = np.repeat(np.arange(len(boxes)), count)
    k = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    ez, ey = extent[box, 2], extent[box, 1]
    ix, iy, iz = lo[box, 0] + k // (ey * ez), lo[box, 1] + (k // ez) % ey, lo[box, 2] + k % ez
    voxel = GRID_MIN + VOXEL_SIZE * (np.stack([ix, iy, iz], axis=1) + 0.5)
    d = voxel - center[box]
    c, s = np.cos(yaw[box]), np.sin(yaw[box])
    inside = ((np.abs(d[:, 0] * c + d[:, 1] * s) <= half[box, 0]) & (np.abs(-d[:, 0] * s + d[:, 1] * c) <= half[box, 1])
              & (np.abs(d[:, 2]) <= half[box, 2]))
    # Assignments in box order: numpy keeps the last write for repeated indices.
    labels[ix[inside], iy[inside], iz[inside]] = boxes.occ[box[inside]]


def lidar_mask(sweep: LidarSweep, ego_to_global: np.ndarray) -> np.ndarray:
    """Voxels observed by a full LiDAR revolution: inside the vertical field of view and not behind the
    first surface hit by the nearest ray."""
    points = _CENTERS @ ego_to_global[:3, :3].T + ego_to_global[:3, 3]
    local = (points - sweep.sensor_to_global[:3, 3]) @ sweep.sensor_to_global[:3, :3]
    beams, steps = sweep.ring_shape
    distance = np.linalg.norm(local, axis=1)
    elevation = np.arcsin(local[:, 2] / np.maximum(distance, 1e-6))
    spacing = BEAM_ELEVATIONS[1] - BEAM_ELEVATIONS[0]
    ring = np.clip(np.round((elevation - BEAM_ELEVATIONS[0]) / spacing).astype(np.int64), 0, beams - 1)
    column = np.round(np.arctan2(local[:, 1], local[:, 0]) % (2 * np.pi) / (2 * np.pi) * steps).astype(np.int64) % steps
    measured = sweep.hits.distance.numpy().reshape(beams, steps)[ring, column]
    in_fov = (elevation > BEAM_ELEVATIONS[0] - spacing / 2) & (elevation < BEAM_ELEVATIONS[-1] + spacing / 2)
    return (in_fov & (distance <= measured + _TOLERANCE)).reshape(GRID_SHAPE)


def camera_mask(images: list, cameras: list, ego_to_global: np.ndarray) -> np.ndarray:
    """Voxels seen by at least one camera (in its image and not behind the surface its pixel ray hit)."""
    points = _CENTERS @ ego_to_global[:3, :3].T + ego_to_global[:3, 3]
    seen = np.zeros(len(points), bool)
    for image, camera in zip(images, cameras):
        seen |= _seen_by(image, camera, points)
    return seen.reshape(GRID_SHAPE)


def _seen_by(image: CameraImage, camera: CameraSpec, points: np.ndarray) -> np.ndarray:
    local = (points - image.sensor_to_global[:3, 3]) @ image.sensor_to_global[:3, :3]
    front = local[:, 2] > 0.1
    uv = local[:, :2] / np.maximum(local[:, 2:3], 0.1) * np.diag(camera.intrinsic)[:2] + camera.intrinsic[:2, 2]
    col, row = np.floor(uv[:, 0]).astype(np.int64), np.floor(uv[:, 1]).astype(np.int64)
    inside = front & (col >= 0) & (col < camera.width) & (row >= 0) & (row < camera.height)
    measured = np.full(len(points), -np.inf)
    measured[inside] = image.distance[row[inside], col[inside]]
    return inside & (np.linalg.norm(local, axis=1) <= measured + _TOLERANCE)


def occupancy_labels(town: Town, boxes: BoxSet, ego_to_global: np.ndarray, sweep: LidarSweep, images: list,
                     cameras: list) -> OccupancyLabels:
    """All three Occ3D arrays of one keyframe (``sweep`` must be a full, undecimated revolution)."""
    return OccupancyLabels(semantics(town, boxes, ego_to_global), lidar_mask(sweep, ego_to_global),
                           camera_mask(images, cameras, ego_to_global))
