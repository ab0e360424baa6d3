"""Benchmark of the zoo's models (numbers for docs/models.md): the detection configs, and with ``--tasks
multitask`` the multi-task ones (det + map (+ occ) heads: static, uncertainty, per-task decoders, FULLER, M3Net).

* ``world`` configs: training-iteration time (``model.train_step``: preprocessing, forward, backward, optimiser
  step), inference latency (``model.test_step``) and peak memory, each config in its own process.
* ``nuscenes`` configs: parameter count and forward FLOPs of one sample (``torch.utils.flop_counter``; it counts
  convolutions, matrix products and attention, not bevzoo's own ops), built on the CPU. The sparse 3D LiDAR
  encoder cannot run without CUDA and its convolutions are invisible to that counter: its models are built for
  inspection (``bevzoo.models.lidar.inspection_build``), its FLOPs are counted from the rulebooks of a real
  voxelized sweep (``bevzoo.models.lidar.sparse_conv_flops``: a sample of the world at ``--sparse-data-root``,
  the synthetic points when that has no info file) and the rest of the model by the counter; their forward
  latency is measured only on a CUDA device with a sparse-convolution backend.
  The FLOPs stop at the heads' inputs (``mode='tensor'``: the per-task BEV maps, after per-task decoders, task
  gates and gradient-calibration splits), for every config alike; the parameter count is the whole model, all
  heads included. For the map and occupancy heads their own forward FLOPs are printed apart (``head_gflops``).
* ``--train-steps N``: a short training run of the fused world config, printing how the loss falls.

Inputs are synthetic batches (``bevzoo.models.synthetic_inputs``) shaped like the config's data: its image size
and classes, six cameras, ``--points`` LiDAR points and ``--boxes`` objects per sample, and for the map and
occupancy heads dense targets of exactly their shapes (``gt_map_bev``, ``gt_occupancy``, ``gt_occupancy_mask``: a
fixed road band, a ground layer under free space, a random half observed; identity ``lidar2ego`` and
``lidar_aug_matrix``); the training run uses the config's world dataloader instead when the config defines one
and its data exists.

    python tools/benchmark_models.py [--device cpu] [--iters 5] [--tasks det|multitask|all] [--only nuscenes]
                                     [--train-steps 40] [--json out.json]
"""
import argparse
import glob
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from typing import Dict, List, Optional

import _bootstrap  # noqa: F401  (imports bevzoo or says how to set up)
import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope
from mmengine.runner import Runner
from torch.utils.flop_counter import FlopCounterMode

from bevzoo.models.lidar import (SparseBEVEncoder, SparseConvUnavailableError, count_sparse_encoder,
                                 inspection_build, sparse_conv_problem)
from bevzoo.models.synthetic_inputs import synthetic_batch
from mmdet3d.registry import DATASETS, MODELS

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FAMILIES = ('bevfusion', 'lss', 'lidar', 'fuller', 'm3net')
FUSED_WORLD = 'configs/bevfusion/bevfusion_transfusion_world.py'


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--configs', nargs='*', help='config paths (default: the --tasks configs of '
                        f'configs/{{{",".join(FAMILIES)}}}/)')
    parser.add_argument('--tasks', default='det', choices=['det', 'multitask', 'all'], help='default config set: '
                        'heads exactly {det}, more than det, or both (the world-demo schedule is never included)')
    parser.add_argument('--only', choices=['world', 'nuscenes'], help='only the world or only the nuScenes rows')
    parser.add_argument('--device', default='cpu', choices=['cpu', 'cuda'])
    parser.add_argument('--iters', type=int, default=5, help='timed iterations per world row (after one warm-up; '
                        'the median is reported)')
    parser.add_argument('--batch-size', type=int, default=2, help='training batch of the world rows')
    parser.add_argument('--points', type=int, default=30000, help='LiDAR points per synthetic sample')
    parser.add_argument('--boxes', type=int, default=25, help='objects per synthetic sample')
    parser.add_argument('--train-steps', type=int, default=0, help='short training run of the fused world config')
    parser.add_argument('--train-data-root', help='world root for the training run (default: the config\'s)')
    parser.add_argument('--train-ann-file', help='info file for the training run (default: the config\'s)')
    parser.add_argument('--sparse-data-root', default='data/world/', help='nuScenes-format root whose val info '
                        'file gives the LiDAR sweep for counting sparse-encoder FLOPs (default: the built-in world)')
    parser.add_argument('--sparse-sample', type=int, default=20, help='index of that sweep in the val split')
    parser.add_argument('--json', help='write all rows here')
    parser.add_argument('--single', help=argparse.SUPPRESS)  # internal: measure one world config in this process
    return parser.parse_args()


