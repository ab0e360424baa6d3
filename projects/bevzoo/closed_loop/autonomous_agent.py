"""The Leaderboard's ``AutonomousAgent`` base class, or a faithful stand-in when the Leaderboard is absent.

With CARLA's ``leaderboard`` package on the Python path, bevzoo's agents subclass its
``AutonomousAgent`` (so the official evaluator drives them). Without it they subclass
:class:`StandaloneAutonomousAgent`, which accepts the same two constructor signatures and thins the
global plan the same way, so the built-in simulator calls exactly the same agent class.
"""
import math
from enum import Enum

try:
    from leaderboard.autoagents.autonomous_agent import AutonomousAgent as _LeaderboardAgent
    from leaderboard.autoagents.autonomous_agent import Track
except ImportError:
    _LeaderboardAgent = None

    class Track(Enum):
        """Leaderboard tracks (``leaderboard.autoagents.autonomous_agent.Track``)."""
        SENSORS = 'SENSORS'
        MAP = 'MAP'

PLAN_SPACING_1_0 = 50.0  # m between kept global-plan points in Leaderboard 1.0
PLAN_SPACING_2_0 = 200.0  # and in 2.0


def downsample_plan(points: list, road_options: list, spacing: float) -> list:
    """Indices of the plan points the Leaderboard keeps: every change of road option (turn entries and
    exits) and points ``spacing`` metres apart; always the first and the last.

    Args:
        points: ``[(x, y), ...]`` plan positions, metres.
        road_options: One ``RoadOption`` per point.
        spacing: Distance between kept points, metres.
    """
    kept, travelled = [0], 0.0
    for index in range(1, len(points)):
        travelled += math.dist(points[index], points[index - 1])
        option_changes = road_options[index] != road_options[index - 1]
        if option_changes or travelled >= spacing or index == len(points) - 1:
            kept.append(index)
            travelled = 0.0
    return kept


class StandaloneAutonomousAgent:
    """Stand-in for ``leaderboard.autoagents.autonomous_agent.AutonomousAgent``.

    Constructed as in Leaderboard 1.0 (``Agent(path_to_conf_file)``, which calls ``setup``) or 2.0
    (``Agent(carla_host, carla_port, debug=False)``, after which the caller calls ``setup``).
    """

    def __init__(self, *args, **kwargs) -> None:
        self.track = Track.SENSORS
        self._global_plan = None
        self._global_plan_world_coord = None
        self.wallclock_t0 = None
        leaderboard_1_0 = len(args) + len(kwargs) == 1
        self.leaderboard_version = '1.0' if leaderboard_1_0 else '2.0'
        if leaderboard_1_0:
            self.setup(*args, **kwargs)

    def setup(self, path_to_conf_file: str) -> None:
        raise NotImplementedError('subclasses build themselves from their config file in setup()')

    def set_global_plan(self, global_plan_gps: list, global_plan_world_coord: list) -> None:
        """Keep the points of the plan the Leaderboard would hand an agent (see :func:`downsample_plan`).

        Args:
            global_plan_gps: ``[({'lat', 'lon', 'z'}, RoadOption), ...]``.
            global_plan_world_coord: ``[(Transform, RoadOption), ...]`` in CARLA's world frame.
        """
        spacing = PLAN_SPACING_1_0 if self.leaderboard_version == '1.0' else PLAN_SPACING_2_0
        points = [(t.location.x, t.location.y) for t, _ in global_plan_world_coord]
        kept = downsample_plan(points, [option for _, option in global_plan_world_coord], spacing)
        self._global_plan = [global_plan_gps[i] for i in kept]
        self._global_plan_world_coord = [global_plan_world_coord[i] for i in kept]

    def destroy(self) -> None:
        """Release resources at the end of a route."""


AutonomousAgent = _LeaderboardAgent if _LeaderboardAgent is not None else StandaloneAutonomousAgent
