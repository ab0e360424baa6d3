"""bev_pool against the float64 reference, its gradients, registrations and errors (CPU; CUDA when present)."""
import os
import subprocess
import sys

import pytest
import torch

from bevzoo.ops import BevPoolCache, bev_pool, bev_pool_prepare
from bevzoo.ops.bev_pool import _sorted_index
from bevzoo.ops.reference import bev_pool_reference

from .cases import random_case, rig_case

DEVICES = ['cpu'] + (['cuda'] if torch.cuda.is_available() else [])


def pooled(case, device='cpu', dtype=None):
    dtype = dtype or case.depth.dtype
    index = bev_pool_prepare(case.coords.to(device), case.bev_shape)
    return bev_pool(case.depth.to(device, dtype), case.feat.to(device, dtype), index)


def reference(case):
    return bev_pool_reference(case.depth.double(), case.feat.double(), case.coords, case.bev_shape)


@pytest.mark.parametrize('device', DEVICES)
@pytest.mark.parametrize('case', [random_case(), random_case(batch=3, seed=1), rig_case()], ids=['random', 'b3', 'rig'])
def test_matches_float64_reference(case, device):
    out = pooled(case, device, torch.float32)
    assert out.shape == (case.depth.shape[0], case.feat.shape[-1], *case.bev_shape)
    torch.testing.assert_close(out.double().cpu(), reference(case), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize('device', DEVICES)
@pytest.mark.parametrize('dtype', [torch.float16, torch.bfloat16])
def test_half_precision_accumulates_in_float32(dtype, device):
    case = rig_case()
    depth, feat = case.depth.to(dtype), case.feat.to(dtype)  # compare on the rounded inputs
    expected = bev_pool_reference(depth.double(), feat.double(), case.coords, case.bev_shape)
    out = pooled(case._replace(depth=depth, feat=feat), device)
    assert out.dtype == dtype
    tol = 1e-2 if dtype == torch.float16 else 2e-2
    torch.testing.assert_close(out.double().cpu(), expected, rtol=tol, atol=tol)


@pytest.mark.parametrize('case', [random_case(), random_case(batch=3, seed=1), rig_case()], ids=['random', 'b3', 'rig'])
def test_counting_sort_index_equals_sorted_index(case):
    index = bev_pool_prepare(case.coords, case.bev_shape)
    for ours, sorted_ in zip(index.tensors(), _sorted_index(case.coords, case.bev_shape)):
        assert torch.equal(ours, sorted_)


def test_edge_cases():
    empty = random_case(batch=0)
    assert pooled(empty).shape == (0, 7, 2, 6, 5)
    no_bins = random_case(bins=0)
    assert pooled(no_bins).abs().sum() == 0
    dropped = random_case()
    dropped = dropped._replace(coords=torch.full_like(dropped.coords, -1))
    assert bev_pool_prepare(dropped.coords, dropped.bev_shape).num_points == 0
    assert pooled(dropped).abs().sum() == 0
    one_cell = random_case()
    one_cell = one_cell._replace(coords=torch.tensor([3, 4, 1]).expand_as(one_cell.coords))
    out = pooled(one_cell)
    expected = torch.einsum('bndhw,bnhwc->bc', one_cell.depth, one_cell.feat)
    torch.testing.assert_close(out[:, :, 1, 4, 3], expected)
    assert out.abs().sum() == pytest.approx(expected.abs().sum().item())


def test_deterministic_and_non_contiguous_inputs():
    case = rig_case(dtype=torch.float32)
    first, second = pooled(case), pooled(case)
    assert torch.equal(first, second)
    index = bev_pool_prepare(case.coords, case.bev_shape)
    feat_strided = case.feat.transpose(2, 3).contiguous().transpose(2, 3)
    assert not feat_strided.is_contiguous()
    assert torch.equal(bev_pool(case.depth, feat_strided, index), first)


def test_gradcheck_float64():
    case = random_case(batch=2, cams=2, bins=3, height=2, width=3, channels=4, bev_shape=(2, 3, 3))
    index = bev_pool_prepare(case.coords, case.bev_shape)
    depth, feat = case.depth.requires_grad_(), case.feat.requires_grad_()
    assert torch.autograd.gradcheck(lambda d, f: bev_pool(d, f, index), (depth, feat))


@pytest.mark.parametrize('device', DEVICES)
@pytest.mark.parametrize('channels', [16, 23, 80, 150])  # the CPU kernels' register passes and channel tails
def test_gradients_match_reference(device, channels):
    case = rig_case(channels=channels)
    grad = torch.randn(1, case.feat.shape[-1], *case.bev_shape, dtype=torch.float64)
    d_ref, f_ref = case.depth.clone().requires_grad_(), case.feat.clone().requires_grad_()
    expected = bev_pool_reference(d_ref, f_ref, case.coords, case.bev_shape)
    expected.backward(grad)
    index = bev_pool_prepare(case.coords.to(device), case.bev_shape)
    depth = case.depth.to(device, torch.float32).requires_grad_()
    feat = case.feat.to(device, torch.float32).requires_grad_()
    out = bev_pool(depth, feat, index)
    out.backward(grad.to(device, torch.float32))
    torch.testing.assert_close(out.detach().double().cpu(), expected.detach(), rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(depth.grad.double().cpu(), d_ref.grad, rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(feat.grad.double().cpu(), f_ref.grad, rtol=1e-5, atol=1e-5)


ISA_RUN = """
import sys
sys.path.insert(0, sys.argv[1])
import ops_only  # noqa: F401  (bevzoo.ops without bevzoo/__init__)
import torch
from bevzoo.ops import bev_pool, bev_pool_prepare
results = []
for depth, feat, coords, bev_shape, grad in torch.load(sys.argv[2]):
    depth, feat = depth.requires_grad_(), feat.requires_grad_()
    out = bev_pool(depth, feat, bev_pool_prepare(coords, bev_shape))
    out.backward(grad)
    results.append((out.detach(), depth.grad, feat.grad))
torch.save(results, sys.argv[3])
"""


def test_cpu_float32_results_do_not_depend_on_the_instruction_set(tmp_path):
    """The float32 kernels compiled for AVX-512, AVX2 and the baseline (chosen by ATEN_CPU_CAPABILITY) agree
    bit for bit: same summation orders, no fused multiply-adds."""
    cases = []
    for channels in (16, 23, 80, 150):
        case = rig_case(channels=channels, dtype=torch.float32)
        grad = torch.randn(1, channels, *case.bev_shape, generator=torch.Generator().manual_seed(channels))
        cases.append((case.depth, case.feat, case.coords, case.bev_shape, grad))
    torch.save(cases, tmp_path / 'cases.pt')
    tools = os.path.join(os.path.dirname(__file__), '..', '..', 'tools')
    results = {}
    for capability in ('avx512', 'avx2', 'default'):
        out = tmp_path / f'{capability}.pt'
        env = dict(os.environ, ATEN_CPU_CAPABILITY=capability)
        subprocess.run([sys.executable, '-c', ISA_RUN, tools, str(tmp_path / 'cases.pt'), str(out)], env=env,
                       check=True)
        results[capability] = torch.load(out)
    for capability in ('avx2', 'default'):
        for ours, widest in zip(results[capability], results['avx512']):
            assert all(torch.equal(a, b) for a, b in zip(ours, widest)), capability


def test_opcheck():
    case = random_case()
    index = bev_pool_prepare(case.coords, case.bev_shape)
    depth, feat = case.depth.requires_grad_(), case.feat.requires_grad_()
    torch.library.opcheck(torch.ops.bevzoo.bev_pool_forward, (depth, feat, *index.tensors(), list(case.bev_shape)))
    grad = torch.randn(2, 7, *case.bev_shape, dtype=torch.float64)
    torch.library.opcheck(torch.ops.bevzoo.bev_pool_depth_grad,
                          (grad, case.feat.detach(), *index.tensors()[:3], case.depth.shape[2]))
    torch.library.opcheck(torch.ops.bevzoo.bev_pool_feat_grad, (grad, case.depth.detach(), *index.tensors()[3:]))


def test_torch_compile_fullgraph():
    case = rig_case(dtype=torch.float32)
    index = bev_pool_prepare(case.coords, case.bev_shape)

    def splat(depth, feat, index):
        return bev_pool(depth.softmax(dim=2), feat, index).relu()

    compiled = torch.compile(splat, fullgraph=True, backend='aot_eager')
    depth, feat = case.depth.clone().requires_grad_(), case.feat.clone().requires_grad_()
    out = compiled(depth, feat, index)
    out.sum().backward()
    depth_eager, feat_eager = case.depth.clone().requires_grad_(), case.feat.clone().requires_grad_()
    expected = splat(depth_eager, feat_eager, index)
    expected.sum().backward()
    assert torch.equal(out, expected)
    assert torch.equal(depth.grad, depth_eager.grad) and torch.equal(feat.grad, feat_eager.grad)


def test_cache_reuses_index_until_geometry_changes():
    case = random_case()
    cache = BevPoolCache()
    intrinsics, calls = torch.eye(4), []

    def make_coords():
        calls.append(1)
        return case.coords

    first = cache.get((intrinsics,), make_coords, case.bev_shape)
    assert cache.get((intrinsics.clone(),), make_coords, case.bev_shape) is first
    changed = intrinsics.clone()
    changed[0, 0] = 2.0
    assert cache.get((changed,), make_coords, case.bev_shape) is not first
    assert (cache.hits, cache.misses, len(calls)) == (1, 2, 2)


def test_prepare_rejects_bad_input():
    case = random_case()
    with pytest.raises(TypeError, match='integer'):
        bev_pool_prepare(case.coords.float(), case.bev_shape)
    with pytest.raises(ValueError, match=r'\[B, N, D, H, W, 3\]'):
        bev_pool_prepare(case.coords[..., :2], case.bev_shape)
    with pytest.raises(ValueError, match='bev_shape'):
        bev_pool_prepare(case.coords, (0, 6, 5))
    huge = torch.zeros(1, 1, 1, 1, 1, 3, dtype=torch.int32).expand(4, 6, 1024, 512, 512, 3)
    with pytest.raises(ValueError, match='int32'):
        bev_pool_prepare(huge, case.bev_shape)


def test_pool_rejects_bad_input():
    case = random_case()
    index = bev_pool_prepare(case.coords, case.bev_shape)
    with pytest.raises(TypeError, match='floating'):
        bev_pool(case.depth.long(), case.feat, index)
    with pytest.raises(TypeError, match='float32'):
        bev_pool(case.depth.float(), case.feat, index)
    with pytest.raises(ValueError, match='depth must be'):
        bev_pool(case.depth[:, :, :-1], case.feat, index)
    with pytest.raises(ValueError, match='feat must be'):
        bev_pool(case.depth, case.feat[0], index)
    with pytest.raises(ValueError, match='one device'):
        bev_pool(case.depth.to('meta'), case.feat.to('meta'), index)
    other = bev_pool_prepare(random_case(bins=4).coords, case.bev_shape)
    with pytest.raises(ValueError, match='as the index was built'):
        bev_pool(case.depth, case.feat, other)


def test_raw_op_rejects_bad_index():
    case = random_case()
    index = bev_pool_prepare(case.coords, case.bev_shape)
    tensors = list(index.tensors())
    with pytest.raises(RuntimeError, match='int32'):
        torch.ops.bevzoo.bev_pool_forward(case.depth, case.feat, tensors[0].long(), *tensors[1:], [2, 6, 5])
    with pytest.raises(RuntimeError, match='built for other shapes'):
        torch.ops.bevzoo.bev_pool_forward(case.depth, case.feat, *tensors, [2, 6, 6])
    with pytest.raises(RuntimeError, match='dtype'):
        torch.ops.bevzoo.bev_pool_forward(case.depth, case.feat.float(), *tensors, [2, 6, 5])
    with pytest.raises(RuntimeError, match='5 dimensions'):
        torch.ops.bevzoo.bev_pool_forward(case.depth[0], case.feat, *tensors, [2, 6, 5])
