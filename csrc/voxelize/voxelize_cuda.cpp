// CUDA registration of voxelization: a kernel computes every point's cell; hard mode then groups the
// points with the sort-based ATen pipeline of voxelize_host.cpp (no dense grid, no O(N^2) search).
#ifdef WITH_CUDA
#include <c10/cuda/CUDAStream.h>
#include <c10/cuda/CUDAGuard.h>
#include <torch/library.h>

#include "voxelize/voxelize_host.h"
#include "voxelize/voxelize_kernels.cuh"

namespace bevzoo {
namespace {

void voxel_cells(const at::Tensor& points, const VoxelGrid& grid, int32_t* coors, int64_t* keys) {
  const VoxelCellsLaunch launch{points.scalar_type() == at::kDouble, points.data_ptr(), points.size(0),
                                points.size(1), grid, coors, keys};
  const cudaError_t status = launch_voxel_cells(launch, c10::cuda::getCurrentCUDAStream());
  TORCH_CHECK(status == cudaSuccess, "bevzoo.ops.voxelize: CUDA kernel failed: ", cudaGetErrorString(status));
}

at::Tensor dynamic_voxelize_cuda(const at::Tensor& points_in, at::ArrayRef<double> voxel_size,
                                 at::ArrayRef<double> point_cloud_range) {
  const VoxelGrid grid = make_voxel_grid(points_in, voxel_size, point_cloud_range);
  const c10::cuda::CUDAGuard guard(points_in.device());
  const auto points = points_in.contiguous();
  auto coors = at::empty({points.size(0), 3}, points.options().dtype(at::kInt));
  voxel_cells(points, grid, coors.data_ptr<int32_t>(), nullptr);
  return coors;
}

std::tuple<at::Tensor, at::Tensor, at::Tensor> hard_voxelize_cuda(const at::Tensor& points_in,
                                                                  at::ArrayRef<double> voxel_size,
                                                                  at::ArrayRef<double> point_cloud_range,
                                                                  int64_t max_num_points, int64_t max_voxels) {
  const VoxelGrid grid = make_voxel_grid(points_in, voxel_size, point_cloud_range);
  check_voxel_limits(max_num_points, max_voxels);
  const c10::cuda::CUDAGuard guard(points_in.device());
  const auto points = points_in.contiguous();
  auto keys = at::empty({points.size(0)}, points.options().dtype(at::kLong));
  voxel_cells(points, grid, nullptr, keys.data_ptr<int64_t>());
  return hard_voxelize_from_keys(points, keys, grid, max_num_points, max_voxels);
}

}  // namespace

TORCH_LIBRARY_IMPL(bevzoo, CUDA, m) {
  m.impl("voxelize_hard", &hard_voxelize_cuda);
  m.impl("voxelize_dynamic", &dynamic_voxelize_cuda);
}

}  // namespace bevzoo
#endif  // WITH_CUDA
