#include "voxelize/voxelize_kernels.cuh"

namespace bevzoo {
namespace {

constexpr int kThreads = 256;

template <typename T>
__global__ void voxel_cells_kernel(const T* __restrict__ points, int64_t num_points, int64_t features,
                                   VoxelGrid grid, int32_t* __restrict__ coors, int64_t* __restrict__ keys) {
  const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= num_points) return;
  int32_t zyx[3];
  const bool inside = voxel_of(points + i * features, grid, zyx);
  if (coors != nullptr) {
    for (int k = 0; k < 3; ++k) coors[3 * i + k] = inside ? zyx[k] : -1;
  }
  if (keys != nullptr) {
    keys[i] = inside ? (static_cast<int64_t>(zyx[0]) * grid.dims[1] + zyx[1]) * grid.dims[0] + zyx[2] : -1;
  }
}

}  // namespace

cudaError_t launch_voxel_cells(const VoxelCellsLaunch& a, cudaStream_t stream) {
  if (a.num_points == 0) return cudaSuccess;
  const unsigned blocks = static_cast<unsigned>((a.num_points + kThreads - 1) / kThreads);
  if (a.is_double) {
    voxel_cells_kernel<<<blocks, kThreads, 0, stream>>>(static_cast<const double*>(a.points), a.num_points,
                                                        a.features, a.grid, a.coors, a.keys);
  } else {
    voxel_cells_kernel<<<blocks, kThreads, 0, stream>>>(static_cast<const float*>(a.points), a.num_points,
                                                        a.features, a.grid, a.coors, a.keys);
  }
  return cudaGetLastError();
}

}  // namespace bevzoo
