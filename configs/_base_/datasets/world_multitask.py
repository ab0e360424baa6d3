# The built-in world (`python tools/create_world.py --out data/world` then `python tools/create_data.py data/world`):
# the nuScenes pipelines unchanged, only the data root differs (image resizing is relative to the output width).
_base_ = ['./nuscenes_multitask.py']

data_root = 'data/world/'
train_dataloader = dict(dataset=dict(data_root=data_root))
val_dataloader = dict(dataset=dict(data_root=data_root))
test_dataloader = val_dataloader
val_evaluator = dict(data_root=data_root)
test_evaluator = val_evaluator
