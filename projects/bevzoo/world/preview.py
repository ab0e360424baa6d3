"""A preview image of one keyframe of a nuScenes-format dataset: the six cameras with the annotated boxes,
and a bird's-eye view with the map layers, the LiDAR points and the boxes."""
import os

import cv2
import numpy as np
from nuscenes import NuScenes
from nuscenes.map_expansion.map_api import NuScenesMap
from nuscenes.utils.data_classes import LidarPointCloud
from nuscenes.utils.geometry_utils import BoxVisibility
from pyquaternion import Quaternion

_GRID = (('CAM_FRONT_LEFT', 'CAM_FRONT', 'CAM_FRONT_RIGHT'), ('CAM_BACK_LEFT', 'CAM_BACK', 'CAM_BACK_RIGHT'))
_BEV_METRES, _BEV_PIXELS = 100.0, 450
# BGR colours of the map layers (drawn in order) and of the boxes by category prefix.
_MAP_COLORS = (('drivable_area', (90, 90, 90)), ('carpark_area', (70, 110, 140)), ('walkway', (120, 160, 120)),
               ('ped_crossing', (180, 180, 90)), ('stop_line', (60, 60, 200)), ('road_divider', (40, 200, 230)),
               ('lane_divider', (230, 230, 230)))
_BOX_COLORS = (('vehicle.car', (255, 160, 40)), ('vehicle', (40, 120, 255)), ('human', (60, 220, 60)),
               ('movable_object', (200, 60, 200)), ('', (180, 180, 180)))


def _box_color(category: str) -> tuple:
    return next(color for prefix, color in _BOX_COLORS if category.startswith(prefix))


def _camera_panel(nusc: NuScenes, sample: dict, channel: str) -> np.ndarray:
    path, boxes, intrinsic = nusc.get_sample_data(sample['data'][channel], box_vis_level=BoxVisibility.ANY)
    image = cv2.imread(path)
    if image is None:
        raise FileNotFoundError(f'camera image missing or unreadable: {path}')
    for box in boxes:
        color = _box_color(box.name)
        box.render_cv2(image, view=intrinsic, normalize=True, colors=(color, color, color), linewidth=1)
    cv2.putText(image, channel, (4, 14), cv2.FONT_HERSHEY_SIMPLEX, 0.4, (255, 255, 255), 1)
    return image


def _bev_panel(nusc: NuScenes, sample: dict, location: str) -> np.ndarray:
    lidar = nusc.get('sample_data', sample['data']['LIDAR_TOP'])
    pose = nusc.get('ego_pose', lidar['ego_pose_token'])
    yaw = Quaternion(pose['rotation']).yaw_pitch_roll[0]
    layers = [name for name, _ in _MAP_COLORS]
    masks = NuScenesMap(nusc.dataroot, location).get_map_mask(
        (pose['translation'][0], pose['translation'][1], _BEV_METRES, _BEV_METRES), np.degrees(yaw), layers,
        (_BEV_PIXELS, _BEV_PIXELS))
    canvas = np.full((_BEV_PIXELS, _BEV_PIXELS, 3), 30, np.uint8)
    for mask, (_, color) in zip(masks, _MAP_COLORS):
        canvas[mask.T[::-1, ::-1].astype(bool)] = color  # mask[y, x] in the ego frame -> forward up, left left
    scale = _BEV_PIXELS / _BEV_METRES

    def to_pixels(xy: np.ndarray) -> np.ndarray:
        """Ego-frame (x forward, y left) [2, N] -> image (col, row) [N, 2]."""
        return np.stack([_BEV_PIXELS / 2 - xy[1] * scale, _BEV_PIXELS / 2 - xy[0] * scale], axis=1)
    _, boxes, _ = nusc.get_sample_data(sample['data']['LIDAR_TOP'])
    cloud = LidarPointCloud.from_file(os.path.join(nusc.dataroot, lidar['filename']))
    calib = nusc.get('calibrated_sensor', lidar['calibrated_sensor_token'])
    points = Quaternion(calib['rotation']).rotation_matrix @ cloud.points[:3] + np.array(calib['translation'])[:, None]
    pixels = to_pixels(points[:2]).astype(np.int64)
    keep = (pixels >= 0).all(axis=1) & (pixels < _BEV_PIXELS).all(axis=1)
    heights = np.clip((points[2, keep] + 0.5) / 4.0, 0, 1)
    canvas[pixels[keep, 1], pixels[keep, 0]] = np.stack([255 * (1 - heights), 255 * heights,
                                                         np.full_like(heights, 255)], axis=1).astype(np.uint8)
    for box in boxes:
        box.rotate(Quaternion(calib['rotation']))
        box.translate(np.array(calib['translation']))
        corners = to_pixels(box.bottom_corners()[:2]).astype(np.int32)
        cv2.polylines(canvas, [corners], True, _box_color(box.name), 1)
    return canvas


def render_preview(dataroot: str, version: str, sample_index: int = 0) -> np.ndarray:
    """The six cameras (2 x 3, boxes drawn) beside a 100 m bird's-eye view of one keyframe: [H, W, 3] BGR."""
    nusc = NuScenes(version, dataroot, verbose=False)
    if not 0 <= sample_index < len(nusc.sample):
        raise IndexError(f'sample_index {sample_index} out of range: {dataroot} has {len(nusc.sample)} samples')
    sample = nusc.sample[sample_index]
    location = nusc.get('log', nusc.get('scene', sample['scene_token'])['log_token'])['location']
    rows = [np.concatenate([_camera_panel(nusc, sample, channel) for channel in row], axis=1) for row in _GRID]
    cameras = np.concatenate(rows, axis=0)
    bev = cv2.resize(_bev_panel(nusc, sample, location), (cameras.shape[0], cameras.shape[0]))
    return np.concatenate([cameras, bev], axis=1)
