# nuScenes size, the values of BEVFusion's detection configs (see docs/models.md): Swin-T camera backbone,
# LSSFPN 192/384/768 -> 256, DepthLSS with 0.3 m cells downsampled x2 to 180 x 180 and 118 depth bins (1-60 m),
# 80 camera BEV channels; sparse 3D LiDAR encoder on 0.075 m voxels (GPU only), 256 LiDAR BEV channels;
# ConvFuser -> 256; SECOND [128, 256] x (5, 5) + SECONDFPN -> 512; 200 queries.
_base_ = ['./bevfusion.py', '../datasets/nuscenes_multitask.py']
from bevzoo.config_parts import detection_pipelines  # noqa: E402  (after `_base_`: a classic mmengine config)

voxel_size = [0.075, 0.075, 0.2]
out_size_factor = 8  # LiDAR voxels per BEV cell
__pcr = _base_.point_cloud_range
__grid = [round((__pcr[axis + 3] - __pcr[axis]) / voxel_size[axis]) for axis in range(3)]  # x, y, z voxels
__camera_cell = voxel_size[0] * out_size_factor / 2  # camera BEV pooled at 2x resolution, then downsampled
camera_bev_channels, lidar_bev_channels, fused_bev_channels = 80, 256, 256
decoded_bev_channels = 512

model = dict(
    data_preprocessor=dict(voxelization=dict(voxel_size=voxel_size, point_cloud_range=__pcr, max_num_points=10,
                                             max_voxels=(120000, 160000))),
    camera_encoder=dict(
        backbone=dict(_delete_=True, type='mmdet.SwinTransformer', embed_dims=96, depths=[2, 2, 6, 2],
                      num_heads=[3, 6, 12, 24], window_size=7, mlp_ratio=4, qkv_bias=True, drop_rate=0.0,
                      attn_drop_rate=0.0, drop_path_rate=0.2, patch_norm=True, out_indices=[1, 2, 3],
                      with_cp=False, convert_weights=True,
                      init_cfg=dict(type='Pretrained', checkpoint='https://github.com/SwinTransformer/storage/'
                                    'releases/download/v1.0.0/swin_tiny_patch4_window7_224.pth')),
        neck=dict(in_channels=[192, 384, 768], out_channels=256),
        view_transform=dict(in_channels=256, out_channels=camera_bev_channels, image_size=_base_.image_size,
                            feature_size=[size // 8 for size in _base_.image_size],
                            xbound=[__pcr[0], __pcr[3], __camera_cell], ybound=[__pcr[1], __pcr[4], __camera_cell],
                            dbound=[1.0, 60.0, 0.5], downsample=2)),
    lidar_encoder=dict(
        _delete_=True, type='LidarBEVEncoder',
        voxel_encoder=dict(type='HardSimpleVFE', num_features=5),
        middle_encoder=dict(type='SparseBEVEncoder', in_channels=5, sparse_shape=[__grid[2] + 1, __grid[1], __grid[0]],
                            output_channels=128, order=('conv', 'norm', 'act'),
                            norm_cfg=dict(type='BN1d', eps=1e-3, momentum=0.01),
                            encoder_channels=((16, 16, 32), (32, 32, 64), (64, 64, 128), (128, 128)),
                            # (z, y, x) order, as sparse_shape and the coors: BEVFusion's (1, 1, 0) is in its
                            # (x, y, z) order; (1, 1, 0) here would give a 180 x 179 LiDAR BEV
                            encoder_paddings=((0, 0, 1), (0, 0, 1), (0, 0, (0, 1, 1)), (0, 0)),
                            block_type='basicblock')),
    fuser=dict(in_channels=[camera_bev_channels, lidar_bev_channels], out_channels=fused_bev_channels),
    decoder=dict(backbone=dict(in_channels=fused_bev_channels, out_channels=[128, 256], layer_nums=[5, 5]),
                 neck=dict(in_channels=[128, 256], out_channels=[256, 256])),
    heads=dict(det=dict(in_channels=decoded_bev_channels, num_classes=len(_base_.class_names), point_cloud_range=__pcr,
                        voxel_size=voxel_size, out_size_factor=out_size_factor, num_queries=200)))

__post_center_range = [-61.2, -61.2, -10.0, 61.2, 61.2, 10.0]
center_head = dict(
    in_channels=decoded_bev_channels, share_conv_channel=64,
    bbox_coder=dict(pc_range=__pcr[:2], post_center_range=__post_center_range, max_num=500, score_threshold=0.1,
                    out_size_factor=out_size_factor, voxel_size=voxel_size[:2]),
    train_cfg=dict(grid_size=__grid, voxel_size=voxel_size, out_size_factor=out_size_factor, max_objs=500,
                   point_cloud_range=__pcr),
    test_cfg=dict(post_center_limit_range=__post_center_range, max_per_img=500, out_size_factor=out_size_factor,
                  voxel_size=voxel_size[:2], pc_range=__pcr[:2]))

# ---- detection pipelines from the dataset's segments (no map / occupancy targets); LiDAR-only variants drop the
# cameras; multi-task configs select `multitask_*_pipeline`, which add the dense targets after the BEV augmentation.
(train_pipeline, test_pipeline, lidar_train_pipeline, lidar_test_pipeline, multitask_train_pipeline,
 multitask_test_pipeline) = detection_pipelines(_base_, _base_.train_image_aug, _base_.test_image_aug)
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
