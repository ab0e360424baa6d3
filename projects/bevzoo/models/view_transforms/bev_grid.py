"""The regular 3D grid of BEV cells that camera features are pooled into."""
from dataclasses import dataclass
from typing import Sequence, Tuple


@dataclass(frozen=True)
class BEVGrid:
    """Axis-aligned cells given by three ``(lower, upper, step)`` bounds in the augmented LiDAR frame.

    Attributes:
        xbound: ``(x_min, x_max, x_step)`` in metres.
        ybound: ``(y_min, y_max, y_step)`` in metres.
        zbound: ``(z_min, z_max, z_step)`` in metres.
    """
    xbound: Tuple[float, float, float]
    ybound: Tuple[float, float, float]
    zbound: Tuple[float, float, float]

    def __post_init__(self) -> None:
        for name in ('xbound', 'ybound', 'zbound'):
            lower, upper, step = getattr(self, name)
            if not (step > 0 and upper > lower):
                raise ValueError(f'{name} must be (lower, upper, step) with upper > lower and step > 0, '
                                 f'got {getattr(self, name)}')

    @classmethod
    def from_bounds(cls, xbound: Sequence[float], ybound: Sequence[float], zbound: Sequence[float]) -> 'BEVGrid':
        return cls(tuple(xbound), tuple(ybound), tuple(zbound))

    @property
    def shape(self) -> Tuple[int, int, int]:
        """``(Z, Y, X)`` number of cells along each axis."""
        return tuple(round((upper - lower) / step) for lower, upper, step in (self.zbound, self.ybound, self.xbound))

    @property
    def lower(self) -> Tuple[float, float, float]:
        """``(x, y, z)`` lower corner in metres."""
        return self.xbound[0], self.ybound[0], self.zbound[0]

    @property
    def cell_size(self) -> Tuple[float, float, float]:
        """``(x, y, z)`` cell size in metres."""
        return self.xbound[2], self.ybound[2], self.zbound[2]
