"""BEVFusion camera+LiDAR (DepthLSS + pillars, ConvFuser) with mmdet3d's CenterHead, world size.

Measured by tools/benchmark_models.py on the 2-core CPU machine, shared (load average 7-10): a training
iteration of batch 2 takes 15.9 s wall (6.3 s of process CPU time), inference of one sample 1.6 s (0.8 s CPU).
"""
_base_ = ['./bevfusion_transfusion_world.py']
model = dict(heads=dict(det=dict(_delete_=True, **_base_.center_head)))
