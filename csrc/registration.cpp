// The schema of every bevzoo op, declared once. Kernels register per device in
// bev_pool/*.cpp and voxelize/*.cpp; fake and autograd implementations live in
// projects/bevzoo/ops/.
#include <torch/library.h>

TORCH_LIBRARY(bevzoo, m) {
  // The CSR index of bevzoo.ops.BevPoolIndex from integer (x, y, z) cells [B, N, D, H, W, 3] (CPU kernel;
  // other devices use the sort-based Python path): (cell_offsets, point_depth, point_feat, pixel_offsets,
  // pixel_depth, pixel_cell), all int32.
  m.def("bev_pool_index(Tensor coords, int[] bev_shape) -> (Tensor, Tensor, Tensor, Tensor, Tensor, Tensor)");
  // out[b, c, z, y, x] = sum over the cell's points of depth[point] * feat[pixel(point), c].
  // Index tensors come from bevzoo.ops.bev_pool_prepare; the output is channels-last in memory.
  m.def(
      "bev_pool_forward(Tensor depth, Tensor feat, Tensor cell_offsets, Tensor point_depth, "
      "Tensor point_feat, Tensor pixel_offsets, Tensor pixel_depth, Tensor pixel_cell, "
      "int[] bev_shape) -> Tensor");
  // d loss / d depth[point] = <grad_out[cell(point), :], feat[pixel(point), :]>.
  m.def(
      "bev_pool_depth_grad(Tensor grad_out, Tensor feat, Tensor cell_offsets, Tensor point_depth, "
      "Tensor point_feat, int depth_bins) -> Tensor");
  // d loss / d feat[pixel, c] = sum over the pixel's points of depth[point] * grad_out[cell(point), c].
  m.def(
      "bev_pool_feat_grad(Tensor grad_out, Tensor depth, Tensor pixel_offsets, Tensor pixel_depth, "
      "Tensor pixel_cell) -> Tensor");
  // mmcv-identical deterministic hard voxelization: (voxels [M, P, F], coors [M, 3] zyx, num_points [M]).
  m.def(
      "voxelize_hard(Tensor points, float[] voxel_size, float[] point_cloud_range, int max_num_points, "
      "int max_voxels) -> (Tensor, Tensor, Tensor)");
  // Per-point (z, y, x) voxel coordinate, -1 rows outside the range.
  m.def("voxelize_dynamic(Tensor points, float[] voxel_size, float[] point_cloud_range) -> Tensor");
}
