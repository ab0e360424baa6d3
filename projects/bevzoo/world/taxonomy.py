"""Names the nuScenes tables and Occ3D labels use, in one place."""

# nuScenes v1.0 category names (the 23 annotated ones), in the order of their lidarseg index.
CATEGORIES = (
    'animal', 'human.pedestrian.adult', 'human.pedestrian.child', 'human.pedestrian.construction_worker',
    'human.pedestrian.personal_mobility', 'human.pedestrian.police_officer', 'human.pedestrian.stroller',
    'human.pedestrian.wheelchair', 'movable_object.barrier', 'movable_object.debris',
    'movable_object.pushable_pullable', 'movable_object.trafficcone', 'static_object.bicycle_rack',
    'vehicle.bicycle', 'vehicle.bus.bendy', 'vehicle.bus.rigid', 'vehicle.car', 'vehicle.construction',
    'vehicle.emergency.ambulance', 'vehicle.emergency.police', 'vehicle.motorcycle', 'vehicle.trailer',
    'vehicle.truck',
)

ATTRIBUTES = (
    'vehicle.moving', 'vehicle.parked', 'vehicle.stopped', 'pedestrian.moving', 'pedestrian.standing',
    'pedestrian.sitting_lying_down', 'cycle.with_rider', 'cycle.without_rider',
)

# nuScenes visibility tokens '1'..'4' and their levels (fraction of the object visible in the cameras).
VISIBILITY_LEVELS = (('1', 'v0-40', 0.4), ('2', 'v40-60', 0.6), ('3', 'v60-80', 0.8), ('4', 'v80-100', 1.01))

# Occ3D-nuScenes labels.
OCC_LABELS = (
    'others', 'barrier', 'bicycle', 'bus', 'car', 'construction_vehicle', 'motorcycle', 'pedestrian',
    'traffic_cone', 'trailer', 'truck', 'driveable_surface', 'other_flat', 'sidewalk', 'terrain', 'manmade',
    'vegetation', 'free',
)
OCC = {name: index for index, name in enumerate(OCC_LABELS)}

# Occ3D label of each category the world spawns.
CATEGORY_TO_OCC = {
    'human.pedestrian.adult': OCC['pedestrian'], 'human.pedestrian.child': OCC['pedestrian'],
    'human.pedestrian.construction_worker': OCC['pedestrian'], 'movable_object.barrier': OCC['barrier'],
    'movable_object.trafficcone': OCC['traffic_cone'], 'movable_object.pushable_pullable': OCC['others'],
    'static_object.bicycle_rack': OCC['others'], 'vehicle.bicycle': OCC['bicycle'],
    'vehicle.bus.rigid': OCC['bus'], 'vehicle.car': OCC['car'], 'vehicle.construction': OCC['construction_vehicle'],
    'vehicle.motorcycle': OCC['motorcycle'], 'vehicle.trailer': OCC['trailer'], 'vehicle.truck': OCC['truck'],
}

# The six BEV map-segmentation classes (BEVFusion's protocol) and the map expansion layers behind them.
MAP_CLASSES = ('drivable_area', 'ped_crossing', 'walkway', 'stop_line', 'carpark_area', 'divider')
