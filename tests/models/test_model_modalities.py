"""BEVFusionModel end to end on tiny inputs: every modality and head trains and predicts LiDAR boxes."""
import copy

import pytest
import torch

from mmdet3d.registry import MODELS
from mmdet3d.structures import LiDARInstance3DBoxes
from bevzoo.models.balancers import NonFiniteLossError
from .tiny_models import tiny_model_cfg

VARIANTS = {
    'camera_lss_center': dict(lidar=False, head='center'),
    'lidar_pillars_transfusion': dict(camera=False),
    'fused_depthlss_conv_transfusion': dict(view_transform='DepthLSSTransform'),
    'fused_lss_add_center': dict(fuser='AddFuser', head='center'),
}


def build(**variant) -> torch.nn.Module:
    model = MODELS.build(tiny_model_cfg(**variant))
    model.init_weights()
    return model


def train_losses(model, batch) -> dict:
    model.train()
    return model(**model.data_preprocessor(copy.deepcopy(batch), training=True), mode='loss')


def predict(model, batch, drop: str = None) -> list:
    batch = copy.deepcopy(batch)
    if drop is not None:
        batch['inputs'].pop(drop)
    model.eval()
    with torch.no_grad():
        return model(**model.data_preprocessor(batch, training=False), mode='predict')


def assert_lidar_predictions(samples) -> None:
    for sample in samples:
        boxes = sample.pred_instances_3d.bboxes_3d
        assert isinstance(boxes, LiDARInstance3DBoxes)
        assert boxes.tensor.shape[1] == 9  # with velocity, the nuScenes box
        assert len(sample.pred_instances_3d.scores_3d) == len(boxes) == len(sample.pred_instances_3d.labels_3d)
        assert torch.isfinite(boxes.tensor).all()


@pytest.mark.parametrize('name', VARIANTS)
def test_variant_trains_and_predicts(name, batch, batch_of_two):
    batch = batch_of_two if name.startswith('fused_depthlss') else batch
    model = build(**VARIANTS[name])
    losses = train_losses(model, batch)
    assert losses and all(key.startswith('det.') for key in losses)
    assert all(torch.isfinite(value) for value in losses.values())
    sum(losses.values()).backward()
    unreached = [name for name, p in model.named_parameters() if p.requires_grad and p.grad is None]
    assert not unreached, f'parameters outside the loss graph: {unreached}'
    assert_lidar_predictions(predict(model, batch))


def test_depth_supervision_adds_finite_aux_loss(batch):
    cfg = tiny_model_cfg(view_transform='DepthLSSTransform')
    cfg['camera_encoder']['view_transform']['depth_loss_weight'] = 3.0
    model = MODELS.build(cfg)
    losses = train_losses(model, batch)
    assert torch.isfinite(losses['aux.loss_depth']) and losses['aux.loss_depth'] > 0


@pytest.mark.parametrize('drop', ['img', 'points'])
def test_fused_model_predicts_with_one_sensor_missing(drop, batch):
    model = build(view_transform='DepthLSSTransform')
    assert_lidar_predictions(predict(model, batch, drop=drop))


def test_model_without_its_only_modality_says_so(batch):
    model = build(camera=False)
    with pytest.raises(ValueError, match='neither images'):
        predict(model, batch, drop='points')


def test_non_finite_loss_names_task_and_key(batch):
    model = build(camera=False, head='center')
    with torch.no_grad():
        model.heads['det'].center_head.task_heads[0].reg[-1].bias.fill_(float('nan'))  # only the box loss sees it
    with pytest.raises(NonFiniteLossError, match=r"task 'det'.*task0.loss_bbox"):
        train_losses(model, batch)


@pytest.mark.parametrize('bad, message', [
    (dict(camera_encoder=None, lidar_encoder=None), 'camera_encoder, a lidar_encoder or both'),
    (dict(fuser=None), 'needs a `fuser`'),
    (dict(heads={}), 'at least one task head'),
    (dict(decoders=dict(map=dict())), 'either `decoder`'),
])
def test_inconsistent_stage_configs_are_refused(bad, message):
    cfg = tiny_model_cfg()
    cfg.update(bad)
    with pytest.raises(ValueError, match=message):
        MODELS.build(cfg)
