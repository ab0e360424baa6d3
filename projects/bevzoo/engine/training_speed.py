"""How fast a config trains on this machine: a short real run of its training loop (data loading, precision and
optimiser included), for fitting a schedule into a time budget (tools/demo.py)."""
import copy
import gc
import statistics
import tempfile
import time
from typing import List, NamedTuple

from mmengine.config import Config
from mmengine.hooks import Hook

from .tool_config import build_runner


class TrainingSpeed(NamedTuple):
    seconds_per_iteration: float
    iterations_per_epoch: int


class _IterationClock(Hook):
    """Wall-clock time at the end of every training iteration."""

    def __init__(self) -> None:
        self.stamps: List[float] = []

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        self.stamps.append(time.perf_counter())


def measure_training_speed(cfg: Config, iterations: int = 12, warmup: int = 4) -> TrainingSpeed:
    """Median wall time of training iterations ``warmup + 1 .. iterations`` of ``cfg`` from fresh weights.

    The run uses the config's model, train dataloader, optimiser wrapper and hooks, but no learning-rate schedule,
    validation, checkpoints or ``load_from``, and writes its logs to a temporary directory; the caller's config is
    not changed. The first ``warmup`` iterations (worker start-up, allocator warm-up) are not timed.
    """
    if iterations < warmup + 2:
        raise ValueError(f'measure_training_speed: needs iterations >= warmup + 2, got {iterations} and {warmup}')
    probe = copy.deepcopy(cfg)
    probe.train_cfg = dict(by_epoch=False, max_iters=iterations)
    probe.param_scheduler = None
    probe.val_dataloader = probe.val_cfg = probe.val_evaluator = None
    probe.default_hooks = dict(probe.get('default_hooks') or {}, checkpoint=None)
    probe.load_from, probe.resume = None, False
    probe.log_level = 'WARNING'  # no config dump or iteration logs in the caller's output
    with tempfile.TemporaryDirectory(prefix='bevzoo_speed_') as work_dir:
        probe.work_dir = work_dir
        runner = build_runner(probe)
        clock = _IterationClock()
        runner.register_hook(clock)
        runner.train()
        iterations_per_epoch = len(runner.train_dataloader)
        del runner  # ends the data-loader workers before the caller starts the real run
        gc.collect()
    gaps = [later - earlier for earlier, later in zip(clock.stamps[warmup:], clock.stamps[warmup + 1:])]
    return TrainingSpeed(statistics.median(gaps), iterations_per_epoch)
