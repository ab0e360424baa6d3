"""Each registered model stage on its own: builds from config, runs forward and backward, rejects bad input."""
import pytest
import torch

from mmdet3d.registry import MODELS
from mmdet3d.structures import LiDARInstance3DBoxes
from bevzoo.models.heads.transfusion.assigner import HungarianAssigner3D
from bevzoo.models.heads.transfusion.box_coder import QueryBoxCoder
from bevzoo.models.lidar import SparseConvUnavailableError, inspection_build, sparse_conv_problem
from .tiny_models import (BEV_SIZE, CAMERA_CHANNELS, CENTER_HEAD, LIDAR_CHANNELS, POINT_CLOUD_RANGE, PREPROCESSOR,
                          TRANSFUSION_HEAD, VOXEL_SIZE)


def backward_is_finite(output: torch.Tensor, module: torch.nn.Module) -> bool:
    output.float().pow(2).mean().backward()
    grads = [p.grad for p in module.parameters() if p.grad is not None]
    return bool(grads) and all(torch.isfinite(g).all() for g in grads)


@pytest.mark.parametrize('fuser', ['ConvFuser', 'AddFuser'])
def test_fusers_fuse_and_tolerate_a_missing_modality(fuser):
    module = MODELS.build(dict(type=fuser, in_channels=[CAMERA_CHANNELS, LIDAR_CHANNELS], out_channels=24))
    camera, lidar = torch.randn(2, CAMERA_CHANNELS, 8, 8), torch.randn(2, LIDAR_CHANNELS, 8, 8)
    assert backward_is_finite(module([camera, lidar]), module)
    for inputs in ([None, lidar], [camera, None]):
        assert module(inputs).shape == (2, 24, 8, 8)
    with pytest.raises(ValueError, match='no modality'):
        module([None, None])
    with pytest.raises(ValueError, match='channels'):
        module([lidar, camera])


def test_lss_fpn_fuses_levels_top_down():
    neck = MODELS.build(dict(type='LSSFPN', in_channels=[8, 16, 32], out_channels=12, num_outs=2))
    outputs = neck([torch.randn(1, 8, 16, 16), torch.randn(1, 16, 8, 8), torch.randn(1, 32, 4, 4)])
    assert [tuple(o.shape) for o in outputs] == [(1, 12, 16, 16), (1, 12, 8, 8)]
    assert backward_is_finite(outputs[0], neck)
    with pytest.raises(ValueError, match='num_outs'):
        MODELS.build(dict(type='LSSFPN', in_channels=[8, 16], out_channels=12, num_outs=2))


def test_bev_decoder_returns_one_map():
    decoder = MODELS.build(dict(type='BEVDecoder',
                                backbone=dict(type='SECOND', in_channels=8, out_channels=[8, 16], layer_nums=[1, 1],
                                              layer_strides=[1, 2]),
                                neck=dict(type='SECONDFPN', in_channels=[8, 16], out_channels=[8, 8],
                                          upsample_strides=[1, 2])))
    output = decoder(torch.randn(1, 8, 16, 16))
    assert output.shape == (1, 16, 16, 16) and backward_is_finite(output, decoder)


def test_voxelizing_preprocessor_prepends_batch_index(batch_of_two):
    preprocessor = MODELS.build(PREPROCESSOR)
    data = preprocessor(batch_of_two, training=True)
    voxels = data['inputs']['voxels']
    assert data['inputs']['imgs'].shape[:3] == (2, 6, 3)
    assert voxels['coors'].shape[1] == 4 and set(voxels['coors'][:, 0].tolist()) == {0, 1}
    assert voxels['voxels'].shape[0] == voxels['num_points'].shape[0] == voxels['coors'].shape[0]
    grid = torch.tensor([1, BEV_SIZE, BEV_SIZE])
    assert ((voxels['coors'][:, 1:] >= 0) & (voxels['coors'][:, 1:] < grid)).all()
    with pytest.raises(ValueError, match='voxelization=dict'):
        MODELS.build(dict(PREPROCESSOR, voxel=True))


