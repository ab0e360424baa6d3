"""Saves every rank's random number generators in checkpoints so ``--resume`` continues them exactly."""
import random
from typing import Dict, List, Optional

import numpy as np
import torch
from mmengine.dist import all_gather_object, get_rank, get_world_size
from mmengine.hooks import Hook
from mmengine.runner import EpochBasedTrainLoop

from mmdet3d.registry import HOOKS


def capture_random_state() -> Dict:
    """The state of Python's, numpy's and torch's (CPU and CUDA) generators of this process."""
    state = {'python': random.getstate(), 'numpy': np.random.get_state(), 'torch': torch.get_rng_state()}
    if torch.cuda.is_available():
        state['cuda'] = torch.cuda.get_rng_state_all()
    return state


def restore_random_state(state: Dict) -> None:
    """Set the generators of this process to a state from :func:`capture_random_state`."""
    random.setstate(state['python'])
    np.random.set_state(state['numpy'])
    torch.set_rng_state(state['torch'])
    if 'cuda' in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state['cuda'])


@HOOKS.register_module()
class RandomStateHook(Hook):
    """Checkpoint the random generators of all ranks and restore them when training resumes.

    mmengine's resume re-seeds with the run's initial seed, so a resumed run would replay the
    augmentations and dropout masks of epoch 1. This hook snapshots the generators when the checkpoint
    hook saves (end of each epoch for epoch-based loops, every iteration for iteration-based ones;
    gathered from all ranks in distributed runs) and restores each rank's state before training resumes.
    """
    priority = 'NORMAL'  # before the checkpoint hook (VERY_LOW) in after_train_epoch / after_train_iter

    def __init__(self) -> None:
        self._snapshot: Optional[List[Dict]] = None
        self._resumed: Optional[List[Dict]] = None

    def _take_snapshot(self) -> None:
        local = capture_random_state()
        self._snapshot = all_gather_object(local) if get_world_size() > 1 else [local]

    def after_train_epoch(self, runner) -> None:
        """Snapshot the generators of an epoch-based run as its epoch checkpoint will see them."""
        if isinstance(runner.train_loop, EpochBasedTrainLoop):
            self._take_snapshot()

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        """Snapshot the generators of an iteration-based run."""
        if not isinstance(runner.train_loop, EpochBasedTrainLoop):
            self._take_snapshot()

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        """Store one generator state per rank."""
        if self._snapshot is not None:
            checkpoint['random_state'] = self._snapshot

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        """Keep the stored states until training starts (mmengine re-seeds in between)."""
        self._resumed = checkpoint.get('random_state')

    def before_train(self, runner) -> None:
        """Restore this rank's generators when resuming a run that stored them."""
        if self._resumed is None or runner.iter == 0:
            return
        if len(self._resumed) != get_world_size():
            runner.logger.warning(f'the checkpoint holds random states of {len(self._resumed)} processes but '
                                  f'{get_world_size()} run now: generators stay seeded, not continued')
            return
        restore_random_state(self._resumed[get_rank()])
        runner.logger.info('random generators restored from the checkpoint')
