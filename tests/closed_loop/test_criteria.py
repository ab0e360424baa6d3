"""The Leaderboard criteria on scripted ego trajectories."""
import numpy as np
import pytest

from bevzoo.closed_loop.criteria import (ActorKind, BlockedDetector, CollisionCounter, Contact, OutsideRouteLanes,
                                         RedLightCounter, RouteCompletion, RouteDeviation, StopLine, route_timeout)
from bevzoo.closed_loop.route import Route, densify
from bevzoo.closed_loop.score import InfractionKind as K

STRAIGHT = Route('straight', densify(np.array([[0.0, 0.0], [100.0, 0.0]])))


def test_same_actor_within_5_s_counts_once():
    counter = CollisionCounter()
    # t=0 hit vehicle 7 at x=0; the ego moves on (> 5 m) and keeps touching 7 until t=4.9: one collision.
    for t, x in [(0.0, 0.0), (2.0, 10.0), (4.9, 20.0)]:
        counter.update(t, (x, 0.0))
        counter.add(Contact(t, 7, ActorKind.VEHICLE, (x, 0.0)))
    assert len(counter.events) == 1
    # 5.5 s after the first contact, vehicle 7 counts again.
    counter.update(5.5, (30.0, 0.0))
    counter.add(Contact(5.5, 7, ActorKind.VEHICLE, (30.0, 0.0)))
    # Another actor 3 m from the last collision place is the same crash; 6 m away it is a new one.
    counter.add(Contact(5.6, 8, ActorKind.PEDESTRIAN, (33.0, 0.0)))
    counter.update(5.7, (36.0, 0.0))
    counter.add(Contact(5.7, 9, ActorKind.STATIC, (36.0, 0.0)))
    assert [e.kind for e in counter.events] == [K.COLLISION_VEHICLE, K.COLLISION_VEHICLE, K.COLLISION_STATIC]


def test_route_completion_needs_the_goal():
    completion = RouteCompletion(STRAIGHT)
    for x in np.arange(0.0, 50.5, 0.5):
        completion.update(np.array([x, 0.0]))
    assert completion.percentage == pytest.approx(49.0, abs=1.5)  # passed points up to x < 50
    for x in np.arange(50.0, 95.0, 0.5):
        completion.update(np.array([x, 0.0]))
    assert not completion.completed
    for x in np.arange(95.0, 100.6, 0.5):
        completion.update(np.array([x, 0.0]))
    assert completion.completed and completion.percentage == 100.0


def test_teleport_does_not_skip_route():
    completion = RouteCompletion(STRAIGHT)
    completion.update(np.array([99.5, 0.0]))  # jumping to the goal only passes the next few points
    assert completion.percentage < 5.0


def test_off_road_share():
    # Outside the lanes while 20 <= x < 40 on a 100 m route driven to x = 50: 20 m of 50 m -> 40 %.
    criterion = OutsideRouteLanes(STRAIGHT, lambda location, yaw: 20.0 <= location[0] < 40.0)
    for t, x in enumerate(np.arange(0.0, 50.25, 0.25)):
        criterion.update(t * 0.05, np.array([x, 5.0]), 0.0)
    event = criterion.event
    assert event.kind is K.OUTSIDE_ROUTE_LANES
    assert event.percentage == pytest.approx(40.0, abs=2.5)
    assert event.distance == pytest.approx(20.0, abs=1.0)
    assert OutsideRouteLanes(STRAIGHT, lambda location, yaw: False).event is None


def test_red_light_only_when_red_and_crossing_forwards():
    line = StopLine(3, np.array([50.0, -2.0]), np.array([50.0, 2.0]), np.array([1.0, 0.0]))
    xs = np.arange(45.0, 55.0, 0.5)
    for state, expected in [('green', 0), ('red', 1)]:
        counter = RedLightCounter([line])
        events = [counter.update(0.0, np.array([x, 0.0]), {3: state}) for x in xs]
        assert sum(e is not None for e in events) == expected
    backwards = RedLightCounter([line])
    assert all(backwards.update(0.0, np.array([x, 0.0]), {3: 'red'}) is None for x in xs[::-1])
    other_lane = RedLightCounter([line])
    assert all(other_lane.update(0.0, np.array([x, 6.0]), {3: 'red'}) is None for x in xs)


def test_deviation_blocked_and_timeout():
    deviation = RouteDeviation(STRAIGHT)
    assert deviation.update(0.0, np.array([10.0, 29.0])) is None
    assert deviation.update(0.1, np.array([10.0, 31.0])).kind is K.ROUTE_DEVIATION
    blocked = BlockedDetector()
    assert blocked.update(0.0, 1.0, np.zeros(2)) is None
    assert blocked.update(180.0, 0.0, np.zeros(2)) is None
    assert blocked.update(180.05, 0.05, np.zeros(2)).kind is K.VEHICLE_BLOCKED
    assert route_timeout(100.0) == pytest.approx(85.0)  # 0.8 s/m * 100 m + 5 s


def test_bad_route_raises():
    with pytest.raises(ValueError, match='points must be'):
        Route('bad', np.zeros((1, 2)))
    with pytest.raises(ValueError, match='NaN'):
        Route('bad', np.array([[0.0, 0.0], [np.nan, 1.0]]))
