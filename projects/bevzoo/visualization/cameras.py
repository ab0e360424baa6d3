"""Camera panels with predicted boxes projected into each image."""
import numpy as np
import torch
from matplotlib.axes import Axes

from .palettes import PRED_COLOR

BOX_EDGES = [(0, 1), (1, 2), (2, 3), (3, 0), (4, 5), (5, 6), (6, 7), (7, 4), (0, 4), (1, 5), (2, 6), (3, 7)]
MIN_DEPTH = 0.5  # metres in front of the camera


def project(corners: np.ndarray, lidar2img: np.ndarray, img_aug: np.ndarray):
    """Pixels ``[N, 8, 2]`` and depths ``[N, 8]`` of LiDAR-frame corners ``[N, 8, 3]`` in one camera."""
    homogeneous = np.concatenate([corners, np.ones((*corners.shape[:2], 1))], axis=-1)
    camera = homogeneous @ lidar2img.T
    depth = camera[..., 2]
    pixels = camera[..., :2] / np.clip(depth[..., None], 1e-5, None)
    return pixels @ img_aug[:2, :2].T + img_aug[:2, 3], depth


def draw_camera(ax: Axes, image_bgr: torch.Tensor, pred_boxes, lidar2img: np.ndarray, img_aug: np.ndarray,
                title: str) -> None:
    """Draw one ``[3, H, W]`` BGR image and the edges of boxes fully in front of the camera."""
    image = image_bgr.detach().cpu().numpy().transpose(1, 2, 0)[..., ::-1]
    ax.imshow(image.astype(np.uint8) if image.max() > 1 else image)
    if pred_boxes is not None and len(pred_boxes):
        pixels, depth = project(pred_boxes.corners.detach().cpu().numpy(), lidar2img, img_aug)
        for box_pixels in pixels[(depth > MIN_DEPTH).all(axis=1)]:
            for start, end in BOX_EDGES:
                ax.plot(*box_pixels[[start, end]].T, color=PRED_COLOR, linewidth=0.8)
    ax.set_xlim(0, image.shape[1])
    ax.set_ylim(image.shape[0], 0)
    ax.set_title(title, fontsize=8)
    ax.axis('off')
