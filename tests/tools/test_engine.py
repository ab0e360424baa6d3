"""Runtime pieces in isolation: atomic writes, safe checkpoint loading, strict matching, config checks."""
import ctypes
import os
import platform
import resource
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.fileio import get_file_backend
from mmengine.logging import HistoryBuffer

from bevzoo.engine import ChannelsLastHook, WeightsOnlyCheckpointHook, atomic_write
from bevzoo.engine.checkpoint_compatibility_hook import state_dict_mismatches
from bevzoo.engine.heap_reuse import keep_freed_memory
from bevzoo.engine.safe_globals import allowed_checkpoint_globals
from bevzoo.engine.tool_config import (ToolInputError, check_dataset_files, configure_resume, enable_amp,
                                       ensure_runtime_hooks, load_config)


def test_atomic_write_keeps_old_file_when_interrupted(tmp_path, monkeypatch):
    target = tmp_path / 'epoch_1.pth'
    atomic_write(b'complete old checkpoint', target)

    def interrupted(_):
        raise KeyboardInterrupt  # as if the process were stopped while the bytes go to disk
    monkeypatch.setattr(os, 'fsync', interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(b'half of a new one', target)
    assert target.read_bytes() == b'complete old checkpoint'
    assert os.listdir(tmp_path) == ['epoch_1.pth']  # no temporary left behind


def test_atomic_backend_is_selectable(tmp_path):
    backend = get_file_backend(str(tmp_path), backend_args=dict(backend='atomic_local'))
    backend.put_text('epoch_2.pth', tmp_path / 'last_checkpoint')
    assert (tmp_path / 'last_checkpoint').read_text() == 'epoch_2.pth'


def test_history_buffer_checkpoint_loads_weights_only(tmp_path):
    checkpoint = {'message_hub': {'log_scalars': {'train/loss': HistoryBuffer([1.0, 0.5], [1, 1])},
                                  'runtime_info': {'eta': np.float64(3.0)}},
                  'random_state': [{'numpy': np.random.get_state()}]}
    hook = WeightsOnlyCheckpointHook()
    hook.before_save_checkpoint(None, checkpoint)
    torch.save(checkpoint, tmp_path / 'ckpt.pth')
    # under bevzoo's allow-list (an earlier test may have reset the process-wide one), torch >= 2.6's default
    with torch.serialization.safe_globals(allowed_checkpoint_globals()):
        loaded = torch.load(tmp_path / 'ckpt.pth', weights_only=True)
    hook.after_load_checkpoint(None, loaded)
    buffer = loaded['message_hub']['log_scalars']['train/loss']
    assert isinstance(buffer, HistoryBuffer)
    assert buffer.mean() == pytest.approx(0.75)


def test_plain_history_buffer_is_still_refused(tmp_path):
    # mmengine's buffer pickles methods through getattr, which must stay outside the allow-list
    torch.save({'buffer': HistoryBuffer([1.0], [1])}, tmp_path / 'ckpt.pth')
    with pytest.raises(Exception, match='getattr|HistoryBuffer'):
        torch.load(tmp_path / 'ckpt.pth', weights_only=True)


def test_state_dict_mismatches_are_listed():
    model = {'a.weight': torch.zeros(2, 3), 'b.bias': torch.zeros(2)}
    assert state_dict_mismatches(model, {'module.a.weight': torch.ones(2, 3), 'b.bias': torch.ones(2)}) == []
    problems = state_dict_mismatches(model, {'a.weight': torch.zeros(4, 3), 'c.weight': torch.zeros(1)})
    assert problems == ['1 weights missing in the checkpoint: b.bias', '1 weights not in the model: c.weight',
                        '1 weights with other shapes: a.weight: checkpoint (4, 3) vs model (2, 3)']


def test_missing_config_is_named(tmp_path):
    with pytest.raises(ToolInputError, match='nope.py.* does not exist'):
        load_config(str(tmp_path / 'nope.py'))


def test_missing_checkpoint_is_named(tmp_path):
    with pytest.raises(ToolInputError, match='checkpoint .*gone.pth.* does not exist'):
        configure_resume(Config(), str(tmp_path / 'gone.pth'))


def test_dataset_root_missing_files_is_named(tmp_path):
    dataset = dict(type='X', data_root=str(tmp_path), ann_file='bevzoo_infos_val.pkl')
    cfg = Config(dict(val_dataloader=dict(dataset=dict(type='CBGSDataset', dataset=dataset))))
    with pytest.raises(ToolInputError, match=r'val_dataloader: info file .*bevzoo_infos_val.pkl.*create_data.py'):
        check_dataset_files(cfg)
    cfg.val_dataloader.dataset.dataset.data_root = str(tmp_path / 'absent')
    with pytest.raises(ToolInputError, match='dataset root .*absent.* does not exist'):
        check_dataset_files(cfg)


def test_runtime_hooks_added_once():
    cfg = Config(dict(custom_hooks=[dict(type='RandomStateHook'), dict(type='EMAHook')]))
    ensure_runtime_hooks(cfg)
    ensure_runtime_hooks(cfg)
    types = [hook['type'] for hook in cfg.custom_hooks]
    assert sorted(types) == sorted(['RandomStateHook', 'EMAHook', 'WeightsOnlyCheckpointHook',
                                    'CheckpointCompatibilityHook'])


@pytest.mark.skipif(torch.cuda.is_available(), reason='on a CUDA machine --amp selects AmpOptimWrapper')
def test_amp_on_a_cpu_selects_bfloat16_autocast():
    cfg = Config(dict(optim_wrapper=dict(type='OptimWrapper', optimizer=dict(type='AdamW', lr=1e-3))))
    enable_amp(cfg)
    assert cfg.optim_wrapper.type == 'CPUAutocastOptimWrapper'


def _page_faults_of_a_released_block(size: int = 64 * 2**20) -> int:
    """Minor page faults of allocating, writing and releasing ``size`` bytes with the C library's malloc."""
    libc = ctypes.CDLL(None)
    libc.malloc.restype, libc.malloc.argtypes = ctypes.c_void_p, (ctypes.c_size_t,)
    libc.free.argtypes = (ctypes.c_void_p,)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    block = libc.malloc(size)
    ctypes.memset(block, 1, size)
    libc.free(block)
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before


@pytest.mark.skipif(platform.libc_ver()[0] != 'glibc', reason='glibc only')
def test_keep_freed_memory_reuses_released_pages():
    assert keep_freed_memory()
    _page_faults_of_a_released_block()  # the first use of 64 MB (above glibc's 32 MB mmap ceiling) faults it in
    assert _page_faults_of_a_released_block() < 100  # glibc's default maps and faults all 16384 pages again


def test_channels_last_hook_changes_the_layout_not_the_model():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3, padding=1), torch.nn.BatchNorm2d(8), torch.nn.ReLU(),
                                torch.nn.Conv2d(8, 2, 1))
    inputs = torch.randn(2, 3, 12, 10)
    reference = model(inputs)
    reference.square().sum().backward()
    reference_grads = [p.grad.clone() for p in model.parameters()]
    model.zero_grad()
    weights = list(model.parameters())
    ChannelsLastHook().before_run(SimpleNamespace(model=model))
    assert [id(p) for p in model.parameters()] == [id(p) for p in weights]  # an optimiser's references still hold
    assert all(p.is_contiguous(memory_format=torch.channels_last) for p in model.parameters() if p.dim() == 4)
    output = model(inputs)
    output.square().sum().backward()
    torch.testing.assert_close(output, reference, rtol=1e-5, atol=1e-5)
    for grad, reference_grad in zip((p.grad for p in model.parameters()), reference_grads):
        torch.testing.assert_close(grad, reference_grad, rtol=1e-4, atol=1e-4)
    model.load_state_dict({key: value.contiguous() for key, value in model.state_dict().items()})  # an NCHW checkpoint
    assert model[0].weight.is_contiguous(memory_format=torch.channels_last)
