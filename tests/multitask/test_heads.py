"""Map segmentation and occupancy heads: grids, shapes, losses, masking and prediction fields."""
import numpy as np
import pytest
import torch
from mmdet3d.registry import MODELS
from mmdet3d.structures import Det3DDataSample

from bevzoo.models.heads import BEVGridResampler
from bevzoo.models.heads.occupancy_head import ego_to_bev

BEV_RANGE = [-54.0, -54.0, 54.0, 54.0]  # 36 x 36 cells of 3 m in these tests
SMALL_OCCUPANCY = dict(grid_range=[-8.0, -8.0, -1.0, 8.0, 8.0, 5.4])  # 40 x 40 x 16 voxels: fast loss tests
SMALL_OCCUPANCY_SHAPE = (40, 40, 16)


def _samples(batch=2, observed_fraction=0.5, occupancy_shape=(200, 200, 16), seed=0):
    generator = torch.Generator().manual_seed(seed)
    samples = []
    for _ in range(batch):
        sample = Det3DDataSample(metainfo=dict(lidar2ego=np.eye(4), lidar_aug_matrix=np.eye(4)))
        sample.gt_map_bev = (torch.rand(6, 200, 200, generator=generator) > 0.7).numpy().astype(np.uint8)
        sample.gt_occupancy = torch.randint(0, 18, occupancy_shape, dtype=torch.uint8, generator=generator)
        sample.gt_occupancy_mask = torch.rand(occupancy_shape, generator=generator) < observed_fraction
        samples.append(sample)
    return samples


def _map_head(**kwargs):
    return MODELS.build(dict(type='BEVMapSegmentationHead', in_channels=4, bev_range=BEV_RANGE, channels=8, **kwargs))


def _occupancy_head(**kwargs):
    return MODELS.build(dict(type='OccupancyHead', in_channels=4, bev_range=BEV_RANGE, channels=8, height_channels=2,
                             loss_lovasz=dict(type='LovaszLoss', reduction='none'),
                             loss_affinity=dict(type='SceneAffinityLoss'), **kwargs))


def test_resampler_reproduces_a_linear_field_at_target_cell_centres():
    resampler = BEVGridResampler(BEV_RANGE, [-50, -40, 50, 40], 0.5)
    assert resampler.target_shape == (160, 200)
    centres = -54 + (torch.arange(36) + 0.5) * 3.0
    field = torch.stack([centres.expand(36, 36), centres[:, None].expand(36, 36)])[None]  # channel 0 = x, 1 = y
    out = resampler(field)[0]
    target_x = -50 + (torch.arange(200) + 0.5) * 0.5
    target_y = -40 + (torch.arange(160) + 0.5) * 0.5
    torch.testing.assert_close(out[0, 80], target_x, atol=1e-4, rtol=0)  # row = y, column = x
    torch.testing.assert_close(out[1, :, 100], target_y, atol=1e-4, rtol=0)


