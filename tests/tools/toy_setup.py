"""Write the toy dataset and configs the tools' tests run through the CLI."""
import os
import os.path as osp
import pickle
import subprocess
import sys
from typing import Dict, List, Optional

import numpy as np

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
PYTHON = sys.executable
TOY_DIR = osp.dirname(osp.abspath(__file__))
NUM_SAMPLES = 8

TOY_CONFIG = """
_base_ = ['{repo}/configs/_base_/default_runtime.py']
custom_imports = dict(imports=['bevzoo', 'toy_bevzoo'], allow_failed_imports=False)
model = dict(type='ToyBEVModel', hidden={hidden})
dataset = dict(type='ToyBEVDataset', data_root='{data_root}', ann_file='toy_infos.pkl', data_prefix=dict())
train_dataloader = dict(batch_size=2, num_workers=0, sampler=dict(type='DefaultSampler', shuffle=True),
                        collate_fn=dict(type='pseudo_collate'), dataset=dataset)
val_dataloader = dict(batch_size=2, num_workers=0, sampler=dict(type='DefaultSampler', shuffle=False),
                      collate_fn=dict(type='pseudo_collate'), dataset=dataset)
test_dataloader = val_dataloader
val_evaluator = dict(type='BEVZooMetric', tasks=['map', 'occ'])
test_evaluator = val_evaluator
train_cfg = dict(by_epoch=True, max_epochs={epochs}, val_interval={epochs})
val_cfg = dict()
test_cfg = dict()
optim_wrapper = dict(optimizer=dict(type='AdamW', lr=0.01))
param_scheduler = [dict(type='MultiStepLR', milestones=[2], gamma=0.5)]
randomness = dict(seed=0)
default_hooks = dict(logger=dict(interval=1))
"""


def write_toy_data(root: str) -> None:
    """Eight samples whose map and occupancy targets are simple functions of the 4-vector."""
    rng = np.random.default_rng(0)
    data_list = []
    for index in range(NUM_SAMPLES):
        x = rng.uniform(-1, 1, 4)
        columns = np.arange(8)[None, None, :] < 4 + 3 * x[0]
        occupancy = np.where(np.arange(4)[:, None, None] < 2 + x[1], 4, 17) * np.ones((4, 4, 2), dtype=np.uint8)
        data_list.append(dict(token=f'toy{index}', x=x.tolist(),
                              map=np.broadcast_to(columns, (6, 8, 8)).astype(np.uint8),
                              occ=occupancy.astype(np.uint8)))
    with open(osp.join(root, 'toy_infos.pkl'), 'wb') as stream:
        pickle.dump(dict(metainfo=dict(dataset='toy'), data_list=data_list), stream)


def write_toy_config(path: str, data_root: str, epochs: int = 2, hidden: int = 16, extra: str = '') -> str:
    with open(path, 'w') as stream:
        stream.write(TOY_CONFIG.format(repo=REPO, data_root=data_root, epochs=epochs, hidden=hidden) + extra)
    return path


def run_tool(args: List[str], env_extra: Optional[Dict[str, str]] = None,
             timeout: int = 240) -> subprocess.CompletedProcess:
    """Run a tools/ entry point in a fresh interpreter with the toy module importable."""
    env = dict(os.environ, PYTHONPATH=TOY_DIR, OMP_NUM_THREADS='1', **(env_extra or {}))
    return subprocess.run(args, cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout)


def tool(name: str, *args: str) -> List[str]:
    return [PYTHON, osp.join(REPO, 'tools', name), *args]
