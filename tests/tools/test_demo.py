"""tools/demo.py: it knows when training is finished for epoch- and iteration-based loops, picks the training
precision, and fits the epochs to its time budget."""
import argparse
import importlib
import json
import os.path as osp
import subprocess
import sys
import time

import pytest
from mmengine.config import Config

from bevzoo.engine.training_speed import TrainingSpeed


@pytest.fixture(scope='module')
def demo(repo_root):
    """The tool as a module (tools/ on the path, as when it runs as a script)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(osp.join(repo_root, 'tools'))
        yield importlib.import_module('demo')


@pytest.mark.parametrize('train_cfg, final', [(dict(type='EpochBasedTrainLoop', max_epochs=5), 'epoch_5.pth'),
                                              (dict(type='IterBasedTrainLoop', max_iters=800), 'iter_800.pth')])
def test_training_is_finished_when_the_final_checkpoint_exists(demo, tmp_path, train_cfg, final):
    (tmp_path / 'epoch_4.pth').touch()
    (tmp_path / 'iter_400.pth').touch()
    assert not demo.training_finished(str(tmp_path), train_cfg)
    (tmp_path / final).touch()
    assert demo.training_finished(str(tmp_path), train_cfg)


def test_auto_precision_is_mixed_only_where_it_is_fast(demo, monkeypatch):
    assert demo.mixed_precision('mixed') and not demo.mixed_precision('float32')
    for cuda, native_bf16, mixed in ((False, False, False), (False, True, True), (True, False, True)):
        monkeypatch.setattr(demo.torch.cuda, 'is_available', lambda: cuda)
        monkeypatch.setattr(demo, 'cpu_has_native_bfloat16', lambda: native_bf16)
        assert demo.mixed_precision('auto') == mixed


def test_epoch_overrides_stretch_the_schedule(demo, repo_root):
    cfg = Config.fromfile(osp.join(repo_root, demo.DEFAULT_CONFIG))
    assert cfg.train_cfg.max_epochs == 8
    cfg.merge_from_dict(demo.parse_cfg_options(demo.epoch_overrides(cfg, 11)))
    warmup, cosine = cfg.param_scheduler
    assert cfg.train_cfg.max_epochs == 11 and (cosine.end, cosine.T_max) == (11, 11)
    assert (warmup.by_epoch, warmup.end) == (False, 30)  # iteration-based warm-up untouched


def test_planned_epochs_fill_the_budget(demo):
    speed = TrainingSpeed(seconds_per_iteration=0.8, iterations_per_epoch=160)  # 128 s per epoch
    assert demo.planned_epochs(1500, speed) == 11
    assert demo.planned_epochs(10, speed) == 1  # never zero


def test_epochs_are_chosen_once_then_kept(demo, repo_root, tmp_path, monkeypatch):
    cfg = Config.fromfile(osp.join(repo_root, demo.DEFAULT_CONFIG))
    timed = []

    def measure(probe):
        timed.append(probe.optim_wrapper.type)
        return TrainingSpeed(seconds_per_iteration=1.0, iterations_per_epoch=100)

    monkeypatch.setattr(demo, 'measure_training_speed', measure)
    monkeypatch.setattr(demo, 'mixed_precision', lambda choice: True)
    args = argparse.Namespace(epochs=None, minutes=30.0, precision='auto')
    started = time.time()
    # 1800 s minus the reserve at 100 s per epoch
    assert demo.choose_epochs(args, cfg, str(tmp_path), started) == (1800 - demo.RESERVED_SECONDS) // 100
    assert timed == ['CPUAutocastOptimWrapper'] and cfg.optim_wrapper.type != 'CPUAutocastOptimWrapper'
    assert json.load(open(tmp_path / demo.PLAN_FILE))['epochs'] == 16
    assert demo.choose_epochs(args, cfg, str(tmp_path), started - 1000) == 16  # a resumed demo keeps its plan
    assert len(timed) == 1
    assert demo.choose_epochs(argparse.Namespace(epochs=3, minutes=30.0), cfg, str(tmp_path), started) == 3
    fresh = tmp_path / 'fresh'
    assert demo.choose_epochs(argparse.Namespace(epochs=None, minutes=0.0), cfg, str(fresh), started) == 8
    fresh.mkdir()
    (fresh / 'last_checkpoint').write_text('epoch_3.pth')  # begun without a plan: its own schedule continues
    assert demo.choose_epochs(args, cfg, str(fresh), started) == 8 and len(timed) == 1


@pytest.mark.parametrize('flag, message', [(['--epochs', '0'], '--epochs must be at least 1'),
                                           (['--minutes', '-5'], '--minutes must be >= 0')])
def test_bad_budget_arguments_are_named(repo_root, flag, message):
    result = subprocess.run([sys.executable, osp.join(repo_root, 'tools', 'demo.py'), *flag], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 2 and message in result.stderr
