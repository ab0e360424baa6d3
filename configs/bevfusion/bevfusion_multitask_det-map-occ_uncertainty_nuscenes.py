"""The nuScenes det+map+occ model with uncertainty weighting (Kendall et al.): learned per-task log-variances."""
_base_ = ['./bevfusion_multitask_det-map-occ_nuscenes.py']

model = dict(balancer=dict(_delete_=True, type='UncertaintyWeightBalancer', tasks=_base_.tasks))
optim_wrapper = dict(paramwise_cfg=dict(custom_keys={'balancer': dict(decay_mult=0.0)}))  # no decay on s_t
