"""A BEV image strip per route: snapshots of the ego, the actors, the lights, the route and the plan."""
import matplotlib

matplotlib.use('Agg')  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.patches import Polygon  # noqa: E402

from .sim.collisions import box_corners  # noqa: E402

LIGHT_COLOURS = {'green': 'tab:green', 'yellow': 'gold', 'red': 'tab:red'}
VIEW_RADIUS = 35.0  # m shown around the ego


def _panel(axis, trace, index: int, lane_points: np.ndarray, stop_lines: list, result) -> None:
    x, y, yaw, speed = trace.ego[index]
    near = np.linalg.norm(lane_points - [x, y], axis=1) < VIEW_RADIUS * 1.5
    axis.scatter(lane_points[near, 0], lane_points[near, 1], s=0.5, c='0.8')
    axis.plot(trace.route.points[:, 0], trace.route.points[:, 1], c='tab:blue', lw=1.0, alpha=0.6)
    lights = trace.lights[index]
    for line in stop_lines:
        if np.linalg.norm((line.start + line.end) / 2 - [x, y]) < VIEW_RADIUS:
            axis.plot([line.start[0], line.end[0]], [line.start[1], line.end[1]],
                      c=LIGHT_COLOURS.get(lights.get(line.light_id), 'k'), lw=2.0)
    actors = trace.actors[index]
    if len(actors):
        for corners in box_corners(actors[:, :2], actors[:, 3], actors[:, 4], actors[:, 2]):
            axis.add_patch(Polygon(corners, closed=True, fc='0.5', ec='k', lw=0.5))
    ego = box_corners(np.array([[x, y]]), np.array([4.1]), np.array([1.7]), np.array([yaw]))[0]
    axis.add_patch(Polygon(ego, closed=True, fc='tab:orange', ec='k', lw=0.8))
    plan = trace.plans[index]
    if len(plan):
        axis.plot(plan[:, 0], plan[:, 1], 'o-', c='tab:green', ms=2, lw=1.0)
    for event in result.infractions:
        if abs(event.time - trace.times[index]) < 2.5:
            axis.plot(*event.location, 'x', c='tab:red', ms=10, mew=2)
    axis.set_xlim(x - VIEW_RADIUS, x + VIEW_RADIUS)
    axis.set_ylim(y - VIEW_RADIUS, y + VIEW_RADIUS)
    axis.set_aspect('equal')
    axis.set_xticks([])
    axis.set_yticks([])
    axis.set_title(f't={trace.times[index]:.1f}s v={speed:.1f}m/s', fontsize=8)


def save_strip(trace, result, lane_points: np.ndarray, stop_lines: list, path: str, panels: int = 6) -> None:
    """Write a PNG of ``panels`` BEV snapshots evenly spread over the route.

    Args:
        trace: The route's :class:`~bevzoo.closed_loop.sim.runner.RouteTrace`.
        result: Its :class:`~bevzoo.closed_loop.score.RouteResult`.
        lane_points: ``[P, 2]`` lane centre-line points of the town (drawn light grey).
        stop_lines: Stop lines (coloured by their light's state).
        path: Output PNG.
    """
    indices = np.unique(np.linspace(0, len(trace.times) - 1, panels).round().astype(int))
    figure, axes = plt.subplots(1, len(indices), figsize=(3.0 * len(indices), 3.3))
    for axis, index in zip(np.atleast_1d(axes), indices):
        _panel(axis, trace, int(index), lane_points, stop_lines, result)
    figure.suptitle(f'{result.route_id}: DS {result.driving_score:.1f}  RC {result.route_completion:.1f}  '
                    f'IP {result.infraction_penalty:.2f}  {result.status}', fontsize=10)
    figure.tight_layout()
    figure.savefig(path, dpi=80)
    plt.close(figure)
