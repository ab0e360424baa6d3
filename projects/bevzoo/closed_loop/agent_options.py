"""The agent configuration file (the Leaderboard's ``--agent-config``), read with mmengine's ``Config``.

Example ``agent.py`` (``.json`` and ``.yaml`` work too)::

    config = 'configs/bevfusion/bevfusion_world.py'
    checkpoint = 'work_dirs/bevfusion_world/epoch_12.pth'
    device = 'cpu'
    cameras = None                # or a subset, e.g. ['CAM_FRONT', 'CAM_FRONT_LEFT', 'CAM_FRONT_RIGHT', 'CAM_BACK']
    leaderboard_version = '2.0'   # sensor limits to check: '1.0' allows 4 cameras, '2.0' 8
    perception_hz = 2.0           # model runs per simulated second (control stays at 20 Hz)
    score_threshold = 0.3         # detections below are ignored by the planner
    image_width, image_height = 400, 225   # camera resolution requested from the simulator
"""
import os.path as osp
from dataclasses import dataclass, fields
from typing import Optional, Sequence

from mmengine.config import Config


class AgentConfigError(ValueError):
    """The agent configuration file is missing or wrong."""


@dataclass(frozen=True)
class AgentOptions:
    config: str
    checkpoint: Optional[str]
    device: str = 'cpu'
    cameras: Optional[Sequence[str]] = None
    leaderboard_version: str = '2.0'
    perception_hz: float = 2.0
    score_threshold: float = 0.3
    image_width: int = 400
    image_height: int = 225
    lidar_intensity_scale: float = 255.0  # CARLA's [0, 1] intensity to the world's / nuScenes' 0..255

    @classmethod
    def from_file(cls, path: str) -> 'AgentOptions':
        if not path or not osp.isfile(path):
            raise AgentConfigError(f'agent config {path!r} does not exist; it names the zoo config and checkpoint '
                                   '(see bevzoo/closed_loop/agent_options.py)')
        values = {key: value for key, value in Config.fromfile(path).to_dict().items() if not key.startswith('_')}
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise AgentConfigError(f'agent config {path}: unknown keys {unknown}; known: {sorted(known)}')
        if 'config' not in values or 'checkpoint' not in values:
            raise AgentConfigError(f'agent config {path} must set `config` and `checkpoint`')
        return cls(**values)

    def __post_init__(self) -> None:
        if self.perception_hz <= 0 or self.perception_hz > 20:
            raise AgentConfigError(f'perception_hz must be in (0, 20], got {self.perception_hz}')
        if self.leaderboard_version not in ('1.0', '2.0'):
            raise AgentConfigError(f"leaderboard_version must be '1.0' or '2.0', got {self.leaderboard_version!r}")
