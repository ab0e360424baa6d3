# Geometry and classes of the built-in world (minimal version written by the models part; the datasets part
# owns this file and adds the pipelines and dataloaders). Model configs derive their grids from these values.
point_cloud_range = [-51.2, -51.2, -5.0, 51.2, 51.2, 3.0]
class_names = ['car', 'truck', 'trailer', 'bus', 'construction_vehicle', 'bicycle', 'motorcycle', 'pedestrian',
               'traffic_cone', 'barrier']
image_size = (96, 176)  # (H, W) of the network input after MultiViewImageAug
