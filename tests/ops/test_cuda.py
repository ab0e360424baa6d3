"""CUDA kernels against the CPU kernels at the nuScenes BEVFusion size: equality, determinism, streams.
Skipped without a GPU; tools/gpu_selftest.sh runs them on one."""
import pytest
import torch

from bevzoo.ops import bev_pool, bev_pool_prepare, dynamic_voxelize, hard_voxelize

from .cases import rig_case
from .test_voxelize import SETTINGS, lidar_points

pytestmark = [pytest.mark.gpu, pytest.mark.skipif(not torch.cuda.is_available(), reason='needs a CUDA GPU')]


@pytest.fixture(scope='module')
def nuscenes_case():
    return rig_case(bins=118, feature_size=(32, 88), channels=80, dtype=torch.float32)


def forward_backward(case, device, dtype=torch.float32, grad=None):
    index = bev_pool_prepare(case.coords.to(device), case.bev_shape)
    depth = case.depth.to(device, dtype, copy=True).requires_grad_()  # fresh leaves, never the shared case
    feat = case.feat.to(device, dtype, copy=True).requires_grad_()
    out = bev_pool(depth, feat, index)
    out.backward(grad.to(device, dtype) if grad is not None else torch.ones_like(out))
    return out.detach(), depth.grad, feat.grad


def test_cuda_matches_cpu_at_nuscenes_size(nuscenes_case):
    grad = torch.randn(1, 80, *nuscenes_case.bev_shape)
    for ours, cpu in zip(forward_backward(nuscenes_case, 'cuda', grad=grad),
                         forward_backward(nuscenes_case, 'cpu', grad=grad)):
        torch.testing.assert_close(ours.cpu(), cpu, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize('dtype', [torch.float32, torch.float16, torch.bfloat16])
def test_cuda_runs_are_bitwise_identical(nuscenes_case, dtype):
    first, second = forward_backward(nuscenes_case, 'cuda', dtype), forward_backward(nuscenes_case, 'cuda', dtype)
    assert all(torch.equal(a, b) for a, b in zip(first, second))


def test_cuda_runs_on_the_current_stream(nuscenes_case):
    expected = forward_backward(nuscenes_case, 'cuda')[0]
    stream = torch.cuda.Stream()
    with torch.cuda.stream(stream):
        out = forward_backward(nuscenes_case, 'cuda')[0]
    stream.synchronize()
    assert torch.equal(out, expected)


@pytest.mark.parametrize('setting', SETTINGS, ids=['bevfusion', 'pillars', 'tight', 'coarse'])
def test_cuda_voxelize_matches_cpu(setting):
    points = lidar_points(50000)
    for ours, cpu in zip(hard_voxelize(points.cuda(), *setting), hard_voxelize(points, *setting)):
        assert torch.equal(ours.cpu(), cpu)
    assert torch.equal(dynamic_voxelize(points.cuda(), *setting[:2]).cpu(), dynamic_voxelize(points, *setting[:2]))
