"""LiDAR-only pillars with mmdet3d's CenterHead (CenterPoint-Pillars style), world size.

Measured by tools/benchmark_models.py on the 2-core CPU machine, shared (load average 7-10): a training
iteration of batch 2 takes 3.6 s wall (2.3 s of process CPU time), inference of one sample 0.8 s (0.5 s CPU).
"""
_base_ = ['./pillars_transfusion_world.py']
model = dict(heads=dict(det=dict(_delete_=True, **_base_.center_head)))
