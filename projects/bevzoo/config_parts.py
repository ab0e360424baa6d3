"""Pieces of the zoo configs that the world and the nuScenes sizes share, written once.

mmengine evaluates every ``_base_`` file on its own, before the file that inherits it, and two bases of one
config may not set the same variable. So a base cannot hold a delta that depends on the size (the channels,
the CenterHead of `bevfusion_world.py` or `bevfusion_nuscenes.py`), and a function defined in a config file
is dropped before a child sees it. The size-dependent deltas that would otherwise be written once per size
are therefore functions here, of the size base's variables (``_base_`` in the calling config)::

    _base_ = ['../_base_/models/bevfusion_world.py', ...]
    from bevzoo.config_parts import lss_centerhead  # noqa: E402  (after `_base_`: a classic mmengine config)

    model = lss_centerhead(_base_)

Import them after the ``_base_`` line: mmengine takes a config whose first statement imports a package for a
pure-Python ("lazy") config. Functions and modules are left out of the config's variables, so the built and
dumped configs hold only the values these functions return (importing it imports the bevzoo package, which a
config's ``custom_imports`` imports anyway).
"""
from typing import Mapping, NamedTuple

__all__ = ['DetectionPipelines', 'detection_pipelines', 'lidar_only', 'lss_centerhead']


class DetectionPipelines(NamedTuple):
    """The size bases' pipelines, in the order they unpack them."""
    train_pipeline: list
    test_pipeline: list
    lidar_train_pipeline: list
    lidar_test_pipeline: list
    multitask_train_pipeline: list
    multitask_test_pipeline: list


def detection_pipelines(data: Mapping, train_image_aug: list, test_image_aug: list) -> DetectionPipelines:
    """Detection pipelines from the dataset's segments (configs/_base_/datasets/nuscenes_multitask.py).

    ``train``/``test``: cameras and LiDAR, no map / occupancy targets; ``lidar_*``: the LiDAR-only variants,
    without the cameras; ``multitask_*``: the camera+LiDAR ones with the dense targets loaded after the BEV
    augmentation. ``data`` holds the segments (a size base's ``_base_``); the image augmentations are the size's.
    """
    filters = data['points_filter'] + data['box_filters']
    det_keys = ['gt_bboxes_3d', 'gt_labels_3d']
    camera_lidar_train = data['lidar_loading'] + data['camera_loading'] + data['annotation_loading'] + train_image_aug
    camera_lidar_test = data['lidar_loading_test'] + data['camera_loading'] + test_image_aug + data['points_filter']
    return DetectionPipelines(
        train_pipeline=(camera_lidar_train + data['train_bev_aug'] + filters +
                        [dict(type='PackMultiTaskInputs', keys=['points', 'img'] + det_keys)]),
        test_pipeline=camera_lidar_test + [dict(type='PackMultiTaskInputs', keys=['points', 'img'])],
        lidar_train_pipeline=(data['lidar_loading'] + data['annotation_loading'] + data['train_bev_aug'] + filters +
                              [dict(type='PackMultiTaskInputs', keys=['points'] + det_keys)]),
        lidar_test_pipeline=(data['lidar_loading_test'] + data['points_filter'] +
                             [dict(type='PackMultiTaskInputs', keys=['points'])]),
        multitask_train_pipeline=(camera_lidar_train + data['train_bev_aug'] + data['dense_targets'] + filters +
                                  [dict(type='PackMultiTaskInputs',
                                        keys=['points', 'img'] + det_keys + data['dense_keys'])]),
        multitask_test_pipeline=(camera_lidar_test + data['dense_targets'] +
                                 [dict(type='PackMultiTaskInputs', keys=['points', 'img'] + data['dense_keys'])]))


def lidar_only(size: Mapping) -> tuple:
    """``model, train_dataloader, val_dataloader``: the size base's model without the camera branch and the fuser
    (the decoder takes the LiDAR BEV), on the LiDAR-only pipelines."""
    model = dict(camera_encoder=None, fuser=None, decoder=dict(backbone=dict(in_channels=size['lidar_bev_channels'])))
    train_dataloader = dict(dataset=dict(pipeline=size['lidar_train_pipeline'], modality=dict(use_camera=False)))
    val_dataloader = dict(dataset=dict(pipeline=size['lidar_test_pipeline'], modality=dict(use_camera=False)))
    return model, train_dataloader, val_dataloader


def lss_centerhead(size: Mapping) -> dict:
    """The size base's model as camera-only LSS (depth from images alone: no voxelization, LiDAR encoder or
    fuser; the decoder takes the camera BEV) with the size's CenterHead."""
    return dict(
        data_preprocessor=dict(voxelization=None),
        camera_encoder=dict(view_transform=dict(type='LSSTransform')),
        lidar_encoder=None, fuser=None,
        decoder=dict(backbone=dict(in_channels=size['camera_bev_channels'])),
        heads=dict(det=dict(_delete_=True, **size['center_head'])))
