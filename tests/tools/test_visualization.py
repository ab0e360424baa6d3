"""--show-dir pictures: projection geometry and a full figure from a synthetic sample."""
import numpy as np
import pytest
import torch
from mmdet3d.structures import Det3DDataSample, LiDARInstance3DBoxes
from mmengine.structures import InstanceData

from bevzoo.engine import BEVVisualizationHook
from bevzoo.visualization.cameras import project
from bevzoo.visualization.dense_maps import occupancy_top_view
from bevzoo.visualization.palettes import OCC_COLORS

# A camera looking along LiDAR +x: camera x = -lidar y, camera y = -lidar z, depth = lidar x.
LIDAR2CAM = np.array([[0, -1, 0, 0], [0, 0, -1, 0], [1, 0, 0, 0], [0, 0, 0, 1]], dtype=float)
INTRINSICS = np.array([[100, 0, 80, 0], [0, 100, 45, 0], [0, 0, 1, 0], [0, 0, 0, 1]], dtype=float)


def test_point_ahead_projects_to_principal_point_after_augmentation():
    halve = np.diag([0.5, 0.5, 1.0, 1.0])  # an image resized to half
    pixels, depth = project(np.array([[[10.0, 0.0, 0.0], [10.0, 1.0, 0.0]]]), INTRINSICS @ LIDAR2CAM, halve)
    np.testing.assert_allclose(depth, [[10.0, 10.0]])
    np.testing.assert_allclose(pixels[0, 0], [40.0, 22.5])
    np.testing.assert_allclose(pixels[0, 1], [35.0, 22.5])  # 1 m to the left: 10 px left at full size


def test_occupancy_top_view_shows_highest_occupied_voxel():
    labels = torch.full((2, 1, 3), 17)
    labels[0, 0, 0], labels[0, 0, 1] = 11, 4  # road under a car
    view = occupancy_top_view(labels)
    np.testing.assert_allclose(view[0, 0], OCC_COLORS[4])
    np.testing.assert_allclose(view[1, 0], OCC_COLORS[17])


def synthetic_sample() -> Det3DDataSample:
    boxes = LiDARInstance3DBoxes(torch.tensor([[10.0, 0.0, -1.0, 4.0, 2.0, 1.5, 0.0, 0.0, 0.0]]), box_dim=9)
    sample = Det3DDataSample(metainfo=dict(token='abc', lidar2img=np.stack([INTRINSICS @ LIDAR2CAM] * 6),
                                           img_aug_matrix=np.stack([np.eye(4)] * 6)))
    sample.gt_instances_3d = InstanceData(bboxes_3d=boxes, labels_3d=torch.tensor([0]))
    sample.pred_instances_3d = InstanceData(bboxes_3d=boxes, scores_3d=torch.tensor([0.9]), labels_3d=torch.tensor([0]))
    sample.gt_map_bev = torch.zeros(6, 20, 20, dtype=torch.uint8)
    sample.pred_map_bev = torch.rand(6, 20, 20)
    sample.gt_occupancy = torch.full((20, 20, 4), 17, dtype=torch.uint8)
    sample.pred_occupancy = torch.full((20, 20, 4), 17, dtype=torch.uint8)
    return sample


@pytest.mark.parametrize('with_cameras', [True, False])
def test_hook_writes_one_png_per_sample(tmp_path, with_cameras):
    inputs = dict(points=[torch.randn(100, 5) * 10])
    if with_cameras:
        inputs['img'] = [torch.randint(0, 255, (6, 3, 90, 160), dtype=torch.uint8)]
    hook = BEVVisualizationHook(out_dir=str(tmp_path), max_samples=1)
    hook.after_test_iter(None, 0, dict(inputs=inputs), [synthetic_sample(), synthetic_sample()])  # GT packed
    assert [path.name for path in tmp_path.iterdir()] == ['abc.png']  # max_samples respected
