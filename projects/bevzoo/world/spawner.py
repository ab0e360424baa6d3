"""Places a scene's actors in a town: traffic on lanes, parked and car-park vehicles, road works,
pedestrians on walkways, crosswalks, plazas and parks."""
from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from .actors import KINDS
from .config import TrafficConfig
from .paths import resample_polyline
from .town import CURB_SLOT_LENGTH, Town, rect_ring

MOVER, WALKER, STATIC, TOWED, EXTERNAL = 0, 1, 2, 3, 4
EGO_SIZE = (4.08, 1.73, 1.56)  # nuScenes' Renault Zoe
_MOVING_MIX = {'car': 0.74, 'truck': 0.08, 'construction': 0.03, 'bus': 0.05, 'motorcycle': 0.04,
               'bicycle': 0.06}
_DESIRED_SPEED = {'car': (8.0, 13.0), 'truck': (7.0, 11.0), 'construction': (5.0, 8.0), 'bus': (7.0, 10.0),
                  'motorcycle': (8.0, 12.0), 'bicycle': (3.5, 6.0), 'ego': (8.0, 11.0)}
_PARKED_MIX = {'car': 0.84, 'truck': 0.05, 'trailer': 0.03, 'motorcycle': 0.03, 'bicycle': 0.05}
_RING_OFFSET = 0.6  # walkers keep right of the walkway centre line
_STANDING_OFFSET = 1.35  # people standing keep to the building side of the walkway
_PEDESTRIAN_GAP = 1.5  # metres between pedestrians placed on one walking lane


@dataclass
class ActorSpec:
    """Initial state of one actor.

    Attributes:
        kind: Key of `actors.KINDS` ('ego' for the ego vehicle).
        size: (length, width, height).
        mode: MOVER (lane following with IDM), WALKER (constant speed on a path), STATIC, TOWED, EXTERNAL.
        pose: (x, y, yaw) for static actors.
        path: [N, 2] resampled polyline for movers, walkers and towed actors (towed: the leader's).
        s: Initial arc length on the path.
        speed: Desired speed (movers) or walking speed (walkers).
        stops: [(s, light)] stop lines along the path.
        looped: Whether the path is a closed loop.
        leader: Index of the towing actor (TOWED), and tow_offset its arc-length distance.
        sitting: Pedestrian sitting (attribute and shape).
    """
    kind: str
    size: np.ndarray
    mode: int
    pose: tuple = (0.0, 0.0, 0.0)
    path: Optional[np.ndarray] = None
    s: float = 0.0
    speed: float = 0.0
    stops: list = field(default_factory=list)
    looped: bool = False
    leader: int = -1
    tow_offset: float = 0.0
    sitting: bool = False


