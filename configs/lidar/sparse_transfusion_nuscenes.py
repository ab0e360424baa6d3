"""LiDAR-only BEVFusion/TransFusion-L: sparse 3D encoder on 0.075 m voxels (GPU only), TransFusion-style head,
nuScenes size, 20-epoch schedule."""
_base_ = ['../_base_/models/bevfusion_nuscenes.py', '../_base_/schedules/adamw_cosine_20e.py',
          '../_base_/default_runtime.py']
model = dict(camera_encoder=None, fuser=None, decoder=dict(backbone=dict(in_channels=_base_.lidar_bev_channels)))
train_dataloader = dict(dataset=dict(pipeline=_base_.lidar_train_pipeline, modality=dict(use_camera=False)))
val_dataloader = dict(dataset=dict(pipeline=_base_.lidar_test_pipeline, modality=dict(use_camera=False)))
test_dataloader = val_dataloader
