"""tools/carla_eval.py without CARLA: missing checkouts, no server, and parsing a Leaderboard results file."""
import json
import os
import socket
import subprocess
import sys
import time

import pytest

ROOT_VARIABLES = ('CARLA_ROOT', 'LEADERBOARD_ROOT', 'SCENARIO_RUNNER_ROOT')


def _set_roots(monkeypatch, env_roots: dict) -> None:
    for name in ROOT_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env_roots.items():
        monkeypatch.setenv(name, value)


def _run(repo_root, args, env_roots):
    env = {k: v for k, v in os.environ.items() if k not in ROOT_VARIABLES}
    env.update(env_roots)
    started = time.perf_counter()
    out = subprocess.run([sys.executable, os.path.join(repo_root, 'tools', 'carla_eval.py'), *args],
                         capture_output=True, text=True, env=env, timeout=120)
    return out, time.perf_counter() - started


@pytest.fixture
def fake_checkouts(tmp_path):
    """Directories shaped like CARLA, the Leaderboard and scenario_runner checkouts, plus the agent inputs."""
    (tmp_path / 'carla' / 'PythonAPI' / 'carla').mkdir(parents=True)
    (tmp_path / 'leaderboard' / 'leaderboard').mkdir(parents=True)
    (tmp_path / 'leaderboard' / 'leaderboard' / 'leaderboard_evaluator.py').write_text('')
    (tmp_path / 'scenario_runner' / 'srunner').mkdir(parents=True)
    (tmp_path / 'agent.py').write_text("config = 'c.py'\ncheckpoint = 'c.pth'\n")
    (tmp_path / 'routes.xml').write_text('<routes/>')
    roots = {'CARLA_ROOT': str(tmp_path / 'carla'), 'LEADERBOARD_ROOT': str(tmp_path / 'leaderboard'),
             'SCENARIO_RUNNER_ROOT': str(tmp_path / 'scenario_runner')}
    return tmp_path, roots


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(('localhost', 0))
        return s.getsockname()[1]


def test_no_server_fails_fast_naming_host_and_port(repo_root, fake_checkouts):
    directory, roots = fake_checkouts
    port = _free_port()
    out, elapsed = _run(repo_root, [str(directory / 'agent.py'), '--routes', str(directory / 'routes.xml'),
                                    '--port', str(port)], roots)
    assert out.returncode != 0
    assert f'localhost:{port}' in out.stderr
    assert elapsed < 60.0  # interpreter and bevzoo start-up included; the check itself is below


def test_server_check_itself_is_immediate(fake_checkouts, monkeypatch, run_tool):
    directory, roots = fake_checkouts
    port = _free_port()
    _set_roots(monkeypatch, roots)
    started = time.perf_counter()
    message, _ = run_tool('carla_eval.py', [str(directory / 'agent.py'), '--routes', str(directory / 'routes.xml'),
                                            '--port', str(port)])
    assert f'no CARLA server at localhost:{port}' in message
    assert time.perf_counter() - started < 5.0


def test_missing_checkout_is_named(fake_checkouts, monkeypatch, run_tool):
    directory, roots = fake_checkouts
    args = [str(directory / 'agent.py'), '--routes', str(directory / 'routes.xml')]
    del roots['LEADERBOARD_ROOT']
    _set_roots(monkeypatch, roots)
    message, _ = run_tool('carla_eval.py', args)
    assert 'LEADERBOARD_ROOT is not set' in message
    _set_roots(monkeypatch, {**roots, 'LEADERBOARD_ROOT': str(directory)})  # exists, but not a Leaderboard checkout
    message, _ = run_tool('carla_eval.py', args)
    assert 'LEADERBOARD_ROOT' in message and 'leaderboard/leaderboard_evaluator.py' in message


def test_parse_leaderboard_results(tmp_path, run_tool):
    record = {'route_id': 'RouteScenario_0', 'status': 'Completed', 'meta': {'route_length': 500.0},
              'scores': {'score_route': 100.0, 'score_penalty': 0.6, 'score_composed': 60.0},
              'infractions': {'collisions_vehicle': ['hit'], 'red_light': []}}
    results = {'_checkpoint': {'records': [record], 'global_record': {
        'scores_mean': {'score_composed': 60.0, 'score_route': 100.0, 'score_penalty': 0.6},
        'infractions': {'collisions_vehicle': 2.0}}}, 'entry_status': 'Finished'}
    path = tmp_path / 'results.json'
    path.write_text(json.dumps(results))
    message, out = run_tool('carla_eval.py', ['--parse', str(path)])
    assert message is None
    assert 'RouteScenario_0' in out and '60.0' in out and 'ColV 2.00' in out
