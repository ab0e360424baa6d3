"""The CARLA Leaderboard's driving score, computed as its ``statistics_manager.py`` does.

Per route: Driving Score ``DS = RC x IP`` where ``RC`` is the route completion in percent and ``IP``
(infraction penalty) is the product of one factor per infraction event, starting at 1.0. Over routes:
the means of DS, RC and IP, and infractions per kilometre driven (``sum(route_length x RC / 100)``).
Route-ending events (deviation, blocked, timeout) are recorded but carry no factor: they end the
route, which lowers RC.
"""
import math
from dataclasses import dataclass, field
from enum import Enum
from typing import Dict, List, Optional, Sequence, Tuple


class InfractionKind(str, Enum):
    """Infraction kinds, valued with the Leaderboard's record keys."""
    COLLISION_PEDESTRIAN = 'collisions_pedestrian'
    COLLISION_VEHICLE = 'collisions_vehicle'
    COLLISION_STATIC = 'collisions_layout'
    RED_LIGHT = 'red_light'
    STOP_SIGN = 'stop_infraction'
    OUTSIDE_ROUTE_LANES = 'outside_route_lanes'
    ROUTE_DEVIATION = 'route_dev'
    ROUTE_TIMEOUT = 'route_timeout'
    VEHICLE_BLOCKED = 'vehicle_blocked'


# Fixed multiplicative penalties (Leaderboard 1.0 and 2.0 agree on these).
PENALTIES: Dict[InfractionKind, float] = {
    InfractionKind.COLLISION_PEDESTRIAN: 0.50,
    InfractionKind.COLLISION_VEHICLE: 0.60,
    InfractionKind.COLLISION_STATIC: 0.65,
    InfractionKind.RED_LIGHT: 0.70,
    InfractionKind.STOP_SIGN: 0.80,
}
ROUTE_ENDING = (InfractionKind.ROUTE_DEVIATION, InfractionKind.VEHICLE_BLOCKED, InfractionKind.ROUTE_TIMEOUT)
FAILURE_MESSAGES = {
    InfractionKind.ROUTE_DEVIATION: 'Agent deviated from the route',
    InfractionKind.VEHICLE_BLOCKED: 'Agent got blocked',
    InfractionKind.ROUTE_TIMEOUT: 'Agent timed out',
}
MIN_KM_DRIVEN = 0.001  # the Leaderboard's floor, so that a route driven 0 m does not divide by zero


@dataclass(frozen=True)
class Infraction:
    """One infraction event.

    Attributes:
        kind: What happened.
        time: Simulation time in seconds.
        location: Ego ``(x, y)`` in the world frame, metres.
        message: Human-readable description (the Leaderboard stores only this).
        percentage: For ``OUTSIDE_ROUTE_LANES`` only: share of the completed route driven outside the
            route lanes, in percent. The penalty factor is ``1 - percentage / 100``.
        distance: For ``OUTSIDE_ROUTE_LANES`` only: metres driven outside the route lanes.
    """
    kind: InfractionKind
    time: float
    location: Tuple[float, float] = (0.0, 0.0)
    message: str = ''
    percentage: Optional[float] = None
    distance: Optional[float] = None

    def __post_init__(self) -> None:
        if self.kind is InfractionKind.OUTSIDE_ROUTE_LANES and not (
                self.percentage is not None and 0.0 <= self.percentage <= 100.0):
            raise ValueError(f'an outside_route_lanes infraction needs a percentage in [0, 100], '
                             f'got {self.percentage!r}')

    @property
    def penalty(self) -> float:
        """The factor this event multiplies the route's infraction penalty by."""
        if self.kind is InfractionKind.OUTSIDE_ROUTE_LANES:
            return 1.0 - self.percentage / 100.0
        return PENALTIES.get(self.kind, 1.0)


