// Torch-free interface of the CUDA voxelization kernel (raw pointers, sizes, a stream).
#pragma once
#include <cuda_runtime_api.h>

#include <cstdint>

#include "voxelize/voxel_grid.cuh"

namespace bevzoo {

// Per point of points [num_points, features] (float32, or float64 when is_double): writes its (z, y, x)
// cell or -1s to coors [num_points, 3] and/or its linear cell key or -1 to keys [num_points]; either may be null.
struct VoxelCellsLaunch {
  bool is_double;
  const void* points;
  int64_t num_points, features;
  VoxelGrid grid;
  int32_t* coors;
  int64_t* keys;
};

cudaError_t launch_voxel_cells(const VoxelCellsLaunch& args, cudaStream_t stream);

}  // namespace bevzoo
