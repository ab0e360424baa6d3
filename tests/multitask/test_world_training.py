"""The world det+map+occ config trains through mmengine's Runner on the built-in world and predicts every task.

The real dataset pipeline feeds the heads here (the synthetic-batch tests cover each balancer); one training
iteration of the FULLER config, the balancer that touches the most code (all hooks plus autograd calibration).
"""
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.runner import Runner

from bevzoo.datasets.nuscenes_converter import create_infos

CONFIG = 'configs/fuller/fuller_det-map-occ_world.py'


def _world_config(repo_root: str, root: str, infos: dict, work_dir: str) -> Config:
    cfg = Config.fromfile(osp.join(repo_root, CONFIG))
    for split, loader in (('train', cfg.train_dataloader), ('val', cfg.val_dataloader)):
        loader.update(batch_size=2 if split == 'train' else 1, num_workers=0, persistent_workers=False)
        loader.dataset.update(data_root=root, ann_file=infos[split])
        for transform in loader.dataset.pipeline:
            if transform['type'] == 'LoadBEVMapMask':  # keep the map cache out of the shared world folder
                transform['cache_dir'] = osp.join(work_dir, 'map_cache')
    cfg.test_dataloader = cfg.val_dataloader
    cfg.val_evaluator.data_root = root
    cfg.test_evaluator = cfg.val_evaluator
    cfg.train_cfg = dict(type='IterBasedTrainLoop', max_iters=1, val_interval=2)
    cfg.param_scheduler = []
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook', interval=2)
    cfg.work_dir = work_dir
    return cfg


@pytest.mark.slow
def test_world_multitask_trains_an_iteration_and_predicts_every_task(repo_root, tiny_world, tmp_path):
    root, version = tiny_world
    infos = create_infos(root, version, out_dir=str(tmp_path))
    runner = Runner.from_cfg(_world_config(repo_root, root, infos, str(tmp_path)))
    runner.train()
    log = runner.message_hub.log_scalars
    task_losses = {key for key in log if key.startswith('train/') and '.loss' in key}
    assert {key.split('/')[1].split('.')[0] for key in task_losses} == {'det', 'map', 'occ'}
    assert all(torch.isfinite(torch.as_tensor(log[key].current())) for key in task_losses)
    model = runner.model.eval()
    with torch.no_grad():
        samples = model.test_step(next(iter(runner.test_dataloader)))
    assert samples[0].pred_map_bev.shape == (6, 200, 200)
    assert samples[0].pred_occupancy.shape == (200, 200, 16)
    assert len(samples[0].pred_instances_3d.bboxes_3d) > 0
