"""tools/robustness.py: which scenarios a model gets and the degradation table (the test loop itself is
tools/test.py's, tested with it)."""
import importlib
import os.path as osp

import pytest


@pytest.fixture(scope='module')
def robustness(repo_root):
    """The tool as a module (tools/ on the path, as when it runs as a script)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(osp.join(repo_root, 'tools'))
        yield importlib.import_module('robustness')


def test_scenarios_keep_at_least_one_sensor(robustness):
    fused = dict(camera_encoder=dict(), lidar_encoder=dict())
    names = [name for name, _ in robustness.scenarios(fused, [0, 3])]
    assert names == ['all sensors', 'no LiDAR', 'no cameras', 'cameras 0,3 missing']
    assert [name for name, _ in robustness.scenarios(dict(camera_encoder=None, lidar_encoder=dict()), [0])] == \
        ['all sensors']
    assert dict(robustness.scenarios(dict(camera_encoder=dict(), lidar_encoder=None), [1]))['cameras 1 missing'] == \
        dict(drop_cameras=[1])


def test_degradation_table_shows_each_metric_and_its_change(robustness):
    full = {'det/NDS': 0.5, 'map/mean/iou@max': 0.6, 'map/divider/iou@max': 0.4, 'map/divider/iou@0.35': 0.3,
            'occ/mIoU': 0.3}
    table = robustness.degradation_table({'all sensors': full, 'no LiDAR': dict(full, **{'det/NDS': 0.2})})
    assert '0.2000 (-0.3000)' in table and '0.6000 (+0.0000)' in table
    assert 'map/divider/iou@max' in table and 'iou@0.35' not in table
    rows = [line.split('|')[1].strip() for line in table.splitlines() if line.startswith('| ')]
    assert rows[1:4] == ['det/NDS', 'map/mean/iou@max', 'occ/mIoU']  # headline metrics first


def test_missing_checkpoint_is_a_clear_error(robustness, repo_root, capsys):
    config = osp.join(repo_root, 'configs', 'm3net', 'm3net_det-map-occ_world.py')
    with pytest.raises(SystemExit, match="checkpoint 'missing.pth' does not exist"):
        robustness.main([config, 'missing.pth'])
