"""The ego vehicle: a kinematic bicycle driven by CARLA-style throttle, steer and brake at 20 Hz."""
import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class VehicleParams:
    """Ego vehicle parameters (a mid-size car, close to CARLA's Lincoln MKZ).

    Attributes:
        wheelbase: Metres between the axles; the ego origin is the rear axle, as in nuScenes.
        max_steer: Front-wheel angle at steer = 1, radians (CARLA's MKZ: 70 deg).
        max_accel: Acceleration at full throttle from standstill, m/s^2.
        max_decel: Deceleration at full brake, m/s^2.
        drag: Aerodynamic drag coefficient, 1/m (a = -drag v^2).
        rolling: Rolling resistance, m/s^2.
        steer_rate: Largest change of the wheel angle per second, radians/s.
        length, width: Body size in metres; rear_overhang: metres from the rear axle back to the bumper.
    """
    wheelbase: float = 2.9
    max_steer: float = math.radians(70.0)
    max_accel: float = 4.0
    max_decel: float = 8.0
    drag: float = 0.004
    rolling: float = 0.15
    steer_rate: float = math.radians(180.0)
    length: float = 4.8
    width: float = 2.0
    rear_overhang: float = 0.9


@dataclass
class EgoState:
    """Pose and motion in the right-handed world frame: ``x, y`` metres, ``yaw`` radians, ``speed`` m/s,
    ``wheel_angle`` radians (positive turns left), ``accel`` m/s^2 (last step)."""
    x: float
    y: float
    yaw: float
    speed: float = 0.0
    wheel_angle: float = 0.0
    accel: float = 0.0

    @property
    def position(self) -> np.ndarray:
        return np.array([self.x, self.y])

    def centre(self, params: VehicleParams) -> np.ndarray:
        """``[2]`` centre of the body (the rear axle is ``length / 2 - rear_overhang`` behind it)."""
        offset = params.length / 2 - params.rear_overhang
        return self.position + offset * np.array([math.cos(self.yaw), math.sin(self.yaw)])


class KinematicBicycle:
    """Integrates the ego one tick at a time.

    Args:
        state: Initial state (modified in place by :meth:`step`).
        params: Vehicle parameters.
    """

    def __init__(self, state: EgoState, params: VehicleParams = VehicleParams()) -> None:
        self.state = state
        self.params = params
        self.yaw_rate = 0.0

    def step(self, throttle: float, steer: float, brake: float, dt: float) -> EgoState:
        """Apply one control for ``dt`` seconds. ``steer`` follows CARLA (positive = right)."""
        p, s = self.params, self.state
        throttle, brake = float(np.clip(throttle, 0.0, 1.0)), float(np.clip(brake, 0.0, 1.0))
        target_angle = -float(np.clip(steer, -1.0, 1.0)) * p.max_steer
        change = float(np.clip(target_angle - s.wheel_angle, -p.steer_rate * dt, p.steer_rate * dt))
        s.wheel_angle += change
        # Throttle fades with speed (engine power limit); brake and resistances oppose motion only.
        drive = throttle * p.max_accel * max(0.0, 1.0 - s.speed / 30.0)
        resist = brake * p.max_decel + p.rolling + p.drag * s.speed ** 2
        s.accel = drive - resist if s.speed > 0.0 or drive > resist else 0.0
        new_speed = max(0.0, s.speed + s.accel * dt)
        mean_speed = (s.speed + new_speed) / 2.0
        self.yaw_rate = mean_speed * math.tan(s.wheel_angle) / p.wheelbase
        heading = s.yaw + self.yaw_rate * dt / 2.0
        s.x += mean_speed * math.cos(heading) * dt
        s.y += mean_speed * math.sin(heading) * dt
        s.yaw = math.atan2(math.sin(s.yaw + self.yaw_rate * dt), math.cos(s.yaw + self.yaw_rate * dt))
        s.speed = new_speed
        return s
