"""The learned Leaderboard agent end to end in the built-in world, its sensor suite and its configuration.

The model is the world-size LiDAR pillars config with a map head, shrunk, with RANDOMLY INITIALISED
weights that this test saves as the checkpoint: the test checks the plumbing (CARLA-format inputs ->
model -> planner -> controls through the class the Leaderboard would load), not driving quality.
"""
import os.path as osp

import numpy as np
import pytest
import torch

from bevzoo.closed_loop.agent import BevzooAgent, get_entry_point
from bevzoo.closed_loop.agent_options import AgentConfigError
from bevzoo.closed_loop.carla_compat import VehicleControl
from bevzoo.closed_loop.model_runner import PerceptionModel, SensorFrame
from bevzoo.closed_loop.sensor_suite import SensorTrackError
from bevzoo.closed_loop.sim.routes import load_route_set
from bevzoo.closed_loop.sim.runner import RouteRunner

LIDAR_MODEL = '''
_base_ = ['{repo}/configs/lidar/pillars_centerhead_world.py']
test_pipeline = [
    dict(type='LoadLidarPoints', coord_type='LIDAR', load_dim=5, use_dim=5),
    dict(type='PointsRangeFilter', point_cloud_range=_base_.point_cloud_range),
    dict(type='PackMultiTaskInputs', keys=['points']),
]
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
model = dict(heads=dict(det=dict(share_conv_channel=8, separate_head=dict(head_conv=8)),
                        map=dict(type='BEVMapSegmentationHead', in_channels=128,
                                 bev_range=[-51.2, -51.2, 51.2, 51.2], channels=8)))
'''
CAMERA_MODEL = '''
_base_ = ['{repo}/configs/bevfusion/bevfusion_centerhead_world.py']
test_pipeline = [
    dict(type='LoadLidarPoints', coord_type='LIDAR', load_dim=5, use_dim=5),
    dict(type='LoadMultiViewCameras', camera_names={cameras}),
    dict(type='MultiViewImageAug', final_size=_base_.image_size, resize_range=(0.44, 0.44), random=False),
    dict(type='PackMultiTaskInputs', keys=['points', 'img']),
]
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
'''
SIX_CAMERAS = ['CAM_FRONT', 'CAM_FRONT_RIGHT', 'CAM_FRONT_LEFT', 'CAM_BACK', 'CAM_BACK_LEFT', 'CAM_BACK_RIGHT']


def _agent_config(directory, model_config: str, checkpoint, **options) -> str:
    path = osp.join(directory, 'agent_config.py')
    lines = [f'config = {model_config!r}', f'checkpoint = {checkpoint!r}']
    lines += [f'{k} = {v!r}' for k, v in options.items()]
    with open(path, 'w') as f:
        f.write('\n'.join(lines) + '\n')
    return path


@pytest.fixture(scope='module')
def lidar_agent_files(tmp_path_factory, repo_root):
    directory = tmp_path_factory.mktemp('agent')
    config = directory / 'tiny_lidar_map.py'
    config.write_text(LIDAR_MODEL.format(repo=repo_root))
    checkpoint = directory / 'random_init.pth'
    torch.manual_seed(0)
    model = PerceptionModel(str(config), None).model
    torch.save({'state_dict': model.state_dict(), 'meta': {'note': 'random initialisation'}}, checkpoint)
    return directory, str(config), str(checkpoint)


@pytest.mark.slow
def test_learned_agent_drives_through_the_leaderboard_class(lidar_agent_files, routes_dir):
    directory, config, checkpoint = lidar_agent_files
    assert get_entry_point() == 'BevzooAgent'
    agent = BevzooAgent('localhost', 2000)  # Leaderboard 2.0: host, port, then setup
    agent.setup(_agent_config(directory, config, checkpoint, perception_hz=1.0))
    expected = {'sensor.lidar.ray_cast', 'sensor.other.gnss', 'sensor.other.imu', 'sensor.speedometer'}
    assert {s['type'] for s in agent.sensors()} == expected
    calls, controls = [], []
    perceive = agent._perceive
    agent._perceive = lambda *args: calls.append(args[2]) or perceive(*args)
    runner = RouteRunner(load_route_set(osp.join(routes_dir, 'short.json')))
    result, trace = runner.run(runner.route_set.routes[0], agent,
                               on_tick=lambda world, ego, control: controls.append(control), max_time=2.0)
    assert calls[:2] == pytest.approx([0.0, 1.0])  # perception at 1 Hz, control at 20 Hz
    assert len(controls) == 40 and all(isinstance(c, VehicleControl) for c in controls)
    assert all(np.isfinite([c.throttle, c.steer, c.brake]).all() for c in controls)
    assert agent.perceived.drivable is not None and agent.perceived.objects.shape[1] == 8
    assert 0.0 <= result.route_completion <= 100.0 and len(trace.times) >= 4


def test_leaderboard_1_constructor_and_bad_checkpoint(lidar_agent_files, tmp_path):
    directory, config, checkpoint = lidar_agent_files
    agent = BevzooAgent(_agent_config(directory, config, checkpoint, leaderboard_version='1.0'))  # 1.0 calls setup
    assert agent.perception.uses_lidar and agent.rig.cameras == []
    wrong = tmp_path / 'wrong.pth'
    torch.save({'state_dict': {'not_a_weight': torch.zeros(1)}}, wrong)
    with pytest.raises(Exception, match='does not fit'):
        BevzooAgent(_agent_config(str(tmp_path), config, str(wrong)))


