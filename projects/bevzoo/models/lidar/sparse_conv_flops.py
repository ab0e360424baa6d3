"""FLOPs of sparse 3D convolutions counted from their rulebooks, on the CPU (pure torch).

``torch.utils.flop_counter`` does not see sparse convolutions (they are custom CUDA ops), and their cost depends
on the input: a sparse convolution does one ``C_in x C_out`` multiply-add per rulebook entry, i.e. per pair
(active input site, active output site) within one kernel window. This module rebuilds the rulebook sizes
with the index arithmetic of spconv / mmcv's ``get_indice_pairs`` (an output ``o`` and an input ``i`` pair
through kernel offset ``k`` when ``i = o * stride - padding + k * dilation``, per axis):

* submanifold convolution (``SubMConv3d``): the output sites are the input sites;
* strided sparse convolution (``SparseConv3d``): the output sites are every site of the output grid with at
  least one active input in its window.

FLOPs = 2 x pairs x C_in x C_out (a multiply-add is two FLOPs, as ``torch.utils.flop_counter`` counts
convolutions; biases, normalisation and activations are not counted, as there).
"""
import itertools
from dataclasses import dataclass
from typing import List, Sequence, Tuple

import torch
from torch import Tensor, nn

Shape3 = Tuple[int, int, int]


@dataclass(frozen=True)
class SparseConvCount:
    """Rulebook size and FLOPs of one sparse convolution on one input."""
    name: str
    submanifold: bool
    in_channels: int
    out_channels: int
    active_in: int
    active_out: int
    pairs: int

    @property
    def flops(self) -> int:
        return 2 * self.pairs * self.in_channels * self.out_channels


@dataclass(frozen=True)
class SparseEncoderCount:
    """Per-layer counts of a sparse encoder and the dense shape of its last output ``[B, C, D, H, W]``."""
    layers: List[SparseConvCount]
    output_shape: Tuple[int, int, int, int, int]

    @property
    def flops(self) -> int:
        return sum(layer.flops for layer in self.layers)

    @property
    def bev_shape(self) -> Tuple[int, int, int, int]:
        """``[B, C * D, H, W]``: mmdet3d ``SparseEncoder``'s output (``dense()`` with depth folded into channels)."""
        batch, channels, depth, height, width = self.output_shape
        return batch, channels * depth, height, width


def conv_output_shape(shape: Sequence[int], kernel: Sequence[int], stride: Sequence[int],
                      padding: Sequence[int], dilation: Sequence[int]) -> Shape3:
    """Spatial output shape of a (non-submanifold) sparse convolution, as mmcv's ``get_conv_output_size``."""
    return tuple((size + 2 * pad - dil * (k - 1) - 1) // s + 1
                 for size, k, s, pad, dil in zip(shape, kernel, stride, padding, dilation))


def _keys(coors: Tensor, shape: Sequence[int]) -> Tensor:
    """One int64 per ``(b, z, y, x)`` site (row-major over batch and ``shape``), for set lookups."""
    coors = coors.long()
    return ((coors[:, 0] * shape[0] + coors[:, 1]) * shape[1] + coors[:, 2]) * shape[2] + coors[:, 3]


def _offsets(kernel: Sequence[int]) -> Tensor:
    """``[K, 3]`` kernel offsets ``k`` (each axis in ``range(kernel)``)."""
    return torch.tensor(list(itertools.product(*(range(k) for k in kernel))), dtype=torch.long)


def _inside(positions: Tensor, shape: Sequence[int]) -> Tensor:
    return ((positions >= 0) & (positions < torch.tensor(shape))).all(dim=1)


def submanifold_pairs(coors: Tensor, shape: Sequence[int], kernel: Sequence[int], padding: Sequence[int],
                      dilation: Sequence[int]) -> int:
    """Rulebook size of a submanifold convolution: over the active sites, the number of active inputs in each
    site's kernel window (the site itself included).

    Args:
        coors: ``[N, 4]`` distinct active sites ``(b, z, y, x)``.
        shape: spatial shape ``(Z, Y, X)``.
        kernel, padding, dilation: per axis ``(z, y, x)``.
    """
    keys = torch.sort(_keys(coors, shape)).values
    sites = coors[:, 1:].long()
    dilation_t, padding_t = torch.tensor(dilation), torch.tensor(padding)
    pairs = 0
    for offset in _offsets(kernel):  # one vectorised lookup of all sites per kernel offset
        inputs = sites - padding_t + offset * dilation_t
        inside = _inside(inputs, shape)
        query = _keys(torch.cat([coors[inside, :1].long(), inputs[inside]], dim=1), shape)
        index = torch.searchsorted(keys, query).clamp(max=len(keys) - 1)
        pairs += int((keys[index] == query).sum()) if len(keys) else 0
    return pairs


