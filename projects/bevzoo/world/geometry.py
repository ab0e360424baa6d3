"""Pose helpers shared by the world: yaw-only rotations in a z-up right-handed frame."""
import numpy as np


def yaw_to_quaternion(yaw: float) -> list:
    """Quaternion [w, x, y, z] of a rotation by ``yaw`` radians about +z."""
    return [float(np.cos(yaw / 2)), 0.0, 0.0, float(np.sin(yaw / 2))]


def rotation_z(yaw: float) -> np.ndarray:
    """3x3 rotation matrix about +z."""
    c, s = np.cos(yaw), np.sin(yaw)
    return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])


def pose_matrix(translation, rotation: np.ndarray) -> np.ndarray:
    """4x4 homogeneous transform from a translation (3,) and a 3x3 rotation."""
    matrix = np.eye(4)
    matrix[:3, :3] = rotation
    matrix[:3, 3] = translation
    return matrix


def transform_points(matrix: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Apply a 4x4 transform to points [N, 3] -> [N, 3]."""
    return points @ matrix[:3, :3].T + matrix[:3, 3]


def wrap_angle(angle):
    """Wrap angles to [-pi, pi)."""
    return (np.asarray(angle) + np.pi) % (2 * np.pi) - np.pi
