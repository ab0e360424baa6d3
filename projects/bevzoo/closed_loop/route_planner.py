"""Turns the Leaderboard's sparse global plan into the next target point for the planner."""
from typing import Sequence, Tuple

import numpy as np


class RoutePlanner:
    """Keeps the not-yet-reached points of the global plan and returns the next one to aim at.

    A plan point counts as reached when the ego comes within ``reach_distance`` of it, or when a later
    point (within ``lookahead`` metres of plan) is reached first; the goal is never dropped.

    Args:
        plan: ``[(x, y), ...]`` right-handed world positions, metres.
        reach_distance: Metres within which a plan point counts as reached.
        lookahead: Metres of plan ahead of the first point searched for reached points.
    """

    def __init__(self, plan: Sequence[Tuple[float, float]], reach_distance: float = 7.5,
                 lookahead: float = 50.0) -> None:
        if len(plan) < 1:
            raise ValueError('RoutePlanner needs a global plan with at least one point')
        self.points = [np.asarray(p, dtype=np.float64) for p in plan]
        self.reach_distance = reach_distance
        self.lookahead = lookahead

    def _last_reached(self, position: np.ndarray) -> int:
        last, along = -1, 0.0
        for index, point in enumerate(self.points[:-1]):
            if index > 0:
                along += float(np.linalg.norm(point - self.points[index - 1]))
            if along > self.lookahead:
                break
            if np.linalg.norm(point - position) <= self.reach_distance:
                last = index
        return last

    def run_step(self, position: np.ndarray) -> np.ndarray:
        """Drop the reached points and return the next target ``[2]`` (world frame)."""
        del self.points[:self._last_reached(np.asarray(position, dtype=np.float64)) + 1]
        return self.points[0]

    @property
    def remaining(self) -> int:
        return len(self.points)
