"""The dynamic scene: actors and ego in a town, stepped in time.

Lane followers use the intelligent driver model (IDM) against the nearest obstacle in their corridor and
the stop lines of red lights on their route; walkers move at constant speed along walkway paths; towed
trailers follow their truck; the ego is a lane follower too unless its pose is set from outside.
"""
from dataclasses import dataclass

import numpy as np

from .actors import KINDS, build_parts
from .config import TrafficConfig
from .paths import PathBatch
from .primitives import BoxSet
from .spawner import EXTERNAL, MOVER, STATIC, TOWED, WALKER, Spawner
from .town import Town
from .traffic_lights import RED, YELLOW

# IDM parameters: max acceleration, comfortable deceleration, time headway, standstill gap.
_IDM_A, _IDM_B, _IDM_T, _IDM_S0 = 1.5, 2.5, 1.2, 2.0
_LOOKAHEAD = 50.0
EGO = 0  # the ego vehicle is actor 0; it is neither annotated nor rendered


@dataclass
class Annotation:
    """Ground-truth boxes of the annotated actors at one instant (global frame).

    Attributes:
        actor: [K] actor index (stable within a scene: the instance).
        category: list of K nuScenes category names.
        center: [K, 3] box centres; size: [K, 3] (length, width, height); yaw: [K].
        velocity: [K, 2] m/s; attribute: list of K attribute names ('' for none).
    """
    actor: np.ndarray
    category: list
    center: np.ndarray
    size: np.ndarray
    yaw: np.ndarray
    velocity: np.ndarray
    attribute: list


