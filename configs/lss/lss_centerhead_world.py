"""Camera-only LSS (depth from images alone) with mmdet3d's CenterHead, world size.

Measured by tools/benchmark_models.py on the 2-core CPU machine, shared (load average 7-10): a training
iteration of batch 2 takes 3.9 s wall (1.9 s of process CPU time), inference of one sample 1.1 s (0.5 s CPU).
"""
_base_ = ['../_base_/models/bevfusion_world.py', '../_base_/schedules/world_adamw_cosine_12e.py',
          '../_base_/default_runtime.py']
model = dict(
    data_preprocessor=dict(voxelization=None),
    camera_encoder=dict(view_transform=dict(type='LSSTransform')),
    lidar_encoder=None, fuser=None,
    decoder=dict(backbone=dict(in_channels=_base_.camera_bev_channels)),
    heads=dict(det=dict(_delete_=True, **_base_.center_head)))
