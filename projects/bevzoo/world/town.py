"""The static town: road grid, blocks (buildings, car parks, parks, plazas), ground raster, map layers,
scenery boxes, traffic lights, and the places where a scene spawns its actors."""
from dataclasses import dataclass

import numpy as np

from . import scenery
from .config import TownConfig
from .ground import PAINT_WHITE, PAINT_YELLOW, GroundRaster
from .map_layers import MapLayers
from .paths import resample_polyline
from .primitives import BoxSet
from .road_network import CROSSWALK_DEPTH, STOP_LINE_DEPTH, RoadNetwork, Stretch
from .traffic_lights import TrafficLights

BLOCK_KINDS = ('buildings', 'carpark', 'park', 'plaza')
_SLOT_WIDTH, _SLOT_DEPTH, _AISLE = 2.8, 5.5, 7.0
CURB_SLOT_LENGTH, _CURB_END_CLEARANCE = 6.5, 9.0  # curb-side parking slot; none near crossings


def _rect(x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float64)


def rect_ring(x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    """A closed counter-clockwise polyline around a rectangle, resampled."""
    return resample_polyline(np.vstack([_rect(x0, y0, x1, y1), [[x0, y0]]]))


@dataclass
class Town:
    """Everything static. Built by `Town.generate`; never changes during a scene.

    Attributes:
        config: The layout configuration.
        width, height: Extent in metres (the town spans [0, width] x [0, height]).
        network: Roads, lanes and connectors.
        ground: Surface and paint raster.
        map_layers: Polygons and lines of the map expansion.
        scenery: Static boxes (buildings, vegetation, poles).
        lights: The traffic lights.
        curb_slots: [K, 4] curb-side parking slots (x, y, yaw, road index).
        carpark_slots: [K, 3] car-park slots (x, y, yaw).
        walk_rings: [R, 4] rectangles (x0, y0, x1, y1) of the walkway centre lines around the blocks.
        crossings: [C, 2, 2] crosswalk end points (on the walkways at both sides of the road).
        plazas, parks: Lists of [4, 2] areas for standing/sitting pedestrians and street furniture.
    """
    config: TownConfig
    width: float
    height: float
    network: RoadNetwork
    ground: GroundRaster
    map_layers: MapLayers
    scenery: BoxSet
    lights: TrafficLights
    curb_slots: np.ndarray
    carpark_slots: np.ndarray
    walk_rings: list
    crossings: np.ndarray
    plazas: list
    parks: list

    @classmethod
    def generate(cls, config: TownConfig, seed: int, light_cycle: float = 30.0) -> 'Town':
        """Build a town deterministically from ``seed``."""
        return _TownBuilder(config, np.random.default_rng(seed), light_cycle).build()


class _TownBuilder:
    """Builds a `Town` step by step; every random choice comes from one generator, in a fixed order."""

    def __init__(self, config: TownConfig, rng: np.random.Generator, light_cycle: float) -> None:
        self.cfg, self.rng, self.light_cycle = config, rng, light_cycle
        margin = config.block_pitch / 2
        self.xs = margin + config.block_pitch * np.arange(config.blocks_x + 1)
        self.ys = margin + config.block_pitch * np.arange(config.blocks_y + 1)
        self.width, self.height = float(self.xs[-1] + margin), float(self.ys[-1] + margin)
        self.network = RoadNetwork(config, self.xs, self.ys)
        self.ground = GroundRaster(self.width, self.height, config.raster_resolution)
        self.layers = MapLayers()
        self.rows, self.curb_slots, self.carpark_slots = [], [], []
        self.walk_rings, self.crossings, self.plazas, self.parks, self.forecourts = [], [], [], [], []

    def build(self) -> Town:
        self._blocks()
        self._border()
        for forecourt in self.forecourts:
            self.ground.fill(forecourt, 'other_flat')
        self._walkways()
        for road, stretch in enumerate(self.network.stretches):
            self._road(road, stretch)
        self._intersections()
        self._signals()
        lights = TrafficLights(np.array(self.network.light_node), np.array(self.network.light_axis),
                               self.rng.uniform(0, self.light_cycle, self.network.num_nodes), self.light_cycle)
        return Town(self.cfg, self.width, self.height, self.network, self.ground, self.layers,
                    BoxSet.from_rows(self.rows), lights, np.array(self.curb_slots).reshape(-1, 4),
                    np.array(self.carpark_slots).reshape(-1, 3), np.array(self.walk_rings).reshape(-1, 4),
                    np.array(self.crossings).reshape(-1, 2, 2), self.plazas, self.parks)

    # ----------------------------------------------------------------------------------------- blocks
    def _block_bounds(self, i: int, j: int) -> tuple:
        sw, net = self.cfg.sidewalk_width, self.network
        return (self.xs[i] + net.half_x[i] + sw, self.ys[j] + net.half_y[j] + sw,
                self.xs[i + 1] - net.half_x[i + 1] - sw, self.ys[j + 1] - net.half_y[j + 1] - sw)

    def _blocks(self) -> None:
        count = self.cfg.blocks_x * self.cfg.blocks_y
        kinds = list(BLOCK_KINDS) + list(self.rng.choice(BLOCK_KINDS, size=max(0, count - len(BLOCK_KINDS)),
                                                         p=[0.5, 0.2, 0.15, 0.15]))
        kinds = [kinds[k] for k in self.rng.permutation(count)]
        sw = self.cfg.sidewalk_width
        for index, kind in enumerate(kinds):
            i, j = divmod(index, self.cfg.blocks_y)
            bounds = self._block_bounds(i, j)
            getattr(self, f'_{kind}_block')(*bounds)
            x0, y0, x1, y1 = bounds
            self.walk_rings.append((x0 - sw / 2, y0 - sw / 2, x1 + sw / 2, y1 + sw / 2))

    def _buildings_block(self, x0, y0, x1, y1) -> None:
        depth = (min(x1 - x0, y1 - y0)) / 2 - 1
        inset = min(depth, 20.0)
        sides = ((np.array([x0, y0]), np.array([x1, y0]), np.array([0.0, 1.0]), depth),
                 (np.array([x1, y1]), np.array([x0, y1]), np.array([0.0, -1.0]), depth),
                 (np.array([x0, y1 - inset]), np.array([x0, y0 + inset]), np.array([1.0, 0.0]), depth),
                 (np.array([x1, y0 + inset]), np.array([x1, y1 - inset]), np.array([-1.0, 0.0]), depth))
        for start, end, inward, max_depth in sides:
            self.rows += scenery.building_frontage(self.rng, start, end, inward, max_depth, self.forecourts)
        for _ in range(int(self.rng.integers(2, 6))):  # courtyard trees
            self.rows += scenery.tree(self.rng, self._inside(x0 + inset, y0 + inset, x1 - inset, y1 - inset))

    def _carpark_block(self, x0, y0, x1, y1) -> None:
        corners = _rect(x0, y0, x1, y1)
        self.ground.fill(corners, 'carpark')
        self.layers.add_polygon('carpark_area', corners)
        self.layers.add_polygon('drivable_area', corners)
        y = y0 + 1.0
        while y + 2 * _SLOT_DEPTH + _AISLE <= y1 - 1.0:
            for row_y, yaw in ((y + _SLOT_DEPTH / 2, np.pi / 2), (y + _SLOT_DEPTH * 1.5 + _AISLE, -np.pi / 2)):
                self._slot_row(x0 + 1.5, x1 - 1.5, row_y, yaw)
            y += 2 * _SLOT_DEPTH + _AISLE + 1.0

    def _slot_row(self, x0: float, x1: float, y: float, yaw: float) -> None:
        for k in range(int((x1 - x0) // _SLOT_WIDTH)):
            x = x0 + (k + 0.5) * _SLOT_WIDTH
            self.carpark_slots.append((x, y, yaw))
            self.ground.paint_polygon(_rect(x - _SLOT_WIDTH / 2, y - _SLOT_DEPTH / 2, x - _SLOT_WIDTH / 2 + 0.12,
                                            y + _SLOT_DEPTH / 2), PAINT_WHITE)

    def _park_block(self, x0, y0, x1, y1) -> None:
        self.parks.append(_rect(x0, y0, x1, y1))
        xm = (x0 + x1) / 2  # a footpath across the park
        path = _rect(xm - 1.5, y0, xm + 1.5, y1)
        self.ground.fill(path, 'sidewalk')
        self.layers.add_polygon('walkway', path)
        for _ in range(int((x1 - x0) * (y1 - y0) / 120)):
            xy = self._inside(x0 + 2, y0 + 2, x1 - 2, y1 - 2)
            if abs(xy[0] - xm) > 4:
                self.rows += scenery.tree(self.rng, xy)
        for _ in range(int(self.rng.integers(2, 5))):
            xy = self._inside(x0 + 6, y0 + 6, x1 - 6, y1 - 6)
            if abs(xy[0] - xm) > 8:
                self.rows += scenery.hedge(xy, self.rng.uniform(4, 10), float(self.rng.choice([0, np.pi / 2])))

    def _plaza_block(self, x0, y0, x1, y1) -> None:
        corners = _rect(x0, y0, x1, y1)
        self.ground.fill(corners, 'other_flat')
        self.plazas.append(corners)
        for _ in range(int(self.rng.integers(3, 7))):  # planters
            self.rows += scenery.hedge(self._inside(x0 + 4, y0 + 4, x1 - 4, y1 - 4), 2.0, 0.0, height=0.8)
        for _ in range(int(self.rng.integers(2, 5))):
            self.rows += scenery.tree(self.rng, self._inside(x0 + 3, y0 + 3, x1 - 3, y1 - 3))

    def _border(self) -> None:
        """Buildings and trees outside the outer ring road, facing it."""
        sw, net = self.cfg.sidewalk_width, self.network
        west, east = self.xs[0] - net.half_x[0] - sw, self.xs[-1] + net.half_x[-1] + sw
        south, north = self.ys[0] - net.half_y[0] - sw, self.ys[-1] + net.half_y[-1] + sw
        depth = self.cfg.block_pitch / 2 - 12
        for start, end, inward in ((np.array([west, south]), np.array([east, south]), np.array([0.0, -1.0])),
                                   (np.array([east, north]), np.array([west, north]), np.array([0.0, 1.0])),
                                   (np.array([west, north]), np.array([west, south]), np.array([-1.0, 0.0])),
                                   (np.array([east, south]), np.array([east, north]), np.array([1.0, 0.0]))):
            if self.rng.random() < 0.7:
                self.rows += scenery.building_frontage(self.rng, start, end, inward, depth, self.forecourts)
            else:
                length = np.linalg.norm(end - start)
                for s in np.arange(4, length - 4, 9.0):
                    xy = start + (end - start) / length * s + inward * self.rng.uniform(3, depth)
                    self.rows += scenery.tree(self.rng, xy)

    def _inside(self, x0, y0, x1, y1) -> np.ndarray:
        return np.array([self.rng.uniform(x0, max(x0, x1)), self.rng.uniform(y0, max(y0, y1))])

    # ------------------------------------------------------------------------------------ walkways
    def _walkways(self) -> None:
        """Walkway bands along every stretch, the four corners of every node and its missing arms."""
        sw, net = self.cfg.sidewalk_width, self.network
        for stretch in net.stretches:
            edge = stretch.half_width + stretch.parking_width
            for t0, t1 in ((edge, edge + sw), (-edge - sw, -edge)):
                self._walkway(stretch.rectangle(0, stretch.length, t0, t1))
        for i, x in enumerate(self.xs):
            for j, y in enumerate(self.ys):
                hx, hy = net.half_x[i], net.half_y[j]
                for sx in (-1, 1):
                    for sy in (-1, 1):
                        self._walkway(self._corner(x, y, sx * hx, sy * hy, sx * sw, sy * sw))
                for missing, band in ((i == 0, (x - hx - sw, y - hy, x - hx, y + hy)),
                                      (i == len(self.xs) - 1, (x + hx, y - hy, x + hx + sw, y + hy)),
                                      (j == 0, (x - hx, y - hy - sw, x + hx, y - hy)),
                                      (j == len(self.ys) - 1, (x - hx, y + hy, x + hx, y + hy + sw))):
                    if missing:
                        self._walkway(_rect(*band))

    @staticmethod
    def _corner(x, y, dx, dy, wx, wy) -> np.ndarray:
        xa, xb = sorted((x + dx, x + dx + wx))
        ya, yb = sorted((y + dy, y + dy + wy))
        return _rect(xa, ya, xb, yb)

    def _walkway(self, corners: np.ndarray) -> None:
        self.ground.fill(corners, 'sidewalk')
        self.layers.add_polygon('walkway', corners)

    # ------------------------------------------------------------------------------------ roads
    def _road(self, road: int, stretch: Stretch) -> None:
        """Surface, map records, markings, parking slots and street furniture of one stretch."""
        length, hw, pw, lw = stretch.length, stretch.half_width, stretch.parking_width, self.cfg.lane_width
        outer = stretch.rectangle(0, length, -hw - pw, hw + pw)
        self.ground.fill(outer, 'road')
        segment = self.layers.add_polygon('road_segment', outer, is_intersection=False)
        self.layers.add_polygon('drivable_area', outer)
        for t0, t1 in ((-hw, 0.0), (0.0, hw)):
            self.layers.add_polygon('road_block', stretch.rectangle(0, length, t0, t1), road_segment=segment)
        for k in range(stretch.lanes):
            for sign in (-1, 1):
                t = sorted((sign * k * lw, sign * (k + 1) * lw))
                self.layers.add_polygon('lane', stretch.rectangle(0, length, *t))
        self._parking(road, stretch)
        self._markings(stretch, segment)
        self._street_furniture(stretch)

    def _parking(self, road: int, stretch: Stretch) -> None:
        hw, pw = stretch.half_width, stretch.parking_width
        s0, s1 = _CURB_END_CLEARANCE, stretch.length - _CURB_END_CLEARANCE
        if s1 - s0 < CURB_SLOT_LENGTH:
            return
        for sign in (-1, 1):
            self.ground.fill(stretch.rectangle(s0, s1, sign * hw, sign * (hw + pw)), 'parking')
            self.ground.paint_polygon(stretch.rectangle(s0, s1, sign * hw - 0.06, sign * hw + 0.06), PAINT_WHITE)
            heading = np.arctan2(*stretch.direction[::-1]) + (0.0 if sign < 0 else np.pi)
            for k in range(int((s1 - s0) // CURB_SLOT_LENGTH)):
                s = s0 + (k + 0.5) * CURB_SLOT_LENGTH
                xy = stretch.start + stretch.direction * s + stretch.normal * sign * (hw + pw / 2)
                self.curb_slots.append((xy[0], xy[1], heading, road))

    def _markings(self, stretch: Stretch, segment: int) -> None:
        length, lw = stretch.length, self.cfg.lane_width
        for offset in (-0.12, 0.12):  # double yellow centre line
            self.ground.paint_polygon(stretch.rectangle(0, length, offset - 0.06, offset + 0.06), PAINT_YELLOW)
        self.layers.add_line('road_divider', np.stack([stretch.start, stretch.end]))
        for k in range(1, stretch.lanes):
            for sign in (-1, 1):
                t = sign * k * lw
                for s in np.arange(2.0, length - CROSSWALK_DEPTH - 2.0, 9.0):
                    self.ground.paint_polygon(stretch.rectangle(s, min(s + 3.0, length), t - 0.07, t + 0.07),
                                              PAINT_WHITE)
                line = stretch.rectangle(0, length, t, t)[:2]
                self.layers.add_line('lane_divider', line)
        for at_end, has in ((True, stretch.crosswalk_at_end), (False, stretch.crosswalk_at_start)):
            if has:
                self._crosswalk(stretch, at_end, segment)

    def _crosswalk(self, stretch: Stretch, at_end: bool, segment: int) -> None:
        """Zebra crosswalk at one end of a stretch and the stop line of the lanes arriving there."""
        length, hw, pw = stretch.length, stretch.half_width, stretch.parking_width
        s0 = length - CROSSWALK_DEPTH if at_end else 0.0
        zone = stretch.rectangle(s0, s0 + CROSSWALK_DEPTH, -hw - pw, hw + pw)
        crossing = self.layers.add_polygon('ped_crossing', zone, road_segment=segment)
        for t in np.arange(-hw - pw + 0.25, hw + pw - 0.25, 1.0):
            self.ground.paint_polygon(stretch.rectangle(s0 + 0.2, s0 + CROSSWALK_DEPTH - 0.2, t, t + 0.5),
                                      PAINT_WHITE)
        stop_s = s0 - STOP_LINE_DEPTH if at_end else CROSSWALK_DEPTH
        t0, t1 = (-hw, 0.0) if at_end else (0.0, hw)
        stop = stretch.rectangle(stop_s, stop_s + STOP_LINE_DEPTH, t0, t1)
        self.ground.paint_polygon(stop, PAINT_WHITE)
        self.layers.add_polygon('stop_line', stop, ped_crossing=crossing)
        mid = s0 + CROSSWALK_DEPTH / 2
        edge = hw + pw + 0.45  # crossers wait at the curb, clear of the walkway's walking lanes
        self.crossings.append((stretch.start + stretch.direction * mid - stretch.normal * edge,
                               stretch.start + stretch.direction * mid + stretch.normal * edge))

    def _street_furniture(self, stretch: Stretch) -> None:
        edge = stretch.half_width + stretch.parking_width
        for sign in (-1, 1):
            for s in np.arange(6.0, stretch.length - 6.0, 14.0):
                xy = stretch.start + stretch.direction * (s + self.rng.uniform(-2, 2)) + stretch.normal * sign * (
                    edge + 0.5)
                if self.rng.random() < 0.55:
                    self.rows += scenery.tree(self.rng, xy)
                elif self.rng.random() < 0.3:
                    self.rows += scenery.street_lamp(xy)

    def _intersections(self) -> None:
        net = self.network
        for i, x in enumerate(self.xs):
            for j, y in enumerate(self.ys):
                corners = _rect(x - net.half_x[i], y - net.half_y[j], x + net.half_x[i], y + net.half_y[j])
                self.ground.fill(corners, 'road')
                self.layers.add_polygon('road_segment', corners, is_intersection=True)
                self.layers.add_polygon('drivable_area', corners)

    def _signals(self) -> None:
        for x, y, facing in self.network.light_pose:
            self.rows += scenery.signal((x, y), facing)
            head = np.array([x, y])
            self.layers.add_line('traffic_light', np.stack([head, head + 0.5 * np.array([np.cos(facing),
                                                                                        np.sin(facing)])]))
