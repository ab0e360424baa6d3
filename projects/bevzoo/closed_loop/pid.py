"""The windowed PID controller of the CARLA sensor agents (TransFuser, InterFuser, LeTFuser)."""
from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True)
class PIDGains:
    """Gains of one PID loop. The integral term is the mean error over the last ``window`` steps."""
    kp: float
    ki: float
    kd: float
    window: int = 20


# TransFuser's gains (InterFuser and LeTFuser use the same with a 40-step turn window).
TURN_GAINS = PIDGains(kp=1.25, ki=0.75, kd=0.3, window=20)
SPEED_GAINS = PIDGains(kp=5.0, ki=0.5, kd=1.0, window=20)


class PIDController:
    """``u = kp e + ki mean(e over window) + kd (e_t - e_{t-1})``, starting from a window of zeros."""

    def __init__(self, gains: PIDGains) -> None:
        if gains.window < 2:
            raise ValueError(f'PID window must be >= 2 steps, got {gains.window}')
        self.gains = gains
        self._errors = deque([0.0] * gains.window, maxlen=gains.window)

    def step(self, error: float) -> float:
        self._errors.append(float(error))
        integral = sum(self._errors) / len(self._errors)
        derivative = self._errors[-1] - self._errors[-2]
        return self.gains.kp * error + self.gains.ki * integral + self.gains.kd * derivative
