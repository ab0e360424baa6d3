"""BEVFusion camera+LiDAR (DepthLSS + pillars, ConvFuser) with the TransFusion-style head, world size.

Measured by tools/benchmark_models.py on the 2-core CPU machine, shared (load average 7-10), in two runs: a
training iteration of batch 2 takes 12.8-13.1 s wall (6.2-6.6 s of process CPU time), inference of one sample
3.3-6.7 s (1.3-3.3 s CPU).
"""
_base_ = ['../_base_/models/bevfusion_world.py', '../_base_/schedules/world_adamw_cosine_12e.py',
          '../_base_/default_runtime.py']
