"""Write one PNG per sample of a dataset config: the six cameras with projected GT boxes and a BEV with the
LiDAR points, the GT boxes and the map mask, all as the model sees them (after the pipeline's augmentation).

Example:
    python tools/browse_dataset.py configs/_base_/datasets/world_multitask.py --out work_dirs/browse --num 5
"""
import argparse
import os
import os.path as osp

import _bootstrap  # noqa: F401  (imports bevzoo or says how to set the environment up)

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from mmdet3d.registry import DATASETS  # noqa: E402
from mmengine import Config, DictAction  # noqa: E402
from mmengine.registry import init_default_scope  # noqa: E402

MAP_COLOURS = np.array([[0.65, 0.65, 0.65], [1.0, 0.6, 0.6], [0.55, 0.8, 0.55], [1.0, 0.85, 0.3],
                        [0.6, 0.7, 1.0], [1.0, 1.0, 1.0]])  # drivable, crossing, walkway, stop, carpark, divider
BOX_EDGES = ((0, 1), (1, 2), (2, 3), (3, 0), (4, 5), (5, 6), (6, 7), (7, 4), (0, 4), (1, 5), (2, 6), (3, 7))
BEV_FOOTPRINT = (0, 3, 7, 4, 0)  # mmdet3d corner order: bottom face of a LiDAR box


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config', help='config with train_dataloader / val_dataloader')
    parser.add_argument('--out', required=True, help='folder for the PNGs')
    parser.add_argument('--num', type=int, default=5, help='number of samples to draw')
    parser.add_argument('--split', choices=('train', 'val'), default='train',
                        help='train: training pipeline with augmentation; val: evaluation pipeline')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, help='override config settings')
    return parser.parse_args()


def project(corners: np.ndarray, meta: dict, view: int) -> np.ndarray:
    """``[N, 8, 2]`` pixels of box corners ``[N, 8, 3]`` (augmented LiDAR frame); NaN behind the camera."""
    lidar2pixel = meta['lidar2img'][view] @ np.linalg.inv(meta['lidar_aug_matrix'])
    points = np.concatenate([corners, np.ones((*corners.shape[:2], 1))], axis=-1) @ lidar2pixel.T
    depth = points[..., 2:3]
    uv = points[..., :2] / np.clip(depth, 1e-3, None)
    aug = meta['img_aug_matrix'][view]
    uv = uv @ aug[:2, :2].T + aug[:2, 3]
    return np.where(depth > 0.5, uv, np.nan)


def gt_boxes(sample):
    """GT boxes of a packed sample (training targets, or evaluation annotations in test mode)."""
    if len(sample.gt_instances_3d) > 0:
        return sample.gt_instances_3d.bboxes_3d
    return sample.eval_ann_info['gt_bboxes_3d']


def draw_cameras(figure, grid, images: np.ndarray, corners: np.ndarray, meta: dict) -> None:
    for view, image in enumerate(images):
        axis = figure.add_subplot(grid[view // 3, view % 3])
        axis.imshow(image.transpose(1, 2, 0)[..., ::-1])  # BGR -> RGB
        for box in project(corners, meta, view):
            for start, end in BOX_EDGES:
                axis.plot(box[[start, end], 0], box[[start, end], 1], color='lime', linewidth=0.8)
        axis.set_xlim(0, image.shape[2])
        axis.set_ylim(image.shape[1], 0)
        axis.set_title(os.path.basename(meta['filename'][view]).split('__')[1] if '__' in meta['filename'][view]
                       else f'view {view}', fontsize=8)
        axis.axis('off')


def draw_bev(axis, points: np.ndarray, corners: np.ndarray, map_mask: np.ndarray, extent: float = 50.0) -> None:
    """BEV of the augmented LiDAR frame: x to the right, y up, map classes blended under points and boxes."""
    if map_mask is not None:
        colour = np.zeros((*map_mask.shape[1:], 3))
        for channel, rgb in enumerate(MAP_COLOURS[:len(map_mask)]):
            colour[map_mask[channel] > 0] = rgb
        axis.imshow(colour, origin='lower', extent=(-extent, extent, -extent, extent))
    near = np.all(np.abs(points[:, :2]) < extent, axis=1)
    axis.scatter(points[near, 0], points[near, 1], s=0.2, c=points[near, 4], cmap='viridis')
    for box in corners:
        axis.plot(box[list(BEV_FOOTPRINT), 0], box[list(BEV_FOOTPRINT), 1], color='red', linewidth=0.8)
    axis.set_xlim(-extent, extent)
    axis.set_ylim(-extent, extent)
    axis.set_aspect('equal')
    axis.set_title('BEV (points coloured by sweep time lag, GT boxes, map mask)', fontsize=8)


def draw_sample(packed: dict, path: str) -> None:
    sample = packed['data_samples']
    corners = gt_boxes(sample).corners.numpy()
    figure = plt.figure(figsize=(16, 12))
    grid = figure.add_gridspec(4, 3)
    if 'img' in packed['inputs']:
        draw_cameras(figure, grid, packed['inputs']['img'].numpy(), corners, sample.metainfo)
    map_mask = sample.gt_map_bev.numpy() if 'gt_map_bev' in sample else None
    draw_bev(figure.add_subplot(grid[2:, :]), packed['inputs']['points'].numpy(), corners, map_mask)
    figure.suptitle(f'{sample.metainfo["scene_name"]}  {sample.metainfo["token"]}', fontsize=10)
    figure.tight_layout()
    figure.savefig(path, dpi=80)
    plt.close(figure)


def main() -> None:
    args = parse_args()
    config = Config.fromfile(args.config)
    if args.cfg_options:
        config.merge_from_dict(args.cfg_options)
    init_default_scope(config.get('default_scope', 'mmdet3d'))
    dataset = DATASETS.build(config[f'{args.split}_dataloader'].dataset)
    os.makedirs(args.out, exist_ok=True)
    for index in range(min(args.num, len(dataset))):
        packed = dataset[index]
        path = osp.join(args.out, f'{index:04d}_{packed["data_samples"].metainfo["token"]}.png')
        draw_sample(packed, path)
        print(path)


if __name__ == '__main__':
    main()
