"""Rulebook counting of sparse convolutions (bevzoo.models.lidar.sparse_conv_flops) against hand-worked cases."""
import torch
from torch.utils.flop_counter import FlopCounterMode

from mmdet3d.models.middle_encoders import SparseEncoder
from bevzoo.models.lidar.sparse_conv_flops import (SparseConvCount, count_sparse_encoder, strided_conv_pairs,
                                                   submanifold_pairs)

# Three active voxels (b, z, y, x) in a (Z, Y, X) = (3, 4, 4) grid: A and B are x-neighbours, C is two rows
# away from both in y, so outside their 3x3x3 windows.
A, B, C = (0, 1, 1, 1), (0, 1, 1, 2), (0, 1, 3, 3)
SITES = torch.tensor([A, B, C], dtype=torch.int32)
SHAPE = (3, 4, 4)


def test_submanifold_pairs_by_hand():
    # A sees {A, B}, B sees {A, B}, C sees {C}: 2 + 2 + 1 = 5 pairs.
    assert submanifold_pairs(SITES, SHAPE, (3, 3, 3), (1, 1, 1), (1, 1, 1)) == 5
    # a 1x1x1 kernel pairs every site with itself only
    assert submanifold_pairs(SITES, SHAPE, (1, 1, 1), (0, 0, 0), (1, 1, 1)) == 3
    # 2 * pairs * C_in * C_out
    assert SparseConvCount('subm', True, 2, 3, 3, 3, 5).flops == 60


def test_submanifold_pairs_stay_within_their_batch_sample():
    # the same site in two samples: each sees only itself
    sites = torch.tensor([[0, 1, 1, 1], [1, 1, 1, 1]])
    assert submanifold_pairs(sites, SHAPE, (3, 3, 3), (1, 1, 1), (1, 1, 1)) == 2


def test_strided_conv_by_hand():
    # kernel 3, stride 2, padding 1: output grid ((3+2-3)//2+1, (4+2-3)//2+1, same) = (2, 2, 2). Per axis, input
    # coordinate i reaches outputs o = (i + 1 - k) / 2 for k in {0, 1, 2}: i=1 -> {0, 1}, i=2 -> {1}, i=3 -> {1}
    # (o = 2 is outside the grid). Pairs: A (1,1,1) 2*2*2 = 8, B (1,1,2) 2*2*1 = 4, C (1,3,3) 2*1*1 = 2 -> 14.
    # A alone already reaches all 8 output sites.
    out_sites, out_shape, pairs = strided_conv_pairs(SITES, SHAPE, (3, 3, 3), (2, 2, 2), (1, 1, 1), (1, 1, 1))
    assert out_shape == (2, 2, 2)
    assert pairs == 14
    assert sorted(map(tuple, out_sites.tolist())) == [(0, z, y, x) for z in (0, 1) for y in (0, 1) for x in (0, 1)]
    assert SparseConvCount('spconv', False, 2, 3, 3, 8, 14).flops == 168


def test_strided_conv_with_anisotropic_kernel_by_hand():
    # SparseEncoder's conv_out: kernel (3, 1, 1), stride (2, 1, 1), no padding, on z only. Z = 3 -> 1 output
    # plane; each input pairs with output z = 0 iff z - k = 0 for some k in {0, 1, 2}: all three do.
    out_sites, out_shape, pairs = strided_conv_pairs(SITES, SHAPE, (3, 1, 1), (2, 1, 1), (0, 0, 0), (1, 1, 1))
    assert out_shape == (1, 4, 4)
    assert pairs == 3
    assert sorted(map(tuple, out_sites.tolist())) == [(0, 0, 1, 1), (0, 0, 1, 2), (0, 0, 3, 3)]


def test_fully_active_grid_without_padding_matches_a_dense_convolution():
    # every window lies inside the grid and is full, so the sparse count equals the dense one
    grid = torch.stack(torch.meshgrid(*(torch.arange(5),) * 3, indexing='ij'), dim=-1).reshape(-1, 3)
    sites = torch.cat([torch.zeros(len(grid), 1, dtype=torch.long), grid], dim=1)
    _, out_shape, pairs = strided_conv_pairs(sites, (5, 5, 5), (3, 3, 3), (2, 2, 2), (0, 0, 0), (1, 1, 1))
    counter = FlopCounterMode(display=False)
    with counter:
        torch.nn.Conv3d(4, 6, 3, stride=2, bias=False)(torch.zeros(1, 4, 5, 5, 5))
    assert out_shape == (2, 2, 2)
    assert SparseConvCount('dense', False, 4, 6, len(sites), 8, pairs).flops == counter.get_total_flops()


def test_count_sparse_encoder_follows_the_encoder_chain():
    # mmdet3d's SparseEncoder (its default stages) builds on the CPU; only its forward needs CUDA. The hand-worked
    # sites lie inside this larger grid with the same windows (41 z planes: the default stages halve z four times).
    encoder = SparseEncoder(in_channels=4, sparse_shape=[41, 8, 8], output_channels=8)
    count = count_sparse_encoder(encoder, SITES, batch_size=1)
    names = [layer.name for layer in count.layers]
    assert names[0] == 'conv_input.0' and names[-1] == 'conv_out.0'
    assert count.layers[0].pairs == 5 and count.layers[0].active_out == 3  # the first layer is the hand case
    assert [layer.in_channels for layer in count.layers[1:]] == [layer.out_channels for layer in count.layers[:-1]]
    assert count.flops == sum(layer.flops for layer in count.layers)
    batch, channels, depth, height, width = count.output_shape
    assert (batch, channels) == (1, 8)
    assert count.bev_shape == (1, 8 * depth, height, width)


def test_random_sites_match_a_dense_window_count():
    # independent check: convolving the occupancy grid with a kernel of ones counts, at every output site, the
    # active inputs in its window (with the same padding / stride / dilation arithmetic)
    generator = torch.Generator().manual_seed(0)
    shape = (7, 9, 8)
    occupancy = torch.rand(2, 1, *shape, generator=generator) < 0.15
    sites = occupancy[:, 0].nonzero()
    ones = torch.ones(1, 1, 3, 3, 3)
    window = torch.nn.functional.conv3d(occupancy.float(), ones, padding=1, dilation=1)
    assert submanifold_pairs(sites, shape, (3, 3, 3), (1, 1, 1), (1, 1, 1)) == int(window[occupancy].sum())
    for stride, padding in [((2, 2, 2), (1, 1, 1)), ((2, 2, 2), (0, 1, 1)), ((2, 1, 1), (0, 0, 0))]:
        window = torch.nn.functional.conv3d(occupancy.float(), ones, stride=stride, padding=padding)
        out_sites, out_shape, pairs = strided_conv_pairs(sites, shape, (3, 3, 3), stride, padding, (1, 1, 1))
        assert out_shape == tuple(window.shape[2:])
        assert pairs == int(window.sum())
        assert torch.equal(out_sites, window[:, 0].nonzero())
