"""Static scenery as box rows ``(cx, cy, cz, l, w, h, yaw, material, occ, owner=-1)``: buildings, trees,
hedges, poles and signal heads."""
import numpy as np

from .materials import material_index
from .taxonomy import OCC

_BUILDING_MATERIALS = ('building_beige', 'building_grey', 'building_brick', 'building_white')


def _row(center_xy, z0: float, size, yaw: float, material: str, occ: int) -> tuple:
    return (center_xy[0], center_xy[1], z0 + size[2] / 2, size[0], size[1], size[2], yaw, material_index(material),
            occ, -1)


def tree(rng: np.random.Generator, xy) -> list:
    """A tree: trunk plus a two-tier crown (wider below, narrower above)."""
    trunk_h = rng.uniform(2.0, 3.2)
    crown = rng.uniform(3.0, 5.5)
    yaw = rng.uniform(0, np.pi)
    return [_row(xy, 0.0, (0.35, 0.35, trunk_h), yaw, 'trunk', OCC['vegetation']),
            _row(xy, trunk_h, (crown, crown, crown * 0.55), yaw, 'foliage', OCC['vegetation']),
            _row(xy, trunk_h + crown * 0.55, (crown * 0.6, crown * 0.6, crown * 0.35), yaw + 0.4, 'foliage',
                 OCC['vegetation'])]


def hedge(xy, length: float, yaw: float, height: float = 1.1) -> list:
    return [_row(xy, 0.0, (length, 0.9, height), yaw, 'hedge', OCC['vegetation'])]


def street_lamp(xy) -> list:
    return [_row(xy, 0.0, (0.2, 0.2, 7.0), 0.0, 'pole', OCC['manmade'])]


def signal(xy, facing: float) -> list:
    """A traffic-light pole with its head facing ``facing`` (radians)."""
    head_xy = np.asarray(xy) + 0.25 * np.array([np.cos(facing), np.sin(facing)])
    return [_row(xy, 0.0, (0.25, 0.25, 5.6), facing, 'pole', OCC['manmade']),
            _row(head_xy, 4.4, (0.35, 0.45, 1.1), facing, 'signal_head', OCC['manmade'])]


def building_frontage(rng: np.random.Generator, start: np.ndarray, end: np.ndarray, inward: np.ndarray,
                      max_depth: float, forecourts: list) -> list:
    """Buildings placed side by side along a sidewalk edge.

    Args:
        rng: Random generator.
        start, end: [2] ends of the edge (the walkway's outer boundary).
        inward: [2] unit normal pointing away from the road.
        max_depth: Depth available behind the edge.
        forecourts: Output list; receives the [4, 2] corners of paved forecourts (other_flat) in front.

    Returns:
        Box rows of the buildings.
    """
    direction = (end - start) / np.linalg.norm(end - start)
    yaw = float(np.arctan2(direction[1], direction[0]))
    length = float(np.linalg.norm(end - start))
    rows, s = [], rng.uniform(0, 3)
    while s < length - 6:
        frontage = min(rng.uniform(10, 26), length - s)
        depth = rng.uniform(8, max(8.5, min(20, max_depth)))
        setback = float(rng.choice([0.0, 0.0, 2.0, 4.0]))
        height = float(np.clip(rng.lognormal(np.log(11), 0.5), 5, 40))
        center = start + direction * (s + frontage / 2) + inward * (setback + depth / 2)
        rows.append(_row(center, 0.0, (frontage, depth, height), yaw, str(rng.choice(_BUILDING_MATERIALS)),
                         OCC['manmade']))
        if setback > 0:
            a, b = start + direction * s, start + direction * (s + frontage)
            forecourts.append(np.array([a, b, b + inward * setback, a + inward * setback]))
        s += frontage + float(rng.choice([0.0, 0.0, rng.uniform(2, 6)]))
    return rows
