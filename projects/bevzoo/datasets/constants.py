"""Names and orders fixed by nuScenes, mmdet3d and the benchmark protocols (see docs/datasets.md)."""

# mmdet3d's v2 info files list the cameras in this order; every per-camera array follows it.
CAMERA_NAMES = ('CAM_FRONT', 'CAM_FRONT_RIGHT', 'CAM_FRONT_LEFT', 'CAM_BACK', 'CAM_BACK_LEFT',
                'CAM_BACK_RIGHT')
LIDAR_NAME = 'LIDAR_TOP'

# Class index order of mmdet3d's NuScenesDataset (label = position in this tuple).
DETECTION_CLASSES = ('car', 'truck', 'trailer', 'bus', 'construction_vehicle', 'bicycle', 'motorcycle',
                     'pedestrian', 'traffic_cone', 'barrier')

# BEV map segmentation classes (BEVFusion protocol) and the NuScenesMap layers that make each one.
MAP_CLASS_LAYERS = {
    'drivable_area': ('drivable_area', ),
    'ped_crossing': ('ped_crossing', ),
    'walkway': ('walkway', ),
    'stop_line': ('stop_line', ),
    'carpark_area': ('carpark_area', ),
    'divider': ('road_divider', 'lane_divider'),
}

# Devkit split names written for each table version, and the info-file suffix each one gets.
SPLITS_BY_VERSION = {
    'v1.0-trainval': {'train': 'train', 'val': 'val'},
    'v1.0-mini': {'mini_train': 'train', 'mini_val': 'val'},
    'v1.0-test': {'test': 'test'},
}

INFO_FILE_TEMPLATE = 'bevzoo_infos_{split}.pkl'
# mmdet3d's own info files carry info_version '1.1'; ours add bevzoo keys on top.
INFO_VERSION = '1.1'
BEVZOO_INFO_KEYS = ('scene_name', 'map_location', 'occ_path')