def test_resampler_follows_a_per_sample_frame_transform():
    """Target (x, y) is read at source (-y + 1, x): a quarter turn plus a 1 m shift, as lidar_aug @ inv(lidar2ego)."""
    resampler = BEVGridResampler(BEV_RANGE, [-40, -40, 40, 40], 0.5)
    centres = -54 + (torch.arange(36) + 0.5) * 3.0
    field = torch.stack([centres.expand(36, 36), centres[:, None].expand(36, 36)])[None]  # channel 0 = x, 1 = y
    quarter_turn = torch.tensor([[[0.0, -1.0, 1.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]], dtype=torch.float64)
    out = resampler(field, quarter_turn)[0]
    target = -40 + (torch.arange(160) + 0.5) * 0.5
    torch.testing.assert_close(out[0, :, 80], -target + 1, atol=1e-4, rtol=0)  # source x = 1 - target y
    torch.testing.assert_close(out[1, 80, :], target, atol=1e-4, rtol=0)  # source y = target x


def test_occupancy_head_needs_the_ego_pose():
    head = _occupancy_head(**SMALL_OCCUPANCY)
    with pytest.raises(KeyError, match=r"lacks metainfo \['lidar2ego', 'lidar_aug_matrix'\]"):
        head.predict(torch.zeros(1, 4, 36, 36), [Det3DDataSample()])


def test_resampler_rejects_bad_grids():
    with pytest.raises(ValueError, match='whole number'):
        BEVGridResampler(BEV_RANGE, [-50, -50, 50, 50], 0.3)
    with pytest.raises(ValueError, match='source_range'):
        BEVGridResampler([0, 0, 10], [-50, -50, 50, 50], 0.5)


@pytest.mark.parametrize('layers_before_resampling', [0, 1, 2])
def test_map_head_loss_and_prediction_fields(layers_before_resampling):
    head, samples = _map_head(layers_before_resampling=layers_before_resampling), _samples()
    bev = torch.randn(2, 4, 36, 36, requires_grad=True)
    losses = head.loss(bev, samples)
    assert set(losses) == {'loss_map'} and torch.isfinite(losses['loss_map'])
    losses['loss_map'].backward()
    assert bev.grad.abs().sum() > 0
    head.eval()
    head.predict(bev, samples)
    prediction = samples[0].pred_map_bev
    assert prediction.shape == (6, 200, 200) and prediction.dtype == torch.float32
    assert 0 <= float(prediction.min()) and float(prediction.max()) <= 1


def test_map_head_layers_run_in_the_same_order_on_either_side_of_the_resampling():
    """On a map grid equal to the BEV grid the resampling is the identity, so moving layers before it changes
    nothing: same weights (same state-dict keys), same logits."""
    heads = [_map_head(grid_range=BEV_RANGE, grid_cell=3.0, layers_before_resampling=split) for split in (0, 1, 2)]
    for head in heads[1:]:
        head.load_state_dict(heads[0].state_dict())
    bev = torch.randn(1, 4, 36, 36)
    logits = [head.eval()(bev) for head in heads]
    torch.testing.assert_close(logits[1], logits[0])
    torch.testing.assert_close(logits[2], logits[0])
    with pytest.raises(ValueError, match='layers_before_resampling must be 0, 1 or 2'):
        _map_head(layers_before_resampling=3)


def _bev_position_seen_by(output_index, head, output_fn):
    """Gradient-weighted mean (row, col) BEV cell index that one output cell depends on: where the head looks."""
    bev = torch.randn(1, 4, 36, 36, requires_grad=True)
    output_fn(head(bev), output_index).backward()
    saliency = bev.grad.abs().sum(dim=(0, 1))
    index = torch.arange(36, dtype=torch.float32)
    total = saliency.sum()
    return float((saliency.sum(1) * index).sum() / total), float((saliency.sum(0) * index).sum() / total)


def _bev_index(metres):
    """Fractional index of the 3 m BEV cell centre at ``metres`` (centre of cell i at -54 + (i + 0.5) * 3)."""
    return (metres + 54.0) / 3.0 - 0.5


def test_map_head_reads_the_bev_cell_under_each_map_cell():
    head = _map_head().eval()
    # map cell row 50, col 150: y = -50 + 50.5 * 0.5 = -24.75 m, x = 25.25 m
    row, col = _bev_position_seen_by((50, 150), head, lambda logits, rc: logits[0, :, rc[0], rc[1]].sum())
    assert abs(row - _bev_index(-24.75)) < 0.5 and abs(col - _bev_index(25.25)) < 0.5


def test_occupancy_head_reads_the_bev_cell_under_each_voxel_column():
    head = _occupancy_head().eval()
    # voxel x index 150, y index 50: x = -40 + 150.5 * 0.4 = 20.2 m, y = -19.8 m
    row, col = _bev_position_seen_by((150, 50), head, lambda logits, xy: logits[0, xy[0], xy[1]].sum())
    assert abs(row - _bev_index(-19.8)) < 0.5 and abs(col - _bev_index(20.2)) < 0.5


def test_occupancy_head_losses_and_prediction_fields():
    head, samples = _occupancy_head(), _samples(observed_fraction=0.05)  # few scored voxels: fast Lovasz
    losses = head.loss(torch.randn(2, 4, 36, 36), samples)
    assert set(losses) == {'loss_occ_ce', 'loss_occ_lovasz', 'loss_occ_affinity'}
    assert all(torch.isfinite(value) for value in losses.values())
    head.eval()
    head.predict(torch.randn(2, 4, 36, 36), samples)
    assert samples[1].pred_occupancy.shape == (200, 200, 16) and samples[1].pred_occupancy.dtype == torch.uint8


def test_occupancy_loss_gives_zero_gradient_to_unobserved_voxels():
    head, samples = _occupancy_head(**SMALL_OCCUPANCY), _samples(batch=1, occupancy_shape=SMALL_OCCUPANCY_SHAPE)
    lift, captured = head.voxel_features, {}

    def keep_voxel_features(*args, **kwargs):
        features = lift(*args, **kwargs)
        features.retain_grad()
        captured['features'] = features
        return features

    head.voxel_features = keep_voxel_features
    losses = head.loss(torch.randn(1, 4, 36, 36), samples)
    sum(losses.values()).backward()
    gradient = captured['features'].grad[0].abs().sum(dim=-1)  # [Z, Y, X]: the loss gathers level by level
    observed = torch.as_tensor(samples[0].gt_occupancy_mask).permute(2, 1, 0)
    assert float(gradient[~observed].max()) == 0.0
    assert float((gradient[observed] > 0).float().mean()) > 0.5  # (a voxel whose hidden ReLUs are all off gets 0)


def test_training_logits_are_the_forward_logits_at_the_scored_voxels():
    head, samples = _occupancy_head(**SMALL_OCCUPANCY), _samples(batch=1, occupancy_shape=SMALL_OCCUPANCY_SHAPE)
    head.eval()  # BN in inference mode: both passes see the same normalisation
    bev = torch.randn(1, 4, 36, 36)
    classify, captured = head.voxel_classifier.forward, []
    head.voxel_classifier.forward = lambda features: captured.append(classify(features)) or captured[-1]
    head.loss(bev, samples)
    full = head(bev, ego_to_bev(samples))[0].permute(2, 1, 0, 3)  # [Z, Y, X, classes]: the loss's voxel order
    observed = torch.as_tensor(samples[0].gt_occupancy_mask).bool().permute(2, 1, 0)
    torch.testing.assert_close(captured[0], full[observed])


def test_occupancy_loss_does_not_depend_on_unobserved_labels():
    head, samples = _occupancy_head(**SMALL_OCCUPANCY), _samples(batch=1, occupancy_shape=SMALL_OCCUPANCY_SHAPE)
    bev = torch.randn(1, 4, 36, 36)
    before = head.loss(bev, samples)
    hidden = ~torch.as_tensor(samples[0].gt_occupancy_mask)
    samples[0].gt_occupancy[hidden] = 17 - samples[0].gt_occupancy[hidden]
    after = head.loss(bev, samples)
    for key in before:
        torch.testing.assert_close(after[key], before[key])


def test_occupancy_loss_with_nothing_observed_is_zero_and_differentiable():
    head = _occupancy_head(**SMALL_OCCUPANCY)
    samples = _samples(batch=1, observed_fraction=0.0, occupancy_shape=SMALL_OCCUPANCY_SHAPE)
    losses = head.loss(torch.randn(1, 4, 36, 36), samples)
    assert set(losses) == {'loss_occ_ce', 'loss_occ_lovasz', 'loss_occ_affinity'}
    assert all(float(value.detach()) == 0.0 for value in losses.values())
    sum(losses.values()).backward()
    assert all(p.grad is not None for p in head.parameters())


def test_occupancy_head_can_train_on_every_voxel():
    head = _occupancy_head(train_on_mask=False, **SMALL_OCCUPANCY)
    samples = _samples(batch=1, observed_fraction=0.0, occupancy_shape=SMALL_OCCUPANCY_SHAPE)
    assert float(head.loss(torch.randn(1, 4, 36, 36), samples)['loss_occ_ce'].detach()) > 0


def test_heads_name_missing_or_misshapen_ground_truth():
    samples = _samples(batch=1)
    del samples[0].gt_map_bev
    with pytest.raises(KeyError, match='gt_map_bev'):
        _map_head().loss(torch.randn(1, 4, 36, 36), samples)
    samples[0].gt_occupancy = torch.zeros(100, 100, 16, dtype=torch.uint8)
    with pytest.raises(ValueError, match=r'gt_occupancy has shape \(100, 100, 16\)'):
        _occupancy_head().loss(torch.randn(1, 4, 36, 36), samples)


def test_occupancy_head_rejects_labels_beyond_its_classes():
    samples = _samples(batch=1, observed_fraction=1.0, occupancy_shape=SMALL_OCCUPANCY_SHAPE)
    samples[0].gt_occupancy[0, 0, 0] = 30
    with pytest.raises(ValueError, match='label 30'):
        _occupancy_head(**SMALL_OCCUPANCY).loss(torch.randn(1, 4, 36, 36), samples)


def test_scene_affinity_loss_prefers_the_right_scene():
    loss = MODELS.build(dict(type='SceneAffinityLoss'))
    labels = torch.tensor([0, 0, 17, 17, 3])
    right = torch.nn.functional.one_hot(labels, 18).float() * 10
    wrong = torch.nn.functional.one_hot(torch.tensor([17, 17, 0, 0, 3]), 18).float() * 10
    assert float(loss(right, labels)) < 0.01 < float(loss(wrong, labels))
    assert float(loss(torch.zeros(0, 18), torch.zeros(0, dtype=torch.long))) == 0.0


def _dense_affinity_reference(logits, labels, free_index=17):
    """MonoScene's sem_scal + geo_scal written directly with [P, K] one-hot products (float64)."""
    probabilities = logits.double().softmax(dim=1)

    def ratio_losses(p, t):
        tp, tn = (p * t).sum(0), ((1 - p) * (1 - t)).sum(0)
        terms = []
        for numerator, denominator in ((tp, p.sum(0)), (tp, t.sum(0)), (tn, (1 - t).sum(0))):
            ratio = torch.where(denominator > 0, (numerator / denominator.clamp_min(1e-300)).clamp(0, 1),
                                torch.ones_like(numerator))
            terms.append(-torch.log(ratio.clamp_min(torch.finfo(torch.float64).tiny)).clamp_max(100))
        return sum(terms)

    targets = torch.nn.functional.one_hot(labels, logits.shape[1]).double()
    semantic = ratio_losses(probabilities, targets)[targets.sum(0) > 0].mean()
    geometric = ratio_losses(1 - probabilities[:, free_index:free_index + 1],
                             (labels != free_index).double()[:, None])[0]
    return semantic + geometric


def test_scene_affinity_loss_equals_the_dense_formula_and_its_gradient():
    torch.manual_seed(0)
    loss = MODELS.build(dict(type='SceneAffinityLoss'))
    logits = (torch.randn(300, 18) * 3).requires_grad_()
    labels = torch.randint(0, 18, (300,))
    labels[labels == 5] = 17  # an absent class: skipped by the semantic term
    reference_logits = logits.detach().clone().requires_grad_()
    value, reference = loss(logits, labels), _dense_affinity_reference(reference_logits, labels)
    value.backward()
    reference.backward()
    torch.testing.assert_close(value.double(), reference, rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(logits.grad, reference_logits.grad, rtol=1e-4, atol=1e-7)


def test_weighted_affinity_loss_counts_a_voxel_as_often_as_its_weight():
    torch.manual_seed(0)
    loss = MODELS.build(dict(type='SceneAffinityLoss'))
    logits, labels = torch.randn(200, 18) * 3, torch.randint(0, 18, (200,))
    copies = torch.randint(1, 4, (200,))
    weighted = loss(logits, labels, weight=copies.float())
    repeated = loss(logits.repeat_interleave(copies, dim=0), labels.repeat_interleave(copies))
    torch.testing.assert_close(weighted, repeated, rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match=r'weight must be \[P=200\]'):
        loss(logits, labels, weight=torch.ones(3))


def _free_sampling_head(ratio):
    return MODELS.build(dict(type='OccupancyHead', in_channels=4, bev_range=BEV_RANGE, channels=8, height_channels=2,
                             free_sample_ratio=ratio, loss_affinity=dict(type='SceneAffinityLoss'),
                             loss_ce=dict(type='mmdet.CrossEntropyLoss', class_weight=[1.0] * 17 + [0.05]),
                             **SMALL_OCCUPANCY))


def _mostly_free_samples():
    samples = _samples(batch=1, observed_fraction=0.6, occupancy_shape=SMALL_OCCUPANCY_SHAPE)
    occupancy = samples[0].gt_occupancy
    occupancy[torch.rand(occupancy.shape, generator=torch.Generator().manual_seed(1)) < 0.8] = 17
    return samples


def test_free_voxel_sampling_keeps_every_other_voxel_and_reweights_the_free_ones():
    head, samples = _free_sampling_head(0.25), _mostly_free_samples()
    labels = samples[0].gt_occupancy.permute(2, 1, 0).long()[None]
    scored = torch.as_tensor(samples[0].gt_occupancy_mask).permute(2, 1, 0)[None]
    torch.manual_seed(0)
    kept, weights = head._sample_free_voxels(scored, labels)
    assert not (kept & ~scored).any()
    assert torch.equal(kept & (labels != 17), scored & (labels != 17))
    free_kept = float((kept & (labels == 17)).sum()) / float((scored & (labels == 17)).sum())
    assert abs(free_kept - 0.25) < 0.03
    assert torch.equal(weights, torch.where(labels[kept] == 17, 4.0, 1.0))


def test_free_voxel_sampling_estimates_the_full_losses_without_bias():
    head, samples = _free_sampling_head(1.0), _mostly_free_samples()
    head.eval()  # the same BN normalisation in every pass
    bev = torch.randn(1, 4, 36, 36)
    with torch.no_grad():
        full = head.loss(bev, samples)
        head.free_sample_ratio = 0.2
        torch.manual_seed(0)
        draws = [head.loss(bev, samples) for _ in range(40)]
    for key in full:
        mean = torch.stack([draw[key] for draw in draws]).mean()
        torch.testing.assert_close(mean, full[key], rtol=0.02, atol=0.0)
    assert float(draws[0]['loss_occ_ce']) != float(full['loss_occ_ce'])  # a draw is an estimate, not the loss


@pytest.mark.parametrize('ratio', [0.0, -0.5, 1.5])
def test_free_sample_ratio_must_be_a_fraction(ratio):
    with pytest.raises(ValueError, match='free_sample_ratio must be in'):
        _free_sampling_head(ratio)


def test_free_voxel_sampling_refuses_the_lovasz_loss():
    with pytest.raises(ValueError, match='loss_lovasz'):
        _occupancy_head(free_sample_ratio=0.5)