@dataclass
class RouteResult:
    """The outcome of one route.

    Attributes:
        route_id: Name of the route.
        route_length: Length of the route's planned path in metres.
        route_completion: RC in percent, 0..100 (100 once the target was reached).
        infractions: Every recorded event, in time order.
        duration_game: Simulated seconds.
        duration_system: Wall-clock seconds.
    """
    route_id: str
    route_length: float
    route_completion: float
    infractions: List[Infraction] = field(default_factory=list)
    duration_game: float = 0.0
    duration_system: float = 0.0

    def __post_init__(self) -> None:
        if not 0.0 <= self.route_completion <= 100.0:
            raise ValueError(f'route {self.route_id}: route_completion must be in [0, 100] percent, '
                             f'got {self.route_completion}')
        if self.route_length < 0:
            raise ValueError(f'route {self.route_id}: route_length must be >= 0, got {self.route_length}')

    @property
    def infraction_penalty(self) -> float:
        """IP: product of all penalty factors."""
        return math.prod(event.penalty for event in self.infractions)

    @property
    def driving_score(self) -> float:
        """DS = RC x IP, in percent."""
        return max(self.route_completion * self.infraction_penalty, 0.0)

    @property
    def target_reached(self) -> bool:
        return self.route_completion >= 100.0

    @property
    def status(self) -> str:
        """'Perfect', 'Completed' or 'Failed[ - reason]', as the Leaderboard 2.0 writes it."""
        if self.target_reached:
            return 'Completed' if self.infractions else 'Perfect'
        reasons = [FAILURE_MESSAGES[e.kind] for e in self.infractions if e.kind in FAILURE_MESSAGES]
        return 'Failed - ' + reasons[-1] if reasons else 'Failed'

    @property
    def km_driven(self) -> float:
        """Kilometres of route completed: ``route_length x RC / 100 / 1000``."""
        return self.route_length / 1000.0 * self.route_completion / 100.0

    def count(self, kind: InfractionKind) -> int:
        return sum(event.kind is kind for event in self.infractions)

    def off_route_km(self) -> float:
        """Kilometres driven outside the route lanes (0 when never outside)."""
        events = [e for e in self.infractions if e.kind is InfractionKind.OUTSIDE_ROUTE_LANES]
        return (events[-1].distance or 0.0) / 1000.0 if events else 0.0


@dataclass
class GlobalResult:
    """Aggregate over routes, as the Leaderboard's global record.

    Attributes:
        driving_score, route_completion, infraction_penalty: Means over routes.
        std_dev: Sample standard deviation of each score over routes (0 for one route).
        infractions_per_km: Count per kilometre driven for every kind, except ``outside_route_lanes``
            which is the total kilometres driven outside the route lanes (as in Leaderboard 2.0).
        km_driven: Kilometres of route completed, summed over routes.
        status: 'Perfect', 'Completed' or 'Failed' (the worst route's).
    """
    driving_score: float
    route_completion: float
    infraction_penalty: float
    std_dev: Dict[str, float]
    infractions_per_km: Dict[str, float]
    km_driven: float
    status: str
    num_routes: int


def _mean_and_std(values: Sequence[float]) -> Tuple[float, float]:
    mean = sum(values) / len(values)
    if len(values) == 1:
        return mean, 0.0
    return mean, math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1))


def _global_status(results: Sequence[RouteResult]) -> str:
    statuses = [r.status for r in results]
    if any(s.startswith('Failed') for s in statuses):
        return 'Failed'
    return 'Perfect' if all(s == 'Perfect' for s in statuses) else 'Completed'


def global_result(results: Sequence[RouteResult]) -> GlobalResult:
    """Aggregate route results as the Leaderboard's ``compute_global_statistics``.

    Args:
        results: One result per route (at least one).

    Returns:
        The global record.
    """
    if not results:
        raise ValueError('global_result needs at least one RouteResult')
    scores = {
        'driving_score': [r.driving_score for r in results],
        'route_completion': [r.route_completion for r in results],
        'infraction_penalty': [r.infraction_penalty for r in results],
    }
    means, std_dev = {}, {}
    for name, values in scores.items():
        means[name], std_dev[name] = _mean_and_std(values)
    km_driven = max(sum(r.km_driven for r in results), MIN_KM_DRIVEN)
    per_km = {}
    for kind in InfractionKind:
        if kind is InfractionKind.OUTSIDE_ROUTE_LANES:
            per_km[kind.value] = sum(r.off_route_km() for r in results)
        else:
            per_km[kind.value] = sum(r.count(kind) for r in results) / km_driven
    return GlobalResult(std_dev=std_dev, infractions_per_km=per_km, km_driven=km_driven,
                        status=_global_status(results), num_routes=len(results), **means)
