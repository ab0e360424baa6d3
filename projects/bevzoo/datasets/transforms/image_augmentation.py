"""Per-camera resize / crop / flip / rotation applied as one affine warp, recorded in ``img_aug_matrix``."""
from typing import Sequence, Tuple

import cv2
import numpy as np
from mmcv.transforms import BaseTransform
from mmdet3d.registry import TRANSFORMS


def _translation(dx: float, dy: float) -> np.ndarray:
    return np.array([[1.0, 0.0, dx], [0.0, 1.0, dy], [0.0, 0.0, 1.0]])


@TRANSFORMS.register_module()
class MultiViewImageAug(BaseTransform):
    """Resize, crop, flip and rotate every view; compose the pixel transform onto ``img_aug_matrix``.

    A projected pixel ``(u, v)`` of the original image moves to ``img_aug_matrix[:2, :2] @ (u, v) +
    img_aug_matrix[:2, 3]`` (pixel coordinates with the image's top-left corner at (0, 0), as in
    ``cam2img``). Each view is warped once (bilinear), so the chain costs one resampling.

    Resize ratios are relative to the one that makes the image exactly ``final_size`` wide, so the same
    settings serve any source resolution (nuScenes' 1600 x 900 or the world's smaller images).

    Training (``random=True``) draws per view: resize ratio in ``resize_range``, a bottom crop fraction in
    ``bottom_crop_range`` with a random horizontal crop offset, a flip with probability 0.5 when
    ``flip``, and a rotation in ``rotate_range`` (degrees) about the image centre. Testing uses the mean
    ratio and bottom fraction, a centred crop, no flip and no rotation.

    Args:
        final_size: Output ``(H, W)``.
        resize_range: Range of the resize ratio, relative to fitting the output width.
        bottom_crop_range: Range of the fraction of the resized height removed at the bottom.
        rotate_range: Range of the rotation in degrees.
        flip: Allow horizontal flips.
        random: Draw augmentations (training) or use the deterministic test transform.
    """

    def __init__(self, final_size: Tuple[int, int], resize_range: Tuple[float, float],
                 bottom_crop_range: Tuple[float, float] = (0.0, 0.0),
                 rotate_range: Tuple[float, float] = (0.0, 0.0), flip: bool = False, random: bool = True) -> None:
        self.final_size = tuple(final_size)
        self.resize_range = resize_range
        self.bottom_crop_range = bottom_crop_range
        self.rotate_range = rotate_range
        self.flip = flip
        self.random = random

    def _draw(self, image_hw: Sequence[int]) -> np.ndarray:
        """One view's 3x3 pixel transform (continuous coordinates)."""
        height, width = image_hw
        out_h, out_w = self.final_size
        if self.random:
            ratio = np.random.uniform(*self.resize_range)
            bottom = np.random.uniform(*self.bottom_crop_range)
        else:
            ratio, bottom = np.mean(self.resize_range), np.mean(self.bottom_crop_range)
        ratio *= out_w / width
        resized_h, resized_w = int(height * ratio), int(width * ratio)
        crop_top = int((1 - bottom) * resized_h) - out_h
        spare_w = max(0, resized_w - out_w)
        crop_left = int(np.random.uniform(0, spare_w)) if self.random else spare_w // 2
        matrix = _translation(-crop_left, -crop_top) @ np.diag([resized_w / width, resized_h / height, 1.0])
        if self.random and self.flip and np.random.rand() < 0.5:
            matrix = np.array([[-1.0, 0.0, out_w], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]) @ matrix
        angle = np.random.uniform(*self.rotate_range) if self.random else 0.0
        if angle:
            rotation = np.eye(3)
            rotation[:2] = cv2.getRotationMatrix2D((out_w / 2, out_h / 2), -angle, 1.0)
            matrix = rotation @ matrix
        return matrix

    def _warp(self, image: np.ndarray, matrix: np.ndarray) -> np.ndarray:
        # cv2 puts pixel centres at integers; the recorded matrix uses pixel corners (centres at +0.5).
        centred = _translation(-0.5, -0.5) @ matrix @ _translation(0.5, 0.5)
        out_h, out_w = self.final_size
        return cv2.warpAffine(image, centred[:2], (out_w, out_h), flags=cv2.INTER_LINEAR,
                              borderMode=cv2.BORDER_CONSTANT, borderValue=0)

    def transform(self, results: dict) -> dict:
        images, aug_matrices = [], []
        for image, previous in zip(results['img'], results['img_aug_matrix']):
            matrix = self._draw(image.shape[:2])
            images.append(self._warp(image, matrix))
            lifted = np.eye(4)
            lifted[:2, :2], lifted[:2, 3] = matrix[:2, :2], matrix[:2, 2]
            aug_matrices.append(lifted @ previous)
        results.update(img=images, img_aug_matrix=np.stack(aug_matrices), img_shape=self.final_size,
                       pad_shape=self.final_size)
        return results
