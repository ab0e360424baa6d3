"""BEVFusion camera+LiDAR (DepthLSS + pillars, ConvFuser) with mmdet3d's CenterHead, world size."""
_base_ = ['./bevfusion_transfusion_world.py']
model = dict(heads=dict(det=dict(_delete_=True, **_base_.center_head)))
