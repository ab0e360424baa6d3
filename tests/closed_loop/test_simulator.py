"""The built-in world in closed loop: scripted collisions, red lights and off-road driving, and the expert."""
import json

import numpy as np
import pytest

from bevzoo.closed_loop.criteria import ActorKind, CollisionCounter
from bevzoo.closed_loop.evaluate import evaluate
from bevzoo.closed_loop.expert_agent import ExpertAgent
from bevzoo.closed_loop.score import InfractionKind as K
from bevzoo.closed_loop.sim.bicycle import EgoState
from bevzoo.closed_loop.sim.routes import RouteFileError, load_route_set
from bevzoo.closed_loop.sim.runner import RouteRunner
from bevzoo.closed_loop.sim.world_sim import SimWorld
from bevzoo.world.spawner import MOVER, STATIC, WALKER


@pytest.fixture(scope='module')
def default_runner(routes_dir):
    return RouteRunner(load_route_set(f'{routes_dir}/default.json'))


class LightBlindExpert(ExpertAgent):
    """The expert, but it never sees a traffic light (scripted red-light runner)."""

    def _next_light(self, along):
        return None, None


class OffsetDriver(LightBlindExpert):
    """Follows the route 6 m to the right of it, beyond the lanes (scripted off-road driver)."""

    def _lane_ahead(self, pose):
        path = super()._lane_ahead(pose)
        direction = np.gradient(path, axis=0)
        right = np.stack([direction[:, 1], -direction[:, 0]], axis=1) / np.linalg.norm(direction, axis=1, keepdims=True)
        return path + 6.0 * right

    def _objects(self, pose):
        return np.zeros((0, 8))  # drives through whatever stands on the sidewalk


def _ego_on(world, position, yaw=0.0) -> EgoState:
    """An ego whose body centre is at ``position``."""
    offset = world.params.length / 2 - world.params.rear_overhang
    return EgoState(position[0] - offset * np.cos(yaw), position[1] - offset * np.sin(yaw), yaw)


def test_contacts_with_vehicle_pedestrian_and_layout(default_runner):
    spec = default_runner.route_set.routes[0]
    world = SimWorld(default_runner.town, default_runner.lane_map, default_runner.route_set.traffic, spec.scene_seed)
    scene = world.scene
    actors = range(1, len(scene.kind))
    parked = next(a for a in actors if scene.mode[a] == STATIC and world.kinds[a] is ActorKind.VEHICLE)
    walker = next(a for a in actors if scene.mode[a] == WALKER)
    counter = CollisionCounter()
    for target, kind in ((parked, ActorKind.VEHICLE), (walker, ActorKind.PEDESTRIAN)):
        contacts = world.contacts(_ego_on(world, scene.position[target], float(scene.yaw[target])))
        assert (target, kind) in [(c.actor_id, c.actor_kind) for c in contacts]
        counter.update(scene.time, contacts[0].ego_location)
        counter.add(next(c for c in contacts if c.actor_id == target))
    building = int(np.argmax(default_runner.town.scenery.size[:, 0] * default_runner.town.scenery.size[:, 1]))
    contacts = world.contacts(_ego_on(world, default_runner.town.scenery.center[building, :2]))
    assert any(c.actor_kind is ActorKind.STATIC for c in contacts)
    assert [e.kind for e in counter.events] == [K.COLLISION_VEHICLE, K.COLLISION_PEDESTRIAN]


@pytest.mark.parametrize('state, expected', [('red', True), ('green', False)])
def test_red_light_detection(default_runner, monkeypatch, state, expected):
    monkeypatch.setattr(SimWorld, 'light_states', lambda self: {i: state for i in range(len(self.town.lights))})
    spec = default_runner.route_set.routes[0]  # straight through an intersection
    result, _ = default_runner.run(spec, LightBlindExpert(None), max_time=30.0)
    assert (result.count(K.RED_LIGHT) > 0) == expected


def test_off_road_detection(default_runner):
    result, _ = default_runner.run(default_runner.route_set.routes[0], OffsetDriver(None), max_time=15.0)
    off = [e for e in result.infractions if e.kind is K.OUTSIDE_ROUTE_LANES]
    assert off and off[0].percentage > 50.0  # it needs a few metres to leave the lane, then stays out
    assert result.infraction_penalty <= 1.0 - off[0].percentage / 100.0 + 1e-9


def test_expert_completes_a_short_route(routes_dir, tmp_path):
    def make_agent(version):
        agent = ExpertAgent('localhost', 2000)  # Leaderboard 2.0 construction: setup comes after
        agent.setup(None)
        return agent
    lines = []
    results, summary = evaluate(make_agent, f'{routes_dir}/short.json', str(tmp_path), log=lines.append)
    assert results[0].route_completion == 100.0 and results[0].status in ('Perfect', 'Completed')
    assert summary.driving_score >= 60.0
    saved = json.loads((tmp_path / 'results.json').read_text())
    assert saved['routes'][0]['route_id'] == 'short_00' and 'not comparable' in saved['note']
    assert (tmp_path / 'short_00.png').stat().st_size > 0
    assert 'short_00' in lines[-1] and 'infractions per km' in lines[-1]


def test_bad_route_files(tmp_path):
    with pytest.raises(RouteFileError, match='does not exist'):
        load_route_set(str(tmp_path / 'missing.json'))
    bad = tmp_path / 'bad.json'
    bad.write_text('{"routes": [{"id": "a", "scene_seed": 0, "waypoints": [[0, 0]]}]}')
    with pytest.raises(RouteFileError, match='at least 2 points'):
        load_route_set(str(bad))
    bad.write_text('{"world": {"town": {"blocks": 3}}, "routes": [{"id": "a", "scene_seed": 0, '
                   '"waypoints": [[0, 0], [1, 0]]}]}')
    with pytest.raises(RouteFileError, match='unknown TownConfig fields'):
        load_route_set(str(bad))


def test_world_ego_body_matches_the_bicycle(default_runner):
    spec = default_runner.route_set.routes[0]
    world = SimWorld(default_runner.town, default_runner.lane_map, default_runner.route_set.traffic, spec.scene_seed)
    ego = EgoState(100.0, 50.0, 0.3, 2.0)
    world.place_ego(ego)
    assert np.allclose(world.scene.ego_pose(), (100.0, 50.0, 0.3))
    assert np.allclose(world.scene.position[0], ego.centre(world.params))  # the body the others see and sensors use


def test_vehicles_gridlocked_in_an_intersection_are_removed(default_runner):
    spec = default_runner.route_set.routes[0]
    world = SimWorld(default_runner.town, default_runner.lane_map, default_runner.route_set.traffic, spec.scene_seed)
    scene = world.scene
    mover = next(a for a in range(1, len(scene.kind)) if scene.mode[a] == MOVER)
    connector = next(lane for lane in world.lane_map.lanes if lane.is_connector)
    scene.position[mover], scene.speed[mover] = connector.points[len(connector.points) // 2], 0.0
    assert not world._gridlocked()[mover]
    scene.time += 21.0  # standing in the intersection for more than GRIDLOCK_TIME
    stuck = world._gridlocked()
    assert stuck[mover] and stuck.sum() >= 1
    world._retire(stuck)
    assert scene.mode[mover] == STATIC and np.linalg.norm(scene.position[mover]) > 1000.0