def default_configs(tasks: str = 'det') -> List[str]:
    """The ``*_world.py`` and ``*_nuscenes.py`` configs of :data:`FAMILIES` whose heads are exactly ``{'det'}``
    (``tasks='det'``), more than that (``'multitask'``) or either (``'all'``)."""
    paths = []
    for family in FAMILIES:
        paths += sorted(path for path in glob.glob(os.path.join(REPO, 'configs', family, '*.py'))
                        if path.endswith(('_world.py', '_nuscenes.py')))
    keep = {'det': lambda heads: heads == {'det'}, 'multitask': lambda heads: heads != {'det'},
            'all': lambda heads: True}[tasks]
    return [os.path.relpath(path, REPO) for path in paths if keep(set(Config.fromfile(path).model.heads))]


def dense_target_shapes(model: Optional[torch.nn.Module]) -> Dict:
    """``map_shape`` / ``occupancy_shape`` of the model's map and occupancy heads (for the synthetic targets)."""
    heads = getattr(model, 'heads', {}) if model is not None else {}
    shapes = {}
    if 'map' in heads:
        shapes['map_shape'] = tuple(heads['map'].map_shape)
    if 'occ' in heads:
        shapes['occupancy_shape'] = tuple(heads['occ'].grid_shape)
    return shapes


def batch_for(cfg: Config, args: argparse.Namespace, batch_size: int, seed: int = 0,
              model: Optional[torch.nn.Module] = None) -> dict:
    """A synthetic batch shaped like the config's data (dense targets shaped like ``model``'s heads)."""
    return synthetic_batch(batch_size, cfg.image_size, len(cfg.class_names), extent=cfg.point_cloud_range[3] - 5,
                           num_boxes=args.boxes, seed=seed, ground_points=args.points,
                           **dense_target_shapes(model))


def heads_of(cfg: Config) -> str:
    return '+'.join(cfg.model.heads)


def build(cfg: Config, device: str) -> torch.nn.Module:
    model = MODELS.build(cfg.model)
    model.init_weights()
    return model.to(device)


def peak_memory_mb(device: str) -> float:
    if device == 'cuda':
        return torch.cuda.max_memory_allocated() / 2**20
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def timed(step, iters: int, device: str) -> tuple:
    """Median wall seconds and median process CPU seconds (all threads) of ``step()`` over ``iters`` calls, after
    one warm-up call. On a shared machine the CPU time is the steadier figure: waiting for a core is not counted."""
    step()
    wall, cpu = [], []
    for _ in range(iters):
        start, start_cpu = time.perf_counter(), time.process_time()
        step()
        if device == 'cuda':
            torch.cuda.synchronize()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def measure_world(config_path: str, args: argparse.Namespace) -> Dict:
    """Training-iteration time, inference latency and peak memory of one world config (this process)."""
    cfg = Config.fromfile(os.path.join(REPO, config_path))
    model = build(cfg, args.device)
    optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    train_batch = batch_for(cfg, args, args.batch_size, model=model)
    test_batch = batch_for(cfg, args, 1, seed=1, model=model)
    model.train()
    train_s, train_cpu_s = timed(lambda: model.train_step(train_batch, optim_wrapper), args.iters, args.device)
    model.eval()
    with torch.no_grad():
        infer_s, infer_cpu_s = timed(lambda: model.test_step(test_batch), args.iters, args.device)
    return dict(config=config_path, heads=heads_of(cfg), batch_size=args.batch_size, train_iter_s=round(train_s, 2),
                train_iter_cpu_s=round(train_cpu_s, 2), inference_s=round(infer_s, 2),
                inference_cpu_s=round(infer_cpu_s, 2), peak_memory_mb=round(peak_memory_mb(args.device)),
                memory_kind='CUDA max allocated' if args.device == 'cuda' else 'process peak RSS',
                load_average=round(os.getloadavg()[0], 1))


