"""Pictures of predictions for ``tools/test.py --show-dir``: BEV boxes, map, occupancy, cameras."""
from .sample_figure import sample_figure

__all__ = ['sample_figure']
