"""measure_training_speed: a short real training run of a config, timed, that leaves the config and the
working directory as they were."""
import os

import pytest
from mmengine.config import Config

from bevzoo.engine.training_speed import measure_training_speed

from .toy_setup import TOY_DIR, write_toy_config, write_toy_data


def test_times_the_config_training_loop(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(TOY_DIR)
    monkeypatch.chdir(tmp_path)
    data = tmp_path / 'data'
    data.mkdir()
    write_toy_data(str(data))
    cfg = Config.fromfile(write_toy_config(str(tmp_path / 'toy.py'), str(data), epochs=3))
    before = cfg.to_dict()
    speed = measure_training_speed(cfg, iterations=6, warmup=2)
    assert speed.iterations_per_epoch == 4  # 8 samples at batch 2
    assert 0 < speed.seconds_per_iteration < 5
    assert cfg.to_dict() == before
    assert sorted(os.listdir(tmp_path)) == ['data', 'toy.py']  # no work_dirs, no checkpoints


def test_too_few_iterations_are_refused():
    with pytest.raises(ValueError, match='iterations >= warmup \\+ 2'):
        measure_training_speed(Config(), iterations=3, warmup=2)
