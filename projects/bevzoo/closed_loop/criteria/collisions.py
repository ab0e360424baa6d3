"""Collision events counted the way scenario_runner's ``CollisionTest`` counts them.

A contact is ignored when it is with the same actor as the last counted collision less than 5 s ago,
or when the ego is still within 5 m of where the last counted collision happened. Everything else is
one infraction, classed by the other actor's kind.
"""
import math
from dataclasses import dataclass
from enum import Enum
from typing import List, Optional, Tuple

from ..score import Infraction, InfractionKind

MAX_ID_TIME = 5.0  # s: the same actor within this time counts once
COLLISION_RADIUS = 5.0  # m: contacts within this distance of the last counted one count once


class ActorKind(str, Enum):
    """What the ego touched."""
    VEHICLE = 'vehicle'
    PEDESTRIAN = 'walker'
    STATIC = 'static'


KIND_TO_INFRACTION = {
    ActorKind.VEHICLE: InfractionKind.COLLISION_VEHICLE,
    ActorKind.PEDESTRIAN: InfractionKind.COLLISION_PEDESTRIAN,
    ActorKind.STATIC: InfractionKind.COLLISION_STATIC,
}


@dataclass(frozen=True)
class Contact:
    """One raw contact reported by the collision sensor.

    Attributes:
        time: Simulation time in seconds.
        actor_id: Id of the other actor (static layout has its own ids; the Leaderboard uses 0 for it).
        actor_kind: Kind of the other actor.
        ego_location: Ego ``(x, y)`` at the contact, metres.
    """
    time: float
    actor_id: int
    actor_kind: ActorKind
    ego_location: Tuple[float, float]


class CollisionCounter:
    """Turns the stream of raw contacts into collision infractions, with the Leaderboard's de-duplication."""

    def __init__(self) -> None:
        self.events: List[Infraction] = []
        self._last_id: Optional[int] = None
        self._last_time = -math.inf
        self._last_location: Optional[Tuple[float, float]] = None

    def update(self, time: float, ego_location: Tuple[float, float]) -> None:
        """Call every tick: forgets the last collision's actor after 5 s and its place once the ego is 5 m away."""
        if self._last_location is not None and math.dist(ego_location, self._last_location) > COLLISION_RADIUS:
            self._last_location = None
        if self._last_id is not None and time - self._last_time > MAX_ID_TIME:
            self._last_id = None

    def add(self, contact: Contact) -> Optional[Infraction]:
        """Register a contact; returns the new infraction, or None when it repeats the last one."""
        self.update(contact.time, contact.ego_location)
        if contact.actor_id == self._last_id:
            return None
        if self._last_location is not None:
            return None  # still within COLLISION_RADIUS of the last counted collision
        self._last_time, self._last_location = contact.time, contact.ego_location
        if contact.actor_kind is not ActorKind.STATIC:  # like CARLA's id 0, static layout is remembered by place only
            self._last_id = contact.actor_id
        event = Infraction(
            KIND_TO_INFRACTION[contact.actor_kind], contact.time, contact.ego_location,
            f'Agent collided against object with type={contact.actor_kind.value} and id={contact.actor_id} '
            f'at (x={contact.ego_location[0]:.3f}, y={contact.ego_location[1]:.3f})')
        self.events.append(event)
        return event
