# nuScenes-format multi-task data (detection, BEV map segmentation, Occ3D occupancy) with cameras and LiDAR.
# Info files: `python tools/create_data.py <data_root>`. Conventions and transforms: docs/datasets.md.
#
# Model configs override the variables below and compose their own pipelines from the segments, e.g. a
# LiDAR-only detector:
#   train_pipeline = _base_.lidar_loading + _base_.annotation_loading + _base_.train_bev_aug + ...
#   train_dataloader = dict(dataset=dict(pipeline=train_pipeline, modality=dict(use_lidar=True, use_camera=False)))
# (mmengine substitutes a variable where this file uses it, so a child that changes e.g. point_cloud_range
# must also restate the segments and pipelines that use it).
dataset_type = 'NuScenesMultiTaskDataset'
data_root = 'data/nuscenes/'
class_names = ['car', 'truck', 'trailer', 'bus', 'construction_vehicle', 'bicycle', 'motorcycle', 'pedestrian',
               'traffic_cone', 'barrier']
camera_names = ['CAM_FRONT', 'CAM_FRONT_RIGHT', 'CAM_FRONT_LEFT', 'CAM_BACK', 'CAM_BACK_LEFT', 'CAM_BACK_RIGHT']
input_modality = dict(use_lidar=True, use_camera=True)

# Geometry (metres, LiDAR frame: x right, y forward, z up for nuScenes' LIDAR_TOP).
point_cloud_range = [-54.0, -54.0, -5.0, 54.0, 54.0, 3.0]
sweeps_num = 9  # previous sweeps merged into each keyframe (10 clouds, column 4 = time lag)
image_size = (256, 704)  # (H, W) fed to the camera backbone
# resize ratio relative to fitting image_size's width (nuScenes 1600 -> 704: BEVFusion's 0.38..0.55)
image_resize_range = (0.86, 1.25)
image_rotate_range = (-5.4, 5.4)  # degrees
bev_aug = dict(rotation_range=(-0.785, 0.785), scale_range=(0.9, 1.1), translation_std=(0.5, 0.5, 0.5),
               flip_x_prob=0.5, flip_y_prob=0.5)
map_grid = dict(x_range=(-50.0, 50.0), y_range=(-50.0, 50.0), resolution=0.5)  # BEVFusion's protocol

data_prefix = dict(pts='samples/LIDAR_TOP', sweeps='sweeps/LIDAR_TOP', occ='',
                   **{camera: f'samples/{camera}' for camera in camera_names})

# ---- pipeline segments
lidar_loading = [
    dict(type='LoadLidarPoints', coord_type='LIDAR', load_dim=5, use_dim=5),
    dict(type='LoadLidarSweeps', sweeps_num=sweeps_num, load_dim=5, use_dim=5, remove_close=True),
]
lidar_loading_test = [
    dict(type='LoadLidarPoints', coord_type='LIDAR', load_dim=5, use_dim=5),
    dict(type='LoadLidarSweeps', sweeps_num=sweeps_num, load_dim=5, use_dim=5, remove_close=True, test_mode=True),
]
camera_loading = [dict(type='LoadMultiViewCameras', camera_names=camera_names)]
annotation_loading = [dict(type='LoadAnnotations3D', with_bbox_3d=True, with_label_3d=True)]
train_image_aug = [dict(type='MultiViewImageAug', final_size=image_size, resize_range=image_resize_range,
                        rotate_range=image_rotate_range, flip=True, random=True)]
test_image_aug = [dict(type='MultiViewImageAug', final_size=image_size, resize_range=image_resize_range,
                       random=False)]
train_bev_aug = [dict(type='GlobalBEVAug', **bev_aug)]
dense_targets = [dict(type='LoadBEVMapMask', grid=map_grid), dict(type='LoadOccupancy')]
points_filter = [dict(type='PointsRangeFilter', point_cloud_range=point_cloud_range)]
box_filters = [dict(type='ObjectRangeFilter', point_cloud_range=point_cloud_range),
               dict(type='ObjectNameFilter', classes=class_names)]
dense_keys = ['gt_map_bev', 'gt_occupancy', 'gt_occupancy_mask']

train_pipeline = (lidar_loading + camera_loading + annotation_loading + train_image_aug + train_bev_aug +
                  dense_targets + points_filter + box_filters +
                  [dict(type='PackMultiTaskInputs',
                        keys=['points', 'img', 'gt_bboxes_3d', 'gt_labels_3d'] + dense_keys)])
test_pipeline = (lidar_loading_test + camera_loading + test_image_aug + dense_targets + points_filter +
                 [dict(type='PackMultiTaskInputs', keys=['points', 'img'] + dense_keys)])

train_dataloader = dict(
    batch_size=4,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type=dataset_type, data_root=data_root, ann_file='bevzoo_infos_train.pkl', pipeline=train_pipeline,
                 metainfo=dict(classes=class_names), modality=input_modality, data_prefix=data_prefix,
                 test_mode=False, box_type_3d='LiDAR'))
val_dataloader = dict(
    batch_size=1,
    num_workers=4,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type=dataset_type, data_root=data_root, ann_file='bevzoo_infos_val.pkl', pipeline=test_pipeline,
                 metainfo=dict(classes=class_names), modality=input_modality, data_prefix=data_prefix,
                 test_mode=True, box_type_3d='LiDAR'))
test_dataloader = val_dataloader

val_evaluator = dict(type='BEVZooMetric', data_root=data_root)
test_evaluator = val_evaluator
