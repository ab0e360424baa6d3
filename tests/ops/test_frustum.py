"""The frustum geometry of the nuScenes-like rig lands where a camera looks."""
import torch

from bevzoo.ops.camera_rig import nuscenes_like_rig
from bevzoo.ops.frustum import frustum_points


def test_front_camera_centre_ray_points_forward():
    rig = nuscenes_like_rig()
    depths = torch.tensor([10.0, 30.0], dtype=torch.float64)
    points = frustum_points(rig.cam2img, rig.cam2lidar, rig.img_aug, rig.lidar_aug, rig.image_size, rig.image_size,
                            depths)
    # One frustum column per pixel; the original image centre (800, 450) is pixel (352, 58) after the
    # 0.44 resize and the 140-row crop, and sees straight ahead of the front camera.
    centre = points[0, 0, :, 58, 352]
    torch.testing.assert_close(centre, torch.tensor([[11.7, 0.0, 1.5], [31.7, 0.0, 1.5]], dtype=torch.float64),
                               atol=0.05, rtol=0)


def test_back_camera_looks_backwards():
    rig = nuscenes_like_rig()
    points = frustum_points(rig.cam2img, rig.cam2lidar, rig.img_aug, rig.lidar_aug, rig.image_size, (8, 22),
                            torch.tensor([20.0], dtype=torch.float64))
    assert (points[0, 3, ..., 0] < -10).all() and (points[0, 0, ..., 0] > 10).all()
