"""Imported first by every tool: turns "wrong interpreter" into a message that says how to fix it."""
import importlib
import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def require_bevzoo() -> None:
    """Import bevzoo (registering its modules) or exit with set-up instructions."""
    try:
        importlib.import_module('bevzoo')
    except ModuleNotFoundError as exc:
        venv_python = os.path.join(REPO, '.venv', 'bin', 'python')
        hint = (f'run it as `{venv_python} {" ".join(sys.argv)}`' if os.path.exists(venv_python)
                else f'run `make setup` in {REPO} first, then use .venv/bin/python')
        sys.exit(f'error: {sys.executable} cannot import {exc.name!r}: this tool needs the bevzoo environment; {hint}.')


require_bevzoo()
