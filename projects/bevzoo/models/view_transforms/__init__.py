"""Camera-to-BEV view transforms (lift-splat with ``bevzoo.ops.bev_pool``)."""
from .base_view_transform import BaseViewTransform, ViewTransformOutput
from .bev_grid import BEVGrid
from .camera_geometry import CameraGeometry, MissingCameraMetaError
from .depth_lss import DepthLSSTransform
from .lss import LSSTransform

__all__ = ['BaseViewTransform', 'BEVGrid', 'CameraGeometry', 'DepthLSSTransform', 'LSSTransform',
           'MissingCameraMetaError', 'ViewTransformOutput']
