# BEVFusion's structure, independent of size: camera (backbone -> LSSFPN -> DepthLSS) and LiDAR (voxelize ->
# pillars) branches, ConvFuser, SECOND + SECONDFPN decoder, TransFusion-style detection head. The size files
# (bevfusion_world.py, bevfusion_nuscenes.py) fill in channels and grids derived from the dataset geometry.
model = dict(
    type='BEVFusionModel',
    data_preprocessor=dict(type='VoxelizingDataPreprocessor', mean=[123.675, 116.28, 103.53],
                           std=[58.395, 57.12, 57.375], bgr_to_rgb=False),
    camera_encoder=dict(
        type='CameraBEVEncoder',
        backbone=dict(type='mmdet.ResNet', depth=18, num_stages=4, out_indices=(1, 2, 3), norm_eval=False,
                      norm_cfg=dict(type='BN', requires_grad=True), style='pytorch'),
        neck=dict(type='LSSFPN', num_outs=1),
        view_transform=dict(type='DepthLSSTransform', zbound=[-10.0, 10.0, 20.0])),
    lidar_encoder=dict(
        type='LidarBEVEncoder',
        voxel_encoder=dict(type='PillarFeatureNet', in_channels=5, with_distance=False,
                           norm_cfg=dict(type='BN1d', eps=1e-3, momentum=0.01)),
        middle_encoder=dict(type='PointPillarsScatter')),
    fuser=dict(type='ConvFuser'),
    decoder=dict(
        type='BEVDecoder',
        backbone=dict(type='SECOND', layer_strides=[1, 2], norm_cfg=dict(type='BN', eps=1e-3, momentum=0.01),
                      conv_cfg=dict(type='Conv2d', bias=False)),
        neck=dict(type='SECONDFPN', upsample_strides=[1, 2], norm_cfg=dict(type='BN', eps=1e-3, momentum=0.01),
                  upsample_cfg=dict(type='deconv', bias=False), use_conv_for_no_stride=True)),
    heads=dict(det=dict(type='TransFusionHead')))

# The CenterHead alternative for `model.heads.det` (variants use it with `_delete_=True`).
center_head = dict(
    type='CenterTaskHead',
    tasks=[dict(num_class=1, class_names=['car']), dict(num_class=2, class_names=['truck', 'construction_vehicle']),
           dict(num_class=2, class_names=['bus', 'trailer']), dict(num_class=1, class_names=['barrier']),
           dict(num_class=2, class_names=['motorcycle', 'bicycle']),
           dict(num_class=2, class_names=['pedestrian', 'traffic_cone'])],
    common_heads=dict(reg=(2, 2), height=(1, 2), dim=(3, 2), rot=(2, 2), vel=(2, 2)),
    bbox_coder=dict(type='CenterPointBBoxCoder', code_size=9),
    separate_head=dict(type='SeparateHead', init_bias=-2.19, final_kernel=3),
    loss_cls=dict(type='mmdet.GaussianFocalLoss', reduction='mean'),
    loss_bbox=dict(type='mmdet.L1Loss', reduction='mean', loss_weight=0.25),
    norm_bbox=True,
    train_cfg=dict(dense_reg=1, gaussian_overlap=0.1, min_radius=2, code_weights=[1.0] * 8 + [0.2, 0.2]),
    test_cfg=dict(max_pool_nms=False, min_radius=[4, 12, 10, 1, 0.85, 0.175], score_threshold=0.1,
                  nms_type='rotate', pre_max_size=1000, post_max_size=83, nms_thr=0.2))
