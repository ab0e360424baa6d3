"""The package imports from anywhere, loads its compiled ops and registers into mmdet3d's registries."""
import os
import subprocess
import sys

import pytest

from bevzoo.utils import environment


def test_import_from_another_folder(tmp_path):
    out = subprocess.run([sys.executable, '-c', 'import bevzoo, bevzoo._C; print(bevzoo.__version__)'],
                         cwd=tmp_path, capture_output=True, text=True, env={**os.environ, 'PYTHONPATH': ''})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == __import__('bevzoo').__version__


def test_compiled_library_registers_namespace():
    import torch

    import bevzoo  # noqa: F401
    assert hasattr(torch.ops, 'bevzoo')


@pytest.mark.skipif(not sys.platform.startswith('linux'), reason='ldd is Linux-only')
def test_compiled_library_uses_the_shared_cpp_runtime():
    # A private static libstdc++ in _C crashes the first error message that formats a number (docs/ops.md).
    import bevzoo._C
    out = subprocess.run(['ldd', bevzoo._C.__file__], capture_output=True, text=True)
    assert 'libstdc++.so' in out.stdout, out.stdout


def test_modules_register_in_mmdet3d_scope():
    from mmdet3d.registry import MODELS

    import bevzoo  # noqa: F401
    assert MODELS.scope == 'mmdet3d'
    names = [name for name, cls in MODELS.module_dict.items() if cls.__module__.startswith('bevzoo.')]
    assert names, 'import bevzoo registered no model in mmdet3d.registry.MODELS'


def test_custom_imports_in_config_load_bevzoo(tmp_path):
    cfg = tmp_path / 'cfg.py'
    cfg.write_text("custom_imports = dict(imports=['bevzoo'], allow_failed_imports=False)\n")
    code = ('from mmengine.config import Config; from mmengine.utils import import_modules_from_strings;'
            f'c = Config.fromfile({str(cfg)!r}); import_modules_from_strings(**c.custom_imports);'
            'import sys; print("bevzoo" in sys.modules)')
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().endswith('True')


def test_unsupported_torch_is_named(monkeypatch):
    import torch
    monkeypatch.setattr(torch, '__version__', '1.13.1')
    with pytest.raises(environment.UnsupportedEnvironmentError, match='found 1.13.1'):
        environment.check_environment()


def test_tool_outside_venv_says_how_to_fix(repo_root, tmp_path):
    """A tool started with an interpreter that lacks bevzoo exits with set-up instructions, not a traceback."""
    env = {'PATH': os.environ['PATH'], 'PYTHONNOUSERSITE': '1'}
    out = subprocess.run(['/usr/bin/env', '-i', *[f'{k}={v}' for k, v in env.items()], sys.executable, '-S', '-c',
                          f'import sys; sys.path.insert(0, {os.path.join(repo_root, "tools")!r}); sys.argv=["x.py"];'
                          'import _bootstrap'], capture_output=True, text=True)
    assert out.returncode != 0
    assert 'bevzoo environment' in out.stderr and 'Traceback' not in out.stderr
