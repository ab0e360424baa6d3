"""FULLER-style multi-level gradient calibration on the world det+map+occ model.

Task level: the task gradients at the shared decoder's output are projected against each other where they
conflict (PCGrad rule) and equalised in magnitude before being summed; modality level: the gradients into the
camera and LiDAR BEVs are equalised in magnitude. See docs/multitask.md for the rule and why.
"""
_base_ = ['../bevfusion/bevfusion_multitask_det-map-occ_world.py']

model = dict(gradient_calibration=dict(type='GradientCalibration', project_conflicts=True,
                                       equalize_task_magnitudes=True, balance_modalities=True))
