"""Makes ``bevzoo.ops`` importable without running ``bevzoo/__init__.py`` (which imports mmdet3d), for machines
that only have torch, such as the GPU machine of ``tools/gpu_selftest.sh``.

Use as a pytest plugin (``PYTHONPATH=tools python -m pytest -p ops_only --noconftest tests/ops``) or import it
before ``bevzoo.ops``.
"""
import os
import sys
import types

PACKAGE_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'projects', 'bevzoo')


def install_ops_only_package() -> None:
    """Register an empty ``bevzoo`` package whose submodules (``bevzoo._C``, ``bevzoo.ops``) import normally."""
    if 'bevzoo' in sys.modules:
        return
    package = types.ModuleType('bevzoo')
    package.__path__ = [PACKAGE_DIR]
    sys.modules['bevzoo'] = package


install_ops_only_package()
