"""Polylines that actors follow, resampled at a fixed spacing so a batch of them evaluates vectorised."""
from typing import Sequence

import numpy as np

SPACING = 0.5  # metres between resampled path points


def resample_polyline(points: np.ndarray, spacing: float = SPACING) -> np.ndarray:
    """Resample a polyline [N, 2] at a fixed arc-length spacing -> [M, 2] (keeps both end points)."""
    points = np.asarray(points, np.float64)
    seg = np.linalg.norm(np.diff(points, axis=0), axis=1)
    keep = np.concatenate([[True], seg > 1e-9])
    points = points[keep]
    s = np.concatenate([[0.0], np.cumsum(seg[seg > 1e-9])])
    if s[-1] <= 0:
        raise ValueError(f'polyline of {len(points)} points has zero length')
    samples = np.append(np.arange(0.0, s[-1], spacing), s[-1])
    return np.stack([np.interp(samples, s, points[:, 0]), np.interp(samples, s, points[:, 1])], axis=1)


def arc(center: np.ndarray, radius: float, start: float, sweep: float, num: int = 12) -> np.ndarray:
    """Points [num, 2] on a circular arc from angle ``start`` sweeping ``sweep`` radians."""
    angles = start + np.linspace(0.0, sweep, num)
    return center + radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)


class PathBatch:
    """A batch of polylines padded into one array, evaluated at arc lengths in one vectorised call.

    Args:
        polylines: Sequence of [N_i, 2] arrays already resampled at ``SPACING`` (see `resample_polyline`).
    """

    def __init__(self, polylines: Sequence[np.ndarray]) -> None:
        if len(polylines) == 0:
            self.points = np.zeros((0, 2, 2))
            self.lengths = np.zeros(0)
            return
        longest = max(len(p) for p in polylines)
        self.points = np.zeros((len(polylines), max(longest, 2), 2))
        self.lengths = np.zeros(len(polylines))
        for index, polyline in enumerate(polylines):
            self.points[index, :len(polyline)] = polyline
            self.points[index, len(polyline):] = polyline[-1]  # clamp beyond the end
            self.lengths[index] = (len(polyline) - 1) * SPACING
        self._last = np.array([max(len(p) - 1, 1) for p in polylines])

    def __len__(self) -> int:
        return len(self.lengths)

    def evaluate(self, index: np.ndarray, s: np.ndarray) -> tuple:
        """Positions and headings at arc lengths.

        Args:
            index: [P] path index per query.
            s: [P] arc length per query (clamped to [0, length]).

        Returns:
            xy [P, 2] and heading [P] (radians, direction of travel).
        """
        s = np.clip(s, 0.0, self.lengths[index])
        position = s / SPACING
        point = np.minimum(np.floor(position).astype(np.int64), self._last[index] - 1)
        frac = (position - point)[:, None]
        start, end = self.points[index, point], self.points[index, point + 1]
        direction = end - start
        return start + frac * direction, np.arctan2(direction[:, 1], direction[:, 0])
