"""LiDAR-only pillars on nuScenes with mmdet3d's CenterHead (CenterPoint-Pillars style), 20-epoch schedule."""
_base_ = ['./pillars_transfusion_nuscenes.py']
model = dict(heads=dict(det=dict(_delete_=True, **_base_.center_head)))
