"""Drives one agent over the routes of a route set in the built-in world and scores it like the Leaderboard.

Per tick (20 Hz): the agent reads its sensors and returns a control; the kinematic bicycle moves the ego;
the scene steps its traffic, walkers and lights; the criteria update. A route ends when it is completed,
on a deviation of more than 30 m, after 180 s blocked, or at the route timeout.
"""
import math
import time
from dataclasses import dataclass, field
from typing import Callable, List, Optional, Tuple

import numpy as np

from ...world.config import SensorConfig
from ...world.town import Town
from ..carla_compat import Location, Rotation, Transform
from ..criteria import (BlockedDetector, CollisionCounter, OutsideRouteLanes, RedLightCounter, RouteCompletion,
                        RouteDeviation, route_timeout)
from ..gnss import location_to_gnss
from ..route import Route, densify
from ..score import Infraction, InfractionKind, RouteResult
from ..sensor_suite import check_track
from .bicycle import EgoState, KinematicBicycle
from .lane_map import LaneMap
from .routes import RouteSet, RouteSpec
from .sensor_readings import SensorReadings
from .world_sim import SimWorld

TICK = 0.05  # s, the Leaderboard's 20 Hz


@dataclass
class RouteTrace:
    """What happened on a route, for the BEV pictures.

    Attributes:
        route: The dense route.
        times, ego: ``[T]`` times and ``[T, 4]`` ego ``(x, y, yaw, speed)`` at every recorded tick.
        actors: Per recorded tick, ``[A, 5]`` ``(x, y, yaw, length, width)`` of the actors within 60 m.
        lights: Per recorded tick, ``{light id: state}``.
        plans: Per recorded tick, the agent's waypoints in the world frame (``[T, 2]``, may be empty).
        infractions: The route's infractions.
    """
    route: Route
    times: List[float] = field(default_factory=list)
    ego: List[np.ndarray] = field(default_factory=list)
    actors: List[np.ndarray] = field(default_factory=list)
    lights: List[dict] = field(default_factory=list)
    plans: List[np.ndarray] = field(default_factory=list)
    infractions: List[Infraction] = field(default_factory=list)


def global_plan(points: np.ndarray, options: list) -> Tuple[list, list]:
    """The Leaderboard's ``(gps_route, world_route)`` for dense right-handed ``points [N, 2]``."""
    deltas = np.diff(points, axis=0)
    deltas = np.vstack([deltas, deltas[-1:]])
    headings = np.arctan2(deltas[:, 1], deltas[:, 0])
    gps, world = [], []
    for (x, y), heading, option in zip(points, headings, options):
        lat, lon = location_to_gnss(float(x), float(y))
        gps.append(({'lat': lat, 'lon': lon, 'z': 0.0}, option))
        transform = Transform(Location(x=float(x), y=float(-y), z=0.0), Rotation(yaw=-math.degrees(heading)))
        world.append((transform, option))
    return gps, world


