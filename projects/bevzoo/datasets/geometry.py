"""Rigid-transform helpers shared by the converter and the transforms (4x4 homogeneous matrices)."""
from typing import Sequence

import numpy as np
from pyquaternion import Quaternion


def pose_matrix(translation: Sequence[float], rotation: Sequence[float]) -> np.ndarray:
    """Build the 4x4 matrix of a nuScenes pose record.

    Args:
        translation: ``[x, y, z]`` in metres.
        rotation: Quaternion ``[w, x, y, z]``.

    Returns:
        np.ndarray: ``[4, 4]`` float64 matrix mapping the child frame into the parent frame.
    """
    matrix = np.eye(4)
    matrix[:3, :3] = Quaternion(rotation).rotation_matrix
    matrix[:3, 3] = translation
    return matrix


def yaw_of(matrix: np.ndarray) -> float:
    """Heading in radians of a frame's x axis in its parent's xy plane (roll and pitch ignored)."""
    return float(np.arctan2(matrix[1, 0], matrix[0, 0]))


def pad_intrinsics(cam2img: np.ndarray) -> np.ndarray:
    """Pad a ``[3, 3]`` (or ``[3, 4]``) camera matrix to ``[4, 4]`` so it composes with extrinsics."""
    cam2img = np.asarray(cam2img, dtype=np.float64)
    padded = np.eye(4)
    padded[:cam2img.shape[0], :cam2img.shape[1]] = cam2img
    return padded


def to_float32_list(matrix: np.ndarray) -> list:
    """Nested lists in float32 precision, the way mmdet3d's info files store matrices."""
    return np.asarray(matrix, dtype=np.float32).tolist()
