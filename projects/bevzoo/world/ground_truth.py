"""Per-keyframe ground truth derived from the renders: LiDAR point counts and camera visibility per actor."""
import numpy as np

from .sensors import LidarSweep
from .taxonomy import VISIBILITY_LEVELS


def lidar_point_counts(sweep: LidarSweep, num_actors: int) -> np.ndarray:
    """Number of rendered LiDAR points [A] on each actor."""
    owner = sweep.owner[sweep.owner >= 0]
    return np.bincount(owner, minlength=num_actors)


def visible_fractions(images: list, num_actors: int) -> np.ndarray:
    """Fraction [A] of each actor's pixels, over all cameras, not hidden behind something else (0 if unseen)."""
    visible = np.zeros(num_actors)
    unoccluded = np.zeros(num_actors)
    for image in images:
        seen = image.actor[image.actor >= 0]
        visible += np.bincount(seen, minlength=num_actors)
        unoccluded += image.unoccluded
    return np.divide(visible, unoccluded, out=np.zeros(num_actors), where=unoccluded > 0)


def visibility_token(fraction: float) -> str:
    """nuScenes visibility token ('1' = 0-40 % ... '4' = 80-100 %) of a visible fraction."""
    for token, _, upper in VISIBILITY_LEVELS:
        if fraction < upper:
            return token
    return VISIBILITY_LEVELS[-1][0]
