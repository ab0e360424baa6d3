"""BEVFusion camera+LiDAR trained on detection, BEV map segmentation and occupancy at once, world size.

One shared encoder-fuser-decoder; three heads on the decoder output; the task losses summed with static
weights (the naive multi-task baseline the other balancers are compared against, tools/benchmark_multitask.py;
the uncertainty, FULLER and M3Net world configs inherit everything else from this file).
The map and occupancy heads predict on their protocols' grids (BEVFusion's 100 m at 0.5 m; Occ3D's 80 m x 6.4 m
at 0.4 m), resampled from the decoder's BEV. The occupancy loss leaves the Lovasz term out: on 2 CPU cores its
per-class sort of every scored voxel would dominate an iteration (the nuScenes config uses it).

Changes against the single-task fused world configs, each to learn more per second of CPU (docs/multitask.md
has the runs behind them):
- CenterHead instead of the TransFusion head: dense heatmap targets give every BEV cell a gradient from the first
  iteration, where query matching needs many epochs to settle.
- 2 previous LiDAR sweeps instead of 9: loading and merging 10 clouds per sample competes with the model for the
  two cores; 3 clouds still give the pillars a dense scan.
- 17 depth bins of 3 m instead of 51 of 1 m: the camera view transform dominates the fused iteration.
- The decoder keeps the 0.75 m BEV cell (stride 1 instead of 2): the map's 0.5 m and the occupancy's 0.4 m cells
  (stop lines, dividers, building faces one voxel thick) cannot be placed from 1.5 m features.
- Decoder BN momentum 0.1 instead of 0.01: the running statistics must follow the features within a few hundred
  iterations.
- Occupancy 'free' weighted 0.05 (0.2 in the nuScenes config): free outnumbers every other class ~100x among the
  camera-visible voxels of the world.
"""
_base_ = ['./bevfusion_transfusion_world.py', '../_base_/models/bevfusion_multitask.py']

sweeps = 2
bev_range = [_base_.point_cloud_range[axis] for axis in (0, 1, 3, 4)]  # extent of the shared BEV
__bn = dict(type='BN', eps=1e-3, momentum=0.1)
model = dict(
    camera_encoder=dict(view_transform=dict(dbound=[1.0, 52.0, 3.0])),
    decoder=dict(backbone=dict(layer_strides=[1, 2], norm_cfg=__bn), neck=dict(norm_cfg=__bn)),
    heads=dict(det=dict(_base_.center_head, _delete_=True,
                        **{key: dict(_base_.center_head[key], out_size_factor=1)
                           for key in ('bbox_coder', 'train_cfg', 'test_cfg')}),
               map=dict(_base_.map_head, in_channels=_base_.decoded_bev_channels, bev_range=bev_range, channels=32),
               occ=dict(_base_.occ_head, in_channels=_base_.decoded_bev_channels, bev_range=bev_range, channels=32,
                        height_channels=8, loss_ce=dict(_base_.occ_head.loss_ce, class_weight=[1.0] * 17 + [0.05]))),
    balancer=_base_.static_balancer)


def __fewer_sweeps(pipeline: list) -> list:
    return [dict(step, sweeps_num=sweeps) if step['type'] == 'LoadLidarSweeps' else step for step in pipeline]


# the model base's camera+LiDAR pipelines with the map and occupancy targets loaded after the BEV augmentation
train_dataloader = dict(dataset=dict(pipeline=__fewer_sweeps(_base_.multitask_train_pipeline)))
val_dataloader = dict(dataset=dict(pipeline=__fewer_sweeps(_base_.multitask_test_pipeline)))
test_dataloader = val_dataloader
