"""LiDAR-only pillars with mmdet3d's CenterHead (CenterPoint-Pillars style), world size.

Measured by tools/benchmark_models.py on the 2-core CPU machine while shared with other jobs (load
average 4-6): a training iteration of batch 2 takes 0.61 s wall (1.2 s of process CPU time), inference of
one sample 0.13 s (0.22 s CPU); see docs/models.md.
"""
_base_ = ['./pillars_transfusion_world.py']
model = dict(heads=dict(det=dict(_delete_=True, **_base_.center_head)))
