"""BEVFusion camera+LiDAR (DepthLSS + pillars, ConvFuser) with mmdet3d's CenterHead, world size.

Measured by tools/benchmark_models.py on the 2-core CPU machine while shared with other jobs (load
average 4-6): a training iteration of batch 2 takes 6.6 s wall (4.3 s of process CPU time), inference of
one sample 1.1 s (0.7 s CPU); see docs/models.md.
"""
_base_ = ['./bevfusion_transfusion_world.py']
model = dict(heads=dict(det=dict(_delete_=True, **_base_.center_head)))
