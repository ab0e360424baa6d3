"""LiDAR loading: mmdet3d's loaders with file checks, and a multi-sweep loader with correct sweep motion."""
import os.path as osp
from typing import List

import numpy as np
from mmdet3d.datasets.transforms import LoadPointsFromFile, LoadPointsFromMultiSweeps
from mmdet3d.registry import TRANSFORMS
from mmdet3d.structures.points import BasePoints

from ..errors import DataFileError

FLOAT32_BYTES = 4


def read_point_file(path: str, load_dim: int) -> np.ndarray:
    """Read a ``.pcd.bin`` (float32 records of ``load_dim`` values), failing clearly on bad files.

    Args:
        path: Point file.
        load_dim: Floats per point (5 for nuScenes: x y z intensity ring).

    Returns:
        np.ndarray: Flat float32 array of ``N * load_dim`` values.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'LiDAR file {path} does not exist; the data root is incomplete or the info file '
                                'points elsewhere (check data_root and data_prefix).')
    size = osp.getsize(path)
    if size == 0 or size % (FLOAT32_BYTES * load_dim):
        raise DataFileError(f'LiDAR file {path} has {size} bytes, not a whole, non-zero number of points of '
                            f'{load_dim} float32 values: it is truncated or has another layout (load_dim).')
    return np.fromfile(path, dtype=np.float32)


@TRANSFORMS.register_module()
class LoadLidarPoints(LoadPointsFromFile):
    """mmdet3d's ``LoadPointsFromFile`` that names the file when it is missing or truncated."""

    def _load_points(self, pts_filename: str) -> np.ndarray:
        return read_point_file(pts_filename, self.load_dim)


@TRANSFORMS.register_module()
class LoadLidarSweeps(LoadPointsFromMultiSweeps):
    """mmdet3d's ``LoadPointsFromMultiSweeps`` with the sweep motion compensation fixed.

    Upstream maps a sweep point ``p`` to ``p @ R - t`` with ``[R | t] = lidar2sensor``, which rotates
    correctly but adds ``R^T``-rotated instead of plain translation (mmdet3d PR #3007, issue #3054): about
    0.6 m off for a 0.1 rad turn over 6 m. Here points go through ``inv(lidar2sensor)`` exactly.

    Column 4 of the output is the time lag in seconds (0 for the keyframe), as upstream; with
    ``sweeps_num=0`` only the keyframe is returned, its column 4 zeroed. Inputs are not modified in place.
    """

    def _load_points(self, pts_filename: str) -> np.ndarray:
        return read_point_file(pts_filename, self.load_dim)

    def _chosen_sweeps(self, sweeps: List[dict]) -> List[dict]:
        if len(sweeps) <= self.sweeps_num:
            return sweeps
        if self.test_mode:
            return sweeps[:self.sweeps_num]
        return [sweeps[i] for i in np.random.choice(len(sweeps), self.sweeps_num, replace=False)]

    def _sweep_in_keyframe(self, sweep: dict, keyframe_time: float) -> np.ndarray:
        """``[N, load_dim]`` sweep points in the keyframe LiDAR frame, column 4 = time lag (s)."""
        points = self._load_points(sweep['lidar_points']['lidar_path']).reshape(-1, self.load_dim).copy()
        if self.remove_close:
            points = self._remove_close(points)
        sensor2lidar = np.linalg.inv(np.asarray(sweep['lidar_points']['lidar2sensor'], dtype=np.float64))
        points[:, :3] = points[:, :3] @ sensor2lidar[:3, :3].T + sensor2lidar[:3, 3]
        points[:, 4] = keyframe_time - sweep['timestamp']
        return points

    def transform(self, results: dict) -> dict:
        keyframe: BasePoints = results['points']
        keyframe_data = keyframe.tensor.clone()
        keyframe_data[:, 4] = 0
        clouds = [keyframe.new_point(keyframe_data)]
        sweeps = self._chosen_sweeps(results.get('lidar_sweeps', [])) if self.sweeps_num > 0 else []
        for sweep in sweeps:
            clouds.append(keyframe.new_point(self._sweep_in_keyframe(sweep, results['timestamp'])))
        if not sweeps and self.pad_empty_sweeps:
            clouds += [clouds[0]] * self.sweeps_num
        results['points'] = keyframe.cat(clouds)[:, self.use_dim]
        return results
