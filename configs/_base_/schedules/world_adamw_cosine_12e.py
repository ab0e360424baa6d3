# World schedule (2 CPU cores, batch 2): the BEVFusion recipe (AdamW, cosine, clip 35) with a learning rate for
# a small batch trained from scratch, a short warm-up and 12 epochs over the built-in world.
_base_ = ['./adamw_cosine_6e.py']
max_epochs = 12
optim_wrapper = dict(optimizer=dict(lr=1e-3))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0, end=50),
    dict(type='CosineAnnealingLR', T_max=max_epochs, eta_min_ratio=1e-2, by_epoch=True, convert_to_iter_based=True,
         begin=0, end=max_epochs),
]
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)
auto_scale_lr = dict(base_batch_size=2)
