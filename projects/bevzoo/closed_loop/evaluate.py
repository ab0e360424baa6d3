"""Closed-loop evaluation on the built-in world: run an agent over a route set, score, print, save."""
import os
import os.path as osp
from typing import Callable, Optional

from .report import format_table, global_from_result, row_from_result, write_json
from .score import global_result
from .sim.routes import load_route_set
from .sim.runner import RouteRunner
from .visualize import save_strip

DEFAULT_ROUTES = osp.join(osp.dirname(osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))),
                          'configs', 'closed_loop', 'routes', 'default.json')


def evaluate(make_agent: Callable[[str], object], routes: str = DEFAULT_ROUTES, out_dir: Optional[str] = None,
             max_time: Optional[float] = None, log: Callable[[str], None] = print) -> tuple:
    """Drive a fresh agent over every route of a route-set file.

    Args:
        make_agent: ``make_agent(leaderboard_version) -> agent`` builds the agent as the Leaderboard of that
            version would (a new instance per route).
        routes: Route-set JSON file.
        out_dir: Where ``results.json`` and one ``<route>.png`` strip per route go (None: nothing saved).
        max_time: Cap on simulated seconds per route (None: the route timeout).
        log: Progress and the table go here.

    Returns:
        ``(route results, global result)``.
    """
    route_set = load_route_set(routes)
    runner = RouteRunner(route_set)
    if out_dir is not None:
        os.makedirs(out_dir, exist_ok=True)
    results = []
    for spec in route_set.routes:
        result, trace = runner.run(spec, make_agent(route_set.leaderboard_version), max_time=max_time)
        results.append(result)
        log(f'{spec.route_id}: DS {result.driving_score:.1f} RC {result.route_completion:.1f} {result.status} '
            f'({result.duration_game:.0f} s simulated in {result.duration_system:.0f} s)')
        if out_dir is not None:
            save_strip(trace, result, runner.lane_map.points, runner.stop_lines,
                       osp.join(out_dir, f'{spec.route_id}.png'))
    summary = global_result(results)
    rows, summary_row = [row_from_result(r) for r in results], global_from_result(summary)
    log(format_table(rows, summary_row))
    if out_dir is not None:
        write_json(osp.join(out_dir, 'results.json'), rows, summary_row, route_file=osp.abspath(routes),
                   note='built-in world: not comparable to CARLA Leaderboard scores',
                   infractions={r.route_id: [{'kind': e.kind.value, 'time': e.time, 'message': e.message}
                                             for e in r.infractions] for r in results})
    return results, summary
