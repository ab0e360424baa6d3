"""Writes the town's map in the nuScenes map expansion format (``maps/expansion/<location>.json``) and the
rasterised basemap PNG the devkit's ``NuScenes`` opens for every map record."""
import json
import os

import cv2
import numpy as np

from .ground import SURFACE
from .map_layers import LINE_LAYERS, POLYGON_LAYERS
from .tokens import make_token
from .town import Town

MAP_VERSION = '1.3'
BASEMAP_RESOLUTION = 0.1  # metres per pixel (nuScenes' semantic priors use 10 px/m)
_DRIVABLE_SURFACES = ('road', 'parking', 'carpark')


class _Geometry:
    """Collects the geometric layers (node, line, polygon) with deterministic tokens."""

    def __init__(self, location: str) -> None:
        self.location = location
        self.node, self.line, self.polygon = [], [], []

    def _nodes(self, points: np.ndarray) -> list:
        tokens = []
        for x, y in points:
            token = make_token(self.location, 'node', len(self.node))
            self.node.append({'token': token, 'x': round(float(x), 3), 'y': round(float(y), 3)})
            tokens.append(token)
        return tokens

    def add_polygon(self, corners: np.ndarray) -> str:
        token = make_token(self.location, 'polygon', len(self.polygon))
        self.polygon.append({'token': token, 'exterior_node_tokens': self._nodes(corners), 'holes': []})
        return token

    def add_line(self, points: np.ndarray) -> str:
        token = make_token(self.location, 'line', len(self.line))
        self.line.append({'token': token, 'node_tokens': self._nodes(points)})
        return token


def _layer_token(location: str, layer: str, index: int) -> str:
    return make_token(location, layer, index)


def _polygon_records(town: Town, geometry: _Geometry) -> dict:
    """Records of the polygon layers; drivable_area becomes one record listing all its polygons."""
    location, layers = town.config.location, town.map_layers
    records = {layer: [] for layer in POLYGON_LAYERS}
    records['drivable_area'] = [{'token': _layer_token(location, 'drivable_area', 0),
                                 'polygon_tokens': [geometry.add_polygon(c) for c, _ in
                                                    layers.polygons['drivable_area']]}]
    for layer in POLYGON_LAYERS[1:]:
        for index, (corners, fields) in enumerate(layers.polygons[layer]):
            record = {'token': _layer_token(location, layer, index), 'polygon_token': geometry.add_polygon(corners)}
            record.update(_layer_fields(location, layer, fields, town))
            records[layer].append(record)
    return records


def _layer_fields(location: str, layer: str, fields: dict, town: Town) -> dict:
    """The non-geometric fields each layer carries in nuScenes' map expansion."""
    if layer == 'road_segment':
        return {'is_intersection': bool(fields['is_intersection']),
                'drivable_area_token': _layer_token(location, 'drivable_area', 0)}
    if layer == 'road_block':
        return {'from_edge_line_token': '', 'to_edge_line_token': '',
                'road_segment_token': _layer_token(location, 'road_segment', fields['road_segment'])}
    if layer == 'lane':
        return {'lane_type': 'CAR', 'from_edge_line_token': '', 'to_edge_line_token': '',
                'left_lane_divider_segments': [], 'right_lane_divider_segments': []}
    if layer == 'ped_crossing':
        return {'road_segment_token': _layer_token(location, 'road_segment', fields['road_segment'])}
    if layer == 'stop_line':
        return {'stop_line_type': 'PED_CROSSING', 'road_block_token': '', 'traffic_light_tokens': [],
                'ped_crossing_tokens': [_layer_token(location, 'ped_crossing', fields['ped_crossing'])]}
    if layer == 'carpark_area':
        return {'orientation': 0.0, 'road_block_token': ''}
    return {}


def _line_records(town: Town, geometry: _Geometry) -> dict:
    location = town.config.location
    records = {}
    for layer in LINE_LAYERS:
        records[layer] = []
        for index, (points, _) in enumerate(town.map_layers.lines[layer]):
            record = {'token': _layer_token(location, layer, index), 'line_token': geometry.add_line(points)}
            if layer == 'traffic_light':
                heading = float(np.arctan2(*(points[1] - points[0])[::-1]))
                record.update({'traffic_light_type': 'VERTICAL', 'from_road_block_token': '', 'items': [],
                               'pose': {'tx': float(points[0, 0]), 'ty': float(points[0, 1]), 'tz': 4.95,
                                        'rx': 0.0, 'ry': 0.0, 'rz': heading}})
            else:
                record['road_segment_token'] = ''
            records[layer].append(record)
    return records


def write_map_expansion(town: Town, dataroot: str) -> str:
    """Write ``maps/expansion/<location>.json``; returns its path."""
    geometry = _Geometry(town.config.location)
    content = {'version': MAP_VERSION, 'canvas_edge': [town.width, town.height]}
    content.update(_polygon_records(town, geometry))
    content.update(_line_records(town, geometry))
    content.update({'polygon': geometry.polygon, 'line': geometry.line, 'node': geometry.node,
                    'lane_connector': [], 'arcline_path_3': {}, 'connectivity': {}})
    path = os.path.join(dataroot, 'maps', 'expansion', f'{town.config.location}.json')
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        json.dump(content, f)
    return path


def basemap_filename(location: str) -> str:
    """Path of the basemap PNG relative to the dataset root (as the ``map`` table stores it)."""
    return f'maps/{make_token(location, "basemap")}.png'


def write_basemap(town: Town, dataroot: str) -> str:
    """Write the drivable-area basemap PNG (10 px/m, row 0 = largest y, as nuScenes' ``MapMask`` reads it)."""
    if abs(town.ground.resolution - BASEMAP_RESOLUTION) > 1e-9:
        step = BASEMAP_RESOLUTION / town.ground.resolution
        rows = (np.arange(int(town.height / BASEMAP_RESOLUTION)) * step).astype(np.int64)
        cols = (np.arange(int(town.width / BASEMAP_RESOLUTION)) * step).astype(np.int64)
        surface = town.ground.surface[np.ix_(rows, cols)]
    else:
        surface = town.ground.surface
    drivable = np.isin(surface, [SURFACE[name] for name in _DRIVABLE_SURFACES])
    path = os.path.join(dataroot, basemap_filename(town.config.location))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    cv2.imwrite(path, (drivable[::-1] * 255).astype(np.uint8))
    return path
