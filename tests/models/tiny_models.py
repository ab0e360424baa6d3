"""Tiny model configs (few channels, 64x64 BEV) built from the registered bevzoo modules, for fast tests."""
import copy
from typing import Optional

NUM_CLASSES = 3
IMAGE_SIZE = (48, 96)
POINT_CLOUD_RANGE = [-25.6, -25.6, -5.0, 25.6, 25.6, 3.0]
VOXEL_SIZE = [0.8, 0.8, 8.0]
BEV_SIZE = 64  # cells per side: 51.2 m / 0.8 m
CAMERA_CHANNELS, LIDAR_CHANNELS, FUSED_CHANNELS, DECODED_CHANNELS = 16, 32, 32, 64

CAMERA_ENCODER = dict(
    type='CameraBEVEncoder',
    backbone=dict(type='mmdet.ResNet', depth=18, base_channels=8, num_stages=4, out_indices=(1, 2, 3),
                  norm_cfg=dict(type='BN'), norm_eval=False, style='pytorch'),
    neck=dict(type='LSSFPN', in_channels=[16, 32, 64], out_channels=32),
    view_transform=dict(type='LSSTransform', in_channels=32, out_channels=CAMERA_CHANNELS, image_size=IMAGE_SIZE,
                        feature_size=(IMAGE_SIZE[0] // 8, IMAGE_SIZE[1] // 8),
                        xbound=[-25.6, 25.6, 0.8], ybound=[-25.6, 25.6, 0.8], zbound=[-10.0, 10.0, 20.0],
                        dbound=[1.0, 30.0, 1.0]))

LIDAR_ENCODER = dict(
    type='LidarBEVEncoder',
    voxel_encoder=dict(type='PillarFeatureNet', in_channels=5, feat_channels=[LIDAR_CHANNELS], with_distance=False,
                       voxel_size=VOXEL_SIZE, point_cloud_range=POINT_CLOUD_RANGE,
                       norm_cfg=dict(type='BN1d', eps=1e-3, momentum=0.01)),
    middle_encoder=dict(type='PointPillarsScatter', in_channels=LIDAR_CHANNELS, output_shape=[BEV_SIZE, BEV_SIZE]))

DECODER = dict(
    type='BEVDecoder',
    backbone=dict(type='SECOND', in_channels=FUSED_CHANNELS, out_channels=[32, 64], layer_nums=[1, 1],
                  layer_strides=[1, 2]),
    neck=dict(type='SECONDFPN', in_channels=[32, 64], out_channels=[32, 32], upsample_strides=[1, 2]))

TRANSFUSION_HEAD = dict(type='TransFusionHead', in_channels=DECODED_CHANNELS, num_classes=NUM_CLASSES,
                        point_cloud_range=POINT_CLOUD_RANGE, voxel_size=VOXEL_SIZE, out_size_factor=1,
                        num_queries=20, hidden_channels=32, num_heads=4, ffn_channels=64, head_conv=32)

CENTER_HEAD = dict(
    type='CenterTaskHead', in_channels=DECODED_CHANNELS, share_conv_channel=32,
    tasks=[dict(num_class=NUM_CLASSES, class_names=[f'class{i}' for i in range(NUM_CLASSES)])],
    common_heads=dict(reg=(2, 2), height=(1, 2), dim=(3, 2), rot=(2, 2), vel=(2, 2)),
    bbox_coder=dict(type='CenterPointBBoxCoder', pc_range=POINT_CLOUD_RANGE[:2],
                    post_center_range=[-30, -30, -10, 30, 30, 10], max_num=50, score_threshold=0.0,
                    out_size_factor=1, voxel_size=VOXEL_SIZE[:2], code_size=9),
    separate_head=dict(type='SeparateHead', init_bias=-2.19, final_kernel=3),
    loss_cls=dict(type='mmdet.GaussianFocalLoss', reduction='mean'),
    loss_bbox=dict(type='mmdet.L1Loss', reduction='mean', loss_weight=0.25), norm_bbox=True,
    train_cfg=dict(grid_size=[BEV_SIZE, BEV_SIZE, 1], voxel_size=VOXEL_SIZE, out_size_factor=1, dense_reg=1,
                   gaussian_overlap=0.1, max_objs=100, min_radius=2, code_weights=[1.0] * 8 + [0.2, 0.2],
                   point_cloud_range=POINT_CLOUD_RANGE),
    test_cfg=dict(post_center_limit_range=[-30, -30, -10, 30, 30, 10], max_per_img=50, max_pool_nms=False,
                  min_radius=[4], score_threshold=0.0, out_size_factor=1, voxel_size=VOXEL_SIZE[:2],
                  pc_range=POINT_CLOUD_RANGE[:2], nms_type='circle', pre_max_size=100, post_max_size=50, nms_thr=0.2))

PREPROCESSOR = dict(type='VoxelizingDataPreprocessor', mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375],
                    bgr_to_rgb=False,
                    voxelization=dict(voxel_size=VOXEL_SIZE, point_cloud_range=POINT_CLOUD_RANGE, max_num_points=20,
                                      max_voxels=(4000, 4000)))


def tiny_model_cfg(camera: bool = True, lidar: bool = True, head: str = 'transfusion', fuser: str = 'ConvFuser',
                   view_transform: Optional[str] = None) -> dict:
    """A ``BEVFusionModel`` config with the chosen modalities, head (``transfusion`` / ``center``) and fuser."""
    camera_encoder = copy.deepcopy(CAMERA_ENCODER) if camera else None
    if camera and view_transform is not None:
        camera_encoder['view_transform']['type'] = view_transform
    in_channels = [CAMERA_CHANNELS] * camera + [LIDAR_CHANNELS] * lidar
    decoder = copy.deepcopy(DECODER)
    decoder['backbone']['in_channels'] = FUSED_CHANNELS if camera and lidar else in_channels[0]
    return dict(
        type='BEVFusionModel', data_preprocessor=copy.deepcopy(PREPROCESSOR), camera_encoder=camera_encoder,
        lidar_encoder=copy.deepcopy(LIDAR_ENCODER) if lidar else None,
        fuser=dict(type=fuser, in_channels=[CAMERA_CHANNELS, LIDAR_CHANNELS], out_channels=FUSED_CHANNELS)
        if camera and lidar else None,
        decoder=decoder,
        heads=dict(det=copy.deepcopy(TRANSFUSION_HEAD if head == 'transfusion' else CENTER_HEAD)))
