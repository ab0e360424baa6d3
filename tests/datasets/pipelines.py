"""Dataset and pipeline configs shared by the dataset tests (the same transforms as configs/_base_)."""
from bevzoo.datasets.constants import CAMERA_NAMES, DETECTION_CLASSES
from mmdet3d.registry import DATASETS
from mmengine.registry import init_default_scope

DATA_PREFIX = dict(pts='samples/LIDAR_TOP', sweeps='sweeps/LIDAR_TOP',
                   **{camera: f'samples/{camera}' for camera in CAMERA_NAMES})

SENSORS = [
    dict(type='LoadLidarPoints', coord_type='LIDAR', load_dim=5, use_dim=5),
    dict(type='LoadLidarSweeps', sweeps_num=9, load_dim=5, use_dim=5, test_mode=True),
    dict(type='LoadMultiViewCameras'),
]
ANNOTATIONS = dict(type='LoadAnnotations3D', with_bbox_3d=True, with_label_3d=True)

BEV_AUG = dict(type='GlobalBEVAug', rotation_range=(-0.8, 0.8), scale_range=(0.9, 1.1),
               translation_std=(0.5, 0.5, 0.2), flip_x_prob=0.5, flip_y_prob=0.5)
IMAGE_AUG = dict(type='MultiViewImageAug', final_size=(64, 128), resize_range=(1.0, 1.2),
                 bottom_crop_range=(0.0, 0.1), rotate_range=(-5.0, 5.0), flip=True)
DENSE_KEYS = ['gt_map_bev', 'gt_occupancy', 'gt_occupancy_mask']
PACK = dict(type='PackMultiTaskInputs', keys=['points', 'img', 'gt_bboxes_3d', 'gt_labels_3d'] + DENSE_KEYS)


DENSE_TARGETS = [dict(type='LoadBEVMapMask', cache_dir='map_cache'), dict(type='LoadOccupancy')]


def full_pipeline(augment: bool) -> list:
    """Loading, optional image + BEV augmentation, map and occupancy targets, class filter, packing."""
    augmentation = [IMAGE_AUG, BEV_AUG] if augment else []
    return SENSORS + [ANNOTATIONS] + augmentation + DENSE_TARGETS + [
        dict(type='ObjectNameFilter', classes=list(DETECTION_CLASSES)), PACK]


def evaluation_pipeline() -> list:
    """Evaluation: sensors and dense targets, no box loading (boxes come as eval_ann_info)."""
    return SENSORS + DENSE_TARGETS + [dict(type='PackMultiTaskInputs', keys=['points', 'img'] + DENSE_KEYS)]


def build_dataset(root: str, pipeline: list, split: str = 'train', **kwargs):
    """A ``NuScenesMultiTaskDataset`` over the fixture's info file of ``split``."""
    init_default_scope('mmdet3d')
    config = dict(type='NuScenesMultiTaskDataset', data_root=root, ann_file=f'bevzoo_infos_{split}.pkl',
                  data_prefix=DATA_PREFIX, pipeline=pipeline, modality=dict(use_lidar=True, use_camera=True))
    config.update(kwargs)
    return DATASETS.build(config)
