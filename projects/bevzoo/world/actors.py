"""The actor catalogue: nuScenes categories with nuScenes-like sizes, their parts (boxes in the actor frame)
and their paints.

Sizes follow the nuScenes per-class means. Two pairs overlap on purpose: trucks and construction vehicles
share one size distribution and one body shape, and so do bicycles and motorcycles; only their paints
(colour, hazard stripes, chrome) differ, which the LiDAR cannot see.
"""
from dataclasses import dataclass

import numpy as np

from .materials import material_index
from .taxonomy import CATEGORY_TO_OCC

# part row: (dx, dy, z0, length, width, height, dyaw, material name), all in the actor frame (x forward)


@dataclass(frozen=True)
class ActorKind:
    """One kind of actor.

    Attributes:
        category: nuScenes category name.
        size_mean: Mean (length, width, height) in metres.
        size_std: Standard deviation of each dimension.
        paints: Candidate material sets; one is drawn per actor.
        shape: Name of the part builder in `_SHAPES`.
    """
    category: str
    size_mean: tuple
    size_std: tuple
    paints: tuple
    shape: str

    def sample_size(self, rng: np.random.Generator) -> np.ndarray:
        mean, std = np.array(self.size_mean), np.array(self.size_std)
        return np.clip(rng.normal(mean, std), mean * 0.7, mean * 1.3)


_LAMP_DEPTH = 0.04  # metres the lamps stand out of the body's end faces (inside the annotated box)


def _end_face_x(length: float) -> float:
    """Centre x of a ``_LAMP_DEPTH``-thick part on the front face of a body that ends ``_LAMP_DEPTH`` short."""
    return 0.5 * length - 0.5 * _LAMP_DEPTH


def _lamps(length: float, width: float, z0: float, height: float) -> list:
    """Head lamps on the front face and tail lamps on the rear face of a body that ends ``_LAMP_DEPTH`` short."""
    return [(sign * _end_face_x(length), side * 0.36 * width, z0, _LAMP_DEPTH, 0.22 * width, height, 0.0, material)
            for sign, material in ((1.0, 'headlamp'), (-1.0, 'tail_lamp')) for side in (-1.0, 1.0)]


def _car(size, paint):
    """A hatchback: long bonnet, cabin set back to the tail, lamps at both ends, so its heading shows in the
    LiDAR (shape, bright lamps) and in the cameras (white head and red tail lamps), as a real car's does."""
    l, w, h = size
    belt = 0.55 * h
    return [(0.0, 0.0, 0.18, l - 2 * _LAMP_DEPTH, w, belt - 0.18, 0.0, paint[0]),
            (-0.16 * l, 0.0, belt, 0.62 * l, 0.92 * w, h - belt, 0.0, 'glass'),
            *_lamps(l, w, belt - 0.22, 0.14)]


def _box_truck(size, paint):
    l, w, h = size
    cab = 0.24 * l
    return [(0.5 * l - cab / 2, 0.0, 0.35, cab, w, 0.78 * h - 0.35, 0.0, paint[0]),
            (-cab / 2 - 0.05 * l, 0.0, 0.45, l - cab - 0.1 * l, w, h - 0.45, 0.0, paint[1]),
            (0.0, 0.0, 0.3, l, 0.7 * w, 0.3, 0.0, 'car_black')]


def _bus(size, paint):
    """A box with a windscreen across the front face and lamps at both ends."""
    l, w, h = size
    return [(0.0, 0.0, 0.3, l - 2 * _LAMP_DEPTH, w, h - 0.3, 0.0, paint[0]),
            (_end_face_x(l), 0.0, 1.2, _LAMP_DEPTH, 0.9 * w, h - 1.6, 0.0, 'glass'),
            *_lamps(l, w, 0.5, 0.25)]


def _trailer(size, paint):
    l, w, h = size
    return [(0.0, 0.0, 0.95, l, w, h - 0.95, 0.0, paint[0]),
            (-0.35 * l, 0.0, 0.3, 0.2 * l, 0.8 * w, 0.65, 0.0, 'car_black')]


def _pedestrian(size, paint):
    l, w, h = size
    return [(0.0, 0.0, 0.0, 0.3 * l, 0.5 * w, 0.48 * h, 0.0, paint[1]),
            (0.0, 0.0, 0.48 * h, 0.4 * l, 0.75 * w, 0.36 * h, 0.0, paint[0]),
            (0.0, 0.0, 0.86 * h, 0.3 * l, 0.3 * w, 0.14 * h, 0.0, 'clothes_light')]


def _sitting_pedestrian(size, paint):
    l, w, h = size
    return [(0.1 * l, 0.0, 0.0, 0.8 * l, 0.5 * w, 0.45 * h, 0.0, paint[1]),
            (-0.2 * l, 0.0, 0.45 * h, 0.4 * l, 0.75 * w, 0.38 * h, 0.0, paint[0]),
            (-0.2 * l, 0.0, 0.83 * h, 0.3 * l, 0.3 * w, 0.17 * h, 0.0, 'clothes_light')]