def strided_conv_pairs(coors: Tensor, shape: Sequence[int], kernel: Sequence[int], stride: Sequence[int],
                       padding: Sequence[int], dilation: Sequence[int]) -> Tuple[Tensor, Shape3, int]:
    """Active output sites, output shape and rulebook size of a (non-submanifold) sparse convolution.

    Every active input pairs with at most one output per kernel offset (``o = (i + padding - k * dilation) /
    stride`` when that is an integer inside the output grid), so the pairs are counted from the inputs.

    Args: as :func:`submanifold_pairs`, plus ``stride``.

    Returns:
        ``[M, 4]`` distinct output sites ``(b, z, y, x)``, the output shape ``(Z', Y', X')`` and the pair count.
    """
    out_shape = conv_output_shape(shape, kernel, stride, padding, dilation)
    sites, batch = coors[:, 1:].long(), coors[:, :1].long()
    stride_t, padding_t, dilation_t = torch.tensor(stride), torch.tensor(padding), torch.tensor(dilation)
    outputs, pairs = [], 0
    for offset in _offsets(kernel):
        numerator = sites + padding_t - offset * dilation_t
        valid = (numerator % stride_t == 0).all(dim=1)
        positions = torch.div(numerator, stride_t, rounding_mode='floor')
        valid &= _inside(positions, out_shape)
        pairs += int(valid.sum())
        outputs.append(_keys(torch.cat([batch[valid], positions[valid]], dim=1), out_shape))
    keys = torch.unique(torch.cat(outputs)) if outputs else torch.zeros(0, dtype=torch.long)
    decoded = []
    for size in reversed(out_shape):  # undo _keys: x, y, z, then what remains is the batch index
        decoded.append(keys % size)
        keys = keys // size
    return torch.stack([keys] + decoded[::-1], dim=1), out_shape, pairs


def _is_sparse_conv(module: nn.Module) -> bool:
    # duck-typed so that both mmcv.ops and spconv 2 convolutions are recognised without importing either
    return all(hasattr(module, name) for name in ('subm', 'kernel_size', 'stride', 'padding', 'dilation',
                                                  'in_channels', 'out_channels'))


def _triple(value) -> Shape3:
    return tuple(value) if isinstance(value, (list, tuple)) else (value,) * 3


def count_sparse_encoder(encoder: nn.Module, coors: Tensor, batch_size: int) -> SparseEncoderCount:
    """Rulebook counts of every sparse convolution of ``encoder`` on the active sites ``coors``.

    Follows the convolutions in registration order as one chain, which is mmdet3d ``SparseEncoder``'s forward
    (``conv_input``, the stages' residual blocks, whose identity paths keep the active set, strided
    convolutions, ``conv_out``); the channel chain is checked so that another structure fails loudly.

    Args:
        encoder: a built sparse encoder with ``sparse_shape`` ``(Z, Y, X)`` and ``in_channels`` (weights unused,
            so one built on the CPU for inspection will do).
        coors: ``[N, 4]`` voxel coordinates ``(b, z, y, x)`` as the data preprocessor makes them.
        batch_size: ``B``.
    """
    coors = torch.unique(coors.long().cpu(), dim=0)
    shape: Shape3 = tuple(encoder.sparse_shape)
    channels = encoder.in_channels
    layers: List[SparseConvCount] = []
    for name, module in encoder.named_modules():
        if not _is_sparse_conv(module):
            continue
        if getattr(module, 'transposed', False) or getattr(module, 'inverse', False):
            raise NotImplementedError(f'{name}: transposed / inverse sparse convolutions are not counted')
        if module.in_channels != channels:
            raise ValueError(f'{name} takes {module.in_channels} channels after a {channels}-channel layer: '
                             'the encoder is not one chain of sparse convolutions in registration order')
        kernel, stride = _triple(module.kernel_size), _triple(module.stride)
        padding, dilation = _triple(module.padding), _triple(module.dilation)
        active_in = len(coors)
        if module.subm:
            pairs = submanifold_pairs(coors, shape, kernel, padding, dilation)
        else:
            coors, shape, pairs = strided_conv_pairs(coors, shape, kernel, stride, padding, dilation)
        layers.append(SparseConvCount(name, bool(module.subm), module.in_channels, module.out_channels, active_in,
                                      len(coors), pairs))
        channels = module.out_channels
    return SparseEncoderCount(layers, (batch_size, channels, *shape))