def world_row(config_path: str, args: argparse.Namespace) -> Dict:
    """Run :func:`measure_world` in a fresh process, so peak memory belongs to that config alone."""
    command = [sys.executable, os.path.abspath(__file__), '--single', config_path, '--device', args.device,
               '--iters', str(args.iters), '--batch-size', str(args.batch_size), '--points', str(args.points),
               '--boxes', str(args.boxes)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=REPO)
    if result.returncode != 0:
        return dict(config=config_path, error=result.stderr.strip().splitlines()[-1])
    return json.loads(result.stdout.strip().splitlines()[-1])


def nuscenes_row(config_path: str, args: argparse.Namespace) -> Dict:
    """Parameter count and forward GFLOPs of one nuScenes-size sample."""
    cfg = Config.fromfile(os.path.join(REPO, config_path))
    try:  # no init_weights: counting needs no pretrained weights (and no download)
        with inspection_build():  # a sparse encoder builds (for counting) but cannot run without its backend
            model = MODELS.build(cfg.model).to(args.device).eval()
    except SparseConvUnavailableError as error:
        return dict(config=config_path, error=str(error))
    params = sum(p.numel() for p in model.parameters())
    row = dict(config=config_path, heads=heads_of(cfg), params_m=round(params / 1e6, 2),
               head_params_m={task: round(sum(p.numel() for p in head.parameters()) / 1e6, 2)
                              for task, head in model.heads.items()})
    sparse = [module for module in model.modules() if isinstance(module, SparseBEVEncoder)]
    if sparse:
        return dict(row, **sparse_flops(cfg, model, sparse[0], args))
    data = model.data_preprocessor(batch_for(cfg, args, 1, model=model), training=False)
    counter = FlopCounterMode(display=False)
    start = time.perf_counter()
    with torch.no_grad(), counter:
        bevs = model(**data, mode='tensor')
    return dict(row, gflops=round(counter.get_total_flops() / 1e9, 1),
                forward_s=round(time.perf_counter() - start, 2), device=args.device, **dense_head_flops(model, bevs))


def dense_head_flops(model: torch.nn.Module, bevs: Dict[str, torch.Tensor]) -> Dict:
    """Forward GFLOPs of the map and occupancy heads on their BEV inputs, counted apart from ``gflops`` (which
    stops at the heads' inputs for every config). The detection heads have no common tensor-only forward and are
    not counted; the heads' BEV resampling (``grid_sample``) is not counted by torch's counter either."""
    counts = {}
    for task in ('map', 'occ'):
        if task in model.heads:
            counter = FlopCounterMode(display=False)
            with torch.no_grad(), counter:
                model.heads[task](bevs[task])
            counts[task] = round(counter.get_total_flops() / 1e9, 1)
    return dict(head_gflops=counts) if counts else {}


