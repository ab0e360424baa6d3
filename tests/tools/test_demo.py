"""tools/demo.py's resume logic: it knows when training is finished for epoch- and iteration-based loops."""
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
