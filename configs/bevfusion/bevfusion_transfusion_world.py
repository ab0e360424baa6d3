"""BEVFusion camera+LiDAR (DepthLSS + pillars, ConvFuser) with the TransFusion-style head, world size.

Measured by tools/benchmark_models.py on the 2-core CPU machine while shared with other jobs (load
average 4-6): a training iteration of batch 2 takes 7.8 s wall (6.2 s of process CPU time), inference of
one sample 0.68 s (0.44 s CPU); see docs/models.md.
"""
_base_ = ['../_base_/models/bevfusion_world.py', '../_base_/schedules/world_adamw_cosine_12e.py',
          '../_base_/default_runtime.py']
