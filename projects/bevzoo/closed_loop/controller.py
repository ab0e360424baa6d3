"""Waypoints to throttle, steer and brake, as the TransFuser agent does it.

Waypoints are in the ego frame (x forward, y left, metres), ``waypoint_dt`` seconds apart.
desired speed = |wp1 - wp0| / dt; brake when it is below 0.4 m/s or the ego is more than 10 % faster;
throttle = speed PID on (desired - speed) clipped to [0, 0.25], capped at 0.75; steer = turn PID on the
heading angle to the midpoint of wp0 and wp1 divided by 90 deg. A creep rule un-sticks the car after a
long stop (55 s by default, as TransFuser).
"""
import math
from dataclasses import dataclass

import numpy as np

from .pid import SPEED_GAINS, TURN_GAINS, PIDController, PIDGains

BRAKE_SPEED = 0.4  # m/s: desired speeds below this brake
BRAKE_RATIO = 1.1  # brake when speed / desired exceeds this
MAX_SPEED_DELTA = 0.25  # m/s: the speed error fed to the PID is clipped to [0, this]
MAX_THROTTLE = 0.75


@dataclass(frozen=True)
class Control:
    """One actuation, in CARLA's conventions: steer in [-1, 1] with positive to the right."""
    throttle: float
    steer: float
    brake: float


class WaypointController:
    """TransFuser's longitudinal and lateral PID controllers.

    Args:
        waypoint_dt: Seconds between consecutive waypoints (0.5 in TransFuser).
        turn_gains, speed_gains: PID gains (TransFuser's by default).
        creep_after: Seconds standing still after which to creep.
        creep_duration: Seconds of creeping.
        creep_speed: Desired speed while creeping, m/s.
    """

    def __init__(self, waypoint_dt: float = 0.5, turn_gains: PIDGains = TURN_GAINS,
                 speed_gains: PIDGains = SPEED_GAINS, creep_after: float = 55.0, creep_duration: float = 1.5,
                 creep_speed: float = 2.0) -> None:
        self.waypoint_dt = waypoint_dt
        self.turn = PIDController(turn_gains)
        self.speed = PIDController(speed_gains)
        self.creep_after, self.creep_duration, self.creep_speed = creep_after, creep_duration, creep_speed
        self._stopped_since = None
        self._creep_until = -math.inf

    def _creep(self, time: float, speed: float, desired: float, allow_creep: bool) -> float:
        """Desired speed after TransFuser's creep rule: after ``creep_after`` s standing still, drive at
        ``creep_speed`` for ``creep_duration`` s whatever the planner says (it breaks deadlocks), unless
        ``allow_creep`` is False (an object blocks the way, TransFuser++'s safety check)."""
        if not allow_creep:
            self._creep_until = -math.inf
            return desired
        if time < self._creep_until:
            return self.creep_speed
        if speed > 0.1:
            self._stopped_since = None
        elif self._stopped_since is None:
            self._stopped_since = time
        elif time - self._stopped_since > self.creep_after:
            self._creep_until, self._stopped_since = time + self.creep_duration, None
            return self.creep_speed
        return desired

    def control(self, waypoints: np.ndarray, speed: float, time: float = 0.0, allow_creep: bool = True) -> Control:
        """Args:
            waypoints: ``[T >= 2, 2]`` future positions in the ego frame (x forward, y left), metres.
            speed: Current ego speed, m/s.
            time: Simulation time, s (only the creep rule uses it).
            allow_creep: False while an object blocks the path (no creeping into it).
        """
        waypoints = np.asarray(waypoints, dtype=np.float64)
        if waypoints.ndim != 2 or waypoints.shape[0] < 2 or waypoints.shape[1] != 2:
            raise ValueError(f'waypoints must be [T >= 2, 2] in the ego frame, got shape {waypoints.shape}')
        desired = float(np.linalg.norm(waypoints[1] - waypoints[0])) / self.waypoint_dt
        desired = self._creep(time, speed, desired, allow_creep)
        brake = desired < BRAKE_SPEED or speed / max(desired, 1e-6) > BRAKE_RATIO
        delta = float(np.clip(desired - speed, 0.0, MAX_SPEED_DELTA))
        throttle = 0.0 if brake else float(np.clip(self.speed.step(delta), 0.0, MAX_THROTTLE))
        aim = (waypoints[0] + waypoints[1]) / 2.0
        angle_left = math.degrees(math.atan2(aim[1], aim[0])) if np.linalg.norm(aim) > 1e-3 else 0.0
        steer = float(np.clip(self.turn.step(-angle_left / 90.0), -1.0, 1.0))  # CARLA: positive steers right
        return Control(throttle=throttle, steer=steer, brake=1.0 if brake else 0.0)
