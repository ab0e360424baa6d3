"""The world det+map+occ model with one BEV decoder per task (the BEVFusion maintainers' advice for multi-task):
tasks share only the encoders and the fuser."""
_base_ = ['./bevfusion_multitask_det-map-occ_world.py']

model = dict(decoder=None, decoders={task: _base_.model.decoder for task in _base_.tasks})
