// CPU voxelization. Hard mode replaces mmcv's dense whole-volume lookup grid by a radix sort of the
// points' cell keys: O(N) memory and passes that stay in cache, identical output.
#include <ATen/Dispatch.h>
#include <ATen/Parallel.h>
#include <torch/library.h>

#include <algorithm>
#include <limits>
#include <utility>
#include <vector>

#include "voxelize/voxelize_host.h"

namespace bevzoo {
namespace {

constexpr int64_t kPointsPerTask = 4096;
constexpr int kRadixBits = 11;

template <typename scalar_t, typename Fn>
void for_each_point_cell(const at::Tensor& points, const VoxelGrid& grid, const Fn& fn) {
  const scalar_t* data = points.data_ptr<scalar_t>();
  const int64_t features = points.size(1);
  at::parallel_for(0, points.size(0), kPointsPerTask, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) fn(i, data + i * features);
  });
}

at::Tensor dynamic_voxelize_cpu(const at::Tensor& points_in, at::ArrayRef<double> voxel_size,
                                at::ArrayRef<double> point_cloud_range) {
  const VoxelGrid grid = make_voxel_grid(points_in, voxel_size, point_cloud_range);
  TORCH_CHECK(points_in.device().is_cpu(), "bevzoo.ops.voxelize: CPU kernel got points on ", points_in.device());
  const auto points = points_in.contiguous();
  auto coors = at::empty({points.size(0), 3}, points.options().dtype(at::kInt));
  int32_t* out = coors.data_ptr<int32_t>();
  AT_DISPATCH_FLOATING_TYPES(points.scalar_type(), "bevzoo_dynamic_voxelize_cpu", [&] {
    for_each_point_cell<scalar_t>(points, grid, [&](int64_t i, const scalar_t* p) {
      int32_t* zyx = out + 3 * i;
      if (!voxel_of(p, grid, zyx)) zyx[0] = zyx[1] = zyx[2] = -1;
    });
  });
  return coors;
}

// Entries (key << 32 | point) of the points inside the grid, stably sorted by key (LSD radix sort).
std::vector<uint64_t> sorted_cell_entries(const std::vector<int64_t>& keys, const VoxelGrid& grid) {
  std::vector<uint64_t> entries, scratch;
  entries.reserve(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    if (keys[i] >= 0) entries.push_back(static_cast<uint64_t>(keys[i]) << 32 | static_cast<uint64_t>(i));
  }
  scratch.resize(entries.size());
  const uint64_t cells = static_cast<uint64_t>(grid.dims[0]) * grid.dims[1] * grid.dims[2];
  std::vector<size_t> bucket_start(size_t{1} << kRadixBits);
  for (int shift = 32; (cells - 1) >> (shift - 32) > 0; shift += kRadixBits) {
    std::fill(bucket_start.begin(), bucket_start.end(), 0);
    const uint64_t mask = (uint64_t{1} << kRadixBits) - 1;
    for (uint64_t e : entries) ++bucket_start[(e >> shift) & mask];
    size_t total = 0;
    for (auto& start : bucket_start) total += std::exchange(start, total);
    for (uint64_t e : entries) scratch[bucket_start[(e >> shift) & mask]++] = e;
    entries.swap(scratch);
  }
  return entries;
}

