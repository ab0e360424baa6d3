"""Map expansion records collected while the town is built (polygons and lines per nuScenes layer)."""
from dataclasses import dataclass, field

import numpy as np

POLYGON_LAYERS = ('drivable_area', 'road_segment', 'road_block', 'lane', 'ped_crossing', 'walkway', 'stop_line',
                  'carpark_area')
LINE_LAYERS = ('road_divider', 'lane_divider', 'traffic_light')


@dataclass
class MapLayers:
    """Geometry of every map layer: ``polygons[layer]`` and ``lines[layer]`` are lists of (points [N, 2], fields)."""
    polygons: dict = field(default_factory=lambda: {layer: [] for layer in POLYGON_LAYERS})
    lines: dict = field(default_factory=lambda: {layer: [] for layer in LINE_LAYERS})

    def add_polygon(self, layer: str, corners: np.ndarray, **fields) -> int:
        """Add a polygon record; returns its index in the layer."""
        self.polygons[layer].append((np.asarray(corners, np.float64), fields))
        return len(self.polygons[layer]) - 1

    def add_line(self, layer: str, points: np.ndarray, **fields) -> int:
        """Add a line record; returns its index in the layer."""
        self.lines[layer].append((np.asarray(points, np.float64), fields))
        return len(self.lines[layer]) - 1
