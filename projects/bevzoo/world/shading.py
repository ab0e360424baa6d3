"""What a ray hit looks like: camera colour (material, texture, sun shading, haze) and LiDAR intensity."""
import numpy as np

from .ground import PAINT_NONE
from .materials import GROUND_COLOR, GROUND_INTENSITY, PAINT_COLOR, PAINT_INTENSITY, PATTERNS, material_arrays
from .primitives import BoxSet
from .raycast import GROUND, NO_HIT, RayHits
from .taxonomy import OCC
from .town import Town

_MATERIALS = material_arrays()
_SUN = np.array([0.55, 0.35, 0.76]) / np.linalg.norm([0.55, 0.35, 0.76])
_SKY_HORIZON, _SKY_ZENITH, _HAZE = np.array([200, 215, 230.]), np.array([110, 150, 210.]), np.array([190, 200, 210.])
GROUND_OCC = np.array([OCC['driveable_surface'], OCC['driveable_surface'], OCC['driveable_surface'], OCC['sidewalk'],
                       OCC['terrain'], OCC['other_flat']], np.int64)


_NOISE = np.random.default_rng(20240501).random((256, 256)).astype(np.float32)  # fixed texture


def _lattice_noise(i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Deterministic pseudo-random values in [0, 1) per integer lattice cell (a tiled noise texture)."""
    return _NOISE[i.astype(np.int64) & 255, j.astype(np.int64) & 255]


def _face_normal(boxes: BoxSet, prim: np.ndarray, local: np.ndarray, axis: np.ndarray) -> np.ndarray:
    """World-frame unit normals [K, 3] of the box faces hit."""
    sign = np.sign(local[np.arange(len(prim)), axis])
    yaw = boxes.yaw[prim]
    c, s = np.cos(yaw), np.sin(yaw)
    normal = np.zeros((len(prim), 3))
    normal[axis == 0] = np.stack([c, s, np.zeros_like(c)], axis=1)[axis == 0]
    normal[axis == 1] = np.stack([-s, c, np.zeros_like(c)], axis=1)[axis == 1]
    normal[axis == 2, 2] = 1.0
    return normal * sign[:, None]


def _pattern_mask(pattern: np.ndarray, local: np.ndarray, half: np.ndarray, axis: np.ndarray) -> np.ndarray:
    """Where the second colour of a textured material shows, from the hit point on the face."""
    u = np.where(axis == 0, local[:, 1], local[:, 0])  # horizontal coordinate along the face
    v = local[:, 2] + half[:, 2]                      # height above the box bottom
    vertical = axis != 2
    windows = vertical & (u % 3.0 > 0.8) & (u % 3.0 < 2.2) & (v % 3.2 > 1.0) & (v % 3.2 < 2.4) & (v > 0.8)
    hazard = vertical & (np.floor((u + v) / 0.45) % 2 == 0)
    bands = np.floor(v / 0.22) % 2 == 1
    cell = np.floor(local / 0.3)
    foliage = _lattice_noise(cell[:, 0] + 37 * cell[:, 2], cell[:, 1]) < 0.4
    names = {name: index for index, name in enumerate(PATTERNS)}
    return ((pattern == names['windows']) & windows) | ((pattern == names['hazard']) & hazard) | (
        (pattern == names['bands']) & bands) | ((pattern == names['foliage']) & foliage)


def ground_codes(town: Town, points: np.ndarray) -> tuple:
    """Surface and paint codes under ground hit points [K, 3]."""
    return town.ground.lookup(points[:, 0], points[:, 1])


def shade_camera(town: Town, boxes: BoxSet, hits: RayHits, origin: np.ndarray, directions: np.ndarray) -> np.ndarray:
    """RGB colour [N, 3] float (0..255) of every camera ray."""
    prim, distance = hits.primitive.numpy(), hits.distance.numpy().astype(np.float64)
    color = _SKY_HORIZON + (_SKY_ZENITH - _SKY_HORIZON) * np.clip(directions[:, 2:3] * 3, 0, 1)
    on_ground = prim == GROUND
    if on_ground.any():
        points = origin + directions[on_ground] * distance[on_ground, None]
        surface, paint = ground_codes(town, points)
        grain = _lattice_noise(np.floor(points[:, 0] / 0.2), np.floor(points[:, 1] / 0.2))[:, None]
        ground = GROUND_COLOR[surface] * (0.9 + 0.2 * grain)
        painted = paint != PAINT_NONE
        ground[painted] = PAINT_COLOR[paint[painted]]
        color[on_ground] = ground * (0.55 + 0.45 * _SUN[2])
    on_box = prim >= 0
    if on_box.any():
        box = prim[on_box]
        local, axis = hits.local.numpy()[on_box], hits.face_axis.numpy()[on_box]
        material = boxes.material[box]
        base = _MATERIALS['color'][material]
        textured = _pattern_mask(_MATERIALS['pattern'][material], local, boxes.size[box] / 2, axis)
        base[textured] = _MATERIALS['color2'][material][textured]
        light = 0.45 + 0.55 * np.clip(_face_normal(boxes, box, local, axis) @ _SUN, 0, 1)
        color[on_box] = base * light[:, None]
    hit = prim != NO_HIT
    fog = 1 - np.exp(-distance[hit] / 300.0)
    color[hit] = color[hit] * (1 - fog[:, None]) + _HAZE * fog[:, None]
    return color


def lidar_intensity(town: Town, boxes: BoxSet, hits: RayHits, origin: np.ndarray, directions: np.ndarray,
                    mask: np.ndarray) -> np.ndarray:
    """Return intensity (nuScenes 0..255 scale) of the rays in ``mask`` (rays that hit something)."""
    prim = hits.primitive.numpy()[mask]
    distance = hits.distance.numpy()[mask].astype(np.float64)
    intensity = np.zeros(len(prim), np.float32)
    on_ground = prim == GROUND
    if on_ground.any():
        dirs = directions[mask][on_ground]
        surface, paint = ground_codes(town, origin + dirs * distance[on_ground, None])
        value = np.where(paint != PAINT_NONE, PAINT_INTENSITY[paint], GROUND_INTENSITY[surface])
        intensity[on_ground] = value * np.abs(dirs[:, 2]) ** 0.3
    on_box = ~on_ground
    if on_box.any():
        box = prim[on_box]
        local, axis = hits.local.numpy()[mask][on_box], hits.face_axis.numpy()[mask][on_box]
        cosine = np.abs(np.einsum('ij,ij->i', _face_normal(boxes, box, local, axis), directions[mask][on_box]))
        intensity[on_box] = _MATERIALS['intensity'][boxes.material[box]] * (0.4 + 0.6 * cosine)
    return intensity
