"""BEVFusion camera+LiDAR with mmdet3d's CenterHead, nuScenes size (the sparse encoder needs a GPU)."""
_base_ = ['./bevfusion_transfusion_nuscenes.py']
model = dict(heads=dict(det=dict(_delete_=True, **_base_.center_head)))
