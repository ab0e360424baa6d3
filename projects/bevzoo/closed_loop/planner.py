"""A small rule-based planner: follow the route on the drivable area, keep a safe distance, stop at red.

It is its own module so that a better planner can replace it: anything with
``plan(scene: PlannerInput) -> Plan`` fits the agents.

Lateral: when a lane centre line is known it is followed; otherwise constant-curvature arcs from the
ego are scored by how well they head for the route target, how much of the ego's swept footprint stays
on the (predicted) drivable area, and how much they change the previous choice. Longitudinal: the
cruise speed, limited by the path's curvature, by a safe stopping distance to every object whose
predicted position over the next 2 s lies in the corridor ahead (as InterFuser does with its object
map), and by the stop line of a red (or early-enough yellow) light. Waypoints are then placed along the
path ``waypoint_dt`` seconds apart at that speed, as TransFuser's controller expects.
"""
import math
from dataclasses import dataclass, field
from typing import Optional, Protocol

import numpy as np

EGO_HALF_WIDTH = 1.0  # m
EGO_FRONT = 2.5  # m from the ego origin (rear axle) to its front bumper
LATERAL_MARGIN = 0.3  # m kept between the ego's side and an object's box
OBJECT_FIELDS = 8  # x, y, length, width, yaw, vx, vy, is_pedestrian
PATH_LENGTH = 40.0  # m of path checked for objects
CURVATURE_LOOKAHEAD = 15.0  # m of lane path whose sharpest bend limits the speed
PREDICTION_TIMES = (0.0, 0.5, 1.0, 1.5, 2.0)  # s, constant-velocity object prediction


@dataclass(frozen=True)
class BevRaster:
    """A BEV probability raster and where it lies in the ego frame.

    Attributes:
        values: ``[H, W]`` probabilities; row = y index, column = x index.
        grid_from_ego: ``[3, 3]`` homogeneous 2D transform from ego ``(x, y)`` metres to ``(col, row)``
            cell coordinates (fractional).
    """
    values: np.ndarray
    grid_from_ego: np.ndarray

    def sample(self, points: np.ndarray) -> np.ndarray:
        """Nearest-cell values at ``[N, 2]`` ego points; 0 outside the raster."""
        cells = points @ self.grid_from_ego[:2, :2].T + self.grid_from_ego[:2, 2]
        cols, rows = np.floor(cells[:, 0]).astype(int), np.floor(cells[:, 1]).astype(int)
        height, width = self.values.shape
        inside = (cols >= 0) & (cols < width) & (rows >= 0) & (rows < height)
        out = np.zeros(len(points))
        out[inside] = self.values[rows[inside], cols[inside]]
        return out


@dataclass(frozen=True)
class PlannerInput:
    """Everything the planner sees, in the ego frame (x forward, y left, metres).

    Attributes:
        target: ``[2]`` next route target point.
        speed: Ego speed, m/s.
        drivable: Drivable-area probabilities, or None when nothing predicts them.
        objects: ``[K, 8]`` objects as ``(x, y, length, width, yaw, vx, vy, is_pedestrian)``.
        light_distance: Metres along the path to the stop line of the next traffic light, or None when
            no light is known ahead.
        light_state: Its state: 'red', 'yellow' or 'green'.
        lane_path: ``[M, 2]`` centre line to follow (points about 1 m apart from near the ego onwards),
            when known (a privileged agent, or a lane-predicting model); None: arcs are sampled.
    """
    target: np.ndarray
    speed: float
    drivable: Optional[BevRaster] = None
    objects: np.ndarray = field(default_factory=lambda: np.zeros((0, OBJECT_FIELDS)))
    light_distance: Optional[float] = None
    light_state: Optional[str] = None
    lane_path: Optional[np.ndarray] = None


@dataclass(frozen=True)
class Plan:
    """Planner output: ``waypoints [T, 2]`` in the ego frame, the chosen ``path [M, 2]``, the target speed
    and why it was chosen ('cruise', 'curve', 'object', 'red_light')."""
    waypoints: np.ndarray
    path: np.ndarray
    target_speed: float
    reason: str


