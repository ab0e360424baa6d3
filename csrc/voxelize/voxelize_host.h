// Device-independent host side of voxelization: argument checks, the mmcv grid, and a sort-based
// hard voxelization built from ATen ops (used on CUDA; the CPU has a faster single-pass kernel).
#pragma once
#include <ATen/ATen.h>

#include <tuple>

#include "voxelize/voxel_grid.cuh"

namespace bevzoo {

// Checks points [N, F >= 3] (float32/float64) and the geometry; returns mmcv's grid for it.
VoxelGrid make_voxel_grid(const at::Tensor& points, at::ArrayRef<double> voxel_size,
                          at::ArrayRef<double> point_cloud_range);

void check_voxel_limits(int64_t max_num_points, int64_t max_voxels);

// Hard voxelization from per-point cell keys ([N] int64, -1 = dropped), mmcv's semantics: voxels ordered
// by their first point, each keeping its first max_num_points points in input order, at most max_voxels.
std::tuple<at::Tensor, at::Tensor, at::Tensor> hard_voxelize_from_keys(const at::Tensor& points,
                                                                       const at::Tensor& keys,
                                                                       const VoxelGrid& grid,
                                                                       int64_t max_num_points, int64_t max_voxels);

}  // namespace bevzoo
