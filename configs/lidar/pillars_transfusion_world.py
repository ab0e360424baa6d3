"""LiDAR-only pillars (PointPillars encoder, runs on the CPU) with the TransFusion-style head, world size.

Measured by tools/benchmark_models.py on the 2-core CPU machine while shared with other jobs (load
average 4-6): a training iteration of batch 2 takes 0.60 s wall (1.2 s of process CPU time), inference of
one sample 0.06 s (0.12 s CPU); see docs/models.md.
"""
_base_ = ['../_base_/models/bevfusion_world.py', '../_base_/schedules/world_adamw_cosine_12e.py',
          '../_base_/default_runtime.py']
from bevzoo.config_parts import lidar_only  # noqa: E402  (after `_base_`: a classic mmengine config)
model, train_dataloader, val_dataloader = lidar_only(_base_)
test_dataloader = val_dataloader
