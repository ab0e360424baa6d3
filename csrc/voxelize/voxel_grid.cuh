// Voxel coordinates with exactly mmcv's arithmetic (torch-free: shared by the CPU and CUDA kernels).
// mmcv computes c = floor((p - range_min) / voxel_size) in the point's precision promoted with float,
// and grid sizes as round((range_max - range_min) / voxel_size) in float.
#pragma once
#include <cmath>
#include <cstdint>

#include "common/host_device.cuh"

namespace bevzoo {

struct VoxelGrid {
  float voxel_size[3];  // x, y, z
  float range_min[3];   // x, y, z
  int32_t dims[3];      // cells along x, y, z
};

BEVZOO_HOST_DEVICE inline float voxel_offset(float p, float lo, float size) {
#ifdef __CUDA_ARCH__
  return __fdiv_rn(__fsub_rn(p, lo), size);  // IEEE-rounded even under --use_fast_math, like the CPU
#else
  return (p - lo) / size;
#endif
}

BEVZOO_HOST_DEVICE inline double voxel_offset(double p, float lo, float size) { return (p - lo) / size; }

// Writes the point's (z, y, x) cell and returns true when it lies inside the grid.
template <typename T>
BEVZOO_HOST_DEVICE inline bool voxel_of(const T* point, const VoxelGrid& grid, int32_t zyx[3]) {
  for (int axis = 0; axis < 3; ++axis) {
    const auto c = floor(voxel_offset(point[axis], grid.range_min[axis], grid.voxel_size[axis]));
    if (!(c >= 0 && c < grid.dims[axis])) return false;  // also rejects NaN
    zyx[2 - axis] = static_cast<int32_t>(c);
  }
  return true;
}

// Linear cell id (z * Y + y) * X + x, or -1 outside the grid.
template <typename T>
BEVZOO_HOST_DEVICE inline int64_t voxel_key(const T* point, const VoxelGrid& grid) {
  int32_t zyx[3];
  if (!voxel_of(point, grid, zyx)) return -1;
  return (static_cast<int64_t>(zyx[0]) * grid.dims[1] + zyx[1]) * grid.dims[0] + zyx[2];
}

}  // namespace bevzoo
