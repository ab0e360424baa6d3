"""Write mmdet3d 1.x ("v2") info files for a nuScenes-format root (real nuScenes or the built-in world).

Example:
    python tools/create_data.py data/world
    python tools/create_data.py data/nuscenes --version v1.0-mini --out data/nuscenes
"""
import argparse
import sys

import _bootstrap  # noqa: F401  (imports bevzoo or says how to set the environment up)

from bevzoo.datasets import DataFileError  # noqa: E402
from bevzoo.datasets.nuscenes_converter import create_infos  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('root', help='nuScenes-format data root (tables under <root>/<version>/)')
    parser.add_argument('--version', default='v1.0-trainval', choices=('v1.0-trainval', 'v1.0-mini', 'v1.0-test'),
                        help='table version; decides the devkit splits written')
    parser.add_argument('--out', help='folder of bevzoo_infos_<split>.pkl (default: the root)')
    parser.add_argument('--max-sweeps', type=int, default=10, help='previous LiDAR sweeps listed per keyframe')
    parser.add_argument('--skip-file-check', action='store_true',
                        help='list samples whose sensor files are missing instead of failing')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    try:
        create_infos(args.root, args.version, out_dir=args.out, max_sweeps=args.max_sweeps,
                     check_files=not args.skip_file_check)
    except (FileNotFoundError, DataFileError) as exc:  # bad input: the message says what and where
        sys.exit(f'error: {exc}')


if __name__ == '__main__':
    main()
