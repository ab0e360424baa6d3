"""LiDAR-only BEVFusion/TransFusion-L: sparse 3D encoder on 0.075 m voxels (GPU only), TransFusion-style head,
nuScenes size, 20-epoch schedule."""
_base_ = ['../_base_/models/bevfusion_nuscenes.py', '../_base_/schedules/adamw_cosine_20e.py',
          '../_base_/default_runtime.py']
from bevzoo.config_parts import lidar_only  # noqa: E402  (after `_base_`: a classic mmengine config)
model, train_dataloader, val_dataloader = lidar_only(_base_)
test_dataloader = val_dataloader
