# Runtime shared by every bevzoo config: logging (text + TensorBoard), atomic checkpoints, resumable state.
default_scope = 'mmdet3d'
custom_imports = dict(imports=['bevzoo'], allow_failed_imports=False)

default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=10),  # [i/N] with ETA for train, val and test
    param_scheduler=dict(type='ParamSchedulerHook'),
    # 'atomic_local' writes through a temporary file + os.replace: a killed run never leaves a truncated checkpoint
    checkpoint=dict(type='CheckpointHook', interval=1, max_keep_ckpts=3, backend_args=dict(backend='atomic_local')),
    sampler_seed=dict(type='DistSamplerSeedHook'))
custom_hooks = [
    dict(type='WeightsOnlyCheckpointHook'),  # checkpoints load with torch's safe (weights_only) unpickler
    dict(type='RandomStateHook'),  # --resume continues every rank's random generators
    dict(type='CheckpointCompatibilityHook'),  # a checkpoint of another model is refused, not half-loaded
]

env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'))  # GPUs; CPU runs use gloo (tools/train.py --launcher pytorch)

vis_backends = [dict(type='LocalVisBackend'), dict(type='TensorboardVisBackend')]
visualizer = dict(type='Visualizer', vis_backends=vis_backends, name='visualizer')
log_processor = dict(type='LogProcessor', window_size=10, by_epoch=True)
log_level = 'INFO'
load_from = None
resume = False
