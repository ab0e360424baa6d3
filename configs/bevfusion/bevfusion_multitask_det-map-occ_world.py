"""BEVFusion camera+LiDAR trained on detection, BEV map segmentation and occupancy at once, world size.

One shared encoder-fuser-decoder; three heads on the decoder output; the task losses summed with static
weights (the naive multi-task baseline the other balancers are compared against, tools/benchmark_multitask.py).
The map and occupancy heads predict on their protocols' grids (BEVFusion's 100 m at 0.5 m; Occ3D's 80 m x 6.4 m
at 0.4 m), resampled from the detection BEV. The occupancy loss leaves the Lovasz term out: on 2 CPU cores its
per-class sort of every scored voxel would dominate an iteration (the nuScenes config uses it).
"""
_base_ = ['./bevfusion_transfusion_world.py', '../_base_/models/bevfusion_multitask.py']

bev_range = [_base_.point_cloud_range[axis] for axis in (0, 1, 3, 4)]  # extent of the shared BEV
model = dict(
    heads=dict(map=dict(**_base_.map_head, in_channels=_base_.decoded_bev_channels, bev_range=bev_range, channels=32),
               occ=dict(**_base_.occ_head, in_channels=_base_.decoded_bev_channels, bev_range=bev_range, channels=32,
                        height_channels=8)),
    balancer=_base_.static_balancer)

# the model base's camera+LiDAR pipelines with the map and occupancy targets loaded after the BEV augmentation
train_dataloader = dict(dataset=dict(pipeline=_base_.multitask_train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=_base_.multitask_test_pipeline))
test_dataloader = val_dataloader
