"""Camera-only LSS (Swin-T) with mmdet3d's CenterHead, nuScenes size (BEVFusion's camera-only geometry)."""
_base_ = ['../_base_/models/bevfusion_nuscenes.py', '../_base_/schedules/adamw_cosine_6e.py',
          '../_base_/default_runtime.py']
model = dict(
    data_preprocessor=dict(voxelization=None),
    camera_encoder=dict(view_transform=dict(type='LSSTransform')),
    lidar_encoder=None, fuser=None,
    decoder=dict(backbone=dict(in_channels=_base_.camera_bev_channels)),
    heads=dict(det=dict(_delete_=True, **_base_.center_head)))