def sparse_input_batch(cfg: Config, args: argparse.Namespace, model: Optional[torch.nn.Module] = None) -> tuple:
    """One synthetic sample whose points are replaced by a real sweep of ``--sparse-data-root`` (the config's
    own LiDAR test pipeline: keyframe + sweeps, range filter), and a description of the points used."""
    batch = batch_for(cfg, args, 1, model=model)
    dataset_cfg = cfg.val_dataloader.dataset
    root = os.path.join(REPO, args.sparse_data_root)
    if not os.path.exists(os.path.join(root, dataset_cfg.ann_file)):
        return batch, f'synthetic: {len(batch["inputs"]["points"][0])} points (no {dataset_cfg.ann_file} in {root})'
    dataset_cfg.update(data_root=root.rstrip('/') + '/', pipeline=cfg.lidar_test_pipeline,
                       modality=dict(use_lidar=True, use_camera=False))
    sample = DATASETS.build(dataset_cfg)[args.sparse_sample]
    points = sample['inputs']['points']
    batch['inputs']['points'] = [points]
    clouds = points[:, 4].unique().numel()  # column 4 is the time lag: one value per merged cloud
    return batch, (f'{args.sparse_data_root} val sample {args.sparse_sample} ({sample["data_samples"].token}): '
                   f'{len(points)} points in range from {clouds} merged sweeps')


def sparse_flops(cfg: Config, model: torch.nn.Module, encoder: SparseBEVEncoder, args: argparse.Namespace) -> Dict:
    """FLOPs of a model with the sparse encoder: rulebook counts of its sparse convolutions on the voxelized sweep
    plus ``torch.utils.flop_counter``'s count of the rest (the encoder replaced by zeros of its output shape; the
    dense stages' cost depends only on shapes). Latency only where sparse convolution can run."""
    batch, source = sparse_input_batch(cfg, args, model)
    data = model.data_preprocessor(batch, training=False)
    voxels = data['inputs']['voxels']
    count = count_sparse_encoder(encoder, voxels['coors'], batch_size=1)
    counter = FlopCounterMode(display=False)
    encoder.forward = lambda features, coors, batch_size: features.new_zeros(count.bev_shape)
    try:
        with torch.no_grad(), counter:
            bevs = model(**data, mode='tensor')
    finally:
        del encoder.forward  # back to the class's forward
    dense = counter.get_total_flops()
    latency = 'not measured (no CUDA device)' if args.device != 'cuda' or sparse_conv_problem() else None
    if latency is None:
        with torch.no_grad():
            latency = round(timed(lambda: model(**data, mode='tensor'), args.iters, 'cuda')[0], 4)
    return dict(gflops=round((count.flops + dense) / 1e9, 1), sparse_gflops=round(count.flops / 1e9, 1),
                dense_gflops=round(dense / 1e9, 1), forward_s=latency, device=args.device, **dense_head_flops(model, bevs),
                sparse_input=source,
                voxels=len(voxels['coors']), lidar_bev_shape=list(count.bev_shape),
                sparse_layers=[dict(name=layer.name, submanifold=layer.submanifold, channels=[layer.in_channels,
                                    layer.out_channels], active_in=layer.active_in, active_out=layer.active_out,
                                    pairs=layer.pairs, gflops=round(layer.flops / 1e9, 2)) for layer in count.layers])


def world_dataloader(cfg: Config, args: argparse.Namespace):
    """The config's training dataloader (data root and info file overridable) when its info file exists."""
    loader_cfg = cfg.get('train_dataloader')
    if loader_cfg is None:
        return None
    dataset = loader_cfg.dataset
    dataset.data_root = args.train_data_root or dataset.data_root
    dataset.ann_file = args.train_ann_file or dataset.ann_file
    if not os.path.exists(os.path.join(dataset.data_root, dataset.ann_file)):
        return None
    loader_cfg.update(batch_size=args.batch_size, num_workers=0, persistent_workers=False)
    return Runner.build_dataloader(loader_cfg, seed=0)


