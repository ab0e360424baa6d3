"""Collects a dense ground-truth or prediction field from a batch of data samples into one tensor."""
from typing import Sequence

import numpy as np
import torch
from torch import Tensor


def stack_sample_field(data_samples: Sequence, field: str, expected_shape: Sequence[int],
                       device: torch.device) -> Tensor:
    """Stack ``sample.<field>`` of every data sample into a ``[B, *expected_shape]`` tensor.

    Args:
        data_samples: the batch's ``Det3DDataSample`` objects.
        field: name of a dense field of the data-sample contract, e.g. ``gt_map_bev``.
        expected_shape: the per-sample shape the head was configured for.
        device: where the stacked tensor goes.

    Raises:
        KeyError: a sample lacks the field (the dataset pipeline did not load it).
        ValueError: a sample's field has another shape than the head's grid.
    """
    values = []
    for index, sample in enumerate(data_samples):
        if field not in sample:
            raise KeyError(f'data sample {index} has no {field!r}; add the transform that loads it to the '
                           'pipeline or remove the head that needs it from the model config')
        value = getattr(sample, field)
        value = torch.from_numpy(np.asarray(value)) if not isinstance(value, Tensor) else value
        if tuple(value.shape) != tuple(expected_shape):
            raise ValueError(f'data sample {index}: {field} has shape {tuple(value.shape)}, but the head '
                             f'predicts on a {tuple(expected_shape)} grid; make the head grid match the dataset')
        values.append(value.to(device))
    return torch.stack(values)
