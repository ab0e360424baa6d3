"""Benchmark of bevzoo's ops at the nuScenes BEVFusion size (see docs/ops.md).

BEV pooling (B=1, N=6, D=118, H=32, W=88, C=80, 360 x 360 x 1, six-camera nuScenes-like rig) against the
pure-PyTorch reference (materialise + index_add_), with prepare, forward+backward, the cached versus the
recomputed view transform and the memory-bandwidth bound; voxelization of a 300k-point sweep against mmcv.
Prints a table and writes JSON.

    python tools/benchmark_ops.py --device cpu --json docs/benchmarks/ops_cpu.json
    python tools/benchmark_ops.py --device cuda --ops-only   # on a machine without mmdet3d
    python tools/benchmark_ops.py --only bev_pool            # one of the two benchmarks
"""
import argparse
import json
import math
import os
import platform
import statistics
import sys
import time
from typing import Callable, Dict, List

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

DEPTHS = (1.0, 60.0, 0.5)  # BEVFusion dbound
FEATURE_SIZE = (32, 88)
CHANNELS = 80
BEV_SHAPE = (1, 360, 360)
GRID_MIN = (-54.0, -54.0, -10.0)
CELL_SIZE = (0.3, 0.3, 20.0)
VOXEL_SIZE = (0.075, 0.075, 0.2)  # BEVFusion LiDAR branch
POINT_CLOUD_RANGE = (-54.0, -54.0, -5.0, 54.0, 54.0, 3.0)
MAX_POINTS, MAX_VOXELS = 10, 160000


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--device', default='cpu', choices=['cpu', 'cuda'])
    parser.add_argument('--json', help='write the results here')
    parser.add_argument('--repeats', type=int, default=0, help='timed runs per row (default: 10 CPU, 100 CUDA)')
    parser.add_argument('--only', choices=['bev_pool', 'voxelize'], help='run one of the two benchmarks')
    parser.add_argument('--ops-only', action='store_true',
                        help='import bevzoo.ops without bevzoo/__init__ (machines without mmdet3d)')
    return parser.parse_args()


class Timer:
    """Median wall time of a callable in milliseconds, synchronising CUDA around every run."""

    def __init__(self, device: str, repeats: int):
        self.cuda = device == 'cuda'
        self.repeats = repeats

    def __call__(self, fn: Callable[[], object], repeats: int = 0, warmup: int = 2) -> float:
        for _ in range(warmup):
            fn()
        times = []
        for _ in range(repeats or self.repeats):
            if self.cuda:
                start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
                start.record()
                fn()
                end.record()
                end.synchronize()
                times.append(start.elapsed_time(end))
            else:
                start = time.perf_counter()
                fn()
                times.append((time.perf_counter() - start) * 1e3)
        return statistics.median(times)


def graph_time(timer: Timer, fn: Callable[[], object]) -> float:
    """GPU time of ``fn`` alone (no Python or launch overhead): median replay time of a captured CUDA graph."""
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):
        fn()
    torch.cuda.current_stream().wait_stream(side)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        fn()
    return timer(graph.replay)