def test_sparse_encoder_refuses_to_build_without_its_backend():
    cfg = dict(type='SparseBEVEncoder', in_channels=5, sparse_shape=[41, 64, 64], output_channels=16)
    problem = sparse_conv_problem()
    if not problem:
        pytest.skip('sparse convolution is available here; the build-time error cannot be observed')
    with pytest.raises(SparseConvUnavailableError, match='cannot be built'):
        MODELS.build(cfg)


def test_sparse_encoder_inspection_build_counts_weights_but_still_refuses_to_run():
    cfg = dict(type='SparseBEVEncoder', in_channels=5, sparse_shape=[41, 64, 64], output_channels=16)
    if not sparse_conv_problem():
        pytest.skip('sparse convolution is available here; the inspection-only build cannot be observed')
    with inspection_build():
        encoder = MODELS.build(cfg)
    parent = MODELS.build(dict(cfg, type='SparseEncoder'))  # mmdet3d's own class builds on the CPU
    assert sum(p.numel() for p in encoder.parameters()) == sum(p.numel() for p in parent.parameters()) > 0
    with pytest.raises(SparseConvUnavailableError, match='built for inspection'):
        encoder(torch.zeros(1, 5), torch.zeros(1, 4, dtype=torch.int32), 1)
    with pytest.raises(SparseConvUnavailableError, match='cannot be built'):  # the switch does not outlive its block
        MODELS.build(cfg)


def test_box_coder_round_trips_boxes():
    coder = QueryBoxCoder(POINT_CLOUD_RANGE, VOXEL_SIZE, 1)
    boxes = LiDARInstance3DBoxes(torch.tensor([[3.0, -7.0, -1.5, 4.2, 1.9, 1.6, 0.7, 1.0, -2.0]]), box_dim=9)
    decoded = coder.decode(coder.encode(boxes))
    assert torch.allclose(decoded.tensor, boxes.tensor, atol=1e-5)


def test_assigner_matches_each_query_to_its_own_box():
    coder = QueryBoxCoder(POINT_CLOUD_RANGE, VOXEL_SIZE, 1)
    boxes = LiDARInstance3DBoxes(torch.tensor([[3.0, -7.0, -1.5, 4.2, 1.9, 1.6, 0.7, 0, 0],
                                               [-10.0, 5.0, -1.5, 0.8, 0.8, 1.8, 0.0, 0, 0]]), box_dim=9)
    codes = torch.cat([coder.encode(boxes).flip(0), torch.zeros(1, 10)])  # queries: box 1, box 0, nothing
    logits = torch.full((3, 3), -4.0)
    logits[0, 2] = logits[1, 0] = 4.0
    assigned = HungarianAssigner3D(coder).assign(logits, codes, boxes, torch.tensor([0, 2]))
    assert assigned.tolist() == [1, 0, -1]


def test_transfusion_head_checks_grid_and_labels(batch):
    head = MODELS.build(TRANSFUSION_HEAD)
    with pytest.raises(ValueError, match='expects a BEV of'):
        head.loss(torch.randn(1, TRANSFUSION_HEAD['in_channels'], 32, 32), batch['data_samples'])
    batch['data_samples'][0].gt_instances_3d.labels_3d[0] = -1
    with pytest.raises(ValueError, match='labels_3d must lie in'):
        head.loss(torch.randn(1, TRANSFUSION_HEAD['in_channels'], BEV_SIZE, BEV_SIZE), batch['data_samples'])


def test_center_head_starts_every_cell_at_the_heatmap_prior():
    """Small classifier weights: initial heatmap logits sit at init_bias, so the first focal losses are moderate
    instead of the thousands that SeparateHead's fan-out Kaiming init produces."""
    torch.manual_seed(0)
    head = MODELS.build(CENTER_HEAD)
    head.init_weights()
    head.train()
    bev = torch.randn(2, CENTER_HEAD['in_channels'], BEV_SIZE, BEV_SIZE)
    heatmap = head.center_head([bev])[0][0]['heatmap']
    assert heatmap.mean().item() == pytest.approx(-2.19, abs=0.2)  # Kaiming fan-out: std ~6
    assert heatmap.std().item() < 0.2
