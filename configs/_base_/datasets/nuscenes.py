# Geometry and classes of nuScenes detection as BEVFusion trains it (minimal version written by the models part;
# the datasets part owns this file and adds the pipelines and dataloaders).
point_cloud_range = [-54.0, -54.0, -5.0, 54.0, 54.0, 3.0]
class_names = ['car', 'truck', 'trailer', 'bus', 'construction_vehicle', 'bicycle', 'motorcycle', 'pedestrian',
               'traffic_cone', 'barrier']
image_size = (256, 704)  # (H, W) of the network input after MultiViewImageAug