class Scene:
    """Actors of one scene in a town.

    Args:
        town: The static town.
        config: Traffic densities.
        seed: Seed of this scene's actors.
        route_length: Route length of lane followers in metres (bounds how long they can drive).
    """

    def __init__(self, town: Town, config: TrafficConfig, seed: int, route_length: float = 400.0) -> None:
        self.town = town
        self.time = 0.0
        rng = np.random.default_rng(seed)
        specs = Spawner(town, config, rng, route_length).spawn()
        self.kind = [spec.kind for spec in specs]
        self.size = np.array([spec.size for spec in specs], np.float64)
        self.mode = np.array([spec.mode for spec in specs])
        self.sitting = np.array([spec.sitting for spec in specs])
        self.leader = np.array([spec.leader for spec in specs])
        self.tow_offset = np.array([spec.tow_offset for spec in specs])
        self.looped = np.array([spec.looped for spec in specs])
        self.s = np.array([spec.s for spec in specs], np.float64)
        self.desired = np.array([spec.speed for spec in specs], np.float64)
        self.speed = np.where(self.mode == WALKER, self.desired, self.desired * rng.uniform(0.6, 1.0, len(specs)))
        self.speed[self.mode == STATIC] = 0.0
        self._path_of = -np.ones(len(specs), np.int64)
        polylines = []
        for index, spec in enumerate(specs):
            if spec.path is not None and spec.mode != TOWED:
                self._path_of[index] = len(polylines)
                polylines.append(spec.path)
        self._path_of[self.mode == TOWED] = self._path_of[self.leader[self.mode == TOWED]]
        self.paths = PathBatch(polylines)
        self._stops = self._stop_table(specs)
        self.position = np.array([spec.pose[:2] for spec in specs], np.float64)
        self.yaw = np.array([spec.pose[2] for spec in specs], np.float64)
        self._parts = self._build_parts(specs, rng)
        self._obstacles = np.flatnonzero(np.isin(self.mode, (MOVER, TOWED)) | (self.mode == WALKER) & ~self.looped)
        self._place()

    # ------------------------------------------------------------------------------- set-up
    @staticmethod
    def _stop_table(specs: list) -> tuple:
        """Stop lines per actor padded to [A, S]: arc lengths (inf when unused) and light indices."""
        width = max([len(spec.stops) for spec in specs] + [1])
        stop_s = np.full((len(specs), width), np.inf)
        light = np.zeros((len(specs), width), np.int64)
        for index, spec in enumerate(specs):
            for k, (s, light_id) in enumerate(spec.stops):
                stop_s[index, k], light[index, k] = s, light_id
        return stop_s, light

    def _build_parts(self, specs: list, rng: np.random.Generator) -> dict:
        rows, owners = [], []
        for index, spec in enumerate(specs):
            if index == EGO:
                continue
            for row in build_parts(KINDS[spec.kind], self.size[index], rng, sitting=spec.sitting):
                rows.append(row)
                owners.append(index)
        a = np.array(rows, np.float64).reshape(-1, 9)
        return {'owner': np.array(owners, np.int64), 'offset': a[:, 0:3], 'size': a[:, 3:6], 'dyaw': a[:, 6],
                'material': a[:, 7].astype(np.int64), 'occ': a[:, 8].astype(np.int64)}

    # ------------------------------------------------------------------------------- dynamics
    def step(self, dt: float) -> None:
        """Advance the scene by ``dt`` seconds."""
        if dt <= 0:
            raise ValueError(f'Scene.step needs dt > 0, got {dt}')
        movers = np.flatnonzero(self.mode == MOVER)
        if len(movers):
            acceleration = self._idm_acceleration(movers)
            self.speed[movers] = np.maximum(self.speed[movers] + acceleration * dt, 0.0)
            self.s[movers] += self.speed[movers] * dt
        walkers = self.mode == WALKER
        self.s[walkers] += self.desired[walkers] * dt
        self.time += dt
        self._place()

    def _idm_acceleration(self, movers: np.ndarray) -> np.ndarray:
        gap, lead_speed = self._obstacle_gaps(movers)
        light_gap = self._light_gaps(movers)
        stop_for_light = light_gap < gap
        gap = np.where(stop_for_light, light_gap, gap)
        lead_speed = np.where(stop_for_light, 0.0, lead_speed)
        v, v0 = self.speed[movers], np.maximum(self.desired[movers], 0.1)
        desired_gap = _IDM_S0 + np.maximum(0.0, v * _IDM_T + v * (v - lead_speed) / (2 * np.sqrt(_IDM_A * _IDM_B)))
        free = 1 - (v / v0) ** 4
        interaction = (desired_gap / np.maximum(gap, 0.1)) ** 2
        return np.clip(_IDM_A * (free - interaction), -9.0, _IDM_A)

    def _obstacle_gaps(self, movers: np.ndarray) -> tuple:
        """Bumper-to-bumper gap [M] to the nearest actor in each mover's corridor and its speed along it.

        Only actors that can stand in a lane are candidates: vehicles on routes, towed trailers, the ego and
        pedestrians on crosswalks (parked vehicles, road works and walkway pedestrians stay beside the lanes).
        """
        candidates = self._obstacles
        cos_c, sin_c = np.cos(self.yaw[candidates])[None], np.sin(self.yaw[candidates])[None]
        cos, sin = np.cos(self.yaw[movers])[:, None], np.sin(self.yaw[movers])[:, None]
        delta_x = self.position[None, candidates, 0] - self.position[movers, None, 0]
        delta_y = self.position[None, candidates, 1] - self.position[movers, None, 1]
        ahead = delta_x * cos + delta_y * sin
        lateral = -delta_x * sin + delta_y * cos
        cos_rel = cos_c * cos + sin_c * sin  # cos and |sin| of the candidate's yaw relative to the mover
        c, s = np.abs(cos_rel), np.abs(sin_c * cos - cos_c * sin)
        size = self.size[candidates]
        extent_along = c * size[None, :, 0] / 2 + s * size[None, :, 1] / 2
        extent_across = s * size[None, :, 0] / 2 + c * size[None, :, 1] / 2
        oncoming = (cos_rel < -0.5) & (self.speed[None, candidates] > 0.5)
        own_trailer = (self.mode[None, candidates] == TOWED) & (self.leader[None, candidates] == movers[:, None])
        in_corridor = ((ahead > 0) & (ahead < _LOOKAHEAD) & ~oncoming & ~own_trailer
                       & (candidates[None, :] != movers[:, None])
                       & (np.abs(lateral) < extent_across + self.size[movers, None, 1] / 2 + 0.2))
        gaps = np.where(in_corridor, ahead - extent_along - self.size[movers, None, 0] / 2, np.inf)
        nearest = np.argmin(gaps, axis=1)
        rows = np.arange(len(movers))
        lead_speed = self.speed[candidates[nearest]] * cos_rel[rows, nearest]
        return gaps[rows, nearest], np.where(np.isfinite(gaps[rows, nearest]), lead_speed, 0.0)

    def _light_gaps(self, movers: np.ndarray) -> np.ndarray:
        """Gap [M] to the first stop line on the route whose light demands a stop, or to the route's end."""
        stop_s, light = self._stops[0][movers], self._stops[1][movers]
        front = self.s[movers, None] + self.size[movers, None, 0] / 2
        states = self.town.lights.states(self.time)[light] if len(self.town.lights) else np.zeros_like(light)
        braking = self.speed[movers, None] ** 2 / (2 * 4.0)
        distance = stop_s - front
        must_stop = (states == RED) | ((states == YELLOW) & (distance > braking))
        route_end = self.paths.lengths[self._path_of[movers]] - front[:, 0]  # stop before the route runs out
        return np.minimum(np.where(must_stop & (distance > -0.5), distance, np.inf).min(axis=1), route_end)

    def _place(self) -> None:
        """Positions and headings of path-bound actors from their arc lengths."""
        towed = self.mode == TOWED
        self.s[towed] = self.s[self.leader[towed]] - self.tow_offset[towed]
        self.speed[towed] = self.speed[self.leader[towed]]
        bound = np.flatnonzero(np.isin(self.mode, (MOVER, WALKER, TOWED)))
        paths = self._path_of[bound]
        s = self.s[bound].copy()
        looped = self.looped[bound]
        s[looped] %= self.paths.lengths[paths[looped]]
        self.position[bound], self.yaw[bound] = self.paths.evaluate(paths, s)

    # ------------------------------------------------------------------------------- ego
    def set_ego_pose(self, x: float, y: float, yaw: float, speed: float) -> None:
        """Drive the ego from outside (closed loop): it no longer follows its route.

        Args:
            x, y, yaw: Pose of nuScenes' ego frame (rear axle on the ground), as `ego_pose` returns it.
            speed: Forward speed in m/s (other vehicles react to it).
        """
        self.mode[EGO] = EXTERNAL  # stays an obstacle for the others (it is in self._obstacles)
        offset = self._rear_axle_offset()
        self.position[EGO] = (x + offset * np.cos(yaw), y + offset * np.sin(yaw))
        self.yaw[EGO] = yaw
        self.speed[EGO] = speed

    def ego_pose(self) -> tuple:
        """(x, y, yaw) of the ego's rear-axle-on-ground frame (nuScenes' ego frame)."""
        offset = self._rear_axle_offset()
        x, y, yaw = self.position[EGO, 0], self.position[EGO, 1], self.yaw[EGO]
        return x - offset * np.cos(yaw), y - offset * np.sin(yaw), yaw

    def _rear_axle_offset(self) -> float:
        """Distance from the rear axle forward to the box centre (the axle sits ~1 m ahead of the rear bumper)."""
        return 0.5 * self.size[EGO, 0] - 1.0

    # ------------------------------------------------------------------------------- queries
    def velocity(self) -> np.ndarray:
        """[A, 2] velocity of every actor (walkers at a path end stand still)."""
        speed = self.speed.copy()
        lengths = np.where(self._path_of >= 0, self.paths.lengths[self._path_of.clip(0)], np.inf)
        ended = (self.mode == WALKER) & ~self.looped & ((self.s <= 0) | (self.s >= lengths))
        speed[ended] = 0.0
        return speed[:, None] * np.stack([np.cos(self.yaw), np.sin(self.yaw)], axis=1)

    def actor_boxes(self) -> BoxSet:
        """Parts of every actor except the ego, in the global frame."""
        parts, owner = self._parts, self._parts['owner']
        cos, sin = np.cos(self.yaw[owner]), np.sin(self.yaw[owner])
        dx, dy = parts['offset'][:, 0], parts['offset'][:, 1]
        center = np.stack([self.position[owner, 0] + dx * cos - dy * sin,
                           self.position[owner, 1] + dx * sin + dy * cos,
                           parts['offset'][:, 2] + parts['size'][:, 2] / 2], axis=1)
        return BoxSet(center, parts['size'], self.yaw[owner] + parts['dyaw'], parts['material'], parts['occ'], owner)

    def primitives(self) -> BoxSet:
        """Everything solid: static scenery and actor parts (global frame)."""
        return BoxSet.concatenate([self.town.scenery, self.actor_boxes()])

    def annotations(self) -> Annotation:
        """Ground-truth boxes of all annotated actors (everyone but the ego)."""
        actors = np.arange(1, len(self.kind))
        velocity = self.velocity()[actors]
        center = np.concatenate([self.position[actors], self.size[actors, 2:3] / 2], axis=1)
        categories = [KINDS[self.kind[a]].category for a in actors]
        attributes = [self._attribute(a, np.linalg.norm(velocity[k])) for k, a in enumerate(actors)]
        return Annotation(actors, categories, center, self.size[actors].copy(), self.yaw[actors].copy(), velocity,
                          attributes)

    def _attribute(self, actor: int, speed: float) -> str:
        category = KINDS[self.kind[actor]].category
        if category.startswith('human.pedestrian'):
            if speed > 0.2:
                return 'pedestrian.moving'
            return 'pedestrian.sitting_lying_down' if self.sitting[actor] else 'pedestrian.standing'
        if category in ('vehicle.bicycle', 'vehicle.motorcycle'):
            return 'cycle.with_rider' if self.size[actor, 2] > 1.4 else 'cycle.without_rider'
        if category.startswith('vehicle.'):
            if speed > 0.2:
                return 'vehicle.moving'
            return 'vehicle.parked' if self.mode[actor] == STATIC else 'vehicle.stopped'
        return ''
