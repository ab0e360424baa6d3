"""Camera-only LSS (depth from images alone) with mmdet3d's CenterHead, world size.

Measured by tools/benchmark_models.py on the 2-core CPU machine while shared with other jobs (load
average 4-6): a training iteration of batch 2 takes 3.7 s wall (3.3 s of process CPU time), inference of
one sample 0.12 s (0.2 s CPU); see docs/models.md.
"""
_base_ = ['../_base_/models/bevfusion_world.py', '../_base_/schedules/world_adamw_cosine_12e.py',
          '../_base_/default_runtime.py']
from bevzoo.config_parts import lss_centerhead  # noqa: E402  (after `_base_`: a classic mmengine config)
model = lss_centerhead(_base_)
