"""Evaluate a bevzoo model in CARLA with the official Leaderboard, then print bevzoo's closed-loop table.

    python tools/carla_eval.py AGENT_CONFIG --routes ROUTES.xml [--scenarios SCENARIOS.json]
        [--host localhost] [--port 2000] [--track SENSORS] [--results results.json]
        [--carla-root DIR] [--leaderboard-root DIR] [--scenario-runner-root DIR]
    python tools/carla_eval.py --parse RESULTS.json

AGENT_CONFIG names the zoo config and checkpoint (bevzoo/closed_loop/agent_options.py). The roots default
to $CARLA_ROOT, $LEADERBOARD_ROOT and $SCENARIO_RUNNER_ROOT. A CARLA server must be running at HOST:PORT.
``--scenarios`` is passed for Leaderboard 1.0 (2.0 takes the scenarios from the routes file).
"""
import _bootstrap  # noqa: F401  (must come first: clear message outside the bevzoo environment)

import argparse
import json
import os
import os.path as osp
import socket
import subprocess
import sys

from bevzoo.closed_loop import agent as bevzoo_agent
from bevzoo.closed_loop.report import format_table, global_from_leaderboard, row_from_leaderboard

ROOTS = (('carla_root', 'CARLA_ROOT', 'PythonAPI/carla'), ('leaderboard_root', 'LEADERBOARD_ROOT',
         'leaderboard/leaderboard_evaluator.py'), ('scenario_runner_root', 'SCENARIO_RUNNER_ROOT', 'srunner'))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Run the CARLA Leaderboard with the bevzoo agent.')
    parser.add_argument('agent_config', nargs='?', help='agent configuration file (config, checkpoint, ...)')
    parser.add_argument('--parse', metavar='RESULTS', help='only print the table of an existing results file')
    parser.add_argument('--routes', help='Leaderboard routes XML')
    parser.add_argument('--scenarios', help='Leaderboard 1.0 scenarios JSON')
    parser.add_argument('--host', default='localhost', help='CARLA server host')
    parser.add_argument('--port', type=int, default=2000, help='CARLA server port')
    parser.add_argument('--timeout', type=float, default=2.0, help='seconds to wait for the server')
    parser.add_argument('--track', default='SENSORS', help='Leaderboard track')
    parser.add_argument('--results', default='carla_results.json', help="the evaluator's results file")
    for flag, env, _ in ROOTS:
        parser.add_argument('--' + flag.replace('_', '-'), default=os.environ.get(env), help=f'default: ${env}')
    args = parser.parse_args()
    if not args.parse and not (args.agent_config and args.routes):
        parser.error('give AGENT_CONFIG and --routes (or --parse RESULTS.json)')
    return args


def check_roots(args: argparse.Namespace) -> dict:
    """The three checkouts, each checked for the file the run needs; exits naming the first that is missing."""
    roots = {}
    for flag, env, needed in ROOTS:
        root = getattr(args, flag)
        option = '--' + flag.replace('_', '-')
        if not root:
            sys.exit(f'error: {env} is not set; export {env}=<path> or pass {option}')
        if not osp.exists(osp.join(root, needed)):
            sys.exit(f'error: {env} ({option}) = {root!r} has no {needed}; is it the right checkout?')
        roots[flag] = root
    return roots


def check_server(host: str, port: int, timeout: float) -> None:
    """Exit within ``timeout`` seconds when no CARLA server answers at ``host:port``."""
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError as exc:
        sys.exit(f'error: no CARLA server at {host}:{port} ({exc}); start it (./CarlaUE4.sh -carla-rpc-port={port}) '
                 'or pass --host/--port')
    try:
        import carla
    except ImportError:
        return  # the evaluator will use CARLA_ROOT's PythonAPI
    client = carla.Client(host, port)
    client.set_timeout(timeout)
    try:
        client.get_server_version()
    except RuntimeError as exc:
        sys.exit(f'error: the CARLA server at {host}:{port} did not answer within {timeout} s: {exc}')


def run_evaluator(args: argparse.Namespace, roots: dict) -> None:
    evaluator = osp.join(roots['leaderboard_root'], 'leaderboard', 'leaderboard_evaluator.py')
    command = [sys.executable, evaluator, f'--routes={args.routes}', f'--agent={bevzoo_agent.__file__}',
               f'--agent-config={args.agent_config}', f'--track={args.track}', f'--checkpoint={args.results}',
               f'--host={args.host}', f'--port={args.port}']
    if args.scenarios:
        command.append(f'--scenarios={args.scenarios}')
    python_path = [osp.join(roots['carla_root'], 'PythonAPI', 'carla'), roots['leaderboard_root'],
                   roots['scenario_runner_root'], os.environ.get('PYTHONPATH', '')]
    env = {**os.environ, 'PYTHONPATH': os.pathsep.join(p for p in python_path if p)}
    completed = subprocess.run(command, env=env)
    if completed.returncode != 0:
        sys.exit(f'error: leaderboard_evaluator.py exited with {completed.returncode}')


def print_results(path: str) -> None:
    """Print bevzoo's table from a Leaderboard results file."""
    if not osp.isfile(path):
        sys.exit(f'error: results file {path!r} does not exist')
    with open(path) as f:
        data = json.load(f)
    checkpoint = data.get('_checkpoint', {})
    records = checkpoint.get('records', [])
    if not records or not checkpoint.get('global_record'):
        sys.exit(f'error: {path} holds no finished route records (entry status: {data.get("entry_status")})')
    rows = [row_from_leaderboard(record) for record in records]
    print(format_table(rows, global_from_leaderboard(checkpoint['global_record'], len(rows))))


def main() -> None:
    args = parse_args()
    if args.parse:
        print_results(args.parse)
        return
    for path in (args.agent_config, args.routes):
        if not osp.isfile(path):
            sys.exit(f'error: {path!r} does not exist')
    roots = check_roots(args)
    check_server(args.host, args.port, args.timeout)
    run_evaluator(args, roots)
    print_results(args.results)


if __name__ == '__main__':
    main()
