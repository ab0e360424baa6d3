"""Route criteria of the Leaderboard: completion, driving outside the route lanes, deviation.

Progress along the route is measured as scenario_runner does: the cursor moves to a route point
when the ego has passed it (``(ego - point) . forward > 0``), looking only a few points ahead.
"""
from typing import Callable, List, Optional

import numpy as np

from ..route import Route
from ..score import Infraction, InfractionKind

COMPLETION_WINDOW = 2  # RouteCompletionTest.WINDOWS_SIZE
OUTSIDE_LANES_WINDOW = 3  # OutsideRouteLanesTest.WINDOWS_SIZE
COMPLETION_PERCENTAGE = 99.0  # RouteCompletionTest.PERCENTAGE_THRESHOLD
GOAL_DISTANCE = 10.0  # m, RouteCompletionTest.DISTANCE_THRESHOLD
MAX_DEVIATION = 30.0  # m, InRouteTest: farther than this from the route ends it
DEVIATION_LOOKAHEAD = 60  # route points searched ahead of the cursor for the deviation test


class RouteCursor:
    """The index of the last route point the ego has passed."""

    def __init__(self, route: Route, window: int) -> None:
        self.route = route
        self.window = window
        self.index = 0
        self._directions = route.directions

    def advance(self, location: np.ndarray) -> List[int]:
        """Move past every point within the window that the ego has passed; returns the indices passed."""
        passed = []
        stop = min(self.index + self.window + 1, len(self.route.points))
        for index in range(self.index + 1, stop):
            if np.dot(location - self.route.points[index], self._directions[index]) > 0:
                passed.extend(range(self.index + 1, index + 1))
                self.index = index
        return passed


class RouteCompletion:
    """RC in percent of the route length up to the last passed point; 100 once within 10 m of the goal
    after passing 99 %."""

    def __init__(self, route: Route) -> None:
        self._cursor = RouteCursor(route, COMPLETION_WINDOW)
        self._accumulated = route.accumulated
        self.percentage = 0.0
        self.completed = False

    def update(self, location: np.ndarray) -> float:
        if self.completed:
            return self.percentage
        self._cursor.advance(location)
        self.percentage = 100.0 * self._accumulated[self._cursor.index] / self._accumulated[-1]
        near_goal = np.linalg.norm(location - self._cursor.route.goal) < GOAL_DISTANCE
        if self.percentage > COMPLETION_PERCENTAGE and near_goal:
            self.percentage, self.completed = 100.0, True
        return self.percentage


class OutsideRouteLanes:
    """Share of the completed route driven outside the route's lanes (off the driving lanes or in a
    lane of the opposite direction). Produces one infraction whose percentage keeps being updated.

    Args:
        route: The route.
        is_outside: ``is_outside(location [2], yaw) -> bool``: True when the ego is outside the driving
            lanes (farther than half a lane width + 0.5 m from a lane centre) or in a wrong-way lane.
    """

    def __init__(self, route: Route, is_outside: Callable[[np.ndarray, float], bool]) -> None:
        self._cursor = RouteCursor(route, OUTSIDE_LANES_WINDOW)
        self._segment_lengths = route.segment_lengths
        self._is_outside = is_outside
        self.total_distance = 0.0
        self.wrong_distance = 0.0
        self._last_time = 0.0
        self._last_location = np.zeros(2)

    def update(self, time: float, location: np.ndarray, yaw: float) -> None:
        outside = self._is_outside(location, yaw)
        for index in self._cursor.advance(location):
            step = float(self._segment_lengths[index - 1])
            self.total_distance += step
            if outside:
                self.wrong_distance += step
        self._last_time, self._last_location = time, location

    @property
    def event(self) -> Optional[Infraction]:
        """The infraction (None while the ego has never been outside)."""
        if self.wrong_distance <= 0.0:
            return None
        percentage = 100.0 * self.wrong_distance / self.total_distance
        return Infraction(
            InfractionKind.OUTSIDE_ROUTE_LANES, self._last_time, tuple(self._last_location),
            f'Agent went outside its route lanes for about {self.wrong_distance:.3f} meters '
            f'({percentage:.2f}% of the completed route)', percentage=percentage, distance=self.wrong_distance)


class RouteDeviation:
    """Ends the route when the ego is more than 30 m from every route point near its progress."""

    def __init__(self, route: Route) -> None:
        self._route = route
        self._cursor = RouteCursor(route, COMPLETION_WINDOW)

    def update(self, time: float, location: np.ndarray) -> Optional[Infraction]:
        self._cursor.advance(location)
        start = self._cursor.index
        nearby = self._route.points[start:start + DEVIATION_LOOKAHEAD]
        distance = float(np.min(np.linalg.norm(nearby - location, axis=1)))
        if distance <= MAX_DEVIATION:
            return None
        return Infraction(InfractionKind.ROUTE_DEVIATION, time, tuple(location),
                          f'Agent deviated from the route at (x={location[0]:.3f}, y={location[1]:.3f}): '
                          f'{distance:.1f} m from it')
