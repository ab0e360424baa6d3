"""tools/closed_loop.py: the expert over a route set from the command line, and its argument errors."""
import json

import pytest


def test_expert_from_the_command_line(run_tool, routes_dir, tmp_path):
    args = ['--expert', '--routes', f'{routes_dir}/short.json', '--out', str(tmp_path)]
    message, out = run_tool('closed_loop.py', args)
    assert message is None
    assert 'short_00' in out and 'infractions per km' in out
    assert json.loads((tmp_path / 'results.json').read_text())['global']['num_routes'] == 1


def test_learned_pipeline_with_ground_truth_perception_drives(run_tool, routes_dir, tmp_path):
    """--oracle: GNSS, the sparse plan, arcs on the drivable raster, safe distance, PID: the route is driven."""
    args = ['--oracle', '--routes', f'{routes_dir}/short.json', '--out', str(tmp_path)]
    message, _ = run_tool('closed_loop.py', args)
    assert message is None
    route = json.loads((tmp_path / 'results.json').read_text())['routes'][0]
    assert route['route_completion'] == 100.0


@pytest.mark.parametrize('args, expected', [
    (['--expert', 'some_config.py', 'some.pth'], None),  # argparse error: exit code 2
    (['--expert', '--oracle'], None),
    (['missing_config.py', 'missing.pth'], "'missing_config.py' does not exist"),
    (['--expert', '--routes', 'nowhere.json'], "route file 'nowhere.json' does not exist"),
])
def test_argument_errors(run_tool, args, expected):
    message, _ = run_tool('closed_loop.py', args)
    assert message is not None
    if expected:
        assert expected in message
