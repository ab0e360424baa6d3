# The LiDAR-only schedule of BEVFusion: the 6-epoch fusion schedule stretched to 20 epochs.
_base_ = ['./adamw_cosine_6e.py']
max_epochs = 20
param_scheduler = [
    dict(type='LinearLR', start_factor=0.33333333, by_epoch=False, begin=0, end=500),
    dict(type='CosineAnnealingLR', T_max=max_epochs, eta_min_ratio=1e-3, by_epoch=True, convert_to_iter_based=True,
         begin=0, end=max_epochs),
]
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)
