"""Queries on the built-in world's lane graph that the closed loop needs: nearest lane, routes between
waypoints (as the Leaderboard's global route planner does), the off-lane / wrong-way test, stop lines."""
import heapq
import math
from typing import List, Sequence, Tuple

import numpy as np

from ..carla_compat import RoadOption
from ..criteria import StopLine

ALLOWED_OUT_DISTANCE = 0.5  # m beyond half a lane width (OutsideRouteLanesTest)
MAX_WRONG_WAY_ANGLE = math.radians(120.0)  # heading difference that means driving against the lane


class RouteNotFoundError(ValueError):
    """No lane path joins two route waypoints."""


class LaneMap:
    """Flattened lane centre lines of a ``bevzoo.world`` road network.

    Args:
        network: ``bevzoo.world.road_network.RoadNetwork`` (lanes with points, successors, lights).
        lane_width: Width of one lane, metres.
    """

    def __init__(self, network, lane_width: float) -> None:
        self.network = network
        self.lanes = network.lanes
        self.lane_width = lane_width
        self.points = np.concatenate([lane.points for lane in self.lanes])
        self.lane_of = np.concatenate([np.full(len(lane.points), i) for i, lane in enumerate(self.lanes)])
        self.index_in_lane = np.concatenate([np.arange(len(lane.points)) for lane in self.lanes])
        self.headings = np.concatenate([self._headings(lane.points) for lane in self.lanes])

    @staticmethod
    def _headings(points: np.ndarray) -> np.ndarray:
        delta = np.diff(points, axis=0)
        delta = np.concatenate([delta, delta[-1:]])
        return np.arctan2(delta[:, 1], delta[:, 0])

    def nearest(self, location: np.ndarray, heading: float = None) -> Tuple[int, int, float]:
        """Nearest lane point ``(lane, index in lane, distance)``; with ``heading`` only lanes within 90 deg of it."""
        distances = np.linalg.norm(self.points - location, axis=1)
        if heading is not None:
            aligned = np.cos(self.headings - heading) > 0.0
            distances = np.where(aligned, distances, np.inf)
        best = int(np.argmin(distances))
        return int(self.lane_of[best]), int(self.index_in_lane[best]), float(distances[best])

    def is_outside_route_lanes(self, location: np.ndarray, yaw: float) -> bool:
        """True off every driving lane (> half a lane + 0.5 m from its centre) or in a lane of the opposite
        direction outside intersections."""
        distances = np.linalg.norm(self.points - location, axis=1)
        best = int(np.argmin(distances))
        if distances[best] > self.lane_width / 2 + ALLOWED_OUT_DISTANCE:
            return True
        if self.lanes[self.lane_of[best]].is_connector:
            return False
        difference = abs(math.remainder(yaw - self.headings[best], 2 * math.pi))
        return difference > MAX_WRONG_WAY_ANGLE

    def _lane_path(self, start: int, goal: int) -> List[int]:
        """Shortest sequence of lanes leaving ``start`` and ending on ``goal`` (Dijkstra on lane lengths)."""
        best, parents = {}, {}
        queue = [(self.lanes[start].length, successor, start) for successor in self.lanes[start].successors]
        heapq.heapify(queue)
        while queue:
            cost, lane, parent = heapq.heappop(queue)
            if lane in best:
                continue
            best[lane], parents[lane] = cost, parent
            if lane == goal:
                path = [lane]
                while path[-1] != start or len(path) == 1:
                    path.append(parents[path[-1]])
                return path[::-1]
            for successor in self.lanes[lane].successors:
                heapq.heappush(queue, (cost + self.lanes[lane].length, successor, lane))
        raise RouteNotFoundError(f'no lane path from lane {start} to lane {goal}')

    def _road_option(self, lane: int) -> RoadOption:
        if not self.lanes[lane].is_connector:
            return RoadOption.LANEFOLLOW
        headings = self._headings(self.lanes[lane].points)
        turn = math.remainder(headings[-1] - headings[0], 2 * math.pi)
        if abs(turn) < math.radians(30.0):
            return RoadOption.STRAIGHT
        return RoadOption.LEFT if turn > 0 else RoadOption.RIGHT

    def route_through(self, waypoints: Sequence[Sequence[float]]) -> Tuple[np.ndarray, List[RoadOption], List[int]]:
        """The dense route through ``waypoints`` along the lanes.

        Args:
            waypoints: ``[M >= 2, 2]`` points on lane centre lines, in driving order.

        Returns:
            points ``[N, 2]`` (0.5 m apart), one ``RoadOption`` per point, and the lanes used.
        """
        waypoints = np.asarray(waypoints, dtype=np.float64)
        if waypoints.ndim != 2 or waypoints.shape[1] != 2 or len(waypoints) < 2:
            raise ValueError(f'a route needs [M >= 2, 2] waypoints, got shape {waypoints.shape}')
        heading = math.atan2(*(waypoints[1] - waypoints[0])[::-1])
        anchors = [self.nearest(waypoints[0], heading)[:2]]
        for previous, point in zip(waypoints[:-1], waypoints[1:]):
            anchors.append(self.nearest(point, math.atan2(*(point - previous)[::-1]))[:2])
        pieces, options, used = [], [], []
        for segment, ((lane_a, index_a), (lane_b, index_b)) in enumerate(zip(anchors[:-1], anchors[1:])):
            lanes = [lane_a] if lane_a == lane_b and index_b >= index_a else self._lane_path(lane_a, lane_b)
            for position, lane in enumerate(lanes):
                # Consecutive lanes share their end points; consecutive segments share their anchor.
                start = (index_a + (segment > 0)) if position == 0 else 1
                stop = index_b + 1 if position == len(lanes) - 1 else len(self.lanes[lane].points)
                pieces.append(self.lanes[lane].points[start:stop])
                options += [self._road_option(lane)] * (stop - start)
                if not used or used[-1] != lane:
                    used.append(lane)
        return np.concatenate(pieces), options, used

    def stop_lines(self) -> List[StopLine]:
        """One stop line across every signalled lane, at its stop arc length."""
        lines = []
        for lane in self.lanes:
            if lane.light < 0 or not np.isfinite(lane.stop_s):
                continue
            index = min(int(round(lane.stop_s / 0.5)), len(lane.points) - 2)
            centre = lane.points[index]
            direction = lane.points[index + 1] - lane.points[index]
            direction /= np.linalg.norm(direction)
            normal = np.array([-direction[1], direction[0]]) * self.lane_width / 2
            lines.append(StopLine(lane.light, centre - normal, centre + normal, direction))
        return lines
