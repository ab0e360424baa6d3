"""BEVFusion camera+LiDAR trained on detection and BEV map segmentation at once (static weights), nuScenes size:
the det + seg model BEVFusion never released."""
_base_ = ['./bevfusion_multitask_det-map-occ_nuscenes.py']

tasks = ['det', 'map']
model = dict(heads=dict(_delete_=True, det=_base_.model.heads.det, map=_base_.model.heads.map),
             balancer=dict(weights=dict(_delete_=True, det=1.0, map=1.0), tasks=tasks))
