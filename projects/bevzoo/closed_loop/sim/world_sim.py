"""The built-in world advanced in closed loop: the world's scene (IDM traffic, walkers, cycling lights)
with the ego's pose set from the kinematic bicycle each tick, plus the queries the criteria need."""
from typing import Dict, List

import numpy as np

from ...world.actors import KINDS
from ...world.config import TrafficConfig
from ...world.scene import EGO, Scene
from ...world.spawner import MOVER, STATIC, TOWED
from ...world.town import Town
from ...world.traffic_lights import GREEN, RED, YELLOW
from ..criteria import ActorKind, Contact
from .bicycle import EgoState, VehicleParams
from .collisions import actor_kind, box_corners, overlapping
from .lane_map import LaneMap

LIGHT_NAMES = {GREEN: 'green', YELLOW: 'yellow', RED: 'red'}
SCENE_ROUTE_LENGTH = 2000.0  # m of route per traffic vehicle, so that none runs out during a route
REAR_AXLE_FROM_REAR = 1.0  # m, where the world puts the rear axle (its ego frame origin)
RETIRED_AT = -10000.0  # m: where removed vehicles are parked, out of the town
GRIDLOCK_TIME = 20.0  # s a vehicle may stand inside an intersection before it is removed


def ego_params(scene: Scene) -> VehicleParams:
    """Vehicle parameters matching the world's ego body (nuScenes' Renault Zoe)."""
    length, width = float(scene.size[EGO, 0]), float(scene.size[EGO, 1])
    return VehicleParams(wheelbase=length - 2 * REAR_AXLE_FROM_REAR - 0.2, length=length, width=width,
                         rear_overhang=REAR_AXLE_FROM_REAR)


class SimWorld:
    """One route's world.

    Args:
        town: The static town (shared by the routes of a set).
        lane_map: Its lane map.
        traffic: Traffic densities for this route.
        scene_seed: Seed of the actors.
    """

    def __init__(self, town: Town, lane_map: LaneMap, traffic: TrafficConfig, scene_seed: int) -> None:
        self.town = town
        self.lane_map = lane_map
        self.scene = Scene(town, traffic, seed=scene_seed, route_length=SCENE_ROUTE_LENGTH)
        self.params = ego_params(self.scene)
        self.kinds: List[ActorKind] = [actor_kind(KINDS[kind].category) if kind in KINDS else ActorKind.VEHICLE
                                       for kind in self.scene.kind]
        self._standing_since = np.full(len(self.scene.kind), np.inf)
        scenery = town.scenery
        self._static_corners = box_corners(scenery.center[:, :2], scenery.size[:, 0], scenery.size[:, 1], scenery.yaw)
        self._static_radius = np.hypot(scenery.size[:, 0], scenery.size[:, 1]) / 2

    @property
    def time(self) -> float:
        return self.scene.time

    def light_states(self) -> Dict[int, str]:
        """``{light id: 'green' | 'yellow' | 'red'}`` now."""
        states = self.town.lights.states(self.scene.time) if len(self.town.lights) else []
        return {index: LIGHT_NAMES[int(state)] for index, state in enumerate(states)}

    def place_ego(self, ego: EgoState) -> None:
        """Put the world's ego (its body for the others and the sensors) at the bicycle's rear-axle pose."""
        self.scene.set_ego_pose(ego.x, ego.y, ego.yaw, ego.speed)

    def step(self, dt: float) -> None:
        before = self.scene.position.copy()
        self.scene.step(dt)
        self._retire(self._finished(before, dt) | self._gridlocked())

    def _finished(self, before: np.ndarray, dt: float) -> np.ndarray:
        """``[A]`` vehicles at the end of their route (a dead-end lane): the world keeps them standing there
        with their speed, which would block the lane for ever (CARLA's traffic manager destroys them)."""
        scene = self.scene
        moving = np.isin(scene.mode, (MOVER, TOWED)) & (scene.speed * dt > 1e-3)
        return moving & (np.linalg.norm(scene.position - before, axis=1) < 1e-6)

    def _gridlocked(self) -> np.ndarray:
        """``[A]`` vehicles standing inside an intersection for ``GRIDLOCK_TIME``: the world's car following
        has no right-of-way rules, so two vehicles can wait for each other there for ever."""
        scene = self.scene
        standing = (scene.mode == MOVER) & (scene.speed < 0.1)
        self._standing_since[~standing] = np.inf
        self._standing_since[standing] = np.minimum(self._standing_since[standing], scene.time)
        waited = np.flatnonzero(scene.time - self._standing_since > GRIDLOCK_TIME)
        stuck = np.zeros(len(scene.kind), dtype=bool)
        for actor in waited[waited != EGO]:
            lane, _, distance = self.lane_map.nearest(scene.position[actor])
            stuck[actor] = self.lane_map.lanes[lane].is_connector and distance < self.lane_map.lane_width
        return stuck

    def _retire(self, mask: np.ndarray) -> None:
        """Park the vehicles of ``mask`` (and their trailers) far outside the town, standing."""
        scene = self.scene
        mask[EGO] = False
        mask |= (scene.mode == TOWED) & mask[scene.leader.clip(0)]
        removed = np.flatnonzero(mask)
        if len(removed):
            scene.mode[removed] = STATIC
            scene.speed[removed] = 0.0
            scene.position[removed] = np.stack([np.full(len(removed), RETIRED_AT), RETIRED_AT - 10.0 * removed], axis=1)

    def ego_corners(self, ego: EgoState) -> np.ndarray:
        centre = ego.centre(self.params)
        return box_corners(centre[None], np.array([self.params.length]), np.array([self.params.width]),
                           np.array([ego.yaw]))[0]

    def contacts(self, ego: EgoState) -> List[Contact]:
        """Everything the ego's body touches now: actors (by id) and static layout (by box index)."""
        centre = ego.centre(self.params)
        corners = self.ego_corners(ego)
        reach = np.hypot(self.params.length, self.params.width) / 2
        contacts = []
        others = np.arange(1, len(self.scene.kind))
        sizes = self.scene.size[others]
        distance = np.linalg.norm(self.scene.position[others] - centre, axis=1)
        near = distance < reach + np.hypot(sizes[:, 0], sizes[:, 1]) / 2
        candidates = others[near]
        actor_corners = box_corners(self.scene.position[candidates], self.scene.size[candidates, 0],
                                    self.scene.size[candidates, 1], self.scene.yaw[candidates])
        location = (float(centre[0]), float(centre[1]))
        for actor in candidates[overlapping(corners, actor_corners)]:
            contacts.append(Contact(self.scene.time, int(actor), self.kinds[actor], location))
        near_static = np.flatnonzero(np.linalg.norm(self.town.scenery.center[:, :2] - centre, axis=1)
                                     < reach + self._static_radius)
        for box in near_static[overlapping(corners, self._static_corners[near_static])]:
            contacts.append(Contact(self.scene.time, -1 - int(box), ActorKind.STATIC, location))
        return contacts
