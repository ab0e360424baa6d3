"""The closed-loop table and JSON, from bevzoo's own results or from a CARLA Leaderboard results file."""
import json
from dataclasses import asdict, dataclass
from typing import Dict, List, Sequence

from .score import GlobalResult, InfractionKind, RouteResult

COLUMNS = (('collisions_pedestrian', 'ColP'), ('collisions_vehicle', 'ColV'), ('collisions_layout', 'ColS'),
           ('red_light', 'Red'), ('stop_infraction', 'Stop'), ('outside_route_lanes', 'Off'), ('route_dev', 'Dev'),
           ('route_timeout', 'TO'), ('vehicle_blocked', 'Blk'))


@dataclass
class RouteRow:
    """One line of the table: scores in percent (IP as a factor) and infraction counts by record key."""
    route_id: str
    length: float
    route_completion: float
    infraction_penalty: float
    driving_score: float
    status: str
    counts: Dict[str, int]


@dataclass
class GlobalRow:
    """The summary: means over routes, kilometres driven and infractions per km."""
    driving_score: float
    route_completion: float
    infraction_penalty: float
    km_driven: float
    per_km: Dict[str, float]
    num_routes: int


def row_from_result(result: RouteResult) -> RouteRow:
    return RouteRow(result.route_id, result.route_length, result.route_completion, result.infraction_penalty,
                    result.driving_score, result.status, {kind.value: result.count(kind) for kind in InfractionKind})


def global_from_result(result: GlobalResult) -> GlobalRow:
    return GlobalRow(result.driving_score, result.route_completion, result.infraction_penalty, result.km_driven,
                     result.infractions_per_km, result.num_routes)


def row_from_leaderboard(record: dict) -> RouteRow:
    """A row from one entry of a Leaderboard results file's ``_checkpoint.records``."""
    scores, infractions = record['scores'], record.get('infractions', {})
    return RouteRow(str(record.get('route_id')), float(record.get('meta', {}).get('route_length', 0.0)),
                    float(scores['score_route']), float(scores['score_penalty']), float(scores['score_composed']),
                    str(record.get('status', '')), {key: len(value) for key, value in infractions.items()})


def global_from_leaderboard(global_record: dict, num_routes: int) -> GlobalRow:
    """The summary from a Leaderboard results file's ``_checkpoint.global_record`` (1.0 or 2.0 layout)."""
    means = global_record.get('scores_mean', global_record.get('scores', {}))
    return GlobalRow(float(means['score_composed']), float(means['score_route']), float(means['score_penalty']),
                     float('nan'), {key: float(value) for key, value in global_record.get('infractions', {}).items()},
                     num_routes)


def format_table(rows: Sequence[RouteRow], summary: GlobalRow) -> str:
    """Per-route lines, then the means and the infractions per km."""
    counts = ''.join(f'{short:>5}' for _, short in COLUMNS)
    header = f'{"route":<14}{"len m":>7}{"RC %":>8}{"IP":>7}{"DS":>8}  {counts}'
    lines = [header, '-' * len(header)]
    for row in rows:
        counts = ''.join(f'{row.counts.get(key, 0):>5}' for key, _ in COLUMNS)
        lines.append(f'{row.route_id:<14}{row.length:>7.0f}{row.route_completion:>8.1f}{row.infraction_penalty:>7.3f}'
                     f'{row.driving_score:>8.1f}  {counts}  {row.status}')
    lines.append('-' * len(header))
    lines.append(f'{"mean":<14}{"":>7}{summary.route_completion:>8.1f}{summary.infraction_penalty:>7.3f}'
                 f'{summary.driving_score:>8.1f}   ({summary.num_routes} routes, {summary.km_driven:.3f} km driven)')
    per_km = ', '.join(f'{short} {summary.per_km.get(key, 0.0):.2f}' for key, short in COLUMNS)
    lines.append(f'infractions per km: {per_km} (Off: km driven outside the route lanes)')
    return '\n'.join(lines)


def write_json(path: str, rows: List[RouteRow], summary: GlobalRow, **extra) -> None:
    with open(path, 'w') as f:
        json.dump({'global': asdict(summary), 'routes': [asdict(row) for row in rows], **extra}, f, indent=1)
