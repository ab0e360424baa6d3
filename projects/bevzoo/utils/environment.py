"""Checks that bevzoo runs on the stack it was built and tested with, with messages that say how to fix it."""
import sys

SUPPORTED_TORCH = ((2, 4), (2, 13))  # inclusive range of major.minor versions with torch.library's Python API


class UnsupportedEnvironmentError(RuntimeError):
    """The Python environment cannot run bevzoo."""


def _major_minor(version: str) -> tuple:
    return tuple(int(part) for part in version.split('+')[0].split('.')[:2])


def check_environment() -> None:
    """Raise with a fix-it message when torch is missing or outside the supported range."""
    try:
        import torch
    except ImportError as exc:
        raise UnsupportedEnvironmentError(
            f'bevzoo needs torch, which {sys.executable} cannot import. Run `make setup` in the bevzoo '
            'checkout and use .venv/bin/python (or `source .venv/bin/activate`).') from exc
    low, high = SUPPORTED_TORCH
    if not low <= _major_minor(torch.__version__) <= high:
        raise UnsupportedEnvironmentError(
            f'bevzoo supports torch {low[0]}.{low[1]} to {high[0]}.{high[1]}, found {torch.__version__} in '
            f'{sys.executable}. Run `make setup` to create .venv with the pinned stack.')
