#include "voxelize/voxelize_host.h"

#include <cmath>
#include <limits>

namespace bevzoo {

VoxelGrid make_voxel_grid(const at::Tensor& points, at::ArrayRef<double> voxel_size,
                          at::ArrayRef<double> point_cloud_range) {
  TORCH_CHECK(points.dim() == 2 && points.size(1) >= 3, "bevzoo.ops.voxelize: points must be [N, F] with F >= 3 "
              "(x, y, z first), got shape ", points.sizes());
  TORCH_CHECK(points.scalar_type() == at::kFloat || points.scalar_type() == at::kDouble,
              "bevzoo.ops.voxelize: points must be float32 or float64, got ", points.scalar_type());
  TORCH_CHECK(voxel_size.size() == 3, "bevzoo.ops.voxelize: voxel_size must be (x, y, z), got ", voxel_size);
  TORCH_CHECK(point_cloud_range.size() == 6, "bevzoo.ops.voxelize: point_cloud_range must be "
              "(x_min, y_min, z_min, x_max, y_max, z_max), got ", point_cloud_range);
  VoxelGrid grid{};
  int64_t cells = 1;
  for (int axis = 0; axis < 3; ++axis) {
    const float size = static_cast<float>(voxel_size[axis]);
    const float lo = static_cast<float>(point_cloud_range[axis]);
    const float hi = static_cast<float>(point_cloud_range[axis + 3]);
    TORCH_CHECK(size > 0 && hi > lo, "bevzoo.ops.voxelize: axis ", axis, " needs voxel_size > 0 and max > min, got "
                "voxel_size ", voxel_size, " and point_cloud_range ", point_cloud_range);
    const float dim = std::round((hi - lo) / size);  // float arithmetic, as mmcv
    TORCH_CHECK(dim >= 1 && dim <= std::numeric_limits<int32_t>::max(), "bevzoo.ops.voxelize: axis ", axis,
                " has ", dim, " voxels; it needs between 1 and 2^31 - 1");
    grid.voxel_size[axis] = size;
    grid.range_min[axis] = lo;
    grid.dims[axis] = static_cast<int32_t>(dim);
    cells *= grid.dims[axis];
  }
  TORCH_CHECK(cells <= std::numeric_limits<int32_t>::max(), "bevzoo.ops.voxelize: the grid holds ", cells,
              " voxels, more than the int32 voxel coordinates allow; use a larger voxel_size or a smaller range");
  return grid;
}

void check_voxel_limits(int64_t max_num_points, int64_t max_voxels) {
  TORCH_CHECK(max_num_points > 0 && max_voxels > 0, "bevzoo.ops.voxelize: hard voxelization needs max_num_points "
              "> 0 and max_voxels > 0 (use dynamic_voxelize for -1), got ", max_num_points, " and ", max_voxels);
  TORCH_CHECK(max_voxels <= std::numeric_limits<int32_t>::max(), "bevzoo.ops.voxelize: max_voxels ", max_voxels,
              " overflows int32");
}

namespace {

// (z, y, x) int32 rows of linear cell keys.
at::Tensor decode_keys(const at::Tensor& keys, const VoxelGrid& grid) {
  const auto x = keys.remainder(grid.dims[0]);
  const auto y = keys.div(grid.dims[0], "floor").remainder(grid.dims[1]);
  const auto z = keys.div(static_cast<int64_t>(grid.dims[0]) * grid.dims[1], "floor");
  return at::stack({z, y, x}, 1).to(at::kInt);
}

}  // namespace

std::tuple<at::Tensor, at::Tensor, at::Tensor> hard_voxelize_from_keys(const at::Tensor& points,
                                                                       const at::Tensor& keys,
                                                                       const VoxelGrid& grid,
                                                                       int64_t max_num_points, int64_t max_voxels) {
  const auto long_opts = keys.options().dtype(at::kLong);
  const auto inside = at::nonzero(keys >= 0).squeeze(1);  // input order
  const auto [sorted_keys, order] = at::sort(keys.index_select(0, inside), /*stable=*/true, 0, false);
  const int64_t kept = sorted_keys.numel();
  auto is_start = at::ones({kept}, keys.options().dtype(at::kBool));
  if (kept > 1) is_start.slice(0, 1).copy_(sorted_keys.slice(0, 1) != sorted_keys.slice(0, 0, kept - 1));
  const auto starts = at::nonzero(is_start).squeeze(1);
  const int64_t segments = starts.numel();
  const auto segment_of = at::cumsum(is_start, 0) - 1;

  // A stable sort keeps each voxel's points in input order, so its first point opens the segment.
  const auto first_point = inside.index_select(0, order.index_select(0, starts));
  auto rank = at::empty({segments}, long_opts);
  rank.index_put_({at::argsort(first_point)}, at::arange(segments, long_opts));
  const int64_t voxels_kept = std::min(segments, max_voxels);

  const auto slot = at::arange(kept, long_opts) - starts.index_select(0, segment_of);
  const auto point_rank = rank.index_select(0, segment_of);
  const auto take = at::nonzero((point_rank < voxels_kept) & (slot < max_num_points)).squeeze(1);
  auto voxels = at::zeros({voxels_kept, max_num_points, points.size(1)}, points.options());
  voxels.index_put_({point_rank.index_select(0, take), slot.index_select(0, take)},
                    points.index_select(0, inside.index_select(0, order.index_select(0, take))));

  const auto lengths = at::diff(starts, 1, 0, {}, at::full({1}, kept, long_opts));
  const auto kept_segments = at::nonzero(rank < voxels_kept).squeeze(1);
  const auto kept_rank = rank.index_select(0, kept_segments);
  auto num_points = at::zeros({voxels_kept}, keys.options().dtype(at::kInt));
  num_points.index_put_({kept_rank}, lengths.index_select(0, kept_segments).clamp_max(max_num_points).to(at::kInt));
  auto coors = at::zeros({voxels_kept, 3}, keys.options().dtype(at::kInt));
  coors.index_put_({kept_rank}, decode_keys(sorted_keys.index_select(0, starts.index_select(0, kept_segments)), grid));
  return {voxels, coors, num_points};
}

}  // namespace bevzoo
