"""FULLER's own setting (detection and map segmentation with multi-level gradient calibration), world size."""
_base_ = ['./fuller_det-map-occ_world.py']

tasks = ['det', 'map']
model = dict(heads=dict(_delete_=True, det=_base_.model.heads.det, map=_base_.model.heads.map),
             balancer=dict(weights=dict(_delete_=True, det=1.0, map=1.0), tasks=tasks))
