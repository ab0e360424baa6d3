"""Per-class metric tables printed after evaluation."""
from typing import Dict, List, Sequence

from terminaltables import AsciiTable

from .devkit_detection import TP_METRICS
from .map_iou import MAP_THRESHOLDS


def _cell(value: float) -> str:
    return f'{value:.4f}'


def detection_table(metrics: Dict[str, float], class_names: Sequence[str]) -> str:
    """AP and the five true-positive errors per class, then the means and NDS."""
    columns = ['AP', *TP_METRICS.values()]
    rows: List[List[str]] = [['class', *columns]]
    rows += [[name, *(_cell(metrics[f'det/{name}/{col}']) for col in columns)] for name in class_names]
    rows.append(['mean', _cell(metrics['det/mAP']), *(_cell(metrics[f'det/m{col}']) for col in TP_METRICS.values())])
    return AsciiTable(rows, title=f' detection  NDS {metrics["det/NDS"]:.4f} ').table


def map_table(metrics: Dict[str, float], class_names: Sequence[str]) -> str:
    """IoU per class at every threshold and at the best one, then mIoU."""
    rows = [['class', *(f'@{t:.2f}' for t in MAP_THRESHOLDS), '@max']]
    for name in class_names:
        rows.append([name, *(_cell(metrics[f'map/{name}/iou@{t:.2f}']) for t in MAP_THRESHOLDS),
                     _cell(metrics[f'map/{name}/iou@max'])])
    return AsciiTable(rows, title=f' map segmentation  mIoU {metrics["map/mean/iou@max"]:.4f} ').table


def occupancy_table(metrics: Dict[str, float], class_names: Sequence[str]) -> str:
    """IoU per scored occupancy class, then mIoU (nan: class neither present nor predicted)."""
    rows = [['class', 'IoU']]
    rows += [[name, _cell(metrics[f'occ/{name}/iou'])] for name in class_names if f'occ/{name}/iou' in metrics]
    return AsciiTable(rows, title=f' occupancy  mIoU {metrics["occ/mIoU"]:.4f} ').table