def _cycle(size, paint):
    """Frame and wheels; a rider (torso and head) when the cycle box is tall enough to carry one."""
    l, w, h = size
    parts = [(0.0, 0.0, 0.0, l, 0.25 * w, 0.65, 0.0, paint[0]),
             (0.0, 0.0, 0.65, 0.35 * l, 0.5 * w, 0.3, 0.0, paint[1])]
    if h > 1.4:
        parts += [(-0.1 * l, 0.0, 0.95, 0.25 * l, 0.8 * w, h - 1.2, 0.0, 'clothes_dark'),
                  (-0.05 * l, 0.0, h - 0.25, 0.15 * l, 0.35 * w, 0.25, 0.0, 'clothes_light')]
    return parts


def _cone(size, paint):
    l, w, h = size
    return [(0.0, 0.0, 0.0, l, w, 0.08, 0.0, 'car_black'),
            (0.0, 0.0, 0.08, 0.55 * l, 0.55 * w, h - 0.08, 0.0, paint[0])]


def _solid(size, paint):
    l, w, h = size
    return [(0.0, 0.0, 0.0, l, w, h, 0.0, paint[0])]


_SHAPES = {'car': _car, 'box_truck': _box_truck, 'bus': _bus, 'trailer': _trailer, 'pedestrian': _pedestrian,
           'sitting': _sitting_pedestrian, 'cycle': _cycle, 'cone': _cone, 'solid': _solid}

_CAR_PAINTS = tuple((p,) for p in ('car_white', 'car_black', 'car_silver', 'car_red', 'car_blue'))
_CLOTHES = (('clothes_dark', 'clothes_dark'), ('clothes_red', 'clothes_dark'), ('clothes_light', 'clothes_dark'),
            ('clothes_dark', 'clothes_light'))
_BOX_TRUCK_SIZE = ((6.8, 2.6, 3.0), (0.9, 0.15, 0.3))
_CYCLE_SIZE = ((1.9, 0.7, 1.35), (0.2, 0.08, 0.25))

KINDS = {
    'car': ActorKind('vehicle.car', (4.62, 1.95, 1.73), (0.45, 0.15, 0.18), _CAR_PAINTS, 'car'),
    'truck': ActorKind('vehicle.truck', *_BOX_TRUCK_SIZE,
                       (('truck_white', 'truck_white'), ('truck_blue', 'truck_white'), ('truck_green', 'truck_white'),
                        ('car_red', 'truck_blue')), 'box_truck'),
    'construction': ActorKind('vehicle.construction', *_BOX_TRUCK_SIZE,
                              (('construction_hazard', 'construction_hazard'),
                               ('construction_orange', 'construction_hazard')), 'box_truck'),
    'bus': ActorKind('vehicle.bus.rigid', (11.2, 2.94, 3.47), (1.0, 0.1, 0.2), (('bus_red',), ('bus_white',)), 'bus'),
    'trailer': ActorKind('vehicle.trailer', (10.5, 2.9, 3.8), (1.5, 0.1, 0.3), (('trailer_grey',),), 'trailer'),
    'bicycle': ActorKind('vehicle.bicycle', *_CYCLE_SIZE,
                         (('bicycle_frame_cyan', 'bicycle_frame_lime'), ('bicycle_frame_lime', 'bicycle_frame_cyan')),
                         'cycle'),
    'motorcycle': ActorKind('vehicle.motorcycle', *_CYCLE_SIZE,
                            (('motorcycle_black', 'motorcycle_chrome'), ('motorcycle_chrome', 'motorcycle_black')),
                            'cycle'),
    'adult': ActorKind('human.pedestrian.adult', (0.73, 0.67, 1.77), (0.1, 0.08, 0.1), _CLOTHES, 'pedestrian'),
    'child': ActorKind('human.pedestrian.child', (0.5, 0.5, 1.2), (0.05, 0.05, 0.1), _CLOTHES, 'pedestrian'),
    'worker': ActorKind('human.pedestrian.construction_worker', (0.75, 0.7, 1.78), (0.1, 0.08, 0.1),
                        (('hi_vis', 'clothes_dark'),), 'pedestrian'),
    'cone': ActorKind('movable_object.trafficcone', (0.41, 0.41, 0.95), (0.03, 0.03, 0.1), (('cone',),), 'cone'),
    'barrier': ActorKind('movable_object.barrier', (0.48, 2.49, 0.98), (0.05, 0.2, 0.05), (('barrier',),), 'solid'),
    'bin': ActorKind('movable_object.pushable_pullable', (0.65, 0.6, 1.05), (0.05, 0.05, 0.05), (('bin_green',),),
                     'solid'),
    'rack': ActorKind('static_object.bicycle_rack', (0.4, 3.0, 0.8), (0.02, 0.3, 0.05), (('rack_metal',),), 'solid'),
}


def build_parts(kind: ActorKind, size: np.ndarray, rng: np.random.Generator, sitting: bool = False) -> list:
    """Parts of one actor as rows ``(dx, dy, z0, l, w, h, dyaw, material, occ)``."""
    paint = kind.paints[rng.integers(len(kind.paints))]
    shape = _SHAPES['sitting' if sitting else kind.shape]
    occ = CATEGORY_TO_OCC[kind.category]
    return [(*row[:7], material_index(row[7]), occ) for row in shape(size, paint)]
