"""Traffic lights that cycle per intersection: the two road axes take turns (green, yellow, red)."""
import numpy as np

GREEN, YELLOW, RED = 0, 1, 2
YELLOW_SECONDS = 3.0


class TrafficLights:
    """All signal heads of a town.

    Args:
        node: [L] intersection index of each light.
        axis: [L] 0 for lights facing traffic along y (north/south arms), 1 along x.
        offsets: [num_nodes] phase offset of each intersection in seconds.
        cycle: Full cycle length in seconds (each axis is green for half of it minus yellow).
    """

    def __init__(self, node: np.ndarray, axis: np.ndarray, offsets: np.ndarray, cycle: float) -> None:
        if cycle <= 2 * YELLOW_SECONDS:
            raise ValueError(f'traffic-light cycle must exceed {2 * YELLOW_SECONDS} s, got {cycle}')
        self.node = np.asarray(node, np.int64)
        self.axis = np.asarray(axis, np.int64)
        self.offsets = np.asarray(offsets, np.float64)
        self.cycle = cycle

    def __len__(self) -> int:
        return len(self.node)

    def states(self, t: float) -> np.ndarray:
        """State of every light at time ``t`` seconds: [L] of GREEN / YELLOW / RED."""
        half = self.cycle / 2
        phase = (t + self.offsets[self.node] + self.axis * half) % self.cycle
        return np.where(phase < half - YELLOW_SECONDS, GREEN, np.where(phase < half, YELLOW, RED))
