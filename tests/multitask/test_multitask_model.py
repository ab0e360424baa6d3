"""The det+map+occ BEVFusionModel on tiny synthetic inputs: every balancer trains without non-finite values
through mmengine's train_step, and every head still predicts when a sensor is dropped at test time."""
import copy

import pytest
import torch
from mmengine.optim import OptimWrapper

from bevzoo.engine import CPUAutocastOptimWrapper
from bevzoo.models.balancers import NonFiniteLossError
from bevzoo.models.synthetic_inputs import synthetic_batch
from mmdet3d.registry import MODELS
from models.tiny_models import (CAMERA_CHANNELS, DECODED_CHANNELS, FUSED_CHANNELS, IMAGE_SIZE, LIDAR_CHANNELS,
                                NUM_CLASSES, POINT_CLOUD_RANGE, PREPROCESSOR, tiny_model_cfg)

BEV_RANGE = [POINT_CLOUD_RANGE[0], POINT_CLOUD_RANGE[1], POINT_CLOUD_RANGE[3], POINT_CLOUD_RANGE[4]]
TASKS = ['det', 'map', 'occ']
# Small map and occupancy grids keep these tests fast; the heads' full-size grids are tested in test_heads.py.
MAP_GRID = dict(grid_range=[-10.0, -10.0, 10.0, 10.0], grid_cell=0.5)  # 40 x 40
OCC_GRID = dict(grid_range=[-8.0, -8.0, -1.0, 8.0, 8.0, 5.4], voxel_size=0.4)  # 40 x 40 x 16
BALANCING = {
    'static': dict(balancer=dict(type='StaticWeightBalancer', weights=dict(det=1.0, map=2.0, occ=0.5))),
    'uncertainty': dict(balancer=dict(type='UncertaintyWeightBalancer', tasks=TASKS)),
    'fuller': dict(gradient_calibration=dict(type='GradientCalibration')),
    'm3net': dict(fuser=dict(type='MAFIFuser', in_channels=[CAMERA_CHANNELS, LIDAR_CHANNELS],
                             out_channels=FUSED_CHANNELS),
                  task_gates=dict(type='TaskChannelScaling', in_channels=DECODED_CHANNELS, tasks=TASKS)),
}


def multitask_cfg(**overrides) -> dict:
    """The tiny fused CenterHead model of the model tests plus map and occupancy heads."""
    cfg = tiny_model_cfg(head='center', view_transform='DepthLSSTransform')
    cfg['heads']['map'] = dict(type='BEVMapSegmentationHead', in_channels=DECODED_CHANNELS, bev_range=BEV_RANGE,
                               channels=8, **MAP_GRID)
    cfg['heads']['occ'] = dict(type='OccupancyHead', in_channels=DECODED_CHANNELS, bev_range=BEV_RANGE, channels=8,
                               height_channels=4, loss_affinity=dict(type='SceneAffinityLoss'),
                               loss_lovasz=dict(type='LovaszLoss', reduction='none'), **OCC_GRID)
    cfg.update(overrides)
    return cfg


@pytest.fixture(scope='module')
def batch() -> dict:
    """Two synthetic samples with three cameras (few, for speed), boxes, and the centre 40 x 40 cells of the
    contract-size map and occupancy targets (exactly the small grids above: same cells, same origin)."""
    data = synthetic_batch(2, IMAGE_SIZE, NUM_CLASSES, extent=POINT_CLOUD_RANGE[3] - 4, num_cams=3)
    centre = slice(80, 120)
    for sample in data['data_samples']:
        sample.gt_map_bev = sample.gt_map_bev[:, centre, centre]
        sample.gt_occupancy = sample.gt_occupancy[centre, centre]
        sample.gt_occupancy_mask = sample.gt_occupancy_mask[centre, centre]
    return data


def _train(model, batch, iterations: int = 2) -> list:
    optim_wrapper = OptimWrapper(torch.optim.AdamW(model.parameters(), lr=1e-3), clip_grad=dict(max_norm=35))
    model.train()
    return [model.train_step(copy.deepcopy(batch), optim_wrapper) for _ in range(iterations)]


@pytest.mark.slow
@pytest.mark.parametrize('balancing', BALANCING)
def test_every_balancer_trains_with_finite_losses_and_weights(balancing, batch):
    torch.manual_seed(0)
    model = MODELS.build(multitask_cfg(**BALANCING[balancing]))
    model.init_weights()
    before = {name: p.detach().clone() for name, p in model.named_parameters()}
    for log_vars in _train(model, batch):
        assert {key.split('.')[0] for key in log_vars if key != 'loss'} >= set(TASKS)
        assert all(torch.isfinite(torch.as_tensor(value)) for value in log_vars.values())
    for name, p in model.named_parameters():
        assert torch.isfinite(p).all(), name
    moved = {name.split('.')[0] for name, p in model.named_parameters() if not torch.equal(p, before[name])}
    assert {'heads', 'camera_encoder', 'lidar_encoder', 'fuser', 'decoder'} <= moved


