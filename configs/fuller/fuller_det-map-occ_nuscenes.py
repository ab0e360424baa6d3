"""FULLER-style multi-level gradient calibration on the nuScenes det+map+occ model (task level: PCGrad projection
and magnitude equalisation at the shared decoder's output; modality level: camera / LiDAR gradient magnitudes
equalised). See docs/multitask.md."""
_base_ = ['../bevfusion/bevfusion_multitask_det-map-occ_nuscenes.py']

model = dict(gradient_calibration=dict(type='GradientCalibration', project_conflicts=True,
                                       equalize_task_magnitudes=True, balance_modalities=True))