class Spawner:
    """Draws the actors of one scene.

    Args:
        town: The static town.
        config: Traffic densities.
        rng: Random generator of the scene.
        route_length: Length of every route (enough for the scene's duration).
    """

    def __init__(self, town: Town, config: TrafficConfig, rng: np.random.Generator, route_length: float) -> None:
        self.town, self.cfg, self.rng, self.route_length = town, config, rng, route_length
        self.specs: list = []
        self._lane_positions: list = []
        stretch_lanes = [k for k, lane in enumerate(town.network.lanes) if not lane.is_connector]
        lengths = np.array([town.network.lanes[k].length for k in stretch_lanes])
        self._stretch_lanes, self._lane_p = np.array(stretch_lanes), lengths / lengths.sum()
        self._lane_km = lengths.sum() / 1000
        self._free_curb = np.ones(len(town.curb_slots), bool)

    def spawn(self) -> list:
        """All actors, the ego first."""
        self._ego()
        self._traffic()
        self._roadworks()
        self._parked()
        self._walkers()
        self._crossers()
        self._plazas_and_parks()
        return self.specs

    def _size(self, kind: str) -> np.ndarray:
        return KINDS[kind].sample_size(self.rng)

    def _route_on_lane(self, clearance: float, back: float = 0.0) -> Optional[tuple]:
        """A route from a free spot on a random stretch lane: (points, stops) or None if none is free."""
        for _ in range(20):
            lane = int(self.rng.choice(self._stretch_lanes, p=self._lane_p))
            length = self.town.network.lanes[lane].length
            s = self.rng.uniform(back + 3.0, max(back + 3.5, length - 10.0))
            xy = self.town.network.lanes[lane].points[min(int(s / 0.5), len(self.town.network.lanes[lane].points) - 1)]
            taken = np.array(self._lane_positions).reshape(-1, 2)
            if not len(taken) or np.min(np.hypot(*(taken - xy).T)) > clearance:
                self._lane_positions.append(xy)
                points, stops, _ = self.town.network.random_route(self.rng, lane, s - back, self.route_length)
                return points, stops
        return None

    def _ego(self) -> None:
        points, stops = self._route_on_lane(clearance=0.0)
        self.specs.append(ActorSpec('ego', np.array(EGO_SIZE), MOVER, path=points, stops=stops,
                                    speed=self.rng.uniform(*_DESIRED_SPEED['ego'])))

    def _traffic(self) -> None:
        count = int(round(self.cfg.moving_vehicles_per_km_lane * self._lane_km))
        kinds = list(_MOVING_MIX)
        for kind in self.rng.choice(kinds, size=count, p=list(_MOVING_MIX.values())):
            size = self._size(kind)
            tows = kind == 'truck' and self.rng.random() < 0.35
            trailer_size = self._size('trailer') if tows else None
            back = (size[0] / 2 + 1.0 + trailer_size[0] / 2) if tows else 0.0
            route = self._route_on_lane(clearance=10.0 + back, back=back)
            if route is None:
                continue
            if kind in ('bicycle', 'motorcycle'):
                size[2] = self.rng.uniform(1.55, 1.8)  # with rider
            self.specs.append(ActorSpec(kind, size, MOVER, path=route[0], s=back, stops=route[1],
                                        speed=self.rng.uniform(*_DESIRED_SPEED[kind])))
            if tows:
                self.specs.append(ActorSpec('trailer', trailer_size, TOWED, path=route[0], leader=len(self.specs) - 1,
                                            tow_offset=back))
                self._lane_positions.append(route[0][0])  # the route starts under the trailer

    def _slot_pose(self, slot: np.ndarray, flip: bool) -> tuple:
        return float(slot[0]), float(slot[1]), float(slot[2] + (np.pi if flip else 0.0))

    def _roadworks(self) -> None:
        """Cones along the lane edge, barriers at both ends and a parked construction vehicle in between."""
        sites = int(round(self.cfg.roadworks_per_block * len(self.town.network.stretches)))
        slots = self.town.curb_slots
        for _ in range(sites):
            start = int(self.rng.integers(0, max(1, len(slots) - 3)))
            run = np.arange(start, start + 3)
            if run[-1] >= len(slots) or len(set(slots[run, 3])) != 1 or not self._free_curb[run].all():
                continue
            self._free_curb[run] = False
            x, y, yaw = slots[run[1], :3]
            direction = np.array([np.cos(yaw), np.sin(yaw)])
            toward_lane = np.array([-direction[1], direction[0]])  # left of the parked heading = the lane
            edge = np.array([x, y]) + toward_lane * (self.town.config.parking_width / 2 + 0.15)
            for s in np.arange(-7.5, 8.0, 3.0):
                xy = edge + direction * s
                self.specs.append(ActorSpec('cone', self._size('cone'), STATIC, pose=(xy[0], xy[1], yaw)))
            for s in (-9.5, 9.5):
                xy = np.array([x, y]) + direction * s
                self.specs.append(ActorSpec('barrier', self._size('barrier'), STATIC, pose=(xy[0], xy[1], yaw)))
            vehicle = 'construction' if self.rng.random() < 0.75 else 'truck'
            size = self._size(vehicle)
            curb_side = np.array([x, y]) - toward_lane * 0.3
            self.specs.append(ActorSpec(vehicle, size, STATIC, pose=(*curb_side, yaw)))
            for end in self.rng.choice([-1.0, 1.0], size=int(self.rng.integers(1, 3)), replace=False):
                xy = curb_side + direction * end * (size[0] / 2 + self.rng.uniform(0.8, 2.0))  # beside the vehicle
                self.specs.append(ActorSpec('worker', self._size('worker'), STATIC,
                                            pose=(xy[0], xy[1], self.rng.uniform(-np.pi, np.pi))))

    def _parked(self) -> None:
        kinds, probs = list(_PARKED_MIX), list(_PARKED_MIX.values())
        slots = self.town.curb_slots
        for index in range(len(slots)):
            if not self._free_curb[index]:
                continue
            draw = self.rng.random()
            if draw < self.cfg.barrier_slot_fraction:
                self._barrier_line(slots[index])
            elif draw < self.cfg.barrier_slot_fraction + self.cfg.parked_fraction:
                kind = str(self.rng.choice(kinds, p=probs))
                size = self._size(kind)
                pose = self._slot_pose(slots[index], False)
                if size[0] > CURB_SLOT_LENGTH - 0.8:  # a long vehicle takes the next slot of the same curb too
                    after = index + 1
                    if after >= len(slots) or slots[after, 3] != slots[index, 3] or not self._free_curb[after] or \
                            np.hypot(*(slots[after, :2] - slots[index, :2])) > CURB_SLOT_LENGTH + 0.1:
                        continue
                    self._free_curb[after] = False
                    pose = tuple((np.array(pose) + np.array(self._slot_pose(slots[after], False))) / 2)
                self._park(kind, pose, size)
        for slot in self.town.carpark_slots:
            if self.rng.random() < self.cfg.carpark_fill:
                kind = 'car' if self.rng.random() < 0.93 else 'truck'
                self._park(kind, self._slot_pose(slot, self.rng.random() < 0.3))

    def _barrier_line(self, slot: np.ndarray) -> None:
        """Barriers end to end along the curb, closing one parking slot."""
        x, y, yaw = slot[:3]
        direction = np.array([np.cos(yaw), np.sin(yaw)])
        for s in (-1.45, 1.45):
            xy = np.array([x, y]) + direction * s
            self.specs.append(ActorSpec('barrier', self._size('barrier'), STATIC, pose=(*xy, yaw + np.pi / 2)))

    def _park(self, kind: str, pose: tuple, size: Optional[np.ndarray] = None) -> None:
        size = self._size(kind) if size is None else size
        if kind in ('bicycle', 'motorcycle'):
            size[2] = self.rng.uniform(1.0, 1.25)  # without rider
        jitter = self.rng.normal(0, 0.1, 2)
        self.specs.append(ActorSpec(kind, size, STATIC, pose=(pose[0] + jitter[0], pose[1] + jitter[1],
                                                              pose[2] + self.rng.normal(0, 0.02))))

    def _pedestrian_kind(self) -> str:
        return 'child' if self.rng.random() < 0.08 else 'adult'

    def _walkers(self) -> None:
        """Walkers around the blocks: one lane per direction (keeping right), everyone in a lane at the lane's
        speed and at least ``_PEDESTRIAN_GAP`` apart, so nobody walks through anybody; people standing
        keep to the building side."""
        rings = self.town.walk_rings
        perimeters = 2 * ((rings[:, 2] - rings[:, 0]) + (rings[:, 3] - rings[:, 1]))
        for ring, perimeter in enumerate(perimeters):
            count = self.rng.poisson(self.cfg.pedestrians_per_km_sidewalk * perimeter / 1000)
            standing = self.rng.binomial(count, 0.25)
            forward = self.rng.binomial(count - standing, 0.5)
            x0, y0, x1, y1 = rings[ring]
            for offset, number, speed, reverse in ((-_RING_OFFSET, forward, self.rng.uniform(1.0, 1.6), False),
                                                   (_RING_OFFSET, count - standing - forward,
                                                    self.rng.uniform(1.0, 1.6), True),
                                                   (-_STANDING_OFFSET, standing, 0.0, False)):
                path = rect_ring(x0 - offset, y0 - offset, x1 + offset, y1 + offset)
                self._walk_lane(path[::-1].copy() if reverse else path, number, speed, looped=True)

    def _walk_lane(self, path: np.ndarray, number: int, speed: float, looped: bool) -> None:
        """``number`` pedestrians on one walking lane, spread over distinct slots of ``_PEDESTRIAN_GAP``."""
        slots = int((len(path) - 1) * 0.5 // _PEDESTRIAN_GAP)
        for slot in self.rng.choice(slots, size=min(number, slots), replace=False):
            kind = self._pedestrian_kind()
            self.specs.append(ActorSpec(kind, self._size(kind), WALKER, path=path, looped=looped, speed=speed,
                                        s=float(slot) * _PEDESTRIAN_GAP))

    def _crossers(self) -> None:
        """Pedestrians crossing at crosswalks, each on its own line across (up to three per crosswalk)."""
        for a, b in self.town.crossings:
            across = (b - a) / np.linalg.norm(b - a)
            along = np.array([-across[1], across[0]])
            for k in range(min(self.rng.poisson(self.cfg.crossing_pedestrians / 2), 3)):
                shift = along * (k - 1) * 0.9
                start, end = (a + shift, b + shift) if self.rng.random() < 0.5 else (b + shift, a + shift)
                path = resample_polyline(np.stack([start, end]))
                kind = self._pedestrian_kind()
                self.specs.append(ActorSpec(kind, self._size(kind), WALKER, path=path,
                                            s=self.rng.uniform(-15.0, (len(path) - 1) * 0.5),
                                            speed=self.rng.uniform(1.1, 1.6)))

    def _plazas_and_parks(self) -> None:
        for corners in self.town.plazas:
            lo, hi = corners.min(axis=0) + 3, corners.max(axis=0) - 3
            taken: list = []
            for _ in range(int(self.rng.integers(4, 9))):
                xy = self._free_spot(lo, hi, taken)
                kind = self._pedestrian_kind()
                sitting = self.rng.random() < 0.3
                size = self._size(kind)
                if sitting:
                    size[2] *= 0.7
                self.specs.append(ActorSpec(kind, size, STATIC, pose=(*xy, self.rng.uniform(-np.pi, np.pi)),
                                            sitting=sitting))
            for _ in range(int(self.rng.integers(2, 5))):
                spot = self._free_spot(lo, hi, taken)
                self.specs.append(ActorSpec('bin', self._size('bin'), STATIC, pose=(*spot, 0.0)))
            rack = self._free_spot(lo, hi - np.array([2.5, 0.0]), taken, clearance=4.0)
            self.specs.append(ActorSpec('rack', self._size('rack'), STATIC, pose=(*rack, 0.0)))
            for k in range(int(self.rng.integers(2, 4))):
                xy = rack + np.array([1.4, -1.0 + 1.0 * k])
                self._park('bicycle' if self.rng.random() < 0.6 else 'motorcycle', (*xy, 0.0))

    def _free_spot(self, lo: np.ndarray, hi: np.ndarray, taken: list, clearance: float = 1.5) -> np.ndarray:
        """A random point in [lo, hi] at least ``clearance`` from the points in ``taken`` (appended to it)."""
        for _ in range(30):
            xy = self.rng.uniform(lo, hi)
            if all(np.hypot(*(xy - other)) > max(clearance, spacing) for other, spacing in taken):
                break
        taken.append((xy, clearance))
        return xy

        for corners in self.town.parks:
            lo, hi = corners.min(axis=0), corners.max(axis=0)
            xm = (lo[0] + hi[0]) / 2
            up = resample_polyline(np.array([[xm + 0.6, lo[1] + 1], [xm + 0.6, hi[1] - 1]]))
            down = resample_polyline(np.array([[xm - 0.6, hi[1] - 1], [xm - 0.6, lo[1] + 1]]))
            for path in (up, down):
                self._walk_lane(path, int(self.rng.integers(1, 5)), self.rng.uniform(0.9, 1.5), looped=False)
