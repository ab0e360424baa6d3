"""Independent numpy geometry used by the tests to check the pipeline (no mmdet3d box code)."""
import numpy as np


def points_in_box(xyz: np.ndarray, box: np.ndarray, margin: float = 0.0) -> np.ndarray:
    """``[N]`` bool: points inside a LiDAR box ``[x, y, z_bottom, l, w, h, yaw, ...]`` (mmdet3d layout).

    Args:
        xyz: ``[N, 3]`` points.
        box: One box, bottom-centre origin as in ``LiDARInstance3DBoxes.tensor``.
        margin: Metres added to every half extent.
    """
    x, y, z_bottom, length, width, height, yaw = box[:7]
    offset = xyz - np.array([x, y, z_bottom + height / 2])
    cos, sin = np.cos(yaw), np.sin(yaw)
    local = np.stack([offset[:, 0] * cos + offset[:, 1] * sin, -offset[:, 0] * sin + offset[:, 1] * cos,
                      offset[:, 2]], axis=-1)
    return np.all(np.abs(local) <= np.array([length, width, height]) / 2 + margin, axis=-1)


def apply(matrix: np.ndarray, xyz: np.ndarray) -> np.ndarray:
    """``[N, 3]`` points through a 4x4 transform."""
    return xyz @ matrix[:3, :3].T + matrix[:3, 3]
