"""Registered model stages: one folder per stage of the BEV fusion pipeline."""
from . import (balancers, camera, data_preprocessors, decoders, detectors, fusers, heads, lidar, losses,  # noqa: F401
               view_transforms)
