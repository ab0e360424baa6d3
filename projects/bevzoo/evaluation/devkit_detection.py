"""Score a devkit result JSON with the nuScenes devkit's own ``DetectionEval`` (official numbers)."""
import contextlib
import io
from typing import Dict

import mmengine
import numpy as np
from nuscenes import NuScenes
from nuscenes.eval.detection.algo import calc_ap, calc_tp
from nuscenes.eval.detection.data_classes import DetectionConfig, DetectionMetricData, DetectionMetrics
from nuscenes.eval.detection.evaluate import DetectionEval
from nuscenes.utils.splits import create_splits_scenes

# The devkit's split for each table version (the same choice mmdet3d's NuScenesMetric makes).
VAL_SPLIT_OF_VERSION = {'v1.0-trainval': 'val', 'v1.0-mini': 'mini_val'}
TP_METRICS = {'trans_err': 'ATE', 'scale_err': 'ASE', 'orient_err': 'AOE', 'vel_err': 'AVE', 'attr_err': 'AAE'}
# True-positive errors DetectionEval leaves undefined (NaN): cones have no heading, velocity or attribute,
# barriers no velocity or attribute.
UNDEFINED_TP = {'traffic_cone': ('attr_err', 'vel_err', 'orient_err'), 'barrier': ('attr_err', 'vel_err')}


def split_sample_tokens(nusc: NuScenes, eval_set: str) -> set:
    """Tokens of the samples the devkit scores for ``eval_set`` (it keeps scenes by official name)."""
    scene_names = set(create_splits_scenes()[eval_set])
    return {sample['token'] for sample in nusc.sample
            if nusc.get('scene', sample['scene_token'])['name'] in scene_names}


def check_tokens_match(predicted: set, expected: set, eval_set: str) -> None:
    """Raise a clear error where the devkit would fail with a bare assertion."""
    if predicted == expected:
        return
    missing, extra = expected - predicted, predicted - expected
    raise ValueError(
        f"the devkit scores every sample of split '{eval_set}' ({len(expected)} samples) but the predictions "
        f'cover {len(predicted)}: {len(missing)} missing, {len(extra)} not in the split. Evaluate the whole '
        'split (no `indices` subset in the val/test dataset) and make sure the info file and the tables match.')


def summary_without_predictions(eval_config: DetectionConfig) -> Dict:
    """The summary DetectionEval defines for a run without a single predicted box.

    Its loader rejects a result file whose samples are all empty, so the devkit's own per-class
    'no predictions' data (``DetectionMetricData.no_predictions``) is scored with its ``calc_ap`` and
    ``calc_tp``, the way ``DetectionEval.evaluate`` scores a class nobody predicted.
    """
    metrics = DetectionMetrics(eval_config)
    nothing = DetectionMetricData.no_predictions()
    for name in eval_config.class_names:
        for distance in eval_config.dist_ths:
            metrics.add_label_ap(name, distance, calc_ap(nothing, eval_config.min_recall, eval_config.min_precision))
        for metric_name in TP_METRICS:
            undefined = metric_name in UNDEFINED_TP.get(name, ())
            metrics.add_label_tp(name, metric_name,
                                 np.nan if undefined else calc_tp(nothing, eval_config.min_recall, metric_name))
    return metrics.serialize()


def evaluate_detection(submission: Dict, result_path: str, nusc: NuScenes, eval_set: str, eval_config: DetectionConfig,
                       output_dir: str) -> Dict[str, float]:
    """Save the submission and score it with ``DetectionEval``; flatten the summary.

    Args:
        submission: the devkit result dict (``meta`` and ``results``: sample token -> boxes, global frame).
        result_path: where the submission is saved as JSON.
        nusc: the loaded tables.
        eval_set: devkit split name, e.g. 'val' or 'mini_val'.
        eval_config: the devkit detection config (``detection_cvpr_2019``).
        output_dir: where the devkit writes metrics_summary.json and metrics_details.json.

    Returns:
        ``det/NDS``, ``det/mAP``, ``det/mATE`` ... ``det/mAAE`` and per class ``det/<class>/AP`` and
        ``det/<class>/<ATE|ASE|AOE|AVE|AAE>`` (NaN where the devkit does not define one).
    """
    mmengine.dump(submission, result_path)
    if any(submission['results'].values()):
        evaluator = DetectionEval(nusc, config=eval_config, result_path=result_path, eval_set=eval_set,
                                  output_dir=output_dir, verbose=False)
        with contextlib.redirect_stdout(io.StringIO()):  # main() prints its own table; ours follows
            summary = evaluator.main(plot_examples=0, render_curves=False)
    else:
        summary = summary_without_predictions(eval_config)
    metrics = {'det/NDS': summary['nd_score'], 'det/mAP': summary['mean_ap']}
    for key, short in TP_METRICS.items():
        metrics[f'det/m{short}'] = summary['tp_errors'][key]
    for name, ap in summary['mean_dist_aps'].items():
        metrics[f'det/{name}/AP'] = ap
        for key, short in TP_METRICS.items():
            metrics[f'det/{name}/{short}'] = summary['label_tp_errors'][name][key]
    return {key: float(value) for key, value in metrics.items()}