def test_six_cameras_do_not_fit_leaderboard_1(tmp_path, repo_root):
    config = tmp_path / 'six_cameras.py'
    config.write_text(CAMERA_MODEL.format(repo=repo_root, cameras=SIX_CAMERAS))
    agent = BevzooAgent(_agent_config(str(tmp_path), str(config), None, leaderboard_version='1.0'))
    with pytest.raises(SensorTrackError, match=r'6 x sensor.camera.rgb .* allows 4'):
        agent.sensors()
    four = BevzooAgent(_agent_config(str(tmp_path), str(config), None, leaderboard_version='1.0',
                                     cameras=SIX_CAMERAS[:4]))
    assert sum(s['type'] == 'sensor.camera.rgb' for s in four.sensors()) == 4


def test_agent_config_errors(tmp_path):
    with pytest.raises(AgentConfigError, match='does not exist'):
        BevzooAgent(str(tmp_path / 'missing.py'))
    bad = tmp_path / 'bad.py'
    bad.write_text("config = 'x.py'\ncheckpoint = None\nperception_rate = 2\n")
    with pytest.raises(AgentConfigError, match='unknown keys'):
        BevzooAgent(str(bad))


def test_carla_inputs_become_the_worlds_frames(tmp_path, repo_root, routes_dir):
    """Images, projections and LiDAR points the agent builds from CARLA-format inputs agree with the world."""
    from bevzoo.closed_loop.frames import Pose2D
    from bevzoo.closed_loop.sim.bicycle import EgoState
    from bevzoo.closed_loop.sim.sensor_readings import SensorReadings, world_lidar
    from bevzoo.closed_loop.sim.world_sim import SimWorld
    from bevzoo.world.config import SensorConfig
    from bevzoo.world.sensors import nuscenes_rig, render_camera, render_lidar

    config = tmp_path / 'six_cameras.py'
    config.write_text(CAMERA_MODEL.format(repo=repo_root, cameras=SIX_CAMERAS))
    agent = BevzooAgent(_agent_config(str(tmp_path), str(config), None))
    runner = RouteRunner(load_route_set(osp.join(routes_dir, 'short.json')))
    route, _ = runner.dense_route(runner.route_set.routes[0])
    world = SimWorld(runner.town, runner.lane_map, runner.route_set.traffic, runner.route_set.routes[0].scene_seed)
    yaw = float(np.arctan2(*(route.points[1] - route.points[0])[::-1]))
    ego = EgoState(*route.points[0], yaw)
    world.place_ego(ego)
    readings = SensorReadings(world, ego, 0.0, agent.sensors(), 0, SensorConfig(), np.random.default_rng(7))
    frame = agent._frame(readings, Pose2D(ego.x, ego.y, ego.yaw), 0.0)

    world_camera = nuscenes_rig(SensorConfig()).cameras['CAM_FRONT_LEFT']
    reference = render_camera(world.scene, world_camera)
    index = agent.perception.camera_names.index('CAM_FRONT_LEFT')
    assert np.abs(frame.images[index].astype(int) - reference.rgb[..., ::-1]).mean() < 1.0
    points_global = np.array([[ego.x + 12 * np.cos(yaw + 0.7), ego.y + 12 * np.sin(yaw + 0.7), 1.0, 1.0]])
    lidar_from_global = np.linalg.inv(frame.ego2global @ frame.lidar2ego)
    projected = frame.cam2img[index] @ np.linalg.inv(frame.cam2lidar[index]) @ lidar_from_global @ points_global.T
    expected = world_camera.intrinsic @ (np.linalg.inv(reference.sensor_to_global) @ points_global.T)[:3]
    assert np.allclose(projected[:2] / projected[2], expected[:2] / expected[2], atol=1e-3)

    sweep = render_lidar(world.scene, world_lidar(next(s for s in agent.sensors() if s['id'] == 'LIDAR_TOP'),
                                                  SensorConfig()), np.random.default_rng(7))
    ours = (frame.ego2global @ frame.lidar2ego @ np.c_[frame.points[:, :3], np.ones(len(frame.points))].T)[:3].T
    theirs = (sweep.sensor_to_global @ np.c_[sweep.points[:, :3], np.ones(len(sweep.points))].T)[:3].T
    assert len(ours) == len(theirs) > 1000 and np.abs(ours - theirs).max() < 1e-3
    assert np.allclose(frame.points[:, 3], sweep.points[:, 3], atol=1e-3)  # intensity back on the 0..255 scale


def test_the_demo_configs_test_pipeline_packs_closed_loop_inputs(repo_root):
    """The demo's multi-task config: its loaders and ground-truth packing are dropped, the rest runs."""
    model = PerceptionModel(osp.join(repo_root, 'configs/m3net/m3net_det-map-occ_world.py'), None)
    assert model.camera_names == tuple(SIX_CAMERAS) and model.uses_lidar
    grid, channel = model.map_grid()
    assert channel == 0 and grid.cell == 0.5
    cameras = len(SIX_CAMERAS)
    frame = SensorFrame([np.zeros((225, 400, 3), np.uint8)] * cameras, np.tile(np.eye(4), (cameras, 1, 1)),
                        np.tile(np.eye(4), (cameras, 1, 1)), np.ones((100, 5), np.float32), np.eye(4), np.eye(4), 0.0)
    packed = model.pipeline(model._results(frame))
    assert set(packed['inputs']) == {'points', 'img'}
    assert packed['inputs']['img'].shape[0] == cameras
