"""M3Net-style balancing on the nuScenes det+map+occ model: MAFI fuser and TCS task gates, trained in one stage
(M3Net trains in three: det -> det+seg -> det+seg+occ; here all tasks start together)."""
_base_ = ['../bevfusion/bevfusion_multitask_det-map-occ_nuscenes.py']

model = dict(fuser=dict(type='MAFIFuser', reduction=4),
             task_gates=dict(type='TaskChannelScaling', in_channels=_base_.decoded_bev_channels, tasks=_base_.tasks,
                             reduction=4))