class RouteRunner:
    """Runs routes of one route set (the town and lane map are built once).

    Args:
        route_set: The routes.
        sensor_config: Sensor resolution of the world (LiDAR azimuth steps).
        record_every: Record the trace every this many ticks.
    """

    def __init__(self, route_set: RouteSet, sensor_config: SensorConfig = SensorConfig(),
                 record_every: int = 10) -> None:
        self.route_set = route_set
        self.sensor_config = sensor_config
        self.record_every = record_every
        self.town = Town.generate(route_set.town, seed=route_set.world_seed, light_cycle=route_set.traffic.light_cycle)
        self.lane_map = LaneMap(self.town.network, route_set.town.lane_width)
        self.stop_lines = self.lane_map.stop_lines()

    def dense_route(self, spec: RouteSpec) -> Tuple[Route, list]:
        points, options, _ = self.lane_map.route_through(spec.waypoints)
        dense = densify(points, 1.0)
        nearest = np.searchsorted(np.arange(len(points)) * 0.5, np.arange(len(dense)) * 1.0).clip(0, len(points) - 1)
        return Route(spec.route_id, dense), [options[i] for i in nearest]

    def run(self, spec: RouteSpec, agent, max_time: Optional[float] = None,
            on_tick: Optional[Callable] = None) -> Tuple[RouteResult, RouteTrace]:
        """Drive ``agent`` (a Leaderboard agent instance) along ``spec``; returns its result and trace.

        Args:
            max_time: Stop early after this many simulated seconds (RC stays partial); None: the timeout.
            on_tick: Called as ``on_tick(world, ego, control)`` every tick (tests use it).
        """
        route, options = self.dense_route(spec)
        world = SimWorld(self.town, self.lane_map, self.route_set.traffic_for(spec), spec.scene_seed)
        start_yaw = math.atan2(*(route.points[1] - route.points[0])[::-1])
        bicycle = KinematicBicycle(EgoState(*route.points[0], start_yaw), world.params)
        world.place_ego(bicycle.state)
        sensors = agent.sensors()
        check_track(sensors, self.route_set.leaderboard_version, type(agent).__name__)
        agent.set_global_plan(*global_plan(route.points, options))
        if hasattr(agent, 'attach_world'):  # privileged agents only
            agent.attach_world(world, route)
        trace = RouteTrace(route)
        outcome = self._drive(world, bicycle, route, agent, sensors, trace, max_time, on_tick)
        agent.destroy()
        return outcome, trace

    def _drive(self, world, bicycle, route, agent, sensors, trace, max_time, on_tick) -> RouteResult:
        completion, deviation = RouteCompletion(route), RouteDeviation(route)
        outside = OutsideRouteLanes(route, world.lane_map.is_outside_route_lanes)
        collisions, red_lights, blocked = CollisionCounter(), RedLightCounter(self.stop_lines), BlockedDetector()
        events: List[Infraction] = []
        timeout = route_timeout(route.length)
        rng = np.random.default_rng(0)
        started, tick = time.perf_counter(), 0
        while True:
            ego = bicycle.state
            readings = SensorReadings(world, ego, bicycle.yaw_rate, sensors, tick, self.sensor_config, rng)
            control = agent.run_step(readings, world.time)
            bicycle.step(control.throttle, control.steer, control.brake, TICK)
            world.place_ego(ego)
            world.step(TICK)
            now, centre = world.time, ego.centre(world.params)
            completion.update(centre)
            outside.update(now, centre, ego.yaw)
            collisions.update(now, tuple(centre))
            for contact in world.contacts(ego):
                collisions.add(contact)
            for event in (red_lights.update(now, centre, world.light_states()),
                          deviation.update(now, centre), blocked.update(now, ego.speed, centre)):
                if event is not None:
                    events.append(event)
            if now > timeout:
                events.append(Infraction(InfractionKind.ROUTE_TIMEOUT, now, tuple(centre), 'Route timeout.'))
            if tick % self.record_every == 0:
                self._record(trace, world, ego, agent)
            if on_tick is not None:
                on_tick(world, ego, control)
            tick += 1
            ended = any(e.kind in (InfractionKind.ROUTE_DEVIATION, InfractionKind.VEHICLE_BLOCKED,
                                   InfractionKind.ROUTE_TIMEOUT) for e in events)
            if completion.completed or ended or (max_time is not None and now >= max_time):
                break
        self._record(trace, world, bicycle.state, agent)
        infractions = sorted(events + collisions.events + ([outside.event] if outside.event else []),
                             key=lambda e: e.time)
        trace.infractions = infractions
        return RouteResult(route.route_id, route.length, completion.percentage, infractions,
                           duration_game=world.time, duration_system=time.perf_counter() - started)

    @staticmethod
    def _record(trace: RouteTrace, world: SimWorld, ego: EgoState, agent) -> None:
        scene = world.scene
        near = np.flatnonzero(np.linalg.norm(scene.position - ego.position, axis=1) < 60.0)
        near = near[near != 0]
        trace.times.append(world.time)
        trace.ego.append(np.array([ego.x, ego.y, ego.yaw, ego.speed]))
        trace.actors.append(np.column_stack([scene.position[near], scene.yaw[near], scene.size[near, :2]]))
        trace.lights.append(world.light_states())
        plan = getattr(agent, 'last_plan_world', None)
        trace.plans.append(np.zeros((0, 2)) if plan is None else plan)
