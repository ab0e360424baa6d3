"""The fused world config on the built-in tiny world, through the datasets part's real pipeline (with image and
BEV augmentation): a box's centre, seen by a camera, is pooled into that box's BEV cell; a training step and
an inference step run and predict LiDAR boxes."""
import copy
import os

import pytest
import torch
from mmengine import Config
from mmengine.optim import build_optim_wrapper
from mmengine.runner import Runner

from mmdet3d.registry import MODELS
from mmdet3d.structures import LiDARInstance3DBoxes
from bevzoo.datasets.nuscenes_converter import create_infos
from bevzoo.models.view_transforms import CameraGeometry
from bevzoo.models.view_transforms.camera_geometry import lidar_to_pixels
from bevzoo.ops import bev_pool

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FUSED_WORLD = os.path.join(REPO_ROOT, 'configs/bevfusion/bevfusion_transfusion_world.py')


@pytest.fixture(scope='module')
def world_cfg(tiny_world, tmp_path_factory) -> Config:
    root, version = tiny_world
    infos = create_infos(root, version, out_dir=str(tmp_path_factory.mktemp('world_infos')))
    cfg = Config.fromfile(FUSED_WORLD)
    for loader, split in ((cfg.train_dataloader, 'train'), (cfg.val_dataloader, 'val')):
        loader.update(batch_size=1, num_workers=0, persistent_workers=False)
        loader.dataset.update(data_root=root, ann_file=infos[split])
    return cfg


@pytest.fixture(scope='module')
def train_batch(world_cfg) -> dict:
    torch.manual_seed(0)
    return next(iter(Runner.build_dataloader(copy.deepcopy(world_cfg.train_dataloader), seed=0)))


def visible_box_centre(sample, geometry, image_size, min_depth):
    """A ground-truth box centre that some camera sees in front of it: ``(centre, camera, (col, row), depth)``."""
    centres = sample.gt_instances_3d.bboxes_3d.gravity_center
    for centre in centres:
        uv, depth = lidar_to_pixels(centre[None], geometry, 0)
        for cam in range(uv.shape[0]):
            col, row = uv[cam, 0].round().long().tolist()
            if depth[cam, 0] > min_depth and 0 <= col < image_size[1] and 0 <= row < image_size[0]:
                return centre, cam, (col, row), float(depth[cam, 0])
    pytest.skip('no ground-truth box centre is visible in this tiny-world sample')


@pytest.mark.slow
def test_world_box_centre_is_pooled_into_its_bev_cell(world_cfg, train_batch):
    sample = train_batch['data_samples'][0]
    assert not (sample.metainfo['lidar_aug_matrix'] == torch.eye(4).numpy()).all(), 'BEV augmentation expected'
    vt_cfg = dict(world_cfg.model.camera_encoder.view_transform, type='LSSTransform', in_channels=1, out_channels=1,
                  feature_size=world_cfg.image_size, downsample=1)
    vt_cfg.pop('depth_hint_channels', None)
    view_transform = MODELS.build(vt_cfg)
    geometry = CameraGeometry.from_metainfos([sample.metainfo], torch.device('cpu'))
    centre, cam, (col, row), depth = visible_box_centre(sample, geometry, world_cfg.image_size, vt_cfg['dbound'][0])
    d_min, _, d_step = vt_cfg['dbound']
    num_cams = geometry.cam2img.shape[1]
    depth_probs = torch.zeros(1, num_cams, view_transform.num_depth_bins, *world_cfg.image_size)
    depth_probs[0, cam, int(round((depth - d_min) / d_step)), row, col] = 1.0
    feats = torch.zeros(1, num_cams, *world_cfg.image_size, 1)
    feats[0, cam, row, col] = 1.0
    bev = bev_pool(depth_probs, feats, view_transform.pool_index(geometry))[0, 0, 0]
    x_bound, y_bound = vt_cfg['xbound'], vt_cfg['ybound']
    expected = torch.tensor([(centre[1] - y_bound[0]) / y_bound[2], (centre[0] - x_bound[0]) / x_bound[2]]).floor()
    cells = bev.nonzero()
    assert len(cells) == 1
    # a pixel (about 0.5 degrees) and half a depth bin (0.5 m) of quantisation: within one 0.75 m cell
    assert (cells[0] - expected).abs().max() <= 1, (cells[0].tolist(), expected.tolist())


@pytest.mark.slow
def test_fused_world_config_trains_and_predicts_on_the_world(world_cfg, train_batch):
    model = MODELS.build(world_cfg.model)
    model.init_weights()
    log = model.train_step(train_batch, build_optim_wrapper(model, world_cfg.optim_wrapper))
    assert torch.isfinite(log['loss'])
    val_batch = next(iter(Runner.build_dataloader(copy.deepcopy(world_cfg.val_dataloader), seed=0)))
    model.eval()
    with torch.no_grad():
        predictions = model.test_step(val_batch)
    boxes = predictions[0].pred_instances_3d.bboxes_3d
    assert isinstance(boxes, LiDARInstance3DBoxes) and boxes.tensor.shape[1] == 9
