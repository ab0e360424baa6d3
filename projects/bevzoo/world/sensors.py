"""The nuScenes sensor rig (LIDAR_TOP and six cameras) and the renderers that ray cast a scene.

Extrinsics follow nuScenes' calibration (Renault Zoe): LIDAR_TOP 1.84 m up with x right and y forward;
cameras with x right, y down, z forward, at the nuScenes yaws (front 0, front-left/right +-55 deg,
back-left/right +-110 deg, back 180 deg) and 1600x900 intrinsics (fx 1266, back camera 800) scaled to
the configured resolution.
"""
from dataclasses import dataclass
from typing import Optional

import numpy as np

from .config import SensorConfig
from .geometry import pose_matrix, rotation_z
from .primitives import BoxSet
from .raycast import NO_HIT, RayHits, cast_rays
from .scene import Scene
from .shading import lidar_intensity, shade_camera

CAMERA_NAMES = ('CAM_FRONT', 'CAM_FRONT_RIGHT', 'CAM_FRONT_LEFT', 'CAM_BACK', 'CAM_BACK_LEFT', 'CAM_BACK_RIGHT')
# name: (translation in the ego frame, yaw in degrees, focal length at 1600x900)
_CAMERAS = {
    'CAM_FRONT': ((1.70, 0.016, 1.51), 0.0, 1266.0),
    'CAM_FRONT_RIGHT': ((1.55, -0.49, 1.50), -55.0, 1260.0),
    'CAM_FRONT_LEFT': ((1.52, 0.49, 1.51), 55.0, 1257.0),
    'CAM_BACK': ((0.03, 0.0, 1.57), 180.0, 809.0),
    'CAM_BACK_LEFT': ((1.04, 0.48, 1.56), 110.0, 1256.0),
    'CAM_BACK_RIGHT': ((1.03, -0.48, 1.56), -110.0, 1259.0),
}
_FULL_WIDTH, _FULL_HEIGHT = 1600, 900
BEAM_ELEVATIONS = np.radians(np.linspace(-30.67, 10.67, 32))  # ring 0 = lowest beam
_LIDAR_RANGE_NOISE, _LIDAR_DROPOUT = 0.02, 0.03
_CAMERA_RANGE = 150.0
_PIXEL_RAYS: dict = {}  # cache: pixel rays per intrinsics


@dataclass(frozen=True)
class LidarSpec:
    """LIDAR_TOP: 32 beams, ``azimuth_steps`` per revolution.

    Attributes:
        translation: Position in the ego frame.
        yaw: Rotation about the ego z axis (-pi/2: x right, y forward as in nuScenes).
        azimuth_steps: Azimuth samples per revolution.
        max_range: Maximum range in metres.
    """
    translation: tuple
    yaw: float
    azimuth_steps: int
    max_range: float

    @property
    def sensor_to_ego(self) -> np.ndarray:
        return pose_matrix(self.translation, rotation_z(self.yaw))


@dataclass(frozen=True)
class CameraSpec:
    """A pinhole camera: x right, y down, z forward.

    Attributes:
        name: nuScenes channel.
        translation: Position in the ego frame.
        yaw: Viewing direction about the ego z axis (0 = forward).
        intrinsic: 3x3 matrix at (width, height).
        width, height: Image size in pixels.
    """
    name: str
    translation: tuple
    yaw: float
    intrinsic: np.ndarray
    width: int
    height: int

    @property
    def rotation(self) -> np.ndarray:
        """Camera -> ego rotation (columns: camera x, y, z axes in the ego frame)."""
        c, s = np.cos(self.yaw), np.sin(self.yaw)
        return np.array([[s, 0.0, c], [-c, 0.0, s], [0.0, -1.0, 0.0]])

    @property
    def sensor_to_ego(self) -> np.ndarray:
        return pose_matrix(self.translation, self.rotation)

    def pixel_rays(self) -> np.ndarray:
        """Unit ray directions [H * W, 3] through the pixel centres, in the camera frame (row-major)."""
        key = (self.width, self.height, *self.intrinsic[:2].ravel())
        if key not in _PIXEL_RAYS:
            _PIXEL_RAYS[key] = self._compute_pixel_rays()
        return _PIXEL_RAYS[key]

    def _compute_pixel_rays(self) -> np.ndarray:
        u, v = np.meshgrid(np.arange(self.width) + 0.5, np.arange(self.height) + 0.5)
        rays = np.stack([(u - self.intrinsic[0, 2]) / self.intrinsic[0, 0],
                         (v - self.intrinsic[1, 2]) / self.intrinsic[1, 1], np.ones_like(u)], axis=-1)
        rays = rays.reshape(-1, 3)
        return rays / np.linalg.norm(rays, axis=1, keepdims=True)


