"""Fixtures of the closed-loop tests: the route sets shipped in configs/closed_loop/routes/."""
import os.path as osp

import pytest


@pytest.fixture(scope='session')
def routes_dir(repo_root) -> str:
    return osp.join(repo_root, 'configs', 'closed_loop', 'routes')
