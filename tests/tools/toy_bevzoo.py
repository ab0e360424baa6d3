"""A toy multi-task model and dataset, registered only for the tools' tests.

The model predicts ``pred_map_bev`` and ``pred_occupancy`` (the contract's fields) from a 4-vector with
dropout, so resuming must continue the random generators to reproduce an uninterrupted run. Two test
hooks kill the process mid-training (resume test) and save each rank's weights (distributed test).
"""
import os
import signal

import torch
import torch.nn as nn
from mmengine.dataset import BaseDataset
from mmengine.dist import get_rank
from mmengine.hooks import Hook
from mmengine.model import BaseModel

from mmdet3d.registry import DATASETS, HOOKS, MODELS
from mmdet3d.structures import Det3DDataSample

MAP_SHAPE = (6, 8, 8)
OCC_SHAPE = (4, 4, 2)
OCC_LABELS = 18


@MODELS.register_module()
class ToyBEVModel(BaseModel):
    """Linear map and occupancy heads on a 4-vector; ``hidden`` changes the weight shapes."""

    def __init__(self, hidden: int = 16, data_preprocessor=None) -> None:
        super().__init__(data_preprocessor=data_preprocessor)
        self.trunk = nn.Sequential(nn.Linear(4, hidden), nn.ReLU(), nn.Dropout(0.3))
        self.map_head = nn.Linear(hidden, int(torch.tensor(MAP_SHAPE).prod()))
        self.occ_head = nn.Linear(hidden, OCC_LABELS * int(torch.tensor(OCC_SHAPE).prod()))

    def _heads(self, inputs):
        features = self.trunk(torch.stack(inputs))
        return self.map_head(features).view(-1, *MAP_SHAPE), self.occ_head(features).view(-1, OCC_LABELS, *OCC_SHAPE)

    def forward(self, inputs, data_samples=None, mode: str = 'tensor'):
        map_logits, occ_logits = self._heads(inputs)
        if mode == 'loss':
            map_truth = torch.stack([s.gt_map_bev for s in data_samples]).float()
            occ_truth = torch.stack([s.gt_occupancy for s in data_samples]).long()
            return {'loss_map': nn.functional.binary_cross_entropy_with_logits(map_logits, map_truth),
                    'loss_occ': nn.functional.cross_entropy(occ_logits, occ_truth)}
        if mode == 'predict':
            for sample, map_logit, occ_logit in zip(data_samples, map_logits, occ_logits):
                sample.pred_map_bev = map_logit.sigmoid()
                sample.pred_occupancy = occ_logit.argmax(0).to(torch.uint8)
            return data_samples
        return map_logits, occ_logits


@DATASETS.register_module()
class ToyBEVDataset(BaseDataset):
    """Samples of ``toy_infos.pkl``: a 4-vector and map / occupancy targets that depend on it."""

    def prepare_data(self, idx: int) -> dict:
        info = self.get_data_info(idx)
        sample = Det3DDataSample(metainfo=dict(token=info['token']))
        sample.gt_map_bev = torch.tensor(info['map'], dtype=torch.uint8)
        sample.gt_occupancy = torch.tensor(info['occ'], dtype=torch.uint8)
        sample.gt_occupancy_mask = torch.ones(OCC_SHAPE, dtype=torch.bool)
        return dict(inputs=torch.tensor(info['x'], dtype=torch.float32), data_samples=sample)


@HOOKS.register_module()
class KillAtIterHook(Hook):
    """SIGKILL this process before training iteration ``at_iter`` (no clean-up runs, like an OOM kill)."""

    def __init__(self, at_iter: int) -> None:
        self.at_iter = at_iter

    def before_train_iter(self, runner, batch_idx: int, data_batch=None) -> None:
        if runner.iter == self.at_iter:
            os.kill(os.getpid(), signal.SIGKILL)


@HOOKS.register_module()
class SaveRankWeightsHook(Hook):
    """After training, every rank saves its weights to ``<work_dir>/weights_rank<r>.pt``."""

    def after_train(self, runner) -> None:
        model = runner.model.module if hasattr(runner.model, 'module') else runner.model
        torch.save(model.state_dict(), os.path.join(runner.work_dir, f'weights_rank{get_rank()}.pt'))
