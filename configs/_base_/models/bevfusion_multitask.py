# Multi-task parts shared by the world and nuScenes sizes: the map and occupancy heads (their grids are the
# evaluation protocols', the heads' defaults; each size fills in channels and the extent of its BEV) and static
# task weights. Size configs: configs/bevfusion/bevfusion_multitask_det-map-occ_{world,nuscenes}.py.
tasks = ['det', 'map', 'occ']
occupancy_free_weight = 0.2  # 'free' fills most observed voxels: weight it down against the 17 object classes

# BEVFusion's map loss: per class, the mean sigmoid focal loss (gamma 2, no alpha balancing), summed over the six
# classes. mmdet's FocalLoss averages over pixels and classes and always applies alpha: alpha 0.5 weighs positives
# and negatives alike (x0.5), so loss_weight 2 x 6 classes gives exactly BEVFusion's sum.
map_head = dict(type='BEVMapSegmentationHead',
                loss=dict(type='mmdet.FocalLoss', use_sigmoid=True, gamma=2.0, alpha=0.5, reduction='mean',
                          loss_weight=12.0))
occ_head = dict(type='OccupancyHead',
                loss_ce=dict(type='mmdet.CrossEntropyLoss', use_sigmoid=False,
                             class_weight=[1.0] * 17 + [occupancy_free_weight]),
                loss_affinity=dict(type='SceneAffinityLoss', free_index=17))
static_balancer = dict(type='StaticWeightBalancer', weights=dict(det=1.0, map=1.0, occ=1.0), tasks=tasks)
