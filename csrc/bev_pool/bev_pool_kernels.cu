// CUDA kernels of BEV pooling. Each output row is owned by one thread group that sums its segment in a
// fixed order (no atomics: deterministic), accumulating in float32 (float64 for double). Channels are read
// with 16-byte vector loads, coalesced across the lanes of a segment; index loads are shared by the lanes.
#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include <algorithm>

#include "bev_pool/bev_pool_kernels.cuh"

namespace bevzoo {
namespace {

constexpr int kThreadsPerBlock = 512;
constexpr int kMaxLanes = 128;
constexpr int kMaxSplits = 8;
constexpr int kThreadsPerSegment = 64;  // lanes x splits per segment
constexpr int kUnroll = 4;
constexpr int kDotLanes = 4;  // lanes that share one point's dot product
constexpr int kDotWarpsPerBlock = 8;

template <typename T> struct Acc { using type = float; };
template <> struct Acc<double> { using type = double; };

__device__ __forceinline__ float to_acc(float x) { return x; }
__device__ __forceinline__ double to_acc(double x) { return x; }
__device__ __forceinline__ float to_acc(__half x) { return __half2float(x); }
__device__ __forceinline__ float to_acc(__nv_bfloat16 x) { return __bfloat162float(x); }

template <typename T> __device__ __forceinline__ T from_acc(float x);
template <> __device__ __forceinline__ float from_acc<float>(float x) { return x; }
template <> __device__ __forceinline__ __half from_acc<__half>(float x) { return __float2half_rn(x); }
template <> __device__ __forceinline__ __nv_bfloat16 from_acc<__nv_bfloat16>(float x) { return __float2bfloat16_rn(x); }
template <typename T> __device__ __forceinline__ T from_acc(double x) { return x; }

template <typename T, int V>
struct alignas(sizeof(T) * V) Pack {
  T v[V];
};

// blockDim = (lanes, splits, tile_y * tile_x). threadIdx.z picks a segment of the block's 2-D tile (neighbouring
// BEV cells or feature pixels share table rows in L1), threadIdx.x a group of V channels and threadIdx.y one of
// `splits` interleaved slices of the segment's points, so long segments (up to ~800 points next to the car)
// run as several short dependency chains. The slices' partial sums are added in a fixed order: deterministic.
template <typename T, int V>
__global__ void gather_sum_kernel(const T* __restrict__ weights, const T* __restrict__ table,
                                  const int32_t* __restrict__ offsets, const int32_t* __restrict__ weight_idx,
                                  const int32_t* __restrict__ row_idx, T* __restrict__ out, int64_t rows,
                                  int64_t cols, int tile_x, int tile_y, int64_t channels) {
  using AccT = typename Acc<T>::type;
  extern __shared__ unsigned char shared_bytes[];
  AccT* partial = reinterpret_cast<AccT*>(shared_bytes);  // [tile][split][lane][V]
  const int lanes = blockDim.x, splits = blockDim.y;
  const int64_t tiles_x = (cols + tile_x - 1) / tile_x;
  const int64_t row = blockIdx.x / tiles_x * tile_y + threadIdx.z / tile_x;
  const int64_t col = blockIdx.x % tiles_x * tile_x + threadIdx.z % tile_x;
  const bool valid = row < rows && col < cols;
  const int64_t segment = row * cols + col;
  const int32_t begin = valid ? offsets[segment] : 0, end = valid ? offsets[segment + 1] : 0;
  AccT* mine = partial + ((threadIdx.z * splits + threadIdx.y) * lanes + threadIdx.x) * V;
  // The channel loop runs the same number of times in every thread, so the barriers are uniform.
  for (int64_t base = 0; base < channels; base += static_cast<int64_t>(lanes) * V) {
    const int64_t c0 = base + static_cast<int64_t>(threadIdx.x) * V;
    const bool active = c0 < channels;
    AccT acc[V] = {};
    int32_t i = begin + threadIdx.y;
    for (; active && i + (kUnroll - 1) * splits < end; i += kUnroll * splits) {
      AccT w[kUnroll];
      Pack<T, V> p[kUnroll];
#pragma unroll
      for (int u = 0; u < kUnroll; ++u) {
        const int32_t k = i + u * splits;
        w[u] = to_acc(weights[weight_idx[k]]);
        p[u] = *reinterpret_cast<const Pack<T, V>*>(table + static_cast<int64_t>(row_idx[k]) * channels + c0);
      }
#pragma unroll
      for (int u = 0; u < kUnroll; ++u) {
#pragma unroll
        for (int v = 0; v < V; ++v) acc[v] += w[u] * to_acc(p[u].v[v]);
      }
    }
    for (; active && i < end; i += splits) {
      const AccT w = to_acc(weights[weight_idx[i]]);
      const Pack<T, V> p =
          *reinterpret_cast<const Pack<T, V>*>(table + static_cast<int64_t>(row_idx[i]) * channels + c0);
#pragma unroll
      for (int v = 0; v < V; ++v) acc[v] += w * to_acc(p.v[v]);
    }
    if (splits > 1) {
#pragma unroll
      for (int v = 0; v < V; ++v) mine[v] = acc[v];
      __syncthreads();
      if (threadIdx.y == 0) {
        for (int s = 1; s < splits; ++s) {
#pragma unroll
          for (int v = 0; v < V; ++v) acc[v] += mine[s * lanes * V + v];
        }
      }
      __syncthreads();
    }
    if (threadIdx.y == 0 && valid && active) {
      Pack<T, V> result;
#pragma unroll
      for (int v = 0; v < V; ++v) result.v[v] = from_acc<T>(acc[v]);
      *reinterpret_cast<Pack<T, V>*>(out + segment * channels + c0) = result;
    }
  }
}

// One warp per segment; groups of kDotLanes lanes each take one of the segment's points and reduce their
// partial dot products with shuffles, so every output value is written once.
template <typename T, int V>
__global__ void gather_dot_kernel(const T* __restrict__ segment_rows, const T* __restrict__ table,
                                  const int32_t* __restrict__ offsets, const int32_t* __restrict__ weight_idx,
                                  const int32_t* __restrict__ row_idx, T* __restrict__ out, int64_t segments,
                                  int64_t channels) {
  using AccT = typename Acc<T>::type;
  const int64_t segment = static_cast<int64_t>(blockIdx.x) * kDotWarpsPerBlock + threadIdx.x / 32;
  if (segment >= segments) return;
  const int lane = threadIdx.x % kDotLanes;
  const int group = threadIdx.x % 32 / kDotLanes;
  const T* lhs = segment_rows + segment * channels;
  const int32_t begin = offsets[segment], end = offsets[segment + 1];
  // Every group runs the same number of iterations so the whole warp takes part in each shuffle.
  for (int32_t base = begin; base < end; base += 32 / kDotLanes) {
    const int32_t i = base + group;
    AccT dot = 0;
    if (i < end) {
      const T* rhs = table + static_cast<int64_t>(row_idx[i]) * channels;
      for (int64_t c0 = static_cast<int64_t>(lane) * V; c0 < channels; c0 += kDotLanes * V) {
        const Pack<T, V> a = *reinterpret_cast<const Pack<T, V>*>(lhs + c0);
        const Pack<T, V> b = *reinterpret_cast<const Pack<T, V>*>(rhs + c0);
#pragma unroll
        for (int v = 0; v < V; ++v) dot += to_acc(a.v[v]) * to_acc(b.v[v]);
      }
    }
#pragma unroll
    for (int offset = kDotLanes / 2; offset > 0; offset /= 2) dot += __shfl_xor_sync(0xffffffffu, dot, offset);
    if (i < end && lane == 0) out[weight_idx[i]] = from_acc<T>(dot);
  }
}

bool aligned16(const void* p) { return reinterpret_cast<uintptr_t>(p) % 16 == 0; }

template <typename T, int V>
cudaError_t run_gather_sum(const GatherSumLaunch& a, cudaStream_t stream) {
  using AccT = typename Acc<T>::type;
  const int64_t groups = (a.channels + V - 1) / V;
  const int lanes = static_cast<int>(std::min<int64_t>(groups, kMaxLanes));
  const int splits = std::max(1, std::min(kMaxSplits, kThreadsPerSegment / lanes));
  int tile = 1;  // segments per block: a power of two filling kThreadsPerBlock
  while (tile * 2 * lanes * splits <= kThreadsPerBlock) tile *= 2;
  const int tile_x = tile >= 16 ? 4 : (tile >= 4 ? 2 : 1);
  const int tile_y = tile / tile_x;
  const int64_t blocks = ((a.rows + tile_y - 1) / tile_y) * ((a.cols + tile_x - 1) / tile_x);
  const size_t shared = splits > 1 ? sizeof(AccT) * V * lanes * splits * tile : 0;
  gather_sum_kernel<T, V><<<static_cast<unsigned>(blocks), dim3(lanes, splits, tile), shared, stream>>>(
      static_cast<const T*>(a.weights), static_cast<const T*>(a.table), a.offsets, a.weight_idx, a.row_idx,
      static_cast<T*>(a.out), a.rows, a.cols, tile_x, tile_y, a.channels);
  return cudaGetLastError();
}

template <typename T, int V>
cudaError_t run_gather_dot(const GatherDotLaunch& a, cudaStream_t stream) {
  const int64_t blocks = (a.segments + kDotWarpsPerBlock - 1) / kDotWarpsPerBlock;
  gather_dot_kernel<T, V><<<static_cast<unsigned>(blocks), kDotWarpsPerBlock * 32, 0, stream>>>(
      static_cast<const T*>(a.segment_rows), static_cast<const T*>(a.table), a.offsets, a.weight_idx, a.row_idx,
      static_cast<T*>(a.out), a.segments, a.channels);
  return cudaGetLastError();
}

// 16-byte vectors when every row starts 16-byte aligned, else one element per lane.
template <typename T, typename Args, typename Vec, typename Scalar>
cudaError_t pick_vector_width(const Args& a, bool aligned, Vec vec, Scalar scalar) {
  constexpr int kVec = 16 / sizeof(T);
  return aligned && a.channels % kVec == 0 ? vec() : scalar();
}

template <typename T>
cudaError_t gather_sum_typed(const GatherSumLaunch& a, cudaStream_t stream) {
  constexpr int kVec = 16 / sizeof(T);
  return pick_vector_width<T>(a, aligned16(a.table) && aligned16(a.out),
                              [&] { return run_gather_sum<T, kVec>(a, stream); },
                              [&] { return run_gather_sum<T, 1>(a, stream); });
}

template <typename T>
cudaError_t gather_dot_typed(const GatherDotLaunch& a, cudaStream_t stream) {
  constexpr int kVec = 16 / sizeof(T);
  return pick_vector_width<T>(a, aligned16(a.table) && aligned16(a.segment_rows),
                              [&] { return run_gather_dot<T, kVec>(a, stream); },
                              [&] { return run_gather_dot<T, 1>(a, stream); });
}

template <typename Args, typename Fn>
cudaError_t dispatch(ScalarKind kind, const Fn& fn) {
  switch (kind) {
    case ScalarKind::kFloat32: return fn(float{});
    case ScalarKind::kFloat64: return fn(double{});
    case ScalarKind::kFloat16: return fn(__half{});
    case ScalarKind::kBFloat16: return fn(__nv_bfloat16{});
  }
  return cudaErrorInvalidValue;
}

}  // namespace

cudaError_t launch_gather_sum(const GatherSumLaunch& args, cudaStream_t stream) {
  if (args.rows * args.cols == 0 || args.channels == 0) return cudaSuccess;
  return dispatch<GatherSumLaunch>(args.kind, [&](auto tag) { return gather_sum_typed<decltype(tag)>(args, stream); });
}

cudaError_t launch_gather_dot(const GatherDotLaunch& args, cudaStream_t stream) {
  if (args.segments == 0 || args.channels == 0) return cudaSuccess;
  return dispatch<GatherDotLaunch>(args.kind, [&](auto tag) { return gather_dot_typed<decltype(tag)>(args, stream); });
}

}  // namespace bevzoo
