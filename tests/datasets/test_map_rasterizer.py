"""Our map rasteriser agrees with the devkit's ``NuScenesMap.get_map_mask`` and caches what it drew."""
import cv2
import numpy as np
from nuscenes.map_expansion.map_api import NuScenesMap

from bevzoo.datasets.bev_grid import BEVGrid
from bevzoo.datasets.constants import MAP_CLASS_LAYERS
from bevzoo.datasets.map_rasterizer import MapMaskRasterizer, MaskCache

from . import nuscenes_fixture as fx


def test_polygon_layers_match_the_devkit_mask(nusc_fixture):
    lidar2global = fx.ego_pose(dict(fx.SCENES)['scene-0001'], 0.4) @ fx.pose_matrix_of(*fx.LIDAR_CALIB)
    ours = MapMaskRasterizer(nusc_fixture.root, MAP_CLASS_LAYERS).rasterize(fx.MAP_NAME, lidar2global, BEVGrid())
    yaw = np.degrees(np.arctan2(lidar2global[1, 0], lidar2global[0, 0]))
    devkit = NuScenesMap(nusc_fixture.root, fx.MAP_NAME).get_map_mask(
        (*lidar2global[:2, 3], 100.0, 100.0), yaw, ['drivable_area', 'walkway', 'carpark_area'], (200, 200))
    # The devkit puts pixel centres on cell corners and rounds vertices to whole pixels, so borders may
    # differ by a pixel: ours must contain its 1-pixel erosion and lie inside its 1-pixel dilation.
    kernel = np.ones((3, 3), np.uint8)
    for ours_layer, devkit_layer in zip(ours[[0, 2, 4]], devkit):
        assert devkit_layer.sum() > 100
        assert np.all(ours_layer >= cv2.erode(devkit_layer, kernel))
        assert np.all(ours_layer <= cv2.dilate(devkit_layer, kernel))
    assert ours[5].sum() > 0 and ours[3].sum() > 0  # dividers and the stop line are drawn too


def test_mask_cache_round_trip(tmp_path):
    mask = (np.random.default_rng(0).random((6, 40, 30)) > 0.5).astype(np.uint8)
    cache = MaskCache(str(tmp_path), key='grid-a')
    assert cache.load('token') is None
    cache.save('token', mask)
    np.testing.assert_array_equal(cache.load('token'), mask)
    assert MaskCache(str(tmp_path), key='grid-b').load('token') is None  # other settings, other folder