def test_non_finite_task_loss_stops_training_naming_the_task(batch):
    model = MODELS.build(multitask_cfg(**BALANCING['uncertainty']))
    loss_map = model.heads['map'].loss
    model.heads['map'].loss = lambda bev, samples: {'loss_map': loss_map(bev, samples)['loss_map'] * float('nan')}
    with pytest.raises(NonFiniteLossError, match="task 'map'"):
        _train(model, batch, iterations=1)


@pytest.mark.parametrize('drop', [dict(drop_lidar=True), dict(drop_cameras='all'), dict(drop_cameras=[0, 2])])
def test_every_head_predicts_with_a_sensor_dropped(drop, batch):
    cfg = multitask_cfg(**BALANCING['m3net'])
    cfg['data_preprocessor'] = dict(type='SensorDropPreprocessor', preprocessor=copy.deepcopy(PREPROCESSOR), **drop)
    model = MODELS.build(cfg).eval()
    with torch.no_grad():
        samples = model.test_step(copy.deepcopy(batch))
    for sample in samples:
        assert torch.isfinite(sample.pred_instances_3d.bboxes_3d.tensor).all()
        assert sample.pred_map_bev.shape == (6, 40, 40)
        assert sample.pred_occupancy.shape == (40, 40, 16) and sample.pred_occupancy.dtype == torch.uint8


def test_sensor_drop_removes_or_blanks_exactly_what_it_says(batch):
    def preprocess(**drop):
        preprocessor = MODELS.build(
            dict(type='SensorDropPreprocessor', preprocessor=copy.deepcopy(PREPROCESSOR), **drop))
        return preprocessor(copy.deepcopy(batch), False)['inputs']

    full = preprocess()
    assert 'voxels' in full and 'imgs' in full
    assert not {'points', 'voxels'} & set(preprocess(drop_lidar=True))
    assert 'imgs' not in preprocess(drop_cameras='all')
    blanked = preprocess(drop_cameras=[1])['imgs']
    assert float(blanked[:, 1].abs().max()) == 0.0
    torch.testing.assert_close(blanked[:, [0, 2]], full['imgs'][:, [0, 2]])
    with pytest.raises(ValueError, match=r'drop_cameras \[7\] out of range for 3 cameras'):
        preprocess(drop_cameras=[7])
    with pytest.raises(ValueError, match="'front'"):
        preprocess(drop_cameras='front')


def test_gradient_calibration_under_autocast_gives_finite_gradients(batch):
    """bf16 autocast on the CPU (mmengine's AmpOptimWrapper needs a GPU; its loss scaling is covered by
    test_gradient_calibration.py): calibrated low-precision gradients reach every branch finite."""
    model = MODELS.build(multitask_cfg(**BALANCING['fuller'])).train()
    data = model.data_preprocessor(copy.deepcopy(batch), training=True)
    with torch.autocast('cpu', dtype=torch.bfloat16):
        losses = model(**data, mode='loss')
    sum(value for key, value in losses.items() if 'loss' in key).backward()
    for branch in ('camera_encoder', 'lidar_encoder', 'fuser', 'decoder'):
        grads = [p.grad for p in getattr(model, branch).parameters() if p.grad is not None]
        assert grads and all(torch.isfinite(g).all() for g in grads), branch


def test_cpu_autocast_wrapper_trains_in_bfloat16_with_float32_losses_and_weights(batch):
    """`--amp` on a CPU: convolutions run in bfloat16, the heads' losses (CenterHead's focal loss included) stay
    float32, and the weights stay float32 and finite."""
    torch.manual_seed(0)
    model = MODELS.build(multitask_cfg(**BALANCING['m3net']))
    model.init_weights()
    model.train()
    decoded_dtypes = []
    model.decoder.register_forward_hook(lambda module, args, output: decoded_dtypes.append(output.dtype))
    optim_wrapper = CPUAutocastOptimWrapper(torch.optim.AdamW(model.parameters(), lr=1e-3))
    data = model.data_preprocessor(copy.deepcopy(batch), training=True)
    with optim_wrapper.optim_context(model):
        losses = model(**data, mode='loss')
    assert decoded_dtypes == [torch.bfloat16]
    assert all(value.dtype == torch.float32 for key, value in losses.items() if 'loss' in key)
    log_vars = model.train_step(copy.deepcopy(batch), optim_wrapper)
    assert all(torch.isfinite(torch.as_tensor(value)) for value in log_vars.values())
    assert all(p.dtype == torch.float32 and torch.isfinite(p).all() for p in model.parameters())
