"""Generate the built-in procedural world as a nuScenes-format dataset.

Example:
    python tools/create_world.py --out data/world --train-scenes 8 --val-scenes 2 --seed 0
"""
import argparse
import json
from dataclasses import asdict, replace

import cv2

from bevzoo.world import SensorConfig, WorldConfig, generate_world, world_statistics
from bevzoo.world.preview import render_preview


def parse_args() -> argparse.Namespace:
    defaults = WorldConfig()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--out', default='data/world', help='dataset root to write')
    parser.add_argument('--seed', type=int, default=defaults.seed, help='master seed (same seed, same dataset)')
    parser.add_argument('--train-scenes', type=int, default=defaults.train_scenes)
    parser.add_argument('--val-scenes', type=int, default=defaults.val_scenes)
    parser.add_argument('--keyframes', type=int, default=defaults.keyframes_per_scene,
                        help='keyframes per scene (2 Hz; 40 = 20 s)')
    parser.add_argument('--version', default=defaults.version, choices=('v1.0-trainval', 'v1.0-mini'))
    parser.add_argument('--image-size', type=int, nargs=2, metavar=('WIDTH', 'HEIGHT'),
                        default=(defaults.sensors.image_width, defaults.sensors.image_height))
    parser.add_argument('--workers', type=int, default=2, help='worker processes (one scene each)')
    parser.add_argument('--stats', action='store_true', help='print the measured statistics as JSON')
    parser.add_argument('--preview', metavar='PNG', help='also write a preview image (cameras + BEV) of a keyframe')
    parser.add_argument('--preview-sample', type=int, default=0, help='sample index of the preview')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    sensors = replace(SensorConfig(), image_width=args.image_size[0], image_height=args.image_size[1])
    config = WorldConfig(seed=args.seed, train_scenes=args.train_scenes, val_scenes=args.val_scenes,
                         keyframes_per_scene=args.keyframes, version=args.version, sensors=sensors)
    report = generate_world(config, args.out, workers=args.workers)
    print(f'\nwrote {args.out} ({report.version}: {len(report.train_scenes)} train + {len(report.val_scenes)} val '
          f'scenes) in {report.seconds:.1f} s wall, {report.scene_cpu_seconds:.1f} s CPU recording scenes')
    if args.stats:
        print(json.dumps(asdict(world_statistics(args.out, report.version)), indent=2))
    if args.preview:
        cv2.imwrite(args.preview, render_preview(args.out, report.version, args.preview_sample))


if __name__ == '__main__':
    main()
