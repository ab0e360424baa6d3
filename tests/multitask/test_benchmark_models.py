"""tools/benchmark_models.py's config sets and its synthetic multi-task inputs: the dense targets take exactly the
shapes of the model's map and occupancy heads, so a multi-task model trains and predicts on a synthetic batch."""
import importlib
import os.path as osp

import pytest
import torch
from mmengine.optim import OptimWrapper

from bevzoo.models.synthetic_inputs import dense_targets
from mmdet3d.registry import MODELS

from .test_multitask_model import multitask_cfg
from models.tiny_models import IMAGE_SIZE, NUM_CLASSES, POINT_CLOUD_RANGE


@pytest.fixture(scope='module')
def benchmark(repo_root):
    """The tool as a module (tools/ on the path, as when it runs as a script)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(osp.join(repo_root, 'tools'))
        yield importlib.import_module('benchmark_models')


def test_dense_targets_default_to_the_contract_shapes_and_follow_given_ones():
    gt_map, occupancy, mask = dense_targets(torch.Generator().manual_seed(0))
    assert gt_map.shape == (6, 200, 200) and occupancy.shape == mask.shape == (200, 200, 16)
    assert gt_map[0, 80:120].all() and not gt_map[0, :80].any() and gt_map[5, 99:101].all()
    assert set(occupancy.unique().tolist()) == {11, 17} and mask.dtype == torch.bool
    gt_map, occupancy, mask = dense_targets(torch.Generator().manual_seed(0), (6, 40, 30), (30, 40, 8))
    assert gt_map.shape == (6, 40, 30) and occupancy.shape == mask.shape == (30, 40, 8)
    assert gt_map[0].any() and gt_map[5].any()


def test_default_config_sets(benchmark):
    detection, multitask = benchmark.default_configs('det'), benchmark.default_configs('multitask')
    assert 'configs/bevfusion/bevfusion_transfusion_world.py' in detection
    assert not set(detection) & set(multitask)
    assert {'configs/m3net/m3net_det-map-occ_world.py', 'configs/fuller/fuller_det-map_nuscenes.py',
            'configs/bevfusion/bevfusion_multitask_det-map-occ_task-decoders_world.py'} <= set(multitask)
    assert all(path.endswith(('_world.py', '_nuscenes.py')) for path in multitask)  # no world-demo schedule
    assert sorted(benchmark.default_configs('all')) == sorted(detection + multitask)


def test_synthetic_batch_fits_the_heads_grids(benchmark):
    """The tiny model's map (40 x 40) and occupancy (40 x 40 x 16) grids are not the contract's 200 x 200: the
    benchmark's batch follows the heads, and a training step and a prediction run on it."""
    torch.manual_seed(0)
    model = MODELS.build(multitask_cfg())
    model.init_weights()
    assert benchmark.dense_target_shapes(model) == dict(map_shape=(6, 40, 40), occupancy_shape=(40, 40, 16))
    cfg = dict(image_size=IMAGE_SIZE, class_names=['c'] * NUM_CLASSES, point_cloud_range=POINT_CLOUD_RANGE)
    args = type('Args', (), dict(boxes=2, points=200))()
    batch = benchmark.batch_for(type('Cfg', (), cfg), args, 1, model=model)
    sample = batch['data_samples'][0]
    assert sample.gt_map_bev.shape == (6, 40, 40) and sample.gt_occupancy.shape == (40, 40, 16)
    assert (sample.metainfo['lidar2ego'] == sample.metainfo['lidar_aug_matrix']).all()
    log = model.train_step(batch, OptimWrapper(torch.optim.AdamW(model.parameters(), lr=1e-3)))
    assert log['map.loss_map'] > 0 and all(torch.isfinite(torch.as_tensor(v)) for v in log.values())
    model.eval()
    with torch.no_grad():
        predicted = model.test_step(benchmark.batch_for(type('Cfg', (), cfg), args, 1, seed=1, model=model))[0]
    assert predicted.pred_map_bev.shape == (6, 40, 40)
