#include "bev_pool/bev_pool_host.h"

#include <limits>

namespace bevzoo {
namespace {

constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();

void check_data(const at::Tensor& t, const char* name, int64_t dim, const at::Tensor& like) {
  TORCH_CHECK(t.dim() == dim, "bevzoo.ops.bev_pool: ", name, " must have ", dim, " dimensions, got shape ",
              t.sizes());
  TORCH_CHECK(at::isFloatingType(t.scalar_type()), "bevzoo.ops.bev_pool: ", name,
              " must be a floating-point tensor, got ", t.scalar_type());
  TORCH_CHECK(t.scalar_type() == like.scalar_type(), "bevzoo.ops.bev_pool: ", name, " has dtype ",
              t.scalar_type(), " but the other input has ", like.scalar_type());
  TORCH_CHECK(t.device() == like.device(), "bevzoo.ops.bev_pool: ", name, " is on ", t.device(),
              " but the other input is on ", like.device());
}

void check_index(const at::Tensor& t, const char* name, const at::Tensor& data, int64_t numel) {
  TORCH_CHECK(t.scalar_type() == at::kInt && t.dim() == 1 && t.is_contiguous(), "bevzoo.ops.bev_pool: index tensor ",
              name, " must be a contiguous 1-D int32 tensor (build it with bev_pool_prepare), got ",
              t.scalar_type(), " of shape ", t.sizes());
  TORCH_CHECK(t.device() == data.device(), "bevzoo.ops.bev_pool: index tensor ", name, " is on ", t.device(),
              " but the features are on ", data.device(), "; move the index with BevPoolIndex.to(device)");
  TORCH_CHECK(numel < 0 || t.numel() == numel, "bevzoo.ops.bev_pool: index tensor ", name, " has ", t.numel(),
              " entries but these inputs need ", numel, ": the index was built for other shapes");
}

void check_fits_int32(int64_t count, const char* what) {
  TORCH_CHECK(count <= kInt32Max, "bevzoo.ops.bev_pool: ", what, " (", count,
              ") overflows the int32 indices; split the batch");
}

// grad_out [B, C, Z, Y, X] (any strides) as contiguous cell rows [B * Z * Y * X, C].
at::Tensor cell_rows(const at::Tensor& grad_out) {
  TORCH_CHECK(grad_out.dim() == 5, "bevzoo.ops.bev_pool: grad_out must be [B, C, Z, Y, X], got ", grad_out.sizes());
  return grad_out.permute({0, 2, 3, 4, 1}).contiguous().view({-1, grad_out.size(1)});
}

}  // namespace

at::Tensor bev_pool_forward(const BevPoolKernels& kernels, const at::Tensor& depth, const at::Tensor& feat,
                            const at::Tensor& cell_offsets, const at::Tensor& point_depth,
                            const at::Tensor& point_feat, const at::Tensor& pixel_offsets,
                            const at::Tensor& pixel_depth, const at::Tensor& pixel_cell,
                            at::IntArrayRef bev_shape) {
  check_data(depth, "depth [B, N, D, H, W]", 5, depth);
  check_data(feat, "feat [B, N, H, W, C]", 5, depth);
  const int64_t B = depth.size(0), N = depth.size(1), H = depth.size(3), W = depth.size(4), C = feat.size(4);
  TORCH_CHECK(feat.size(0) == B && feat.size(1) == N && feat.size(2) == H && feat.size(3) == W,
              "bevzoo.ops.bev_pool: feat ", feat.sizes(), " must be [B, N, H, W, C] for depth ", depth.sizes());
  TORCH_CHECK(bev_shape.size() == 3 && bev_shape[0] > 0 && bev_shape[1] > 0 && bev_shape[2] > 0,
              "bevzoo.ops.bev_pool: bev_shape must be three positive sizes (Z, Y, X), got ", bev_shape);
  const int64_t cells = B * bev_shape[0] * bev_shape[1] * bev_shape[2];
  check_fits_int32(depth.numel(), "the number of frustum points");
  check_fits_int32(cells + 1, "the number of BEV cells");
  check_index(cell_offsets, "cell_offsets", depth, cells + 1);
  check_index(point_depth, "point_depth", depth, -1);
  check_index(point_feat, "point_feat", depth, point_depth.numel());
  check_index(pixel_offsets, "pixel_offsets", depth, B * N * H * W + 1);
  check_index(pixel_depth, "pixel_depth", depth, point_depth.numel());
  check_index(pixel_cell, "pixel_cell", depth, point_depth.numel());
  TORCH_CHECK(point_depth.numel() <= depth.numel(), "bevzoo.ops.bev_pool: the index holds ", point_depth.numel(),
              " points but depth only ", depth.numel(), ": the index was built for other shapes");

  auto out = at::empty({B, bev_shape[0], bev_shape[1], bev_shape[2], C}, depth.options());
  if (C > 0) {
    kernels.gather_sum({depth.contiguous().view(-1), feat.contiguous().view({-1, C}), cell_offsets, point_depth,
                        point_feat, out.view({-1, C}), B * bev_shape[0] * bev_shape[1], bev_shape[2]});
  }
  return out.permute({0, 4, 1, 2, 3});  // [B, C, Z, Y, X], channels-last in memory
}

at::Tensor bev_pool_depth_grad(const BevPoolKernels& kernels, const at::Tensor& grad_out, const at::Tensor& feat,
                               const at::Tensor& cell_offsets, const at::Tensor& point_depth,
                               const at::Tensor& point_feat, int64_t depth_bins) {
  check_data(feat, "feat [B, N, H, W, C]", 5, feat);
  check_data(grad_out, "grad_out [B, C, Z, Y, X]", 5, feat);
  TORCH_CHECK(depth_bins >= 0, "bevzoo.ops.bev_pool: depth_bins must be >= 0, got ", depth_bins);
  const int64_t B = feat.size(0), N = feat.size(1), H = feat.size(2), W = feat.size(3), C = feat.size(4);
  TORCH_CHECK(grad_out.size(0) == B && grad_out.size(1) == C, "bevzoo.ops.bev_pool: grad_out ", grad_out.sizes(),
              " does not match feat ", feat.sizes());
  const int64_t cells = B * grad_out.size(2) * grad_out.size(3) * grad_out.size(4);
  check_index(cell_offsets, "cell_offsets", feat, cells + 1);
  check_index(point_depth, "point_depth", feat, -1);
  check_index(point_feat, "point_feat", feat, point_depth.numel());

  auto grad_depth = at::zeros({B, N, depth_bins, H, W}, feat.options());
  if (C > 0) {
    kernels.gather_dot({cell_rows(grad_out), feat.contiguous().view({-1, C}), cell_offsets, point_depth, point_feat,
                        grad_depth.view(-1), B * grad_out.size(2) * grad_out.size(3), grad_out.size(4)});
  }
  return grad_depth;
}

at::Tensor bev_pool_feat_grad(const BevPoolKernels& kernels, const at::Tensor& grad_out, const at::Tensor& depth,
                              const at::Tensor& pixel_offsets, const at::Tensor& pixel_depth,
                              const at::Tensor& pixel_cell) {
  check_data(depth, "depth [B, N, D, H, W]", 5, depth);
  check_data(grad_out, "grad_out [B, C, Z, Y, X]", 5, depth);
  const int64_t B = depth.size(0), N = depth.size(1), H = depth.size(3), W = depth.size(4), C = grad_out.size(1);
  TORCH_CHECK(grad_out.size(0) == B, "bevzoo.ops.bev_pool: grad_out ", grad_out.sizes(), " does not match depth ",
              depth.sizes());
  check_index(pixel_offsets, "pixel_offsets", depth, B * N * H * W + 1);
  check_index(pixel_depth, "pixel_depth", depth, -1);
  check_index(pixel_cell, "pixel_cell", depth, pixel_depth.numel());

  auto grad_feat = at::empty({B, N, H, W, C}, depth.options());
  if (C > 0) {
    kernels.gather_sum({depth.contiguous().view(-1), cell_rows(grad_out), pixel_offsets, pixel_depth, pixel_cell,
                        grad_feat.view({-1, C}), B * N * H, W});
  }
  return grad_feat;
}

}  // namespace bevzoo