def measured_bandwidth(timer: Timer, device: str) -> float:
    """Copy bandwidth in GB/s, bytes read plus bytes written."""
    src = torch.empty(256 * 2**20 // 4, device=device)
    dst = torch.empty_like(src)
    ms = timer(lambda: dst.copy_(src))
    return 2 * src.numel() * 4 / ms / 1e6


def pool_inputs(device: str, dtype: torch.dtype):
    from bevzoo.ops.camera_rig import nuscenes_like_rig
    rig = nuscenes_like_rig(batch=1)
    geometry = ('cam2img', 'cam2lidar', 'img_aug', 'lidar_aug')
    rig = rig._replace(**{name: getattr(rig, name).to(device, torch.float32) for name in geometry})
    depths = torch.arange(*DEPTHS, device=device)
    gen = torch.Generator(device=device).manual_seed(0)
    B, N, D, (H, W) = 1, rig.cam2img.shape[1], depths.numel(), FEATURE_SIZE
    depth = torch.rand(B, N, D, H, W, device=device, generator=gen).softmax(dim=2).to(dtype)
    feat = torch.randn(B, N, H, W, CHANNELS, device=device, generator=gen).to(dtype)
    return rig, depths, depth, feat


def forward_bytes(index, depth, feat) -> int:
    """Compulsory traffic of one forward: inputs and index read once, output written once."""
    index_bytes = sum(t.numel() * t.element_size() for t in index.tensors()[:3])
    out_bytes = depth.shape[0] * math.prod(BEV_SHAPE) * CHANNELS * depth.element_size()
    return depth.numel() * depth.element_size() + feat.numel() * feat.element_size() + index_bytes + out_bytes


def bench_bev_pool(timer: Timer, device: str, rows: List[Dict]) -> None:
    from bevzoo.ops import BevPoolCache, bev_pool, bev_pool_prepare, frustum_cells
    from bevzoo.ops.reference import bev_pool_reference
    rig, depths, depth, feat = pool_inputs(device, torch.float32)
    geometry = (rig.cam2img, rig.cam2lidar, rig.img_aug, rig.lidar_aug)

    def coords():
        return frustum_cells(*geometry, rig.image_size, FEATURE_SIZE, depths, GRID_MIN, CELL_SIZE)

    cell_coords = coords()
    index = bev_pool_prepare(cell_coords, BEV_SHAPE)

    def forward():
        return bev_pool(depth, feat, index)

    ours = forward()
    expected = bev_pool_reference(depth.double(), feat.double(), cell_coords, BEV_SHAPE)
    max_error = (ours.double() - expected).abs().max().item()
    ref_repeats = 3 if device == 'cpu' else 0
    bandwidth = measured_bandwidth(timer, device)
    bound_ms = forward_bytes(index, depth, feat) / bandwidth / 1e6
    kept = index.num_points / depth.numel()

    ref_ms = timer(lambda: bev_pool_reference(depth, feat, cell_coords, BEV_SHAPE), ref_repeats, warmup=1)
    fwd_ms = timer(forward)
    rows.append(dict(name='bev_pool forward fp32 (eager call)', ms=fwd_ms, reference_ms=ref_ms, speedup=ref_ms / fwd_ms,
                     bound_ms=bound_ms, over_bound=fwd_ms / bound_ms, max_abs_error_vs_fp64=max_error,
                     points_kept=index.num_points, fraction_kept=kept))
    if device == 'cuda':
        bench_cuda_kernels(timer, index, depth, feat, bandwidth, rows)
    else:
        bench_heap_reuse(timer, forward, fwd_ms, bound_ms, rows)

    depth_g, feat_g = depth.clone().requires_grad_(), feat.clone().requires_grad_()
    grad = torch.randn_like(ours)

    def train_step(pool):
        depth_g.grad = feat_g.grad = None
        pool().backward(grad)

    ref_train = timer(lambda: train_step(lambda: bev_pool_reference(depth_g, feat_g, cell_coords, BEV_SHAPE)),
                      ref_repeats, warmup=1)
    train = timer(lambda: train_step(lambda: bev_pool(depth_g, feat_g, index)))
    rows.append(dict(name='bev_pool forward+backward fp32 (eager)', ms=train, reference_ms=ref_train,
                     speedup=ref_train / train))
    rows.append(dict(name='bev_pool_prepare', ms=timer(lambda: bev_pool_prepare(cell_coords, BEV_SHAPE))))

    cache = BevPoolCache()
    recomputed = timer(lambda: bev_pool(depth, feat, bev_pool_prepare(coords(), BEV_SHAPE)))
    cached = timer(lambda: bev_pool(depth, feat, cache.get(geometry, coords, BEV_SHAPE)))
    rows.append(dict(name='view transform (geometry + prepare + pool), recomputed', ms=recomputed))
    rows.append(dict(name='view transform, cached index', ms=cached, speedup=recomputed / cached,
                     cache_hits=cache.hits, cache_misses=cache.misses))
    rows.append(dict(name='copy bandwidth (GB/s, read + write)', gbps=bandwidth))


def bench_heap_reuse(timer: Timer, forward: Callable[[], object], fresh_ms: float, bound_ms: float,
                     rows: List[Dict]) -> None:
    """The CPU forward again once freed memory stays in the heap, as in bevzoo's CPU training runs
    (``keep_freed_memory``): glibc otherwise maps the 41 MB output afresh every call and the kernel faults in
    and zeroes its pages. Every later CPU row runs with the heap kept."""
    try:
        from bevzoo.engine.heap_reuse import keep_freed_memory
    except ImportError as error:  # --ops-only: bevzoo.engine needs mmengine
        print(f'skipped the heap-reuse row: {error}')
        return
    if not keep_freed_memory():
        print('skipped the heap-reuse row: the C library is not glibc')
        return
    ms = timer(forward)
    rows.append(dict(name='bev_pool forward fp32 (eager, freed memory reused)', ms=ms, speedup_vs_fresh=fresh_ms / ms,
                     bound_ms=bound_ms, over_bound=ms / bound_ms))


def bench_cuda_kernels(timer: Timer, index, depth, feat, bandwidth: float, rows: List[Dict]) -> None:
    """Kernel-only times (CUDA graph replay) of the forward in every dtype and of both backward kernels."""
    from bevzoo.ops import bev_pool
    for dtype in (torch.float32, torch.float16, torch.bfloat16):
        d, f = depth.to(dtype), feat.to(dtype)
        with torch.no_grad():
            ms = graph_time(timer, lambda: bev_pool(d, f, index))
        bound_ms = forward_bytes(index, d, f) / bandwidth / 1e6
        rows.append(dict(name=f'bev_pool forward {str(dtype)[6:]} (kernel, CUDA graph)', ms=ms, bound_ms=bound_ms,
                         over_bound=ms / bound_ms))
    grad = torch.randn(depth.shape[0], feat.shape[-1], *BEV_SHAPE, device=depth.device)
    tensors = index.tensors()
    bins = depth.shape[2]
    depth_grad = graph_time(timer, lambda: torch.ops.bevzoo.bev_pool_depth_grad(grad, feat, *tensors[:3], bins))
    feat_grad = graph_time(timer, lambda: torch.ops.bevzoo.bev_pool_feat_grad(grad, depth, *tensors[3:]))
    rows.append(dict(name='bev_pool depth grad fp32 (kernel, CUDA graph)', ms=depth_grad))
    rows.append(dict(name='bev_pool feat grad fp32 (kernel, CUDA graph)', ms=feat_grad))


def lidar_sweep(points: int = 300_000, device: str = 'cpu') -> torch.Tensor:
    """A 32-ring spinning-LiDAR sweep in scan order: ranges 1-80 m (some outside the range), z from the ring."""
    gen = torch.Generator().manual_seed(0)
    rings = 32
    azimuth = torch.linspace(-math.pi, math.pi, points // rings).repeat(rings)
    elevation = torch.linspace(-0.53, 0.19, rings).repeat_interleave(points // rings)
    distance = 1.0 + 79.0 * torch.rand(azimuth.numel(), generator=gen) ** 2
    xyz = torch.stack((distance * elevation.cos() * azimuth.cos(), distance * elevation.cos() * azimuth.sin(),
                       1.8 + distance * elevation.sin()), dim=1)
    extra = torch.rand(xyz.shape[0], 2, generator=gen)
    return torch.cat((xyz, extra), dim=1).to(device)


def bench_voxelize(timer: Timer, device: str, rows: List[Dict]) -> None:
    from bevzoo.ops import hard_voxelize
    points = lidar_sweep(device=device)
    args = (VOXEL_SIZE, POINT_CLOUD_RANGE, MAX_POINTS, MAX_VOXELS)
    ours = hard_voxelize(points, *args)
    row = dict(name=f'voxelize {points.shape[0] // 1000}k points (BEVFusion voxels)', ms=timer(
        lambda: hard_voxelize(points, *args)), voxels=ours[0].shape[0])
    try:
        from mmcv.ops import Voxelization
    except ImportError:
        row['mmcv'] = 'not installed'
    else:
        layer = Voxelization(list(VOXEL_SIZE), list(POINT_CLOUD_RANGE), MAX_POINTS, MAX_VOXELS).eval()
        theirs = layer(points)
        row['identical_to_mmcv'] = all(torch.equal(a, b) for a, b in zip(ours, theirs))
        row['reference_ms'] = timer(lambda: layer(points))
        row['speedup'] = row['reference_ms'] / row['ms']
    rows.append(row)


def print_table(rows: List[Dict]) -> None:
    print(f"{'benchmark':58s} {'ms':>9s} {'ref ms':>9s} {'speedup':>8s}  notes")
    for row in rows:
        notes = {k: v for k, v in row.items() if k not in ('name', 'ms', 'reference_ms', 'speedup')}
        fmt = lambda key: f"{row[key]:9.3f}" if isinstance(row.get(key), float) else f"{'':9s}"  # noqa: E731
        speed = f"{row['speedup']:7.1f}x" if 'speedup' in row else f"{'':8s}"
        text = ', '.join(f'{k}={v:.4g}' if isinstance(v, float) else f'{k}={v}' for k, v in notes.items())
        print(f"{row['name']:58s} {fmt('ms')} {fmt('reference_ms')} {speed}  {text}")


def environment(device: str) -> Dict:
    info = dict(device=device, torch=torch.__version__, threads=torch.get_num_threads(),
                python=platform.python_version(), cpu=platform.processor() or platform.machine(),
                load_average=os.getloadavg())
    if device == 'cuda':
        info['gpu'] = torch.cuda.get_device_name()
    return info


def main() -> None:
    args = parse_args()
    if args.ops_only:
        import ops_only  # noqa: F401
    timer = Timer(args.device, args.repeats or (10 if args.device == 'cpu' else 100))
    rows: List[Dict] = []
    if args.only != 'bev_pool':
        with torch.no_grad():
            bench_voxelize(timer, args.device, rows)
    if args.only != 'voxelize':
        bench_bev_pool(timer, args.device, rows)
    env = environment(args.device)
    print(json.dumps(env))
    print_table(rows)
    if args.json:
        os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
        with open(args.json, 'w') as f:
            json.dump(dict(environment=env, results=rows), f, indent=2)


if __name__ == '__main__':
    main()