@dataclass(frozen=True)
class SensorRig:
    lidar: LidarSpec
    cameras: dict


def nuscenes_rig(config: SensorConfig) -> SensorRig:
    """The rig at the configured resolution."""
    scale_x, scale_y = config.image_width / _FULL_WIDTH, config.image_height / _FULL_HEIGHT
    cameras = {}
    for name, (translation, yaw, focal) in _CAMERAS.items():
        intrinsic = np.array([[focal * scale_x, 0.0, _FULL_WIDTH / 2 * scale_x],
                              [0.0, focal * scale_y, _FULL_HEIGHT / 2 * scale_y], [0.0, 0.0, 1.0]])
        cameras[name] = CameraSpec(name, translation, np.radians(yaw), intrinsic, config.image_width,
                                   config.image_height)
    lidar = LidarSpec((0.985793, 0.0, 1.84019), -np.pi / 2, config.lidar_azimuth_steps, config.lidar_max_range)
    return SensorRig(lidar, cameras)


def ego_matrix(scene: Scene) -> np.ndarray:
    """Ego -> global 4x4 transform at the scene's current time."""
    x, y, yaw = scene.ego_pose()
    return pose_matrix((x, y, 0.0), rotation_z(yaw))


def _near_boxes(boxes: BoxSet, origin: np.ndarray, radius: float) -> BoxSet:
    reach = radius + np.linalg.norm(boxes.size[:, :2], axis=1) / 2
    return boxes.select(np.linalg.norm(boxes.center[:, :2] - origin[:2], axis=1) < reach)


@dataclass
class LidarSweep:
    """A rendered sweep.

    Attributes:
        points: [N, 5] float32 x y z intensity ring in the LiDAR frame.
        owner: [N] actor index each point belongs to (-1: scenery or ground).
        ring_shape: (beams, azimuths) of the ray pattern (``hits`` are in this row-major order).
        sensor_to_global: 4x4 LiDAR -> global at the sweep time.
        hits: Ray hits of all rays (for visibility masks); rays: [R, 3] world directions; origin: [3].
        boxes: The boxes that were cast against (indices in ``hits.primitive``).
    """
    points: np.ndarray
    owner: np.ndarray
    ring_shape: tuple
    sensor_to_global: np.ndarray
    hits: RayHits
    rays: np.ndarray
    origin: np.ndarray
    boxes: BoxSet


def lidar_rays(lidar: LidarSpec, azimuth_offset: int = 0, decimation: int = 1) -> tuple:
    """Ray directions [R, 3] in the LiDAR frame and their ring index [R] (every ``decimation``-th azimuth)."""
    azimuth = 2 * np.pi * np.arange(azimuth_offset % decimation, lidar.azimuth_steps, decimation) / lidar.azimuth_steps
    el, az = np.meshgrid(BEAM_ELEVATIONS, azimuth, indexing='ij')
    rays = np.stack([np.cos(el) * np.cos(az), np.cos(el) * np.sin(az), np.sin(el)], axis=-1).reshape(-1, 3)
    ring = np.repeat(np.arange(len(BEAM_ELEVATIONS)), len(azimuth))
    return rays, ring


