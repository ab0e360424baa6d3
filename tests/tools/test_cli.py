"""tools/train.py, tools/test.py and tools/dist_train.sh end to end on a toy model, through the CLI."""
import glob
import json
import os.path as osp
import socket

import pytest
import torch

from bevzoo.engine.safe_globals import allowed_checkpoint_globals

from .toy_setup import REPO, run_tool, tool, write_toy_config, write_toy_data

EPOCHS = 3  # 4 iterations per epoch (8 samples, batch 2)


def weights(checkpoint: str) -> dict:
    with torch.serialization.safe_globals(allowed_checkpoint_globals()):
        return torch.load(checkpoint, weights_only=True)['state_dict']


def assert_same_weights(first: dict, second: dict) -> None:
    assert first.keys() == second.keys()
    for key in first:
        torch.testing.assert_close(first[key], second[key], rtol=0, atol=1e-6, msg=key)


@pytest.fixture(scope='module')
def toy_root(tmp_path_factory) -> str:
    root = str(tmp_path_factory.mktemp('toy_data'))
    write_toy_data(root)
    return root


@pytest.fixture(scope='module')
def trained(toy_root, tmp_path_factory) -> dict:
    """One uninterrupted training run through the CLI, shared by the tests below."""
    folder = tmp_path_factory.mktemp('trained')
    config = write_toy_config(str(folder / 'toy.py'), toy_root, epochs=EPOCHS)
    work_dir = str(folder / 'work')
    result = run_tool(tool('train.py', config, '--work-dir', work_dir))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return dict(config=config, work_dir=work_dir, checkpoint=osp.join(work_dir, f'epoch_{EPOCHS}.pth'))


@pytest.mark.slow
def test_train_then_test(trained, tmp_path):
    assert glob.glob(osp.join(trained['work_dir'], '*', 'vis_data', 'events.out.tfevents.*'))  # TensorBoard
    assert glob.glob(osp.join(trained['work_dir'], '*', '*.log'))
    val_metrics = json.load(open(osp.join(trained['work_dir'], 'val', 'metrics.json')))

    work_dir, show_dir, out = tmp_path / 'test', tmp_path / 'show', tmp_path / 'predictions.pkl'
    result = run_tool(tool('test.py', trained['config'], trained['checkpoint'], '--work-dir', str(work_dir),
                           '--show-dir', str(show_dir), '--show-max', '2', '--out', str(out)))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    test_metrics = json.load(open(work_dir / 'metrics.json'))
    assert test_metrics['map/mean/iou@max'] == pytest.approx(val_metrics['map/mean/iou@max'])
    assert test_metrics['map/mean/iou@max'] > 0.5  # the toy model learned its maps
    assert 'occ/mIoU' in test_metrics
    assert 'map segmentation  mIoU' in result.stdout + result.stderr  # per-class table printed
    assert out.is_file()
    assert len(list(show_dir.glob('*.png'))) == 2


@pytest.mark.slow
def test_resume_after_kill_matches_uninterrupted_run(trained, toy_root, tmp_path):
    work_dir = str(tmp_path / 'work')
    killed = write_toy_config(str(tmp_path / 'killed.py'), toy_root, epochs=EPOCHS,
                              extra='custom_hooks = [dict(type="KillAtIterHook", at_iter=10)]\n')
    result = run_tool(tool('train.py', killed, '--work-dir', work_dir))
    assert result.returncode == -9  # SIGKILL in epoch 3, after epoch 2's checkpoint
    assert sorted(osp.basename(p) for p in glob.glob(osp.join(work_dir, '*.pth'))) == ['epoch_1.pth', 'epoch_2.pth']
    assert not glob.glob(osp.join(work_dir, '.*.tmp'))

    resumed = write_toy_config(str(tmp_path / 'resumed.py'), toy_root, epochs=EPOCHS)
    result = run_tool(tool('train.py', resumed, '--work-dir', work_dir, '--resume'))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert 'random generators restored' in result.stdout + result.stderr
    # schedule, optimiser state and random state all continued: identical to the uninterrupted run
    assert_same_weights(weights(osp.join(work_dir, f'epoch_{EPOCHS}.pth')), weights(trained['checkpoint']))


@pytest.mark.slow
def test_checkpoint_of_another_model_is_refused(trained, toy_root, tmp_path):
    other = write_toy_config(str(tmp_path / 'wider.py'), toy_root, hidden=32)
    result = run_tool(tool('test.py', other, trained['checkpoint'], '--work-dir', str(tmp_path)))
    assert result.returncode != 0
    assert 'does not fit ToyBEVModel' in result.stderr
    assert 'with other shapes: map_head.weight: checkpoint (384, 16) vs model (384, 32)' in result.stderr


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


@pytest.mark.slow
def test_two_process_gloo_training_and_evaluation(toy_root, tmp_path):
    config = write_toy_config(str(tmp_path / 'dist.py'), toy_root, epochs=1,
                              extra='custom_hooks = [dict(type="SaveRankWeightsHook")]\n')
    work_dir = tmp_path / 'work'
    result = run_tool(['bash', osp.join(REPO, 'tools', 'dist_train.sh'), config, '2', '--work-dir', str(work_dir)],
                      env_extra=dict(PORT=str(_free_port())))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    rank0, rank1 = (torch.load(work_dir / f'weights_rank{r}.pt', weights_only=True) for r in (0, 1))
    assert_same_weights(rank0, rank1)
    assert_same_weights(rank0, weights(str(work_dir / 'epoch_1.pth')))  # the checkpoint rank 0 wrote
    # validation ran on both ranks, gathered once and evaluated on rank 0: same numbers as one process
    distributed = json.load(open(work_dir / 'val' / 'metrics.json'))
    result = run_tool(tool('test.py', config, str(work_dir / 'epoch_1.pth'), '--work-dir', str(tmp_path / 'single')))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    single = json.load(open(tmp_path / 'single' / 'metrics.json'))
    assert distributed['map/mean/iou@max'] == pytest.approx(single['map/mean/iou@max'], abs=1e-6)
    assert distributed['occ/mIoU'] == pytest.approx(single['occ/mIoU'], abs=1e-6)