template <typename scalar_t>
std::tuple<at::Tensor, at::Tensor, at::Tensor> hard_voxelize_kernel(const at::Tensor& points, const VoxelGrid& grid,
                                                                    int64_t max_num_points, int64_t max_voxels) {
  const int64_t num_points = points.size(0), features = points.size(1);
  std::vector<int64_t> keys(num_points);
  for_each_point_cell<scalar_t>(points, grid, [&](int64_t i, const scalar_t* p) { keys[i] = voxel_key(p, grid); });
  const std::vector<uint64_t> entries = sorted_cell_entries(keys, grid);
  const auto point_of = [&](size_t j) { return static_cast<int64_t>(entries[j] & 0xffffffffu); };

  // Segments of equal key; stability makes a segment's first entry its voxel's first point.
  std::vector<int64_t> segment_start;
  std::vector<int32_t> segment_opened_by(num_points, -1);
  for (size_t j = 0; j < entries.size(); ++j) {
    if (j == 0 || entries[j] >> 32 != entries[j - 1] >> 32) {
      segment_opened_by[point_of(j)] = static_cast<int32_t>(segment_start.size());
      segment_start.push_back(static_cast<int64_t>(j));
    }
  }
  const int64_t segments = static_cast<int64_t>(segment_start.size());
  segment_start.push_back(static_cast<int64_t>(entries.size()));
  std::vector<int64_t> rank(segments);  // voxel index = order of first appearance
  int64_t next_rank = 0;
  for (int32_t segment : segment_opened_by) {
    if (segment >= 0) rank[segment] = next_rank++;
  }

  const int64_t voxel_count = std::min(segments, max_voxels);
  // Every kept voxel's rows are written below (points, then zero padding): one pass over the output.
  auto voxels = at::empty({voxel_count, max_num_points, features}, points.options());
  auto coors = at::empty({voxel_count, 3}, points.options().dtype(at::kInt));
  auto counts = at::empty({voxel_count}, points.options().dtype(at::kInt));
  const scalar_t* src = points.data_ptr<scalar_t>();
  scalar_t* dst = voxels.data_ptr<scalar_t>();
  int32_t* coor = coors.data_ptr<int32_t>();
  int32_t* count = counts.data_ptr<int32_t>();
  at::parallel_for(0, segments, kPointsPerTask / 8, [&](int64_t begin, int64_t end) {
    for (int64_t s = begin; s < end; ++s) {
      const int64_t v = rank[s];
      if (v >= voxel_count) continue;
      const int64_t first = segment_start[s];
      const int64_t taken = std::min(segment_start[s + 1] - first, max_num_points);
      count[v] = static_cast<int32_t>(taken);
      voxel_of(src + point_of(first) * features, grid, coor + 3 * v);
      scalar_t* voxel = dst + v * max_num_points * features;
      for (int64_t j = 0; j < taken; ++j) {
        std::copy_n(src + point_of(first + j) * features, features, voxel + j * features);
      }
      std::fill(voxel + taken * features, voxel + max_num_points * features, scalar_t(0));
    }
  });
  return {voxels, coors, counts};
}

std::tuple<at::Tensor, at::Tensor, at::Tensor> hard_voxelize_cpu(const at::Tensor& points_in,
                                                                 at::ArrayRef<double> voxel_size,
                                                                 at::ArrayRef<double> point_cloud_range,
                                                                 int64_t max_num_points, int64_t max_voxels) {
  const VoxelGrid grid = make_voxel_grid(points_in, voxel_size, point_cloud_range);
  check_voxel_limits(max_num_points, max_voxels);
  TORCH_CHECK(points_in.device().is_cpu(), "bevzoo.ops.voxelize: CPU kernel got points on ", points_in.device());
  TORCH_CHECK(points_in.size(0) <= std::numeric_limits<int32_t>::max(), "bevzoo.ops.voxelize: ",
              points_in.size(0), " points overflow the int32 point indices");
  const auto points = points_in.contiguous();
  return AT_DISPATCH_FLOATING_TYPES(points.scalar_type(), "bevzoo_hard_voxelize_cpu", [&] {
    return hard_voxelize_kernel<scalar_t>(points, grid, max_num_points, max_voxels);
  });
}

}  // namespace

TORCH_LIBRARY_IMPL(bevzoo, CPU, m) {
  m.impl("voxelize_hard", &hard_voxelize_cpu);
  m.impl("voxelize_dynamic", &dynamic_voxelize_cpu);
}

}  // namespace bevzoo
