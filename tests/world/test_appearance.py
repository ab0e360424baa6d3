"""Class pairs with overlapping sizes differ only in appearance: same shapes and LiDAR intensity,
different camera colours."""
import numpy as np
import pytest

from bevzoo.world.actors import KINDS, build_parts
from bevzoo.world.materials import material_arrays, material_index


@pytest.mark.parametrize('first, second', [('truck', 'construction'), ('bicycle', 'motorcycle')])
def test_paired_classes_differ_only_in_colour(first, second):
    a, b = KINDS[first], KINDS[second]
    assert a.size_mean == b.size_mean and a.size_std == b.size_std and a.shape == b.shape
    size = np.array(a.size_mean)
    parts_a = np.array(build_parts(a, size, np.random.default_rng(0)), np.float64)
    parts_b = np.array(build_parts(b, size, np.random.default_rng(0)), np.float64)
    np.testing.assert_allclose(parts_a[:, :7], parts_b[:, :7])  # same geometry
    materials = material_arrays()
    intensity = materials['intensity']
    assert set(intensity[parts_a[:, 7].astype(int)]) == set(intensity[parts_b[:, 7].astype(int)])
    colors_a = {tuple(materials['color'][m]) for p in a.paints for m in _indices(p)}
    colors_b = {tuple(materials['color'][m]) for p in b.paints for m in _indices(p)}
    assert not colors_a & colors_b


def _indices(paint: tuple) -> list:
    return [material_index(name) for name in paint]
