"""The demo's fused multi-task config on the tiny built-in world through the CLI: create_data -> train ->
test with pictures, all three tasks scored."""
import json
import os.path as osp

import pytest

from .toy_setup import REPO, run_tool, tool

CONFIG = osp.join(REPO, 'configs', 'm3net', 'm3net_det-map-occ_world.py')  # the demo's model


def tiny_world_options(root: str, infos: str) -> list:
    """--cfg-options pointing the config at the tiny world, one small epoch, no worker processes."""
    options = ['train_cfg.max_epochs=1', 'train_cfg.val_interval=2', 'train_dataloader.batch_size=2',
               f'val_evaluator.data_root={root}/', f'test_evaluator.data_root={root}/']
    for loader, split in (('train', 'train'), ('val', 'val'), ('test', 'val')):
        options += [f'{loader}_dataloader.dataset.data_root={root}/',
                    f'{loader}_dataloader.dataset.ann_file={infos}/bevzoo_infos_{split}.pkl',
                    f'{loader}_dataloader.num_workers=0', f'{loader}_dataloader.persistent_workers=False']
    return ['--cfg-options', *options]


@pytest.mark.slow
def test_world_config_trains_and_tests(tiny_world, tmp_path):
    root, version = tiny_world
    infos, work_dir = str(tmp_path / 'infos'), str(tmp_path / 'work')
    result = run_tool(tool('create_data.py', root, '--version', version, '--out', infos))
    assert result.returncode == 0, result.stderr[-3000:]
    options = tiny_world_options(root, infos)

    result = run_tool(tool('train.py', CONFIG, '--work-dir', work_dir, *options), timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    result = run_tool(tool('test.py', CONFIG, osp.join(work_dir, 'epoch_1.pth'), '--work-dir', work_dir,
                           '--show-dir', str(tmp_path / 'show'), '--show-max', '1', *options), timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    metrics = json.load(open(osp.join(work_dir, 'metrics.json')))
    assert 0.0 <= metrics['det/NDS'] <= 1.0  # scored by the devkit on the whole val split
    assert 0.0 <= metrics['map/mean/iou@max'] <= 1.0 and 0.0 <= metrics['occ/mIoU'] <= 1.0
    submission = json.load(open(osp.join(work_dir, 'results_nusc.json')))
    assert len(submission['results']) == 4  # every val keyframe of the tiny world
    assert len(list((tmp_path / 'show').glob('*.png'))) == 1
