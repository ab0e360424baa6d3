"""M3Net-style balancing on the world det+map+occ model: the MAFI fuser (channel attention that each modality
predicts from its own BEV) and TCS (per-task sigmoid channel gates on the shared decoder output)."""
_base_ = ['../bevfusion/bevfusion_multitask_det-map-occ_world.py']

model = dict(fuser=dict(type='MAFIFuser', reduction=4),
             task_gates=dict(type='TaskChannelScaling', in_channels=_base_.decoded_bev_channels, tasks=_base_.tasks,
                             reduction=4))
