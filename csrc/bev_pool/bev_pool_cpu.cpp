// CPU kernels of the BEV pooling ops. Every output row (a BEV cell, a feature pixel, a frustum point) is
// written by exactly one task, in a fixed order, so results are deterministic without atomics.
#include <ATen/Dispatch.h>
#include <ATen/OpMathType.h>
#include <ATen/Parallel.h>
#include <torch/library.h>

#include <vector>

#include "bev_pool/bev_pool_host.h"

namespace bevzoo {
namespace {

constexpr int64_t kSegmentsPerTask = 64;
constexpr int32_t kPrefetchDistance = 8;  // entries ahead: hides the latency of the random row gathers
constexpr int64_t kCacheLine = 64;

// Asks for a table row before it is needed.
template <typename scalar_t>
inline void prefetch_row(const scalar_t* table, int32_t row, int64_t channels) {
  const char* start = reinterpret_cast<const char*>(table + static_cast<int64_t>(row) * channels);
  for (int64_t byte = 0; byte < channels * static_cast<int64_t>(sizeof(scalar_t)); byte += kCacheLine) {
    __builtin_prefetch(start + byte);
  }
}

template <typename scalar_t>
void gather_sum_kernel(const GatherSumArgs& a) {
  using acc_t = at::opmath_type<scalar_t>;
  const int64_t channels = a.table.size(1);
  const scalar_t* weights = a.weights.data_ptr<scalar_t>();
  const scalar_t* table = a.table.data_ptr<scalar_t>();
  const int32_t* offsets = a.offsets.data_ptr<int32_t>();
  const int32_t* weight_idx = a.weight_idx.data_ptr<int32_t>();
  const int32_t* row_idx = a.row_idx.data_ptr<int32_t>();
  scalar_t* out = a.out.data_ptr<scalar_t>();
  const int32_t total = static_cast<int32_t>(a.row_idx.numel());
  at::parallel_for(0, a.rows * a.cols, kSegmentsPerTask, [&](int64_t begin, int64_t end) {
    std::vector<acc_t> buffer(channels);
    acc_t* __restrict__ acc = buffer.data();
    for (int64_t s = begin; s < end; ++s) {
      std::fill_n(acc, channels, acc_t(0));
      for (int32_t i = offsets[s]; i < offsets[s + 1]; ++i) {
        if (i + kPrefetchDistance < total) {
          __builtin_prefetch(weights + weight_idx[i + kPrefetchDistance]);
          prefetch_row(table, row_idx[i + kPrefetchDistance], channels);
        }
        const acc_t w = static_cast<acc_t>(weights[weight_idx[i]]);
        const scalar_t* __restrict__ row = table + static_cast<int64_t>(row_idx[i]) * channels;
#pragma omp simd
        for (int64_t c = 0; c < channels; ++c) acc[c] += w * static_cast<acc_t>(row[c]);
      }
      scalar_t* __restrict__ dst = out + s * channels;
#pragma omp simd
      for (int64_t c = 0; c < channels; ++c) dst[c] = static_cast<scalar_t>(acc[c]);
    }
  });
}

template <typename scalar_t>
void gather_dot_kernel(const GatherDotArgs& a) {
  using acc_t = at::opmath_type<scalar_t>;
  const int64_t channels = a.table.size(1);
  const scalar_t* segment_rows = a.segment_rows.data_ptr<scalar_t>();
  const scalar_t* table = a.table.data_ptr<scalar_t>();
  const int32_t* offsets = a.offsets.data_ptr<int32_t>();
  const int32_t* weight_idx = a.weight_idx.data_ptr<int32_t>();
  const int32_t* row_idx = a.row_idx.data_ptr<int32_t>();
  scalar_t* out = a.out.data_ptr<scalar_t>();
  const int32_t total = static_cast<int32_t>(a.row_idx.numel());
  at::parallel_for(0, a.offsets.numel() - 1, kSegmentsPerTask, [&](int64_t begin, int64_t end) {
    for (int64_t s = begin; s < end; ++s) {
      const scalar_t* lhs = segment_rows + s * channels;
      for (int32_t i = offsets[s]; i < offsets[s + 1]; ++i) {
        if (i + kPrefetchDistance < total) prefetch_row(table, row_idx[i + kPrefetchDistance], channels);
        const scalar_t* rhs = table + static_cast<int64_t>(row_idx[i]) * channels;
        acc_t dot = 0;
#pragma omp simd reduction(+ : dot)
        for (int64_t c = 0; c < channels; ++c) dot += static_cast<acc_t>(lhs[c]) * static_cast<acc_t>(rhs[c]);
        out[weight_idx[i]] = static_cast<scalar_t>(dot);
      }
    }
  });
}

void gather_sum_cpu(const GatherSumArgs& a) {
  AT_DISPATCH_FLOATING_TYPES_AND2(at::kHalf, at::kBFloat16, a.table.scalar_type(), "bevzoo_gather_sum_cpu",
                                  [&] { gather_sum_kernel<scalar_t>(a); });
}

void gather_dot_cpu(const GatherDotArgs& a) {
  AT_DISPATCH_FLOATING_TYPES_AND2(at::kHalf, at::kBFloat16, a.table.scalar_type(), "bevzoo_gather_dot_cpu",
                                  [&] { gather_dot_kernel<scalar_t>(a); });
}

const BevPoolKernels kCpuKernels{gather_sum_cpu, gather_dot_cpu};

at::Tensor forward_cpu(const at::Tensor& depth, const at::Tensor& feat, const at::Tensor& cell_offsets,
                       const at::Tensor& point_depth, const at::Tensor& point_feat, const at::Tensor& pixel_offsets,
                       const at::Tensor& pixel_depth, const at::Tensor& pixel_cell, at::IntArrayRef bev_shape) {
  return bev_pool_forward(kCpuKernels, depth, feat, cell_offsets, point_depth, point_feat, pixel_offsets,
                          pixel_depth, pixel_cell, bev_shape);
}

at::Tensor depth_grad_cpu(const at::Tensor& grad_out, const at::Tensor& feat, const at::Tensor& cell_offsets,
                          const at::Tensor& point_depth, const at::Tensor& point_feat, int64_t depth_bins) {
  return bev_pool_depth_grad(kCpuKernels, grad_out, feat, cell_offsets, point_depth, point_feat, depth_bins);
}

at::Tensor feat_grad_cpu(const at::Tensor& grad_out, const at::Tensor& depth, const at::Tensor& pixel_offsets,
                         const at::Tensor& pixel_depth, const at::Tensor& pixel_cell) {
  return bev_pool_feat_grad(kCpuKernels, grad_out, depth, pixel_offsets, pixel_depth, pixel_cell);
}

}  // namespace

TORCH_LIBRARY_IMPL(bevzoo, CPU, m) {
  m.impl("bev_pool_forward", &forward_cpu);
  m.impl("bev_pool_depth_grad", &depth_grad_cpu);
  m.impl("bev_pool_feat_grad", &feat_grad_cpu);
}

}  // namespace bevzoo
