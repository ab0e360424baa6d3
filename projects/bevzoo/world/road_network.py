"""The road grid: roads, intersections, directed lanes and the connectors through intersections.

Right-hand traffic. Vertical roads run along y at ``xs[i]``, horizontal roads along x at ``ys[j]``; a
road is a centre line with ``lanes`` lanes per direction and a parking strip on each side.
"""
from dataclasses import dataclass, field

import numpy as np

from .config import TownConfig
from .paths import resample_polyline

CROSSWALK_DEPTH = 3.0  # metres of crosswalk at the end of a road stretch
STOP_LINE_DEPTH = 0.5


@dataclass
class Lane:
    """A directed lane (road stretch) or connector (through an intersection).

    Attributes:
        points: [N, 2] centre line resampled at ``paths.SPACING``.
        road: Road index (vertical roads first), -1 for connectors.
        light: Traffic light controlling the lane's end, -1 if none.
        stop_s: Arc length of the stop line on the lane (NaN if none).
        successors: Indices of lanes that continue this one.
        is_connector: Whether the lane lies inside an intersection.
    """
    points: np.ndarray
    road: int
    light: int = -1
    stop_s: float = float('nan')
    successors: list = field(default_factory=list)
    is_connector: bool = False

    @property
    def length(self) -> float:
        return float(np.linalg.norm(np.diff(self.points, axis=0), axis=1).sum())


@dataclass
class Stretch:
    """A road piece between two intersections, with its lanes' geometry for the map.

    Attributes:
        start, end: [2] centre-line end points (at the intersections' boundaries).
        half_width: Half width of the driving lanes (without parking).
        parking_width: Width of the parking strip on each side.
        lanes: Lanes per direction.
        crosswalk_at_start, crosswalk_at_end: Whether a crosswalk lies at that end.
    """
    start: np.ndarray
    end: np.ndarray
    half_width: float
    parking_width: float
    lanes: int
    crosswalk_at_start: bool
    crosswalk_at_end: bool

    @property
    def direction(self) -> np.ndarray:
        delta = self.end - self.start
        return delta / np.linalg.norm(delta)

    @property
    def normal(self) -> np.ndarray:
        """Left normal of the direction."""
        d = self.direction
        return np.array([-d[1], d[0]])

    def rectangle(self, s0: float, s1: float, t0: float, t1: float) -> np.ndarray:
        """Corners [4, 2] of the rectangle between arc lengths s0..s1 and lateral offsets t0..t1 (left +)."""
        d, n = self.direction, self.normal
        return np.array([self.start + d * s0 + n * t0, self.start + d * s1 + n * t0,
                         self.start + d * s1 + n * t1, self.start + d * s0 + n * t1])

    @property
    def length(self) -> float:
        return float(np.linalg.norm(self.end - self.start))


