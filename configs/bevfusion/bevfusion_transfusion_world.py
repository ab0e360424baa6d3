"""BEVFusion camera+LiDAR (DepthLSS + pillars, ConvFuser) with the TransFusion-style head, world size.

Measured on this 2-core CPU machine (tools/benchmark_models.py, batch 2): see docs/models.md.
"""
_base_ = ['../_base_/models/bevfusion_world.py', '../_base_/schedules/world_adamw_cosine_12e.py',
          '../_base_/default_runtime.py']
