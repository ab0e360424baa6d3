"""LiDAR-only pillars (PointPillars encoder, runs on the CPU) with the TransFusion-style head, world size.

Measured by tools/benchmark_models.py on the 2-core CPU machine while shared with other jobs (load
average 4-6): a training iteration of batch 2 takes 0.60 s wall (1.2 s of process CPU time), inference of
one sample 0.06 s (0.12 s CPU); see docs/models.md.
"""
_base_ = ['../_base_/models/bevfusion_world.py', '../_base_/schedules/world_adamw_cosine_12e.py',
          '../_base_/default_runtime.py']
model = dict(camera_encoder=None, fuser=None, decoder=dict(backbone=dict(in_channels=_base_.lidar_bev_channels)))
train_dataloader = dict(dataset=dict(pipeline=_base_.lidar_train_pipeline, modality=dict(use_camera=False)))
val_dataloader = dict(dataset=dict(pipeline=_base_.lidar_test_pipeline, modality=dict(use_camera=False)))
test_dataloader = val_dataloader
