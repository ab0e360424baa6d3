"""Traffic-rule and liveness criteria of the Leaderboard: red lights, being blocked, route timeout."""
from dataclasses import dataclass
from typing import Dict, Optional

import numpy as np

from ..score import Infraction, InfractionKind

BLOCKED_SPEED = 0.1  # m/s, ActorBlockedTest min_speed
BLOCKED_TIME = 180.0  # s, ActorBlockedTest max_time
SECONDS_PER_METRE = 0.8  # Leaderboard 1.0 route timeout
TIMEOUT_DELAY = 5.0  # s, INITIAL_SECONDS_DELAY
RED_LIGHT_DISTANCE = 15.0  # m, RunningRedLightTest only looks at lights this close


@dataclass(frozen=True)
class StopLine:
    """The stop line of one traffic light on one approach.

    Attributes:
        light_id: Id of the light governing it.
        start, end: ``[2]`` end points of the line, metres.
        direction: ``[2]`` unit vector of the allowed travel direction across it.
    """
    light_id: int
    start: np.ndarray
    end: np.ndarray
    direction: np.ndarray


def _crosses_forwards(previous: np.ndarray, location: np.ndarray, line: StopLine) -> bool:
    """Whether the step previous -> location goes from before the line to on/after it, within its extent."""
    before = float(np.dot(previous - line.start, line.direction))
    after = float(np.dot(location - line.start, line.direction))
    if not before < 0.0 <= after:
        return False
    crossing = previous + (location - previous) * (-before / (after - before))
    along, length = line.end - line.start, float(np.linalg.norm(line.end - line.start))
    offset = float(np.dot(crossing - line.start, along)) / length
    return 0.0 <= offset <= length


class RedLightCounter:
    """One infraction each time the ego crosses a stop line forwards while its light is red."""

    def __init__(self, stop_lines: list) -> None:
        self._stop_lines = stop_lines
        self._previous: Optional[np.ndarray] = None

    def update(self, time: float, location: np.ndarray, light_states: Dict[int, str]) -> Optional[Infraction]:
        """Args:
            light_states: ``{light_id: 'red' | 'yellow' | 'green'}`` at this tick.
        """
        previous, self._previous = self._previous, location.copy()
        if previous is None:
            return None
        for line in self._stop_lines:
            if light_states.get(line.light_id) != 'red':
                continue
            if np.linalg.norm(location - (line.start + line.end) / 2) > RED_LIGHT_DISTANCE:
                continue
            if _crosses_forwards(previous, location, line):
                return Infraction(InfractionKind.RED_LIGHT, time, tuple(location),
                                  f'Agent ran a red light {line.light_id} at (x={location[0]:.3f}, '
                                  f'y={location[1]:.3f})')
        return None


class BlockedDetector:
    """Ends the route when the ego has stayed below 0.1 m/s for more than 180 s."""

    def __init__(self, max_time: float = BLOCKED_TIME) -> None:
        self.max_time = max_time
        self._last_moving = 0.0

    def update(self, time: float, speed: float, location: np.ndarray) -> Optional[Infraction]:
        if speed >= BLOCKED_SPEED:
            self._last_moving = time
            return None
        if time - self._last_moving <= self.max_time:
            return None
        return Infraction(InfractionKind.VEHICLE_BLOCKED, time, tuple(location),
                          f'Agent got blocked at (x={location[0]:.3f}, y={location[1]:.3f})')


def route_timeout(route_length: float) -> float:
    """Seconds allowed for a route: 0.8 s per metre plus 5 s (Leaderboard 1.0)."""
    return SECONDS_PER_METRE * route_length + TIMEOUT_DELAY
