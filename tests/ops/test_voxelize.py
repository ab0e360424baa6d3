"""voxelize against mmcv's Voxelization (deterministic hard mode and dynamic mode), registrations, errors."""
import pytest
import torch

from bevzoo.ops import dynamic_voxelize, hard_voxelize, voxelize

DEVICES = ['cpu'] + (['cuda'] if torch.cuda.is_available() else [])
# (voxel_size, point_cloud_range, max_num_points, max_voxels): BEVFusion, PointPillars, a tight voxel limit.
SETTINGS = [
    ((0.075, 0.075, 0.2), (-54.0, -54.0, -5.0, 54.0, 54.0, 3.0), 10, 120000),
    ((0.2, 0.2, 8.0), (-51.2, -51.2, -5.0, 51.2, 51.2, 3.0), 20, 30000),
    ((0.5, 0.5, 0.5), (-10.0, -20.0, -2.0, 30.0, 20.0, 2.0), 3, 500),
    ((1.0, 2.0, 4.0), (0.0, -8.0, -4.0, 16.0, 8.0, 4.0), 5, 50),
]


def lidar_points(count=20000, features=5, seed=0, dtype=torch.float32):
    """Points spread over +-60 m (some outside every range), with repeated voxels."""
    gen = torch.Generator().manual_seed(seed)
    xyz = torch.randn(count, 3, generator=gen) * torch.tensor([25.0, 25.0, 2.0])
    xyz[: count // 4] = xyz[: count // 4].round(decimals=1)  # many points share cells
    extra = torch.rand(count, features - 3, generator=gen)
    return torch.cat((xyz, extra), dim=1).to(dtype)


def mmcv_voxelize(points, voxel_size, pc_range, max_num_points, max_voxels):
    ops = pytest.importorskip('mmcv.ops')
    layer = ops.Voxelization(list(voxel_size), list(pc_range), max_num_points, max_voxels, deterministic=True)
    return layer.eval()(points)


@pytest.mark.parametrize('setting', SETTINGS, ids=['bevfusion', 'pillars', 'tight', 'coarse'])
def test_hard_voxelize_identical_to_mmcv(setting):
    points = lidar_points()
    expected = mmcv_voxelize(points, *setting)
    result = hard_voxelize(points, *setting)
    for ours, theirs in zip(result, expected):
        assert ours.dtype == theirs.dtype and torch.equal(ours, theirs)


@pytest.mark.parametrize('setting', SETTINGS[:2], ids=['bevfusion', 'pillars'])
def test_dynamic_voxelize_identical_to_mmcv(setting):
    points = lidar_points()
    expected = mmcv_voxelize(points, setting[0], setting[1], -1, -1)
    assert torch.equal(dynamic_voxelize(points, setting[0], setting[1]), expected)
    assert torch.equal(voxelize(points, setting[0], setting[1], max_num_points=-1), expected)


@pytest.mark.parametrize('device', DEVICES)
def test_semantics_on_a_hand_made_cloud(device):
    points = torch.tensor([[0.5, 0.5, 0.5, 1.0], [1.5, 0.5, 0.5, 2.0], [0.6, 0.6, 0.6, 3.0], [9.0, 0.0, 0.0, 4.0],
                           [0.7, 0.7, 0.7, 5.0], [1.6, 0.6, 0.6, 6.0], [0.2, 1.5, 0.1, 7.0]], device=device)
    voxels, coors, counts = hard_voxelize(points, (1.0, 1.0, 1.0), (0.0, 0.0, 0.0, 2.0, 2.0, 1.0),
                                          max_num_points=2, max_voxels=2)
    assert coors.tolist() == [[0, 0, 0], [0, 0, 1]]  # (z, y, x) in order of first point; the third voxel dropped
    assert counts.tolist() == [2, 2]
    assert voxels[0, :, 3].tolist() == [1.0, 3.0] and voxels[1, :, 3].tolist() == [2.0, 6.0]
    coords = dynamic_voxelize(points, (1.0, 1.0, 1.0), (0.0, 0.0, 0.0, 2.0, 2.0, 1.0))
    assert coords[3].tolist() == [-1, -1, -1] and coords[6].tolist() == [0, 1, 0]


@pytest.mark.parametrize('device', DEVICES)
def test_empty_and_all_outside(device):
    empty = torch.zeros(0, 4, device=device)
    voxels, coors, counts = hard_voxelize(empty, (1.0, 1.0, 1.0), (0, 0, 0, 4, 4, 4), 3, 10)
    assert voxels.shape == (0, 3, 4) and coors.shape == (0, 3) and counts.shape == (0,)
    outside = torch.full((5, 4), 100.0, device=device)
    assert hard_voxelize(outside, (1.0, 1.0, 1.0), (0, 0, 0, 4, 4, 4), 3, 10)[0].shape[0] == 0


def test_float64_points_and_non_contiguous_input():
    points = lidar_points(2000, dtype=torch.float64)
    strided = points.t().contiguous().t()
    assert not strided.is_contiguous()
    for ours, theirs in zip(hard_voxelize(strided, *SETTINGS[2]), hard_voxelize(points, *SETTINGS[2])):
        assert torch.equal(ours, theirs)


def test_opcheck_and_compile():
    points = lidar_points(3000)
    size, pc_range = list(SETTINGS[2][0]), list(SETTINGS[2][1])
    torch.library.opcheck(torch.ops.bevzoo.voxelize_hard, (points, size, pc_range, 3, 500))
    torch.library.opcheck(torch.ops.bevzoo.voxelize_dynamic, (points, size, pc_range))

    def count_points(points):
        voxels, coors, counts = hard_voxelize(points, size, pc_range, 3, 500)
        return counts.sum() + dynamic_voxelize(points, size, pc_range).sum()

    with torch._dynamo.config.patch(capture_dynamic_output_shape_ops=True):
        compiled = torch.compile(count_points, fullgraph=True, backend='aot_eager')
        assert torch.equal(compiled(points), count_points(points))


def test_rejects_bad_input():
    points = lidar_points(100)
    geometry = ((0.5, 0.5, 0.5), (-10.0, -20.0, -2.0, 30.0, 20.0, 2.0))
    with pytest.raises(ValueError, match=r'\[N, F\]'):
        hard_voxelize(points[:, :2], *geometry, 3, 10)
    with pytest.raises(ValueError, match=r'\[N, F\]'):
        dynamic_voxelize(points[0], *geometry)
    with pytest.raises(TypeError, match='float32 or float64'):
        hard_voxelize(points.long(), *geometry, 3, 10)
    with pytest.raises(ValueError, match='voxel_size must be'):
        hard_voxelize(points, (0.5, 0.5), geometry[1], 3, 10)
    with pytest.raises(ValueError, match='max > min'):
        hard_voxelize(points, geometry[0], (0.0, 0.0, 0.0, -1.0, 1.0, 1.0), 3, 10)
    with pytest.raises(ValueError, match='max_voxels > 0'):
        hard_voxelize(points, *geometry, 3, 0)


def test_raw_ops_reject_bad_input():
    points = lidar_points(100)
    size, pc_range = [0.5, 0.5, 0.5], [-10.0, -20.0, -2.0, 30.0, 20.0, 2.0]
    with pytest.raises(RuntimeError, match=r'\[N, F\]'):
        torch.ops.bevzoo.voxelize_hard(points[:, :2], size, pc_range, 3, 10)
    with pytest.raises(RuntimeError, match='float32 or float64'):
        torch.ops.bevzoo.voxelize_dynamic(points.half(), size, pc_range)
    with pytest.raises(RuntimeError, match='max_voxels > 0'):
        torch.ops.bevzoo.voxelize_hard(points, size, pc_range, 3, 0)
    with pytest.raises(RuntimeError, match='int32'):
        torch.ops.bevzoo.voxelize_hard(points, [1e-3] * 3, pc_range, 3, 10)
