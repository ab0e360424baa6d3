// Device-independent host side of the BEV pooling ops: argument checks, output allocation and the
// mapping of forward and backward passes onto two generic kernels that each device provides.
#pragma once
#include <ATen/ATen.h>

namespace bevzoo {

// out[s, :] = sum over i in [offsets[s], offsets[s + 1]) of weights[weight_idx[i]] * table[row_idx[i], :].
// The segments form a rows x cols grid (row-major) so kernels may visit them in 2-D tiles.
// Shapes: weights [Nw], table [R, C], offsets [rows * cols + 1], weight_idx/row_idx [K] (int32),
// out [rows * cols, C]; all contiguous, on one device, table/out/weights of one floating dtype.
struct GatherSumArgs {
  at::Tensor weights, table, offsets, weight_idx, row_idx, out;
  int64_t rows, cols;
};

// out[weight_idx[i]] = <segment_rows[s, :], table[row_idx[i], :]> for every i in segment s.
// Shapes: segment_rows [S, C], table [R, C], offsets [S + 1], weight_idx/row_idx [K] (int32), out [Nw]
// (entries no segment names are left untouched). The S = rows * cols segments form a grid as above.
struct GatherDotArgs {
  at::Tensor segment_rows, table, offsets, weight_idx, row_idx, out;
  int64_t rows, cols;
};

struct BevPoolKernels {
  void (*gather_sum)(const GatherSumArgs&);
  void (*gather_dot)(const GatherDotArgs&);
};

at::Tensor bev_pool_forward(const BevPoolKernels& kernels, const at::Tensor& depth, const at::Tensor& feat,
                            const at::Tensor& cell_offsets, const at::Tensor& point_depth,
                            const at::Tensor& point_feat, const at::Tensor& pixel_offsets,
                            const at::Tensor& pixel_depth, const at::Tensor& pixel_cell,
                            at::IntArrayRef bev_shape);

at::Tensor bev_pool_depth_grad(const BevPoolKernels& kernels, const at::Tensor& grad_out, const at::Tensor& feat,
                               const at::Tensor& cell_offsets, const at::Tensor& point_depth,
                               const at::Tensor& point_feat, int64_t depth_bins);

at::Tensor bev_pool_feat_grad(const BevPoolKernels& kernels, const at::Tensor& grad_out, const at::Tensor& depth,
                              const at::Tensor& pixel_offsets, const at::Tensor& pixel_depth,
                              const at::Tensor& pixel_cell);

}  // namespace bevzoo
