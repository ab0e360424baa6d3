"""LiDAR-only pillars on nuScenes (runs without sparse convolution): 0.3 m pillars (360 x 360), a stride-2
decoder to the same 180 x 180 BEV as the sparse model, TransFusion-style head, 20-epoch schedule."""
_base_ = ['./sparse_transfusion_nuscenes.py']  # LiDAR-only; the pillar encoder replaces the sparse one
pillar_size = [0.3, 0.3, _base_.point_cloud_range[5] - _base_.point_cloud_range[2]]
pillar_bev_channels = 64
__pcr = _base_.point_cloud_range
__cells = round((__pcr[3] - __pcr[0]) / pillar_size[0])
__decoder_stride = 2
model = dict(
    data_preprocessor=dict(voxelization=dict(voxel_size=pillar_size, max_num_points=20, max_voxels=(30000, 40000))),
    lidar_encoder=dict(
        _delete_=True, type='LidarBEVEncoder',
        voxel_encoder=dict(type='PillarFeatureNet', in_channels=5, feat_channels=[pillar_bev_channels],
                           with_distance=False, voxel_size=pillar_size, point_cloud_range=__pcr,
                           norm_cfg=dict(type='BN1d', eps=1e-3, momentum=0.01)),
        middle_encoder=dict(type='PointPillarsScatter', in_channels=pillar_bev_channels,
                            output_shape=[__cells, __cells])),
    decoder=dict(backbone=dict(in_channels=pillar_bev_channels, layer_strides=[__decoder_stride, 2])),
    heads=dict(det=dict(voxel_size=pillar_size, out_size_factor=__decoder_stride)))
center_head = dict(
    bbox_coder=dict(out_size_factor=__decoder_stride, voxel_size=pillar_size[:2]),
    train_cfg=dict(grid_size=[__cells, __cells, 1], voxel_size=pillar_size, out_size_factor=__decoder_stride),
    test_cfg=dict(out_size_factor=__decoder_stride, voxel_size=pillar_size[:2]))
