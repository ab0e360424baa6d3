"""BEVFusion camera+LiDAR (Swin-T + DepthLSS, sparse 3D LiDAR encoder, ConvFuser), TransFusion-style head,
nuScenes size (BEVFusion's published detection configuration; the sparse encoder needs a GPU)."""
_base_ = ['../_base_/models/bevfusion_nuscenes.py', '../_base_/schedules/adamw_cosine_6e.py',
          '../_base_/default_runtime.py']
