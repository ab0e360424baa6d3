// CPU construction of the BEV pooling index with two stable counting sorts (by BEV cell and by feature
// pixel): O(points + cells) work instead of comparison sorts, same result as the sort-based Python path.
#include <ATen/ATen.h>
#include <ATen/Dispatch.h>
#include <ATen/Parallel.h>
#include <torch/library.h>

#include <limits>
#include <tuple>
#include <vector>

namespace bevzoo {
namespace {

using IndexTensors = std::tuple<at::Tensor, at::Tensor, at::Tensor, at::Tensor, at::Tensor, at::Tensor>;

// Exclusive prefix sum of counts into a new [counts.size() + 1] int32 tensor.
at::Tensor csr_offsets(const std::vector<int32_t>& counts) {
  auto offsets = at::empty({static_cast<int64_t>(counts.size()) + 1}, at::kInt);
  int32_t* out = offsets.data_ptr<int32_t>();
  int32_t total = 0;
  for (size_t k = 0; k < counts.size(); ++k) {
    out[k] = total;
    total += counts[k];
  }
  out[counts.size()] = total;
  return offsets;
}

template <typename index_t>
std::vector<int32_t> cells_of_points(const at::Tensor& coords, at::IntArrayRef bev_shape, int64_t points_per_batch) {
  const int64_t Z = bev_shape[0], Y = bev_shape[1], X = bev_shape[2];
  const index_t* xyz = coords.data_ptr<index_t>();
  std::vector<int32_t> cell(coords.numel() / 3);
  at::parallel_for(0, static_cast<int64_t>(cell.size()), 1 << 14, [&](int64_t begin, int64_t end) {
    for (int64_t p = begin; p < end; ++p) {
      const int64_t x = xyz[3 * p], y = xyz[3 * p + 1], z = xyz[3 * p + 2];
      const bool inside = x >= 0 && x < X && y >= 0 && y < Y && z >= 0 && z < Z;
      cell[p] = inside ? static_cast<int32_t>(((p / points_per_batch * Z + z) * Y + y) * X + x) : -1;
    }
  });
  return cell;
}

IndexTensors bev_pool_index_cpu(const at::Tensor& coords_in, at::IntArrayRef bev_shape) {
  TORCH_CHECK(coords_in.dim() == 6 && coords_in.size(5) == 3, "bevzoo.ops.bev_pool_prepare: coords must be "
              "[B, N, D, H, W, 3], got ", coords_in.sizes());
  TORCH_CHECK(coords_in.scalar_type() == at::kInt || coords_in.scalar_type() == at::kLong,
              "bevzoo.ops.bev_pool_prepare: coords must be int32 or int64, got ", coords_in.scalar_type());
  TORCH_CHECK(bev_shape.size() == 3 && bev_shape[0] > 0 && bev_shape[1] > 0 && bev_shape[2] > 0,
              "bevzoo.ops.bev_pool_prepare: bev_shape must be three positive sizes (Z, Y, X), got ", bev_shape);
  const int64_t B = coords_in.size(0), N = coords_in.size(1), D = coords_in.size(2), H = coords_in.size(3),
                W = coords_in.size(4);
  const int64_t cells = B * bev_shape[0] * bev_shape[1] * bev_shape[2], points = B * N * D * H * W;
  TORCH_CHECK(points <= std::numeric_limits<int32_t>::max() && cells < std::numeric_limits<int32_t>::max(),
              "bevzoo.ops.bev_pool_prepare: ", points, " points or ", cells, " cells overflow the int32 indices");
  const auto coords = coords_in.contiguous();
  const std::vector<int32_t> cell = AT_DISPATCH_INDEX_TYPES(coords.scalar_type(), "bevzoo_bev_pool_index", [&] {
    return cells_of_points<index_t>(coords, bev_shape, N * D * H * W);
  });
  const auto pixel_of = [&](int64_t p) { return static_cast<int32_t>(p / (D * H * W) * (H * W) + p % (H * W)); };

  std::vector<int32_t> cell_count(cells, 0), pixel_count(B * N * H * W, 0);
  for (int64_t p = 0; p < points; ++p) {
    if (cell[p] < 0) continue;
    ++cell_count[cell[p]];
    ++pixel_count[pixel_of(p)];
  }
  const auto cell_offsets = csr_offsets(cell_count), pixel_offsets = csr_offsets(pixel_count);
  const int64_t kept = cell_offsets.data_ptr<int32_t>()[cells];
  auto point_depth = at::empty({kept}, at::kInt), point_feat = at::empty({kept}, at::kInt);
  auto pixel_depth = at::empty({kept}, at::kInt), pixel_cell = at::empty({kept}, at::kInt);
  // Stable scatters in ascending point order, so each group lists its points in ascending order.
  std::vector<int32_t> cell_next(cell_offsets.data_ptr<int32_t>(), cell_offsets.data_ptr<int32_t>() + cells);
  std::vector<int32_t> pixel_next(pixel_offsets.data_ptr<int32_t>(),
                                  pixel_offsets.data_ptr<int32_t>() + pixel_count.size());
  int32_t *pd = point_depth.data_ptr<int32_t>(), *pf = point_feat.data_ptr<int32_t>();
  int32_t *xd = pixel_depth.data_ptr<int32_t>(), *xc = pixel_cell.data_ptr<int32_t>();
  for (int64_t p = 0; p < points; ++p) {
    if (cell[p] < 0) continue;
    const int32_t pixel = pixel_of(p);
    const int32_t at_cell = cell_next[cell[p]]++, at_pixel = pixel_next[pixel]++;
    pd[at_cell] = static_cast<int32_t>(p);
    pf[at_cell] = pixel;
    xd[at_pixel] = static_cast<int32_t>(p);
    xc[at_pixel] = cell[p];
  }
  return {cell_offsets, point_depth, point_feat, pixel_offsets, pixel_depth, pixel_cell};
}

}  // namespace

TORCH_LIBRARY_IMPL(bevzoo, CPU, m) { m.impl("bev_pool_index", &bev_pool_index_cpu); }

}  // namespace bevzoo
