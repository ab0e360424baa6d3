"""Same seed, same world; bad input gets clear errors."""
import numpy as np
import pytest

from bevzoo.world import Scene, TownConfig, TrafficConfig, WorldConfig, nuscenes_rig, render_lidar, world_statistics
from bevzoo.world.materials import material_index
from bevzoo.world.paths import resample_polyline
from bevzoo.world.sensors import SensorConfig
from bevzoo.world.town import Town

_SMALL_TOWN = TownConfig(blocks_x=2, blocks_y=2)


def _lidar_after(town_seed: int, scene_seed: int) -> np.ndarray:
    town = Town.generate(_SMALL_TOWN, town_seed)
    scene = Scene(town, TrafficConfig(), scene_seed, route_length=100.0)
    for _ in range(10):
        scene.step(0.1)
    rig = nuscenes_rig(SensorConfig(lidar_azimuth_steps=360))
    return render_lidar(scene, rig.lidar, np.random.default_rng(scene_seed)).points


def test_same_seed_same_world():
    first, second = Town.generate(_SMALL_TOWN, 3), Town.generate(_SMALL_TOWN, 3)
    np.testing.assert_array_equal(first.ground.surface, second.ground.surface)
    np.testing.assert_array_equal(first.scenery.center, second.scenery.center)
    np.testing.assert_array_equal(_lidar_after(3, 7), _lidar_after(3, 7))


def _differ(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape != b.shape or not np.array_equal(a, b)


def test_different_seed_different_world():
    assert _differ(Town.generate(_SMALL_TOWN, 3).scenery.center, Town.generate(_SMALL_TOWN, 4).scenery.center)
    assert _differ(_lidar_after(3, 7), _lidar_after(3, 8))


def test_ego_pose_can_be_driven_from_outside():
    scene = Scene(Town.generate(_SMALL_TOWN, 3), TrafficConfig(), 1, route_length=100.0)
    x, y = scene.town.network.lanes[0].points[5]
    scene.set_ego_pose(x, y, 0.5, 3.0)
    scene.step(0.05)  # an externally driven ego stays where it was put
    assert scene.ego_pose() == pytest.approx((x, y, 0.5))
    assert scene.annotations().actor.min() > 0  # the ego is never annotated


@pytest.mark.parametrize('changes, message', [
    (dict(train_scenes=0, val_scenes=0), 'at least one scene'),
    (dict(keyframes_per_scene=1), 'keyframes_per_scene'),
    (dict(version='v1.0-test'), 'version'),
])
def test_bad_config_is_refused(changes, message):
    with pytest.raises(ValueError, match=message):
        WorldConfig(**changes)


@pytest.mark.parametrize('build, message', [
    (lambda: SensorConfig(image_width=0), 'image_width'),
    (lambda: SensorConfig(jpeg_quality=101), 'jpeg_quality'),
    (lambda: TownConfig(blocks_x=0), 'at least 1 x 1 blocks'),
    (lambda: TownConfig(location='springfield'), 'nuScenes map name'),
    (lambda: TownConfig(block_pitch=30.0), 'no room for blocks'),
])
def test_bad_sub_configs_are_refused(build, message):
    with pytest.raises(ValueError, match=message):
        build()


def test_bad_inputs_name_the_problem(tmp_path):
    with pytest.raises(ValueError, match='zero length'):
        resample_polyline(np.zeros((3, 2)))
    with pytest.raises(KeyError, match='unknown material'):
        material_index('unobtainium')
    scene = Scene(Town.generate(_SMALL_TOWN, 3), TrafficConfig(), 1, route_length=100.0)
    with pytest.raises(ValueError, match='dt > 0'):
        scene.step(0.0)
    with pytest.raises(FileNotFoundError, match='scene'):
        world_statistics(str(tmp_path), 'v1.0-trainval')


def test_world_statistics_meet_the_difficulty_targets(tiny_world):
    root, version = tiny_world
    stats = world_statistics(root, version)
    assert stats.objects_within_50m >= 25
    density = list(stats.points_per_m2_by_range.values())
    assert all(a > b for a, b in zip(density[:-1], density[1:]))  # LiDAR density falls with range
    assert stats.points_per_keyframe > 10000 and 0 < stats.points_per_sweep < stats.points_per_keyframe
    assert sum(stats.visibility_counts.values()) == sum(stats.attribute_counts.values())
