"""Closed-loop driving on the built-in world, scored with the CARLA Leaderboard's rules.

    python tools/closed_loop.py CONFIG CHECKPOINT [--routes FILE] [--out DIR] [--perception-hz HZ]
                                [--cameras CAM ...] [--device cpu] [--max-time S]
    python tools/closed_loop.py --expert | --oracle [--routes FILE] [--out DIR]

--expert drives the privileged expert; --oracle drives the learned agent's pipeline with ground-truth
perception instead of a model (its ceiling). Prints the per-route and global table; with --out writes
results.json and a BEV strip per route.
Scores on the built-in world are not comparable to CARLA Leaderboard scores (docs/closed_loop.md).
"""
import _bootstrap  # noqa: F401  (must come first: clear message outside the bevzoo environment)

import argparse
import os
import os.path as osp
import sys
import tempfile

from bevzoo.closed_loop.agent import BevzooAgent
from bevzoo.closed_loop.evaluate import DEFAULT_ROUTES, evaluate
from bevzoo.closed_loop.expert_agent import ExpertAgent
from bevzoo.closed_loop.oracle_agent import OracleAgent
from bevzoo.closed_loop.sim.routes import RouteFileError


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Closed-loop evaluation on the built-in world.')
    parser.add_argument('config', nargs='?', help='zoo config of the model to drive with')
    parser.add_argument('checkpoint', nargs='?', help='its checkpoint')
    parser.add_argument('--expert', action='store_true', help='drive the privileged expert instead of a model')
    parser.add_argument('--oracle', action='store_true',
                        help="drive the learned agent's pipeline with ground-truth perception instead of a model")
    parser.add_argument('--routes', default=DEFAULT_ROUTES, help='route-set JSON (default: %(default)s)')
    parser.add_argument('--out', help='write results.json and one BEV strip per route here')
    parser.add_argument('--perception-hz', type=float, default=2.0, help='model runs per simulated second')
    parser.add_argument('--cameras', nargs='+', help='use only these cameras of the config')
    parser.add_argument('--device', default='cpu', help='torch device of the model')
    parser.add_argument('--max-time', type=float, help='stop each route after this many simulated seconds')
    args = parser.parse_args()
    if args.expert + args.oracle + bool(args.config) != 1:
        parser.error('give exactly one of CONFIG CHECKPOINT, --expert, --oracle')
    if args.config and not args.checkpoint:
        parser.error('CHECKPOINT is required with CONFIG')
    return args


def agent_config(args: argparse.Namespace, directory: str) -> str:
    """Write the agent configuration file the Leaderboard would pass to ``setup``."""
    path = osp.join(directory, 'agent_config.py')
    with open(path, 'w') as f:
        f.write(f'config = {osp.abspath(args.config)!r}\ncheckpoint = {osp.abspath(args.checkpoint)!r}\n'
                f'device = {args.device!r}\ncameras = {args.cameras!r}\nperception_hz = {args.perception_hz!r}\n')
    return path


def construct(agent_class, version: str, config_file):
    """Build an agent the way the Leaderboard of ``version`` does."""
    if version == '1.0':
        return agent_class(config_file)  # 1.0: the constructor calls setup
    agent = agent_class('localhost', 2000)  # 2.0: host and port, then setup
    agent.setup(config_file)
    return agent


def main() -> None:
    args = parse_args()
    agent_class, config_file = (OracleAgent if args.oracle else ExpertAgent), None
    if args.config:
        for path in (args.config, args.checkpoint):
            if not osp.isfile(path):
                sys.exit(f'error: {path!r} does not exist')
        directory = args.out or tempfile.mkdtemp(prefix='bevzoo_closed_loop_')
        os.makedirs(directory, exist_ok=True)
        agent_class, config_file = BevzooAgent, agent_config(args, directory)
    try:
        evaluate(lambda version: construct(agent_class, version, config_file), args.routes, args.out, args.max_time)
    except RouteFileError as exc:
        sys.exit(f'error: {exc}')


if __name__ == '__main__':
    main()
