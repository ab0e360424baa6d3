"""Writes the 13 nuScenes tables: the static ones (category, attribute, visibility, sensor,
calibrated_sensor, map) from the taxonomy and the rig, the per-scene ones from the scene recorders."""
import json
import os

from pyquaternion import Quaternion

from .geometry import rotation_z
from .map_writer import basemap_filename
from .scene_recorder import calibrated_sensor_token, sensor_token
from .sensors import CAMERA_NAMES, SensorRig
from .taxonomy import ATTRIBUTES, CATEGORIES, VISIBILITY_LEVELS
from .tokens import make_token

TABLES = ('attribute', 'calibrated_sensor', 'category', 'ego_pose', 'instance', 'log', 'map', 'sample',
          'sample_annotation', 'sample_data', 'scene', 'sensor', 'visibility')


def attribute_tokens() -> dict:
    return {name: make_token('attribute', name) for name in ATTRIBUTES}


def _quaternion(matrix) -> list:
    """[w, x, y, z] of a rotation matrix (float64; the devkit's Quaternion checks orthogonality)."""
    return [float(v) for v in Quaternion(matrix=matrix, atol=1e-9).elements]


def static_tables(rig: SensorRig, location: str, log_tokens: list) -> dict:
    """Rows of the tables that do not depend on the scenes' content."""
    channels = ('LIDAR_TOP',) + CAMERA_NAMES
    calibrated = [{'token': calibrated_sensor_token('LIDAR_TOP'), 'sensor_token': sensor_token('LIDAR_TOP'),
                   'translation': list(rig.lidar.translation), 'rotation': _quaternion(rotation_z(rig.lidar.yaw)),
                   'camera_intrinsic': []}]
    for name in CAMERA_NAMES:
        camera = rig.cameras[name]
        calibrated.append({'token': calibrated_sensor_token(name), 'sensor_token': sensor_token(name),
                           'translation': list(camera.translation), 'rotation': _quaternion(camera.rotation),
                           'camera_intrinsic': camera.intrinsic.tolist()})
    return {
        'category': [{'token': make_token('category', name), 'name': name, 'description': name, 'index': index}
                     for index, name in enumerate(CATEGORIES)],
        'attribute': [{'token': token, 'name': name, 'description': name} for name, token in
                      attribute_tokens().items()],
        'visibility': [{'token': token, 'level': level, 'description': f'visibility of whole object is {level}'}
                       for token, level, _ in VISIBILITY_LEVELS],
        'sensor': [{'token': sensor_token(c), 'channel': c, 'modality': 'lidar' if c == 'LIDAR_TOP' else 'camera'}
                   for c in channels],
        'calibrated_sensor': calibrated,
        'map': [{'token': make_token('map', location), 'log_tokens': log_tokens, 'category': 'semantic_prior',
                 'filename': basemap_filename(location)}],
    }


def write_tables(dataroot: str, version: str, rig: SensorRig, location: str, scenes: list) -> str:
    """Write all 13 tables under ``<dataroot>/<version>/``.

    Args:
        dataroot: Dataset root.
        version: Table version folder name (e.g. 'v1.0-trainval').
        rig: The sensor rig (for calibrated_sensor).
        location: Map name of every log.
        scenes: `SceneRows` of every recorded scene, in scene order.

    Returns:
        The table folder.
    """
    tables = {name: [] for name in TABLES}
    for rows in scenes:
        for name in ('log', 'scene', 'sample', 'sample_data', 'ego_pose', 'instance', 'sample_annotation'):
            tables[name].extend(getattr(rows, name))
    tables.update(static_tables(rig, location, [log['token'] for log in tables['log']]))
    folder = os.path.join(dataroot, version)
    os.makedirs(folder, exist_ok=True)
    for name in TABLES:
        with open(os.path.join(folder, f'{name}.json'), 'w') as f:
            json.dump(tables[name], f)
    return folder
