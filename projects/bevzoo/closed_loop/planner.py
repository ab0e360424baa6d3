"""A small rule-based planner: follow the route on the drivable area, keep a safe distance, stop at red.

It is its own module so that a better planner can replace it: anything with
``plan(scene: PlannerInput) -> Plan`` fits the agents.

Lateral: constant-curvature arcs from the ego are scored by how well they head for the route target,
how much of the ego's swept footprint stays on the (predicted) drivable area, and how much they change
the previous choice. Longitudinal: the cruise speed, limited by the arc's curvature, by a safe stopping
distance to every object whose predicted position over the next 2 s lies in the corridor ahead (as
InterFuser does with its object map), and by the stop line of a red light ahead. Waypoints are then
placed along the arc ``waypoint_dt`` seconds apart at that speed, as TransFuser's controller expects.
"""
import math
from dataclasses import dataclass, field
from typing import Optional, Protocol

import numpy as np

EGO_HALF_WIDTH = 1.0  # m
EGO_FRONT = 2.5  # m from the ego origin (rear-axle / centre) to its front bumper


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
        objects: ``[K, 6]`` objects as ``(x, y, radius, vx, vy, is_pedestrian)``; radius bounds the
            footprint.
        red_light_distance: Metres along the path to the stop line of a red light ahead, or None.
    """
    target: np.ndarray
    speed: float
    drivable: Optional[BevRaster] = None
    objects: np.ndarray = field(default_factory=lambda: np.zeros((0, 6)))
    red_light_distance: Optional[float] = None


@dataclass(frozen=True)
class Plan:
    """Planner output: ``waypoints [T, 2]`` in the ego frame, the chosen ``path [M, 2]``, the target speed
    and why it was chosen ('cruise', 'curve', 'object', 'red_light', 'goal')."""
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


def arc_headings(curvature: float, distances: np.ndarray) -> np.ndarray:
    return curvature * distances


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

    # -- lateral -------------------------------------------------------------------------------------
    def _arc_cost(self, curvature: float, scene: PlannerInput, length: float) -> float:
        distances = np.arange(0.5, length + 1e-6, 0.5)
        points = arc_points(curvature, distances)
        end = points[-1]
        target = scene.target
        if np.linalg.norm(target) <= length:  # the arc passes the target: how close does it come
            heading_cost = float(np.min(np.linalg.norm(points - target, axis=1))) / max(np.linalg.norm(target), 1.0)
        else:
            heading_cost = abs(math.atan2(end[1], end[0]) - math.atan2(target[1], target[0]))
        cost = 4.0 * heading_cost + 0.5 * abs(curvature - self._previous_curvature)
        if scene.drivable is not None:
            headings = arc_headings(curvature, distances)
            normal = np.stack([-np.sin(headings), np.cos(headings)], axis=1)
            footprint = np.concatenate([points, points + EGO_HALF_WIDTH * normal, points - EGO_HALF_WIDTH * normal])
            cost += 3.0 * float(np.mean(scene.drivable.sample(footprint) < 0.5))
        return cost

    def _choose_curvature(self, scene: PlannerInput) -> float:
        length = float(np.clip(np.linalg.norm(scene.target), 6.0, self.horizon))
        costs = [self._arc_cost(k, scene, length) for k in self.curvatures]
        self._previous_curvature = float(self.curvatures[int(np.argmin(costs))])
        return self._previous_curvature

    # -- longitudinal --------------------------------------------------------------------------------
    def _stopping_speed(self, free_distance: float) -> float:
        """Highest speed from which ``comfort_decel`` stops within ``free_distance`` metres."""
        return math.sqrt(2.0 * self.comfort_decel * max(free_distance, 0.0))

    def _object_speed(self, scene: PlannerInput, path: np.ndarray, path_s: np.ndarray) -> float:
        """Speed limit from objects in the corridor over the next 2 s (constant-velocity prediction)."""
        limit = math.inf
        for x, y, radius, vx, vy, _ in scene.objects:
            for t in (0.0, 0.5, 1.0, 1.5, 2.0):
                position = np.array([x + vx * t, y + vy * t])
                gaps = np.linalg.norm(path - position, axis=1)
                nearest = int(np.argmin(gaps))
                if gaps[nearest] > radius + EGO_HALF_WIDTH + 0.3 or path_s[nearest] <= 0.0:
                    continue
                free = path_s[nearest] - EGO_FRONT - radius - self.standstill_gap
                limit = min(limit, self._stopping_speed(free))
        return limit

    def _red_light_speed(self, scene: PlannerInput) -> float:
        distance = scene.red_light_distance
        if distance is None or distance < -1.0:
            return math.inf
        free = distance - EGO_FRONT - 0.5
        # Too late to stop comfortably (more than twice the comfort deceleration): go on through.
        if free < scene.speed ** 2 / (4.0 * self.comfort_decel):
            return math.inf
        return self._stopping_speed(free)

    def plan(self, scene: PlannerInput) -> Plan:
        curvature = self._choose_curvature(scene)
        path_s = np.arange(0.0, 40.0, 0.25)
        path = arc_points(curvature, np.minimum(path_s, self.horizon))
        beyond = np.maximum(path_s - self.horizon, 0.0)[:, None]  # continue straight after the arc
        heading = curvature * self.horizon
        path = path + beyond * np.array([math.cos(heading), math.sin(heading)])
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
