"""tools/setup_env.sh refuses a bad environment up front with a message that says what to fix."""
import os
import subprocess


def run_setup(repo_root: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(['bash', os.path.join(repo_root, 'tools', 'setup_env.sh')], capture_output=True,
                          text=True, env={**os.environ, **env}, timeout=60)


def test_missing_compiler_is_named(repo_root):
    out = run_setup(repo_root, CXX='/nonexistent/g++')
    assert out.returncode != 0
    assert 'no C++ compiler (/nonexistent/g++)' in out.stderr


def test_unsupported_python_is_named(repo_root, tmp_path):
    fake = tmp_path / 'python3.8'
    fake.write_text('#!/bin/sh\n[ "$1" = "--version" ] && echo "Python 3.8.18"\nexit 1\n')
    fake.chmod(0o755)
    out = run_setup(repo_root, PYTHON=str(fake))
    assert out.returncode != 0
    assert 'Python 3.8.18' in out.stderr and 'needs Python 3.9-3.12' in out.stderr
