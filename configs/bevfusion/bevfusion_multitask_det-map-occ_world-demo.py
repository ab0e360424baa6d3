"""The demo's config: the fused camera+LiDAR det+map+occ world model on a schedule that fits `make demo`.

Against bevfusion_multitask_det-map-occ_world.py only the schedule changes: 4 epochs (640 iterations at batch 2
over the world's 320 training samples), AdamW at lr 2e-3 (twice the world schedule's), a 30-iteration linear
warm-up, cosine decay over the run; no validation during training (the demo tests at the end).

Measured with `python tools/demo.py` on the 2-core machine (2026-11-26, no other job running): 2.2 s per
training iteration, training + test 24.6 min after the world existed. World val split: see the README's demo
table (NDS 0.139, map mIoU 0.116, occupancy mIoU 0.090: below the demo's floors of 0.3 / 0.5 / 0.25).
"""
_base_ = ['./bevfusion_multitask_det-map-occ_world.py']

max_epochs = 4

val_dataloader = val_cfg = val_evaluator = None
optim_wrapper = dict(optimizer=dict(lr=2e-3))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0, end=30),
    dict(type='CosineAnnealingLR', T_max=max_epochs, eta_min_ratio=1e-2, by_epoch=True, convert_to_iter_based=True,
         begin=0, end=max_epochs),
]
train_cfg = dict(max_epochs=max_epochs)
