"""BEVFusion camera+LiDAR trained on detection, BEV map segmentation and occupancy at once, world size.

One shared encoder-fuser-decoder; three heads on the decoder output; the task losses summed with static
weights (the naive multi-task baseline the other balancers are compared against, tools/benchmark_multitask.py).
The map and occupancy heads predict on their protocols' grids (BEVFusion's 100 m at 0.5 m; Occ3D's 80 m x 6.4 m
at 0.4 m), resampled from the detection BEV. The occupancy loss leaves the Lovasz term out: on 2 CPU cores its
per-class sort of every scored voxel would dominate an iteration (the nuScenes config uses it).
"""
_base_ = ['./bevfusion_transfusion_world.py']

tasks = ['det', 'map', 'occ']
bev_range = [_base_.point_cloud_range[axis] for axis in (0, 1, 3, 4)]  # extent of the shared BEV
occupancy_free_weight = 0.2  # 'free' fills most observed voxels: weight it down against the 17 object classes

model = dict(
    heads=dict(
        map=dict(type='BEVMapSegmentationHead', in_channels=_base_.decoded_bev_channels, bev_range=bev_range,
                 channels=32, loss=dict(type='mmdet.FocalLoss', use_sigmoid=True, gamma=2.0, alpha=0.25,
                                        reduction='mean', loss_weight=1.0)),
        occ=dict(type='OccupancyHead', in_channels=_base_.decoded_bev_channels, bev_range=bev_range, channels=32,
                 height_channels=8,
                 loss_ce=dict(type='mmdet.CrossEntropyLoss', use_sigmoid=False,
                              class_weight=[1.0] * 17 + [occupancy_free_weight]),
                 loss_affinity=dict(type='SceneAffinityLoss', free_index=17))),
    balancer=dict(type='StaticWeightBalancer', weights=dict(det=1.0, map=1.0, occ=1.0), tasks=tasks))

# the model base's camera+LiDAR pipelines with the map and occupancy targets loaded after the BEV augmentation
train_dataloader = dict(dataset=dict(pipeline=_base_.multitask_train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=_base_.multitask_test_pipeline))
test_dataloader = val_dataloader
