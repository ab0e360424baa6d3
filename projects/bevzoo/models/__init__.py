"""Registered model stages: one folder per stage of the BEV fusion pipeline."""
from . import balancers, camera, decoders, detectors, fusers, heads, lidar, losses, view_transforms  # noqa: F401
