"""LiDAR-only pillars with mmdet3d's CenterHead (CenterPoint-Pillars style), world size."""
_base_ = ['./pillars_transfusion_world.py']
model = dict(heads=dict(det=dict(_delete_=True, **_base_.center_head)))
