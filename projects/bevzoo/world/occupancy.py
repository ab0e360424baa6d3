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
from .sensors import BEAM_ELEVATIONS, CAMERA_NAMES, CameraSpec, LidarSpec, LidarSweep, SensorRig
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
    grid_max = GRID_MIN + VOXEL_SIZE * np.array(GRID_SHAPE)
    inside_grid = np.all((center + radius[:, None] > GRID_MIN) & (center - radius[:, None] < grid_max), axis=1)
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


@dataclass(frozen=True)
class _Projection:
    """Where each voxel centre falls in a sensor's image or range image, for a sensor fixed on the ego.

    Attributes:
        voxels: [V] flat voxel indices inside the sensor's field of view.
        pixels: [V] flat pixel (or beam x azimuth) index each of them falls in.
        distance: [V] distance from the sensor to the voxel centre.
    """
    voxels: np.ndarray
    pixels: np.ndarray
    distance: np.ndarray

    def seen(self, measured: np.ndarray) -> np.ndarray:
        """Flat [200 * 200 * 16] mask of voxels not behind the surface hit in their pixel (``measured``)."""
        mask = np.zeros(len(_CENTERS), bool)
        mask[self.voxels] = self.distance <= measured.ravel()[self.pixels] + _TOLERANCE
        return mask


_PROJECTIONS: dict = {}  # the voxel grid moves with the ego, so each sensor's projection never changes


def _sensor_frame(sensor_to_ego: np.ndarray) -> np.ndarray:
    return (_CENTERS - sensor_to_ego[:3, 3]) @ sensor_to_ego[:3, :3]


def _lidar_projection(lidar: LidarSpec) -> _Projection:
    key = ('lidar', lidar)
    if key not in _PROJECTIONS:
        local = _sensor_frame(lidar.sensor_to_ego)
        distance = np.linalg.norm(local, axis=1)
        elevation = np.arcsin(local[:, 2] / np.maximum(distance, 1e-6))
        spacing = BEAM_ELEVATIONS[1] - BEAM_ELEVATIONS[0]
        ring = np.round((elevation - BEAM_ELEVATIONS[0]) / spacing).astype(np.int64)
        steps = lidar.azimuth_steps
        column = np.round(np.arctan2(local[:, 1], local[:, 0]) % (2 * np.pi) / (2 * np.pi) * steps).astype(
            np.int64) % steps
        inside = np.flatnonzero((ring >= 0) & (ring < len(BEAM_ELEVATIONS)))
        _PROJECTIONS[key] = _Projection(inside, ring[inside] * steps + column[inside], distance[inside])
    return _PROJECTIONS[key]


def _camera_projection(camera: CameraSpec) -> _Projection:
    key = ('camera', camera.name, camera.width, camera.height, *camera.intrinsic.ravel())
    if key not in _PROJECTIONS:
        local = _sensor_frame(camera.sensor_to_ego)
        front = local[:, 2] > 0.1
        uv = local[:, :2] / np.maximum(local[:, 2:3], 0.1) * np.diag(camera.intrinsic)[:2] + camera.intrinsic[:2, 2]
        col, row = np.floor(uv[:, 0]).astype(np.int64), np.floor(uv[:, 1]).astype(np.int64)
        inside = np.flatnonzero(front & (col >= 0) & (col < camera.width) & (row >= 0) & (row < camera.height))
        _PROJECTIONS[key] = _Projection(inside, row[inside] * camera.width + col[inside],
                                        np.linalg.norm(local[inside], axis=1))
    return _PROJECTIONS[key]


def lidar_mask(sweep: LidarSweep, lidar: LidarSpec) -> np.ndarray:
    """Voxels observed by a full LiDAR revolution: inside the vertical field of view (the nearest beam) and
    not behind the first surface hit by the nearest ray."""
    if sweep.ring_shape != (len(BEAM_ELEVATIONS), lidar.azimuth_steps):
        raise ValueError(f'lidar_mask needs a full revolution of {lidar.azimuth_steps} azimuths, '
                         f'got a sweep of shape {sweep.ring_shape}')
    return _lidar_projection(lidar).seen(sweep.hits.distance.numpy()).reshape(GRID_SHAPE)


def camera_mask(images: list, cameras: list) -> np.ndarray:
    """Voxels seen by at least one camera (in its image and not behind the surface its pixel ray hit)."""
    seen = np.zeros(len(_CENTERS), bool)
    for image, camera in zip(images, cameras):
        seen |= _camera_projection(camera).seen(image.distance)
    return seen.reshape(GRID_SHAPE)


def occupancy_labels(town: Town, boxes: BoxSet, ego_to_global: np.ndarray, sweep: LidarSweep, images: list,
                     rig: SensorRig) -> OccupancyLabels:
    """All three Occ3D arrays of one keyframe.

    Args:
        town: The town (ground raster).
        boxes: Everything solid at the keyframe (``scene.primitives()``).
        ego_to_global: 4x4 ego pose at the keyframe (the sensors fire at the same time).
        sweep: The keyframe's full LiDAR revolution.
        images: `CameraImage` of the six cameras in ``CAMERA_NAMES`` order.
        rig: The rig that rendered them.
    """
    cameras = [rig.cameras[name] for name in CAMERA_NAMES]
    return OccupancyLabels(semantics(town, boxes, ego_to_global), lidar_mask(sweep, rig.lidar),
                           camera_mask(images, cameras))
