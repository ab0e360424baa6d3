"""Generates a whole world dataset: the town and its map, every scene (in parallel worker processes) and
the tables."""
import multiprocessing
import os
import time
from dataclasses import dataclass
from functools import partial
from queue import Empty

import torch
from mmengine.utils import ProgressBar
from nuscenes.utils.splits import create_splits_scenes

from .config import WorldConfig
from .map_writer import write_basemap, write_map_expansion
from .nuscenes_writer import attribute_tokens, write_tables
from .scene_recorder import SceneJob, SceneRecorder
from .sensors import nuscenes_rig
from .tokens import make_token
from .town import Town

_SPLITS = {'v1.0-trainval': ('train', 'val'), 'v1.0-mini': ('mini_train', 'mini_val')}


@dataclass
class GenerationReport:
    """What `generate_world` produced: the dataset root, version, scene names, wall time and the CPU time
    spent recording the scenes (summed over the worker processes)."""
    dataroot: str
    version: str
    train_scenes: list
    val_scenes: list
    seconds: float
    scene_cpu_seconds: float


def scene_names(config: WorldConfig) -> tuple:
    """Train and val scene names taken from the devkit's official split lists, so that the unmodified
    ``DetectionEval`` selects the val scenes by name."""
    train_split, val_split = _SPLITS[config.version]
    splits = create_splits_scenes()
    if config.train_scenes > len(splits[train_split]) or config.val_scenes > len(splits[val_split]):
        raise ValueError(f'{config.version} has only {len(splits[train_split])} train and {len(splits[val_split])} '
                         f'val scene names; asked for {config.train_scenes} and {config.val_scenes}')
    return sorted(splits[train_split])[:config.train_scenes], sorted(splits[val_split])[:config.val_scenes]


def town_seed(config: WorldConfig) -> int:
    return int(make_token(config.seed, 'town')[:8], 16)


def _scene_seed(config: WorldConfig, name: str) -> int:
    return int(make_token(config.seed, name)[:8], 16)


def _build_town(config: WorldConfig) -> Town:
    return Town.generate(config.town, town_seed(config), config.traffic.light_cycle)


_WORKER_STATE: dict = {}


def _init_worker(config: WorldConfig, dataroot: str, queue) -> None:
    torch.set_num_threads(1)  # one process per core beats intra-op threads for these small tensors
    _WORKER_STATE.update(town=_build_town(config), rig=nuscenes_rig(config.sensors), dataroot=dataroot, queue=queue)


def _record(job: SceneJob) -> tuple:
    """Record one scene in a worker: (rows, CPU seconds)."""
    state = _WORKER_STATE
    queue = state['queue']
    start = time.process_time()
    recorder = SceneRecorder(job, state['town'], state['rig'], state['dataroot'], attribute_tokens(),
                             progress=(lambda: queue.put(1)) if queue is not None else None)
    return recorder.record(), time.process_time() - start


def _follow(pending, queue, bar: ProgressBar) -> None:
    """Advance the bar for every keyframe the workers report until all scenes are done."""
    while not pending.ready():
        try:
            queue.get(timeout=0.5)
        except Empty:
            continue
        bar.update()


def _record_here(config: WorldConfig, dataroot: str, jobs: list, progress: bool) -> list:
    """Record the scenes one after another in this process (single-threaded torch, restored afterwards).

    Returns:
        [(rows, CPU seconds)] per scene.
    """
    bar = ProgressBar(len(jobs) * config.keyframes_per_scene) if progress else None
    town, rig, threads = _build_town(config), nuscenes_rig(config.sensors), torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        results = []
        for job in jobs:
            start = time.process_time()
            rows = SceneRecorder(job, town, rig, dataroot, attribute_tokens(), bar.update if bar else None).record()
            results.append((rows, time.process_time() - start))
        return results
    finally:
        torch.set_num_threads(threads)


def _record_in_pool(config: WorldConfig, dataroot: str, jobs: list, progress: bool, workers: int) -> list:
    """Record the scenes in ``workers`` forked processes; keyframe ticks come back through a queue.

    Forking (not spawning) skips re-importing the stack in every worker; it is safe because this process
    has run no torch operation (whose thread pool a fork would break) before the pool starts.
    """
    context = multiprocessing.get_context('fork')
    with context.Manager() as manager:
        queue = manager.Queue() if progress else None
        with context.Pool(min(workers, len(jobs)), _init_worker, (config, dataroot, queue)) as pool:
            pending = pool.map_async(_record, jobs)
            if progress:
                _follow(pending, queue, ProgressBar(len(jobs) * config.keyframes_per_scene))
            return pending.get()


def generate_world(config: WorldConfig, dataroot: str, workers: int = 2, progress: bool = True) -> GenerationReport:
    """Generate the dataset under ``dataroot`` (created if missing).

    Args:
        config: World configuration.
        dataroot: Output folder (nuScenes root layout).
        workers: Worker processes, one scene each at a time (1: record in this process). The output does not
            depend on it.
        progress: Show a progress bar over keyframes.

    Returns:
        A `GenerationReport`.
    """
    if workers < 1:
        raise ValueError(f'workers must be >= 1, got {workers}')
    start = time.time()
    os.makedirs(dataroot, exist_ok=True)
    town = _build_town(config)
    write_map_expansion(town, dataroot)
    write_basemap(town, dataroot)
    train, val = scene_names(config)
    jobs = [SceneJob(index, name, _scene_seed(config, name), config) for index, name in enumerate(train + val)]
    record = _record_here if workers == 1 else partial(_record_in_pool, workers=workers)
    results = record(config, dataroot, jobs, progress=progress)
    scenes = [rows for rows, _ in results]
    write_tables(dataroot, config.version, nuscenes_rig(config.sensors), config.town.location, scenes)
    return GenerationReport(dataroot, config.version, train, val, time.time() - start,
                            sum(cpu for _, cpu in results))
