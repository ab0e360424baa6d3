"""The Leaderboard score on hand-made infraction lists; expected values are worked out by hand in comments."""
import math

import pytest

from bevzoo.closed_loop.score import Infraction, InfractionKind as K, RouteResult, global_result


def two_routes():
    # Route A: 1000 m, completed, one vehicle collision and one red light:
    # IP = 0.60 * 0.70 = 0.42, DS = 100 * 0.42 = 42.
    a = RouteResult('A', 1000.0, 100.0, [Infraction(K.COLLISION_VEHICLE, 3.0), Infraction(K.RED_LIGHT, 9.0)])
    # Route B: 500 m, half done, pedestrian + static collisions, 20 % off the route lanes (50 m), then a
    # deviation that ended it: IP = 0.50 * 0.65 * (1 - 0.20) = 0.26, DS = 50 * 0.26 = 13.
    b = RouteResult('B', 500.0, 50.0, [
        Infraction(K.COLLISION_PEDESTRIAN, 1.0), Infraction(K.COLLISION_STATIC, 2.0),
        Infraction(K.OUTSIDE_ROUTE_LANES, 4.0, percentage=20.0, distance=50.0),
        Infraction(K.ROUTE_DEVIATION, 5.0)])
    return a, b


def test_route_scores():
    a, b = two_routes()
    assert a.infraction_penalty == pytest.approx(0.42)
    assert a.driving_score == pytest.approx(42.0)
    assert a.status == 'Completed'
    assert b.infraction_penalty == pytest.approx(0.26)
    assert b.driving_score == pytest.approx(13.0)
    assert b.status == 'Failed - Agent deviated from the route'


def test_route_ending_events_carry_no_penalty():
    route = RouteResult('C', 200.0, 30.0, [Infraction(K.VEHICLE_BLOCKED, 190.0), Infraction(K.ROUTE_TIMEOUT, 200.0)])
    assert route.infraction_penalty == 1.0
    assert route.driving_score == pytest.approx(30.0)
    assert route.status == 'Failed - Agent timed out'


def test_stop_sign_and_perfect_route():
    stop = RouteResult('D', 100.0, 100.0, [Infraction(K.STOP_SIGN, 1.0)])
    assert stop.driving_score == pytest.approx(80.0)
    assert RouteResult('E', 100.0, 100.0).status == 'Perfect'


def test_global_means_std_and_per_km():
    a, b = two_routes()
    result = global_result([a, b])
    assert result.driving_score == pytest.approx(27.5)  # (42 + 13) / 2
    assert result.route_completion == pytest.approx(75.0)  # (100 + 50) / 2
    assert result.infraction_penalty == pytest.approx(0.34)  # (0.42 + 0.26) / 2
    assert result.std_dev['driving_score'] == pytest.approx(math.sqrt(2 * 14.5 ** 2))  # n - 1 = 1
    # km driven = 1.0 km * 100 % + 0.5 km * 50 % = 1.25 km; one event of a kind -> 1 / 1.25 = 0.8 per km.
    assert result.km_driven == pytest.approx(1.25)
    for kind in (K.COLLISION_VEHICLE, K.COLLISION_PEDESTRIAN, K.COLLISION_STATIC, K.RED_LIGHT, K.ROUTE_DEVIATION):
        assert result.infractions_per_km[kind.value] == pytest.approx(0.8)
    assert result.infractions_per_km[K.STOP_SIGN.value] == 0.0
    assert result.infractions_per_km[K.OUTSIDE_ROUTE_LANES.value] == pytest.approx(0.05)  # 50 m, in km
    assert result.status == 'Failed'


def test_zero_distance_uses_the_leaderboard_floor():
    result = global_result([RouteResult('F', 300.0, 0.0, [Infraction(K.COLLISION_VEHICLE, 0.5)])])
    assert result.km_driven == pytest.approx(0.001)
    assert result.infractions_per_km[K.COLLISION_VEHICLE.value] == pytest.approx(1000.0)
    assert result.std_dev['driving_score'] == 0.0


def test_bad_values_raise():
    with pytest.raises(ValueError, match='percentage'):
        Infraction(K.OUTSIDE_ROUTE_LANES, 1.0, percentage=120.0)
    with pytest.raises(ValueError, match='route_completion'):
        RouteResult('G', 10.0, 101.0)
    with pytest.raises(ValueError, match='at least one'):
        global_result([])
