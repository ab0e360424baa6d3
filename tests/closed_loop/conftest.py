"""Fixtures of the closed-loop tests: the shipped route sets and an in-process tool runner."""
import os.path as osp
import runpy
import sys

import pytest

import bevzoo.closed_loop.agent  # noqa: F401  (the tools import it; loaded once so in-process runs are quick)


@pytest.fixture(scope='session')
def routes_dir(repo_root) -> str:
    return osp.join(repo_root, 'configs', 'closed_loop', 'routes')


@pytest.fixture
def run_tool(repo_root, monkeypatch, capsys):
    """``run_tool('carla_eval.py', [args]) -> (exit message or None, stdout)``, run in this process."""
    def run(name: str, args: list) -> tuple:
        monkeypatch.setattr(sys, 'argv', [name, *args])
        monkeypatch.syspath_prepend(osp.join(repo_root, 'tools'))
        try:
            runpy.run_path(osp.join(repo_root, 'tools', name), run_name='__main__')
            message = None
        except SystemExit as exc:
            message = None if exc.code in (None, 0) else str(exc.code)
        return message, capsys.readouterr().out
    return run
