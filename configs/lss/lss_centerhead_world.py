"""Camera-only LSS (depth from images alone) with mmdet3d's CenterHead, world size."""
_base_ = ['../_base_/models/bevfusion_world.py', '../_base_/schedules/world_adamw_cosine_12e.py',
          '../_base_/default_runtime.py']
model = dict(
    data_preprocessor=dict(voxelization=None),
    camera_encoder=dict(view_transform=dict(type='LSSTransform')),
    lidar_encoder=None, fuser=None,
    decoder=dict(backbone=dict(in_channels=_base_.camera_bev_channels)),
    heads=dict(det=dict(_delete_=True, **_base_.center_head)))
