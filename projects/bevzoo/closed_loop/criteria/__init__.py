"""The Leaderboard's evaluation criteria, as pure state machines fed by the simulator each tick."""
from .collisions import ActorKind, CollisionCounter, Contact
from .route_criteria import OutsideRouteLanes, RouteCompletion, RouteCursor, RouteDeviation
from .traffic_rules import BlockedDetector, RedLightCounter, StopLine, route_timeout

__all__ = ['ActorKind', 'CollisionCounter', 'Contact', 'OutsideRouteLanes', 'RouteCompletion', 'RouteCursor',
           'RouteDeviation', 'BlockedDetector', 'RedLightCounter', 'StopLine', 'route_timeout']