def render_lidar(scene: Scene, lidar: LidarSpec, rng: np.random.Generator, azimuth_offset: int = 0,
                 decimation: int = 1, primitives: Optional[BoxSet] = None) -> LidarSweep:
    """Ray cast one LiDAR sweep at the scene's current state.

    Args:
        scene: The scene (its ego pose places the sensor).
        lidar: Sensor specification.
        rng: Generator for range noise and dropout.
        azimuth_offset, decimation: Keep azimuth indices ``offset + k * decimation`` (1: the full pattern).
        primitives: ``scene.primitives()`` when the caller already has them for this instant.

    Returns:
        `LidarSweep` with points in the LiDAR frame; rays that hit nothing produce no point.
    """
    sensor_to_global = ego_matrix(scene) @ lidar.sensor_to_ego
    origin = sensor_to_global[:3, 3]
    local_rays, ring = lidar_rays(lidar, azimuth_offset, decimation)
    rays = local_rays @ sensor_to_global[:3, :3].T
    boxes = _near_boxes(scene.primitives() if primitives is None else primitives, origin, lidar.max_range)
    hits = cast_rays(origin, rays, boxes, lidar.max_range)
    keep = (hits.primitive.numpy() != NO_HIT) & (rng.random(len(rays)) > _LIDAR_DROPOUT)
    distance = hits.distance.numpy()[keep] + rng.normal(0, _LIDAR_RANGE_NOISE, keep.sum()).astype(np.float32)
    points = np.empty((keep.sum(), 5), np.float32)
    points[:, :3] = local_rays[keep] * distance[:, None]
    points[:, 3] = lidar_intensity(scene.town, boxes, hits, origin, rays, keep)
    points[:, 4] = ring[keep]
    prim = hits.primitive.numpy()[keep]
    owner = np.where(prim >= 0, boxes.owner[np.maximum(prim, 0)], -1)
    ring_shape = (len(BEAM_ELEVATIONS), len(rays) // len(BEAM_ELEVATIONS))
    return LidarSweep(points, owner, ring_shape, sensor_to_global, hits, rays, origin, boxes)


@dataclass
class CameraImage:
    """A rendered camera image.

    Attributes:
        rgb: [H, W, 3] uint8.
        distance: [H, W] float32 distance along each pixel ray (inf for sky).
        actor: [H, W] int64 actor index seen in each pixel (-1: scenery, ground or sky).
        sensor_to_global: 4x4 camera -> global.
        unoccluded: [A] pixels each actor would cover with nothing in front of it (for visibility).
    """
    rgb: np.ndarray
    distance: np.ndarray
    actor: np.ndarray
    sensor_to_global: np.ndarray
    unoccluded: np.ndarray


def render_camera(scene: Scene, camera: CameraSpec, primitives: Optional[BoxSet] = None) -> CameraImage:
    """Ray cast one camera image at the scene's current state (``primitives``: as in `render_lidar`)."""
    sensor_to_global = ego_matrix(scene) @ camera.sensor_to_ego
    origin = sensor_to_global[:3, 3]
    rays = camera.pixel_rays() @ sensor_to_global[:3, :3].T
    boxes = _near_boxes(scene.primitives() if primitives is None else primitives, origin, _CAMERA_RANGE)
    forward = sensor_to_global[:3, 2]
    reach = np.linalg.norm(boxes.size, axis=1) / 2
    boxes = boxes.select((boxes.center - origin) @ forward > -reach)
    hits = cast_rays(origin, rays, boxes, _CAMERA_RANGE)
    color = shade_camera(scene.town, boxes, hits, origin, rays)
    prim = hits.primitive.numpy()
    actor = np.where(prim >= 0, boxes.owner[np.maximum(prim, 0)], -1)
    shape = (camera.height, camera.width)
    return CameraImage(np.clip(color, 0, 255).astype(np.uint8).reshape(*shape, 3),
                       hits.distance.numpy().reshape(shape), actor.reshape(shape), sensor_to_global,
                       _unoccluded_pixels(hits, boxes, len(scene.kind)))


def _unoccluded_pixels(hits: RayHits, boxes: BoxSet, num_actors: int) -> np.ndarray:
    """Pixels [A] each actor covers ignoring occluders: distinct (ray, actor) pairs among all intersections."""
    owner = boxes.owner[hits.pair_box]
    actor_pairs = owner >= 0
    keys = np.unique(hits.pair_ray[actor_pairs] * num_actors + owner[actor_pairs])
    return np.bincount(keys % num_actors, minlength=num_actors)