class RoadNetwork:
    """Grid of roads with intersections, lanes, connectors, crosswalks and signal positions.

    Args:
        config: Town layout.
        xs: [nx] x of the vertical roads; ys: [ny] y of the horizontal roads.
    """

    def __init__(self, config: TownConfig, xs: np.ndarray, ys: np.ndarray) -> None:
        self.config = config
        self.xs, self.ys = xs, ys
        self.lanes_x = np.array([2 if i % config.wide_road_every == 0 else 1 for i in range(len(xs))])
        self.lanes_y = np.array([2 if j % config.wide_road_every == 0 else 1 for j in range(len(ys))])
        self.half_x = self.lanes_x * config.lane_width + config.parking_width  # half width incl. parking
        self.half_y = self.lanes_y * config.lane_width + config.parking_width
        self.lanes: list = []
        self.stretches: list = []
        self.light_node: list = []
        self.light_axis: list = []
        self.light_pose: list = []  # (x, y, heading the signal faces)
        self._incoming: dict = {}   # node -> list of (lane index, heading, k)
        self._outgoing: dict = {}
        self._light_index: dict = {}
        self._build_stretches()
        self._build_connectors()

    @property
    def num_nodes(self) -> int:
        return len(self.xs) * len(self.ys)

    def node_index(self, i: int, j: int) -> int:
        return i * len(self.ys) + j

    def node_arms(self, i: int, j: int) -> int:
        """Number of roads meeting at node (i, j) (2 at the corners of the grid, else 3 or 4)."""
        return int(i > 0) + int(i < len(self.xs) - 1) + int(j > 0) + int(j < len(self.ys) - 1)

    def _build_stretches(self) -> None:
        for i, x in enumerate(self.xs):
            for j in range(len(self.ys) - 1):
                start = np.array([x, self.ys[j] + self.half_y[j]])
                end = np.array([x, self.ys[j + 1] - self.half_y[j + 1]])
                self._add_stretch(start, end, self.lanes_x[i], (i, j), (i, j + 1), axis=0)
        for j, y in enumerate(self.ys):
            for i in range(len(self.xs) - 1):
                start = np.array([self.xs[i] + self.half_x[i], y])
                end = np.array([self.xs[i + 1] - self.half_x[i + 1], y])
                self._add_stretch(start, end, self.lanes_y[j], (i, j), (i + 1, j), axis=1)

    def _add_stretch(self, start, end, lanes: int, node_a: tuple, node_b: tuple, axis: int) -> None:
        cfg = self.config
        signal_a, signal_b = self.node_arms(*node_a) >= 3, self.node_arms(*node_b) >= 3
        stretch = Stretch(start, end, lanes * cfg.lane_width, cfg.parking_width, int(lanes), signal_a, signal_b)
        road = len(self.stretches)
        self.stretches.append(stretch)
        d, n = stretch.direction, stretch.normal
        for k in range(lanes):
            offset = (k + 0.5) * cfg.lane_width
            # Forward lanes drive on the right (negative normal side), backward lanes on the left.
            for sign, a, b, node_from, node_to, has_signal in (
                    (-1, start, end, node_a, node_b, signal_b), (1, end, start, node_b, node_a, signal_a)):
                points = resample_polyline(np.stack([a + sign * n * offset, b + sign * n * offset]))
                lane = Lane(points, road)
                if has_signal:
                    lane.stop_s = lane.length - CROSSWALK_DEPTH - STOP_LINE_DEPTH
                    lane.light = self._light_for(node_to, axis, stretch, b, -sign * d)
                heading = float(np.arctan2(*(b - a)[::-1]))
                index = len(self.lanes)
                self.lanes.append(lane)
                self._incoming.setdefault(self.node_index(*node_to), []).append((index, heading, k))
                self._outgoing.setdefault(self.node_index(*node_from), []).append((index, heading, k))

    def _light_for(self, node: tuple, axis: int, stretch: Stretch, centre_end: np.ndarray,
                   travel: np.ndarray) -> int:
        """One signal per (node, approach direction); returns its index, creating it on first use.

        The pole stands on the walkway at the near-right corner of the approach, facing the traffic.
        """
        heading = float(np.arctan2(travel[1], travel[0]))
        key = (self.node_index(*node), int(round(np.degrees(heading))) % 360)
        if key not in self._light_index:
            right = np.array([travel[1], -travel[0]])
            pole = centre_end + right * (stretch.half_width + stretch.parking_width + 0.4)
            self._light_index[key] = len(self.light_node)
            self.light_node.append(key[0])
            self.light_axis.append(axis)
            self.light_pose.append((float(pole[0]), float(pole[1]), heading + np.pi))
        return self._light_index[key]

    def _build_connectors(self) -> None:
        for node in range(self.num_nodes):
            for lane_in, heading_in, k_in in self._incoming.get(node, []):
                n_in = sum(1 for _, h, _ in self._incoming[node] if abs(h - heading_in) < 1e-6)
                for lane_out, heading_out, k_out in self._outgoing.get(node, []):
                    n_out = sum(1 for _, h, _ in self._outgoing[node] if abs(h - heading_out) < 1e-6)
                    turn = float(np.angle(np.exp(1j * (heading_out - heading_in))))
                    if self._connects(turn, k_in, n_in, k_out, n_out):
                        self._connect(lane_in, lane_out)
                if not self.lanes[lane_in].successors:  # e.g. an outer lane at a corner that only turns left
                    for lane_out, heading_out, k_out in self._outgoing.get(node, []):
                        turn = float(np.angle(np.exp(1j * (heading_out - heading_in))))
                        if abs(abs(turn) - np.pi) > 0.1 and k_out == 0:
                            self._connect(lane_in, lane_out)

    def _connect(self, lane_in: int, lane_out: int) -> None:
        self.lanes[lane_in].successors.append(len(self.lanes))
        self.lanes.append(self._connector(lane_in, lane_out))

    @staticmethod
    def _connects(turn: float, k_in: int, n_in: int, k_out: int, n_out: int) -> bool:
        """Lane-use rule: straight keeps the lane, right turns use the outer lane, left turns the inner."""
        if abs(turn) < 0.1:
            return k_out == min(k_in, n_out - 1)
        if abs(turn - np.pi / 2) < 0.1:  # left
            return k_in == 0 and k_out == 0
        if abs(turn + np.pi / 2) < 0.1:  # right
            return k_in == n_in - 1 and k_out == n_out - 1
        return False  # no U-turns

    def _connector(self, lane_in: int, lane_out: int) -> Lane:
        """A connector as a quadratic Bezier curve from the end of one lane to the start of another."""
        p0, p2 = self.lanes[lane_in].points[-1], self.lanes[lane_out].points[0]
        d0 = p0 - self.lanes[lane_in].points[-2]
        d2 = self.lanes[lane_out].points[1] - p2
        d0, d2 = d0 / np.linalg.norm(d0), d2 / np.linalg.norm(d2)
        cross = d0[0] * d2[1] - d0[1] * d2[0]
        if abs(cross) < 1e-6:
            control = (p0 + p2) / 2
        else:
            t = ((p2 - p0)[0] * d2[1] - (p2 - p0)[1] * d2[0]) / cross
            control = p0 + t * d0
        u = np.linspace(0.0, 1.0, 24)[:, None]
        curve = (1 - u) ** 2 * p0 + 2 * (1 - u) * u * control + u ** 2 * p2
        connector = Lane(resample_polyline(curve), road=-1, is_connector=True)
        connector.successors.append(lane_out)
        return connector

    def random_route(self, rng: np.random.Generator, lane: int, start_s: float, length: float) -> tuple:
        """A route by a random walk over successors.

        Args:
            rng: Random generator.
            lane: Starting lane index.
            start_s: Arc length on the starting lane where the route begins.
            length: Minimum route length in metres.

        Returns:
            points [N, 2] (resampled), stops [(s, light)] along the route, lanes [list of lane indices].
        """
        pieces, stops, visited = [], [], []
        travelled = -start_s
        while travelled < length:
            current = self.lanes[lane]
            visited.append(lane)
            pieces.append(current.points if not pieces else current.points[1:])
            if current.light >= 0:
                stops.append((travelled + current.stop_s, current.light))
            travelled += current.length
            if not current.successors:
                break
            lane = current.successors[rng.integers(len(current.successors))]
        points = np.concatenate(pieces)
        skip = int(round(start_s / 0.5))
        return points[skip:], stops, visited
