"""tools/demo.py: it knows when training is finished for epoch- and iteration-based loops, and picks the
training precision."""
import importlib
import os.path as osp

import pytest


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
