"""Camera panels with predicted boxes projected into each image."""
from typing import Sequence, Tuple

import numpy as np
import torch
from matplotlib.axes import Axes

BOX_EDGES = [(0, 1), (1, 2), (2, 3), (3, 0), (4, 5), (5, 6), (6, 7), (7, 4), (0, 4), (1, 5), (2, 6), (3, 7)]
MIN_DEPTH = 0.5  # metres in front of the camera


def project(corners: np.ndarray, lidar2img: np.ndarray, img_aug: np.ndarray):
    """Pixels ``[N, 8, 2]`` and depths ``[N, 8]`` of LiDAR-frame corners ``[N, 8, 3]`` in one camera."""
    homogeneous = np.concatenate([corners, np.ones((*corners.shape[:2], 1))], axis=-1)
    camera = homogeneous @ lidar2img.T
    depth = camera[..., 2]
    pixels = camera[..., :2] / np.clip(depth[..., None], 1e-5, None)
    return pixels @ img_aug[:2, :2].T + img_aug[:2, 3], depth


def draw_camera(ax: Axes, image_bgr: torch.Tensor, box_sets: Sequence[Tuple[object, str]], lidar2img: np.ndarray,
                img_aug: np.ndarray, title: str) -> None:
    """Draw one ``[3, H, W]`` BGR image and the edges of the boxes fully in front of the camera.

    Args:
        ax: the axes to draw in.
        image_bgr: the network's input image of this camera.
        box_sets: ``(LiDARInstance3DBoxes or None, colour)`` pairs, e.g. ground truth and predictions.
        lidar2img: ``[4, 4]`` LiDAR -> image projection of the original image.
        img_aug: ``[4, 4]`` the image augmentation applied after it.
        title: the camera's name.
    """
    image = image_bgr.detach().cpu().numpy().transpose(1, 2, 0)[..., ::-1]
    ax.imshow(image.astype(np.uint8) if image.max() > 1 else image)
    for boxes, color in box_sets:
        if boxes is None or len(boxes) == 0:
            continue
        pixels, depth = project(boxes.corners.detach().cpu().numpy(), lidar2img, img_aug)
        for box_pixels in pixels[(depth > MIN_DEPTH).all(axis=1)]:
            for start, end in BOX_EDGES:
                ax.plot(*box_pixels[[start, end]].T, color=color, linewidth=0.8)
    ax.set_xlim(0, image.shape[1])
    ax.set_ylim(image.shape[0], 0)
    ax.set_title(title, fontsize=8)
    ax.axis('off')
