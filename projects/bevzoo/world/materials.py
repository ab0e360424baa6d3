"""Surface materials: what a ray hit looks like to the cameras (colour, texture) and to the LiDAR (intensity).

Paired classes whose sizes overlap on purpose (truck / construction vehicle, bicycle / motorcycle) share
LiDAR intensities and geometry; only their camera colours and textures differ, so the cameras are
needed to tell them apart.
"""
from dataclasses import dataclass

import numpy as np

PATTERNS = ('plain', 'windows', 'hazard', 'bands', 'foliage')


@dataclass(frozen=True)
class Material:
    """One surface material.

    Attributes:
        name: Unique name.
        color: Base RGB colour, 0..255.
        intensity: LiDAR return intensity, 0..255 (nuScenes scale).
        pattern: Texture pattern from ``PATTERNS``.
        color2: Second colour used by the pattern.
    """
    name: str
    color: tuple
    intensity: float
    pattern: str = 'plain'
    color2: tuple = (0, 0, 0)


_VEHICLE_INTENSITY = 30.0
_CYCLE_INTENSITY = 18.0
_MATERIALS = (
    Material('building_beige', (196, 180, 150), 12, 'windows', (70, 80, 95)),
    Material('building_grey', (150, 150, 155), 12, 'windows', (60, 70, 90)),
    Material('building_brick', (150, 80, 60), 12, 'windows', (60, 65, 80)),
    Material('building_white', (220, 220, 215), 12, 'windows', (80, 95, 110)),
    Material('foliage', (60, 120, 50), 8, 'foliage', (35, 85, 30)),
    Material('hedge', (50, 105, 45), 8, 'foliage', (30, 70, 25)),
    Material('trunk', (95, 70, 45), 10),
    Material('pole', (120, 120, 125), 40),
    Material('signal_head', (25, 25, 25), 20),
    Material('car_white', (225, 225, 225), _VEHICLE_INTENSITY),
    Material('car_black', (30, 30, 35), _VEHICLE_INTENSITY),
    Material('car_silver', (165, 168, 172), _VEHICLE_INTENSITY),
    Material('car_red', (170, 30, 30), _VEHICLE_INTENSITY),
    Material('car_blue', (35, 65, 150), _VEHICLE_INTENSITY),
    Material('glass', (40, 50, 60), 6),
    # vehicle lamps: retro-reflective, so the LiDAR sees them as bright returns, as on real cars
    Material('headlamp', (245, 240, 215), 150),
    Material('tail_lamp', (205, 25, 25), 120),
    Material('truck_white', (230, 230, 230), _VEHICLE_INTENSITY),
    Material('truck_blue', (40, 70, 140), _VEHICLE_INTENSITY),
    Material('truck_green', (40, 110, 70), _VEHICLE_INTENSITY),
    Material('construction_hazard', (235, 180, 20), _VEHICLE_INTENSITY, 'hazard', (25, 25, 25)),
    Material('construction_orange', (230, 110, 20), _VEHICLE_INTENSITY, 'hazard', (40, 40, 40)),
    Material('bus_red', (190, 40, 35), _VEHICLE_INTENSITY, 'windows', (40, 50, 60)),
    Material('bus_white', (225, 225, 220), _VEHICLE_INTENSITY, 'windows', (40, 50, 60)),
    Material('trailer_grey', (140, 140, 135), _VEHICLE_INTENSITY),
    Material('bicycle_frame_cyan', (30, 190, 210), _CYCLE_INTENSITY),
    Material('bicycle_frame_lime', (150, 220, 40), _CYCLE_INTENSITY),
    Material('motorcycle_black', (20, 20, 22), _CYCLE_INTENSITY),
    Material('motorcycle_chrome', (190, 190, 200), _CYCLE_INTENSITY),
    Material('clothes_dark', (40, 40, 60), 14),
    Material('clothes_light', (170, 150, 120), 14),
    Material('clothes_red', (160, 40, 50), 14),
    Material('hi_vis', (220, 240, 40), 60),
    Material('cone', (240, 100, 20), 90, 'bands', (240, 240, 240)),
    Material('barrier', (230, 230, 230), 80, 'bands', (200, 30, 30)),
    Material('bin_green', (40, 90, 50), 15),
    Material('rack_metal', (110, 110, 115), 35),
)
MATERIALS = {material.name: index for index, material in enumerate(_MATERIALS)}


def material_index(name: str) -> int:
    """Index of a material by name (raises ``KeyError`` naming the material)."""
    if name not in MATERIALS:
        raise KeyError(f'unknown material {name!r}; known: {sorted(MATERIALS)}')
    return MATERIALS[name]


def material_arrays() -> dict:
    """Per-material lookup arrays: ``color`` [M, 3] float, ``color2`` [M, 3], ``intensity`` [M], ``pattern`` [M]."""
    return {
        'color': np.array([m.color for m in _MATERIALS], np.float32),
        'color2': np.array([m.color2 for m in _MATERIALS], np.float32),
        'intensity': np.array([m.intensity for m in _MATERIALS], np.float32),
        'pattern': np.array([PATTERNS.index(m.pattern) for m in _MATERIALS], np.int64),
    }


# Ground surfaces of the raster: camera colour, LiDAR intensity and Occ3D label per ground code.
GROUND_SURFACES = ('road', 'parking', 'carpark', 'sidewalk', 'terrain', 'other_flat')
GROUND_COLOR = np.array([(70, 70, 72), (78, 78, 80), (88, 86, 84), (170, 165, 155), (80, 125, 55), (150, 130, 105)],
                        np.float32)
GROUND_INTENSITY = np.array([6, 7, 8, 15, 10, 12], np.float32)
# Road paint over the ground: none, white, yellow.
PAINT_COLOR = np.array([(0, 0, 0), (235, 235, 235), (230, 190, 40)], np.float32)
PAINT_INTENSITY = np.array([0, 110, 90], np.float32)
