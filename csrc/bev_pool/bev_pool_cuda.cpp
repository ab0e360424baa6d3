// CUDA registration of the BEV pooling ops: the shared host code plus the launchers of bev_pool_kernels.cu,
// run on the current stream of the inputs' device.
#ifdef WITH_CUDA
#include <c10/cuda/CUDAStream.h>
#include <c10/cuda/CUDAGuard.h>
#include <torch/library.h>

#include "bev_pool/bev_pool_host.h"
#include "bev_pool/bev_pool_kernels.cuh"

namespace bevzoo {
namespace {

ScalarKind scalar_kind(const at::Tensor& t) {
  switch (t.scalar_type()) {
    case at::kFloat: return ScalarKind::kFloat32;
    case at::kDouble: return ScalarKind::kFloat64;
    case at::kHalf: return ScalarKind::kFloat16;
    case at::kBFloat16: return ScalarKind::kBFloat16;
    default: TORCH_CHECK(false, "bevzoo.ops.bev_pool: CUDA kernels take float32/64, float16 or bfloat16, got ",
                         t.scalar_type());
  }
}

void check_launch(cudaError_t status, const char* kernel) {
  TORCH_CHECK(status == cudaSuccess, "bevzoo.ops.bev_pool: CUDA kernel ", kernel, " failed: ",
              cudaGetErrorString(status));
}

void gather_sum_cuda(const GatherSumArgs& a) {
  const c10::cuda::CUDAGuard guard(a.table.device());
  const GatherSumLaunch launch{scalar_kind(a.table), a.weights.data_ptr(), a.table.data_ptr(),
                              a.offsets.data_ptr<int32_t>(), a.weight_idx.data_ptr<int32_t>(),
                              a.row_idx.data_ptr<int32_t>(), a.out.data_ptr(), a.rows, a.cols, a.table.size(1)};
  check_launch(launch_gather_sum(launch, c10::cuda::getCurrentCUDAStream()), "gather_sum");
}

void gather_dot_cuda(const GatherDotArgs& a) {
  const c10::cuda::CUDAGuard guard(a.table.device());
  const GatherDotLaunch launch{scalar_kind(a.table), a.segment_rows.data_ptr(), a.table.data_ptr(),
                              a.offsets.data_ptr<int32_t>(), a.weight_idx.data_ptr<int32_t>(),
                              a.row_idx.data_ptr<int32_t>(), a.out.data_ptr(), a.offsets.numel() - 1,
                              a.table.size(1)};
  check_launch(launch_gather_dot(launch, c10::cuda::getCurrentCUDAStream()), "gather_dot");
}

const BevPoolKernels kCudaKernels{gather_sum_cuda, gather_dot_cuda};

at::Tensor forward_cuda(const at::Tensor& depth, const at::Tensor& feat, const at::Tensor& cell_offsets,
                        const at::Tensor& point_depth, const at::Tensor& point_feat, const at::Tensor& pixel_offsets,
                        const at::Tensor& pixel_depth, const at::Tensor& pixel_cell, at::IntArrayRef bev_shape) {
  const c10::cuda::CUDAGuard guard(depth.device());
  return bev_pool_forward(kCudaKernels, depth, feat, cell_offsets, point_depth, point_feat, pixel_offsets,
                          pixel_depth, pixel_cell, bev_shape);
}

at::Tensor depth_grad_cuda(const at::Tensor& grad_out, const at::Tensor& feat, const at::Tensor& cell_offsets,
                           const at::Tensor& point_depth, const at::Tensor& point_feat, int64_t depth_bins) {
  const c10::cuda::CUDAGuard guard(feat.device());
  return bev_pool_depth_grad(kCudaKernels, grad_out, feat, cell_offsets, point_depth, point_feat, depth_bins);
}

at::Tensor feat_grad_cuda(const at::Tensor& grad_out, const at::Tensor& depth, const at::Tensor& pixel_offsets,
                          const at::Tensor& pixel_depth, const at::Tensor& pixel_cell) {
  const c10::cuda::CUDAGuard guard(depth.device());
  return bev_pool_feat_grad(kCudaKernels, grad_out, depth, pixel_offsets, pixel_depth, pixel_cell);
}

}  // namespace

TORCH_LIBRARY_IMPL(bevzoo, CUDA, m) {
  m.impl("bev_pool_forward", &forward_cuda);
  m.impl("bev_pool_depth_grad", &depth_grad_cuda);
  m.impl("bev_pool_feat_grad", &feat_grad_cuda);
}

}  // namespace bevzoo
#endif  // WITH_CUDA
