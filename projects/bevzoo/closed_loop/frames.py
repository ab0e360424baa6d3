"""2D rigid transforms between the world frame and the ego frame at different times (right-handed)."""
import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Pose2D:
    """Ego pose in the world: position ``(x, y)`` metres, ``yaw`` radians (counter-clockwise from +x)."""
    x: float
    y: float
    yaw: float

    @property
    def matrix(self) -> np.ndarray:
        """``[3, 3]`` homogeneous ego-to-world transform."""
        c, s = math.cos(self.yaw), math.sin(self.yaw)
        return np.array([[c, -s, self.x], [s, c, self.y], [0.0, 0.0, 1.0]])

    def to_ego(self, points: np.ndarray) -> np.ndarray:
        """World ``[N, 2]`` points into this ego frame."""
        c, s = math.cos(self.yaw), math.sin(self.yaw)
        delta = np.asarray(points, dtype=np.float64) - np.array([self.x, self.y])
        return delta @ np.array([[c, -s], [s, c]])

    def to_world(self, points: np.ndarray) -> np.ndarray:
        """Ego ``[N, 2]`` points into the world frame."""
        c, s = math.cos(self.yaw), math.sin(self.yaw)
        return np.asarray(points, dtype=np.float64) @ np.array([[c, s], [-s, c]]) + np.array([self.x, self.y])

    def rotate_to_ego(self, vectors: np.ndarray) -> np.ndarray:
        """World ``[N, 2]`` direction vectors (e.g. velocities) into this ego frame."""
        c, s = math.cos(self.yaw), math.sin(self.yaw)
        return np.asarray(vectors, dtype=np.float64) @ np.array([[c, -s], [s, c]])


def relative_transform(from_pose: Pose2D, to_pose: Pose2D) -> np.ndarray:
    """``[3, 3]`` transform taking points in ``from_pose``'s ego frame into ``to_pose``'s ego frame."""
    return np.linalg.inv(to_pose.matrix) @ from_pose.matrix
