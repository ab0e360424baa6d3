// Torch-free interface of the CUDA BEV pooling kernels (raw pointers, sizes, a stream), so the kernels
// compile with plain nvcc. Semantics of the two kernels: see GatherSumArgs / GatherDotArgs in bev_pool_host.h.
#pragma once
#include <cuda_runtime_api.h>

#include <cstdint>

namespace bevzoo {

enum class ScalarKind { kFloat32, kFloat64, kFloat16, kBFloat16 };

// out[s, :] = sum_{i in segment s} weights[weight_idx[i]] * table[row_idx[i], :], s = row * cols + col.
struct GatherSumLaunch {
  ScalarKind kind;
  const void* weights;     // [Nw]
  const void* table;       // [R, channels]
  const int32_t* offsets;  // [rows * cols + 1]
  const int32_t* weight_idx;
  const int32_t* row_idx;  // [K] each
  void* out;               // [rows * cols, channels]
  int64_t rows, cols, channels;
};

// out[weight_idx[i]] = <segment_rows[s, :], table[row_idx[i], :]> for every i in segment s.
struct GatherDotLaunch {
  ScalarKind kind;
  const void* segment_rows;  // [segments, channels]
  const void* table;         // [R, channels]
  const int32_t* offsets;    // [segments + 1]
  const int32_t* weight_idx;
  const int32_t* row_idx;  // [K] each
  void* out;               // [Nw]
  int64_t segments, channels;
};

cudaError_t launch_gather_sum(const GatherSumLaunch& args, cudaStream_t stream);
cudaError_t launch_gather_dot(const GatherDotLaunch& args, cudaStream_t stream);

}  // namespace bevzoo
