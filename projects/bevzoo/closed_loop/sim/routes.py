"""Route sets as data files: which town, which traffic, which routes (sparse waypoints) and scenarios.

A route-set file is JSON::

    {"world": {"seed": 0, "town": {"blocks_x": 2, "blocks_y": 2}, "traffic": {"light_cycle": 30.0}},
     "leaderboard_version": "2.0",
     "routes": [{"id": "route_00", "scene_seed": 11, "waypoints": [[x, y], ...],
                 "traffic": {"crossing_pedestrians": 3.0}}]}

``world.town`` and ``world.traffic`` override fields of ``bevzoo.world``'s ``TownConfig`` and
``TrafficConfig``; a route's ``traffic`` overrides the world's for that route (its scenario: denser
traffic, more crossing pedestrians, ...). ``scene_seed`` seeds the actors. Waypoints are world ``(x, y)``
metres on lane centre lines, in driving order, as the Leaderboard's route XML holds them; the dense
route follows the lanes between them.
"""
import json
import os.path as osp
from dataclasses import dataclass, field, fields, replace
from typing import List

import numpy as np

from ...world.config import TownConfig, TrafficConfig
from ...world.spawner import Spawner
from ...world.town import Town


class RouteFileError(ValueError):
    """A route-set file is missing, unreadable or malformed."""


@dataclass(frozen=True)
class RouteSpec:
    """One route: ``waypoints [M, 2]`` and the scene it is driven in."""
    route_id: str
    scene_seed: int
    waypoints: np.ndarray
    traffic: dict = field(default_factory=dict)


@dataclass(frozen=True)
class RouteSet:
    """A town, its traffic and the routes to drive in it."""
    world_seed: int
    town: TownConfig
    traffic: TrafficConfig
    routes: List[RouteSpec]
    leaderboard_version: str = '2.0'

    def traffic_for(self, route: RouteSpec) -> TrafficConfig:
        return replace(self.traffic, **route.traffic)


def _config(cls, overrides: dict, where: str):
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise RouteFileError(f'{where}: unknown {cls.__name__} fields {unknown}; known: {sorted(known)}')
    return cls(**overrides)


def _route(entry: dict, index: int, path: str, traffic: TrafficConfig) -> RouteSpec:
    where = f'{path}: routes[{index}]'
    missing = [key for key in ('id', 'scene_seed', 'waypoints') if key not in entry]
    if missing:
        raise RouteFileError(f'{where} lacks {missing}')
    waypoints = np.asarray(entry['waypoints'], dtype=np.float64)
    if waypoints.ndim != 2 or waypoints.shape[1] != 2 or len(waypoints) < 2:
        raise RouteFileError(f'{where} ({entry["id"]}): waypoints must be [[x, y], ...] with at least 2 points, '
                             f'got shape {waypoints.shape}')
    _config(TrafficConfig, {**vars(traffic), **entry.get('traffic', {})}, where)
    return RouteSpec(str(entry['id']), int(entry['scene_seed']), waypoints, dict(entry.get('traffic', {})))


def load_route_set(path: str) -> RouteSet:
    """Read and check a route-set file (see the module docstring); errors name the file and entry."""
    if not osp.isfile(path):
        raise RouteFileError(f'route file {path!r} does not exist (the default set is '
                             'configs/closed_loop/routes/default.json)')
    try:
        with open(path) as f:
            data = json.load(f)
    except json.JSONDecodeError as exc:
        raise RouteFileError(f'route file {path} is not valid JSON: {exc}') from exc
    if not isinstance(data, dict) or not data.get('routes'):
        raise RouteFileError(f'route file {path} needs a non-empty "routes" list')
    world = data.get('world', {})
    town = _config(TownConfig, world.get('town', {}), f'{path}: world.town')
    traffic = _config(TrafficConfig, world.get('traffic', {}), f'{path}: world.traffic')
    routes = [_route(entry, i, path, traffic) for i, entry in enumerate(data['routes'])]
    ids = [r.route_id for r in routes]
    if len(set(ids)) != len(ids):
        raise RouteFileError(f'{path}: route ids must be unique, got {ids}')
    version = str(data.get('leaderboard_version', '2.0'))
    if version not in ('1.0', '2.0'):
        raise RouteFileError(f'{path}: leaderboard_version must be "1.0" or "2.0", got {version!r}')
    return RouteSet(int(world.get('seed', 0)), town, traffic, routes, version)


def save_route_set(route_set: RouteSet, path: str, town_overrides: dict, traffic_overrides: dict) -> None:
    """Write ``route_set`` as JSON (only the overridden config fields are written)."""
    header = {'world': {'seed': route_set.world_seed, 'town': town_overrides, 'traffic': traffic_overrides},
              'leaderboard_version': route_set.leaderboard_version}
    routes = [json.dumps({'id': r.route_id, 'scene_seed': r.scene_seed, **({'traffic': r.traffic} if r.traffic else {}),
                          'waypoints': np.round(r.waypoints, 2).tolist()}) for r in route_set.routes]
    with open(path, 'w') as f:  # one line per route keeps the file readable
        f.write(json.dumps(header)[:-1] + ',\n "routes": [\n  ' + ',\n  '.join(routes) + '\n ]\n}\n')


def ego_route_waypoints(town: Town, traffic: TrafficConfig, scene_seed: int, length: float,
                        spacing: float = 20.0) -> np.ndarray:
    """Sparse waypoints along the first ``length`` metres of the route the world gives its ego in the scene
    of ``scene_seed`` (its start is kept clear of other actors by the world's spawner)."""
    ego = Spawner(town, traffic, np.random.default_rng(scene_seed), length + 50.0).spawn()[0]  # as Scene draws it
    path = ego.path
    steps = np.linalg.norm(np.diff(path, axis=0), axis=1)
    along = np.concatenate([[0.0], np.cumsum(steps)])
    end = int(np.searchsorted(along, min(length, along[-1])))
    keep = np.unique(np.concatenate([np.searchsorted(along, np.arange(0.0, along[end], spacing)), [end]]))
    return path[keep]
