"""BEVFusion camera+LiDAR trained on detection, BEV map segmentation and Occ3D occupancy at once, nuScenes size.

The shared model is BEVFusion's published detection configuration (Swin-T + DepthLSS, sparse LiDAR encoder,
ConvFuser, SECOND + SECONDFPN -> 512 channels on 180 x 180); the map head is BEVFusion's (resample to 200 x 200
at 0.5 m, 2 x conv-BN-ReLU, per-class sigmoid focal loss); the occupancy head lifts the BEV to Occ3D's
200 x 200 x 16 grid and trains on camera-visible voxels with class-weighted cross-entropy, Lovasz-softmax and
the scene-class affinity loss (M3Net's occupancy losses). Static task weights.
"""
_base_ = ['./bevfusion_transfusion_nuscenes.py', '../_base_/models/bevfusion_multitask.py']

bev_range = [_base_.point_cloud_range[axis] for axis in (0, 1, 3, 4)]  # extent of the shared BEV
model = dict(
    heads=dict(map=dict(**_base_.map_head, in_channels=_base_.decoded_bev_channels, bev_range=bev_range,
                        channels=256),
               occ=dict(**_base_.occ_head, in_channels=_base_.decoded_bev_channels, bev_range=bev_range,
                        channels=256, height_channels=32,
                        loss_lovasz=dict(type='LovaszLoss', loss_type='multi_class', classes='present',
                                         per_sample=False, reduction='none'))),
    balancer=_base_.static_balancer)

# the model base's camera+LiDAR pipelines with the map and occupancy targets loaded after the BEV augmentation
train_dataloader = dict(dataset=dict(pipeline=_base_.multitask_train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=_base_.multitask_test_pipeline))
test_dataloader = val_dataloader
