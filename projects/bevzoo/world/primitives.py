"""Oriented boxes: the one solid primitive the ray caster and the occupancy labels understand."""
from dataclasses import dataclass

import numpy as np


@dataclass
class BoxSet:
    """A set of yaw-oriented boxes.

    Attributes:
        center: [N, 3] geometric centres (global frame).
        size: [N, 3] length (along yaw), width, height.
        yaw: [N] heading in radians.
        material: [N] index into `materials.MATERIALS`.
        occ: [N] Occ3D label.
        owner: [N] actor index the box belongs to, -1 for static scenery.
    """
    center: np.ndarray
    size: np.ndarray
    yaw: np.ndarray
    material: np.ndarray
    occ: np.ndarray
    owner: np.ndarray

    @classmethod
    def empty(cls) -> 'BoxSet':
        return cls(np.zeros((0, 3)), np.zeros((0, 3)), np.zeros(0), np.zeros(0, np.int64),
                   np.zeros(0, np.int64), np.zeros(0, np.int64))

    @classmethod
    def from_rows(cls, rows: list) -> 'BoxSet':
        """Build from rows ``(cx, cy, cz, l, w, h, yaw, material, occ, owner)``."""
        if not rows:
            return cls.empty()
        a = np.asarray(rows, np.float64)
        return cls(a[:, 0:3], a[:, 3:6], a[:, 6], a[:, 7].astype(np.int64), a[:, 8].astype(np.int64),
                   a[:, 9].astype(np.int64))

    @classmethod
    def concatenate(cls, sets: list) -> 'BoxSet':
        return cls(*(np.concatenate([getattr(s, f) for s in sets]) for f in
                     ('center', 'size', 'yaw', 'material', 'occ', 'owner')))

    def __len__(self) -> int:
        return len(self.yaw)

    def select(self, mask: np.ndarray) -> 'BoxSet':
        return BoxSet(self.center[mask], self.size[mask], self.yaw[mask], self.material[mask], self.occ[mask],
                      self.owner[mask])

    def corners_xy(self) -> np.ndarray:
        """Footprint corners [N, 4, 2]."""
        c, s = np.cos(self.yaw), np.sin(self.yaw)
        half_l, half_w = self.size[:, 0] / 2, self.size[:, 1] / 2
        local = np.array([[1, 1], [1, -1], [-1, -1], [-1, 1]], np.float64)
        dx = local[None, :, 0] * half_l[:, None]
        dy = local[None, :, 1] * half_w[:, None]
        x = self.center[:, None, 0] + dx * c[:, None] - dy * s[:, None]
        y = self.center[:, None, 1] + dx * s[:, None] + dy * c[:, None]
        return np.stack([x, y], axis=-1)

    def contains(self, points: np.ndarray, margin: float = 0.0) -> np.ndarray:
        """Whether points [P, 3] lie inside each box (grown by ``margin``): [P, N] bool."""
        d = points[:, None, :] - self.center[None]
        c, s = np.cos(self.yaw), np.sin(self.yaw)
        local_x = d[..., 0] * c + d[..., 1] * s
        local_y = -d[..., 0] * s + d[..., 1] * c
        half = self.size / 2 + margin
        return ((np.abs(local_x) <= half[:, 0]) & (np.abs(local_y) <= half[:, 1])
                & (np.abs(d[..., 2]) <= half[:, 2]))