def training_run(args: argparse.Namespace) -> Dict:
    """Train the fused world config for ``--train-steps`` steps; report the mean loss of the first and last fifth."""
    cfg = Config.fromfile(os.path.join(REPO, FUSED_WORLD))
    torch.manual_seed(0)
    model = build(cfg, args.device).train()
    optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    loader = world_dataloader(cfg, args)
    source = (f'world: {loader.dataset.data_root} {loader.dataset.ann_file}' if loader is not None
              else 'synthetic (4 fixed batches)')
    batches = [batch_for(cfg, args, args.batch_size, seed=seed) for seed in range(4)] if loader is None else loader
    losses: List[float] = []
    start = time.perf_counter()
    while len(losses) < args.train_steps:
        for batch in batches:
            log = model.train_step(batch, optim_wrapper)
            losses.append(float(log['loss'].detach()))
            if len(losses) == args.train_steps:
                break
    fifth = max(1, len(losses) // 5)
    first, last = statistics.mean(losses[:fifth]), statistics.mean(losses[-fifth:])
    return dict(config=FUSED_WORLD, data=source, steps=len(losses), loss_first_fifth=round(first, 3),
                loss_last_fifth=round(last, 3), drop_percent=round(100 * (1 - last / first), 1),
                wall_s=round(time.perf_counter() - start, 1), losses=[round(v, 3) for v in losses])


def print_table(title: str, rows: List[Dict], columns: List[str]) -> None:
    print(f'\n{title}')
    print(' | '.join(columns))
    for row in rows:
        note = f"  ({row['error']})" if 'error' in row else ''
        print(' | '.join(str(row.get(column, '')) for column in columns) + note)


def main() -> None:
    args = parse_args()
    init_default_scope('mmdet3d')
    torch.manual_seed(0)
    if args.single:
        print(json.dumps(measure_world(args.single, args)))
        return
    configs = args.configs or default_configs(args.tasks)
    results: Dict[str, Optional[object]] = dict(
        machine=dict(platform=platform.platform(), cpus=os.cpu_count(), torch=torch.__version__,
                     threads=torch.get_num_threads(), device=args.device,
                     gpu=torch.cuda.get_device_name() if args.device == 'cuda' else None),
        settings=dict(iters=args.iters, batch_size=args.batch_size, points=args.points, boxes=args.boxes))
    if args.only != 'nuscenes':
        results['world'] = [world_row(path, args) for path in configs if path.endswith('_world.py')]
        print_table('world configs', results['world'], ['config', 'heads', 'batch_size', 'train_iter_s',
                                                        'train_iter_cpu_s', 'inference_s', 'inference_cpu_s',
                                                        'peak_memory_mb', 'memory_kind', 'load_average'])
    if args.only != 'world':
        results['nuscenes'] = [nuscenes_row(path, args) for path in configs if path.endswith('_nuscenes.py')]
        print_table('nuscenes configs (FLOPs up to the heads\' inputs; a multiply-add counts 2)',
                    results['nuscenes'], ['config', 'heads', 'params_m', 'gflops', 'sparse_gflops', 'dense_gflops',
                                          'head_params_m', 'head_gflops', 'forward_s', 'device'])
    else:
        results['nuscenes'] = []
    for row in results['nuscenes']:
        if 'sparse_input' in row:
            print(f"  {row['config']}: sparse encoder counted on {row['sparse_input']}, {row['voxels']} voxels, "
                  f"LiDAR BEV {row['lidar_bev_shape']}")
    if args.train_steps:
        results['training'] = training_run(args)
        run = results['training']
        print(f"\ntraining {run['config']} on {run['data']}: {run['steps']} steps in {run['wall_s']} s, mean loss "
              f"{run['loss_first_fifth']} (first fifth) -> {run['loss_last_fifth']} (last fifth), "
              f"{run['drop_percent']}% lower")
    print(f"\n{results['machine']}")
    if args.json:
        with open(args.json, 'w') as file:
            json.dump(results, file, indent=1)


if __name__ == '__main__':
    main()
