"""BEVFusion camera+LiDAR trained on detection, BEV map segmentation and Occ3D occupancy at once, nuScenes size.

The shared model is BEVFusion's published detection configuration (Swin-T + DepthLSS, sparse LiDAR encoder,
ConvFuser, SECOND + SECONDFPN -> 512 channels on 180 x 180); the map head is BEVFusion's (resample to 200 x 200
at 0.5 m, 2 x conv-BN-ReLU, per-class sigmoid focal loss); the occupancy head lifts the BEV to Occ3D's
200 x 200 x 16 grid and trains on camera-visible voxels with class-weighted cross-entropy, Lovasz-softmax and
the scene-class affinity loss (M3Net's occupancy losses). Static task weights.
"""
_base_ = ['./bevfusion_transfusion_nuscenes.py']

tasks = ['det', 'map', 'occ']
bev_range = [_base_.point_cloud_range[axis] for axis in (0, 1, 3, 4)]  # extent of the shared BEV
occupancy_free_weight = 0.2  # 'free' fills most observed voxels: weight it down against the 17 object classes

model = dict(
    heads=dict(
        map=dict(type='BEVMapSegmentationHead', in_channels=_base_.decoded_bev_channels, bev_range=bev_range,
                 channels=256, loss=dict(type='mmdet.FocalLoss', use_sigmoid=True, gamma=2.0, alpha=0.25,
                                         reduction='mean', loss_weight=1.0)),
        occ=dict(type='OccupancyHead', in_channels=_base_.decoded_bev_channels, bev_range=bev_range, channels=256,
                 height_channels=32,
                 loss_ce=dict(type='mmdet.CrossEntropyLoss', use_sigmoid=False,
                              class_weight=[1.0] * 17 + [occupancy_free_weight]),
                 loss_lovasz=dict(type='LovaszLoss', loss_type='multi_class', classes='present', per_sample=False,
                                  reduction='none'),
                 loss_affinity=dict(type='SceneAffinityLoss', free_index=17))),
    balancer=dict(type='StaticWeightBalancer', weights=dict(det=1.0, map=1.0, occ=1.0), tasks=tasks))

# the model base's camera+LiDAR pipelines with the map and occupancy targets loaded after the BEV augmentation
train_dataloader = dict(dataset=dict(pipeline=_base_.multitask_train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=_base_.multitask_test_pipeline))
test_dataloader = val_dataloader