class Planner(Protocol):
    def plan(self, scene: PlannerInput) -> Plan: ...


def arc_points(curvature: float, distances: np.ndarray) -> np.ndarray:
    """``[N, 2]`` points of a constant-curvature arc from the origin heading +x, at arc lengths ``distances``."""
    if abs(curvature) < 1e-6:
        return np.stack([distances, np.zeros_like(distances)], axis=1)
    return np.stack([np.sin(curvature * distances) / curvature,
                     (1.0 - np.cos(curvature * distances)) / curvature], axis=1)


class ArcPlanner:
    """The default planner (see the module docstring).

    Args:
        cruise_speed: Speed on a free straight road, m/s.
        max_curvature: Largest curvature tried, 1/m.
        num_arcs: Number of candidate arcs.
        horizon: Longest arc, metres.
        max_lateral_accel: Curve speed limit ``sqrt(a / |k|)``, m/s^2.
        comfort_decel: Deceleration used for the safe-distance and red-light rules, m/s^2.
        standstill_gap: Metres kept between the ego's bumper and an object when stopped.
        waypoint_dt, num_waypoints: Waypoint spacing in seconds and their number.
    """

    def __init__(self, cruise_speed: float = 6.0, max_curvature: float = 0.2, num_arcs: int = 41,
                 horizon: float = 20.0, max_lateral_accel: float = 2.0, comfort_decel: float = 3.0,
                 standstill_gap: float = 3.0, waypoint_dt: float = 0.5, num_waypoints: int = 4) -> None:
        self.cruise_speed = cruise_speed
        self.curvatures = np.linspace(-max_curvature, max_curvature, num_arcs)
        self.horizon = horizon
        self.max_lateral_accel = max_lateral_accel
        self.comfort_decel = comfort_decel
        self.standstill_gap = standstill_gap
        self.waypoint_dt, self.num_waypoints = waypoint_dt, num_waypoints
        self._previous_curvature = 0.0
        self._stopping = False  # committed to stop at the light ahead

    # -- lateral -------------------------------------------------------------------------------------
    def _arc_cost(self, curvature: float, scene: PlannerInput, length: float) -> float:
        distances = np.arange(0.5, length + 1e-6, 0.5)
        points = arc_points(curvature, distances)
        target = scene.target
        if np.linalg.norm(target) <= length:  # the arc passes the target: how close does it come
            heading_cost = float(np.min(np.linalg.norm(points - target, axis=1))) / max(np.linalg.norm(target), 1.0)
        else:
            heading_cost = abs(math.atan2(points[-1, 1], points[-1, 0]) - math.atan2(target[1], target[0]))
        cost = 4.0 * heading_cost + 0.5 * abs(curvature - self._previous_curvature)
        if scene.drivable is not None:
            headings = curvature * distances
            normal = np.stack([-np.sin(headings), np.cos(headings)], axis=1)
            footprint = np.concatenate([points, points + EGO_HALF_WIDTH * normal, points - EGO_HALF_WIDTH * normal])
            cost += 3.0 * float(np.mean(scene.drivable.sample(footprint) < 0.5))
        return cost

    def _arc_path(self, scene: PlannerInput) -> tuple:
        """The best arc, continued straight after the horizon: ``(path [M, 2], path_s [M], curvature)``."""
        length = float(np.clip(np.linalg.norm(scene.target), 6.0, self.horizon))
        costs = [self._arc_cost(k, scene, length) for k in self.curvatures]
        curvature = self._previous_curvature = float(self.curvatures[int(np.argmin(costs))])
        path_s = np.arange(0.0, PATH_LENGTH, 0.25)
        path = arc_points(curvature, np.minimum(path_s, self.horizon))
        beyond = np.maximum(path_s - self.horizon, 0.0)[:, None]
        heading = curvature * self.horizon
        return path + beyond * np.array([math.cos(heading), math.sin(heading)]), path_s, curvature

    @staticmethod
    def _lane_path(lane_path: np.ndarray) -> tuple:
        """The given centre line from its point nearest the ego: ``(path, path_s, sharpest curvature ahead)``."""
        start = int(np.argmin(np.linalg.norm(lane_path, axis=1)))
        path = lane_path[start:] if len(lane_path) - start >= 3 else lane_path[-3:]
        direction = (path[-1] - path[-2]) / max(float(np.linalg.norm(path[-1] - path[-2])), 1e-9)
        path = np.vstack([path, path[-1] + np.arange(1.0, PATH_LENGTH)[:, None] * direction])  # continue straight
        path_s = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(path, axis=0), axis=1))])
        headings = np.unwrap(np.arctan2(np.gradient(path[:, 1]), np.gradient(path[:, 0])))
        ahead = path_s < CURVATURE_LOOKAHEAD
        curvature = np.abs(np.gradient(headings, path_s))[ahead] if ahead.sum() > 2 else np.zeros(1)
        return path, path_s, float(curvature.max())

    # -- longitudinal --------------------------------------------------------------------------------
    def _stopping_speed(self, free_distance: float) -> float:
        """Highest speed from which ``comfort_decel`` stops within ``free_distance`` metres."""
        return math.sqrt(2.0 * self.comfort_decel * max(free_distance, 0.0))

    def _object_speed(self, scene: PlannerInput, path: np.ndarray, path_s: np.ndarray) -> float:
        """Speed limit from objects in the corridor over the next 2 s (constant-velocity prediction).

        An object blocks the corridor when its box, measured across the path where it is nearest,
        comes within the ego's half width plus a margin of the path.
        """
        limit = math.inf
        headings = np.arctan2(np.gradient(path[:, 1]), np.gradient(path[:, 0]))
        for x, y, length, width, yaw, vx, vy, _ in scene.objects:
            for t in PREDICTION_TIMES:
                position = np.array([x + vx * t, y + vy * t])
                gaps = np.linalg.norm(path - position, axis=1)
                nearest = int(np.argmin(gaps))
                if path_s[nearest] <= 0.0:
                    continue
                relative = yaw - headings[nearest]
                across = abs(math.sin(relative)) * length / 2 + abs(math.cos(relative)) * width / 2
                along = abs(math.cos(relative)) * length / 2 + abs(math.sin(relative)) * width / 2
                if gaps[nearest] > across + EGO_HALF_WIDTH + LATERAL_MARGIN:
                    continue
                free = path_s[nearest] - EGO_FRONT - along - self.standstill_gap
                limit = min(limit, self._stopping_speed(free))
        return limit

    def _red_light_speed(self, scene: PlannerInput) -> float:
        """Stop before the line of a red light; at yellow too, unless stopping would take more than twice
        the comfort deceleration when the yellow is first seen. Once the planner has decided to stop it
        stays decided until the light turns green (so a slow deceleration cannot turn into running a red)."""
        distance, state = scene.light_distance, scene.light_state
        if distance is None or distance < -1.0 or state not in ('red', 'yellow'):
            self._stopping = False
            return math.inf
        free = distance - EGO_FRONT - 0.5
        if not self._stopping:
            too_late = free < scene.speed ** 2 / (4.0 * self.comfort_decel)
            if state == 'yellow' and too_late:
                return math.inf
            self._stopping = True
        return self._stopping_speed(free)

    def plan(self, scene: PlannerInput) -> Plan:
        if scene.lane_path is not None and len(scene.lane_path) >= 3:
            path, path_s, curvature = self._lane_path(np.asarray(scene.lane_path, dtype=np.float64))
        else:
            path, path_s, curvature = self._arc_path(scene)
        limits = {
            'cruise': self.cruise_speed,
            'curve': math.sqrt(self.max_lateral_accel / max(abs(curvature), 1e-6)),
            'object': self._object_speed(scene, path, path_s),
            'red_light': self._red_light_speed(scene),
        }
        reason = min(limits, key=limits.get)
        speed = float(min(limits.values()))
        if speed < 0.5:
            speed = 0.0
        distances = speed * self.waypoint_dt * np.arange(1, self.num_waypoints + 1)
        waypoints = np.stack([np.interp(distances, path_s, path[:, i]) for i in range(2)], axis=1)
        return Plan(waypoints=waypoints, path=path, target_speed=speed, reason=reason)
