"""Camera-only LSS (Swin-T) with mmdet3d's CenterHead, nuScenes size (BEVFusion's camera-only geometry)."""
_base_ = ['../_base_/models/bevfusion_nuscenes.py', '../_base_/schedules/adamw_cosine_6e.py',
          '../_base_/default_runtime.py']
from bevzoo.config_parts import lss_centerhead  # noqa: E402  (after `_base_`: a classic mmengine config)
model = lss_centerhead(_base_)
