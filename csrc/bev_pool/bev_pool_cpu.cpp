// CPU kernels of the BEV pooling ops. Every output row (a BEV cell, a feature pixel, a frustum point) is
// written by exactly one task, in a fixed order, so results are deterministic without atomics.
//
// Summation orders (the same on every CPU and for every vector width, so results do not depend on the
// instruction set the kernel picked):
// - gather_sum: out[s, c] = ((0 + w0 * row0[c]) + w1 * row1[c]) + ... in index order, one product and one
//   add per term (the build passes -ffp-contract=off, so no fused multiply-adds).
// - gather_dot: sixteen lane sums, lane l adding lhs[c] * rhs[c] for c = l, l + 16, ... in ascending c, then
//   folded in halves: lanes l += l + 8 (l < 8), l += l + 4 (l < 4), l += l + 2, l += l + 1.
//
// float32 runs kernels written with GCC/Clang vector types that keep a cell's channels in registers, compiled
// three times (AVX-512, AVX2, baseline: 16, 8 and 4 floats per vector) and picked once at run time from
// torch's CPU capability (ATEN_CPU_CAPABILITY=avx2 or =default selects the narrower ones); other dtypes run
// the scalar templates with the same orders.
#include <ATen/Dispatch.h>
#include <ATen/OpMathType.h>
#include <ATen/Parallel.h>
#include <ATen/Version.h>
#include <torch/library.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <string>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "bev_pool/bev_pool_host.h"

#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#define BEVZOO_X86_MULTIVERSION 1
#endif

namespace bevzoo {
namespace {

#define BEVZOO_INLINE inline __attribute__((always_inline))

// The vector helpers below are always inlined, so the ABI note about passing wide vectors does not apply.
#pragma GCC diagnostic ignored "-Wpsabi"

// Segments are visited in tiles of 16 x 16 (BEV cells, or feature pixels for the feature gradient):
// neighbouring cells gather mostly the same feature rows and depth weights, so a tile's rows (~150 kB at the
// nuScenes size) are read from L2 after the first touch; row by row they were read from L3 or memory again.
constexpr int64_t kTileRows = 16, kTileCols = 16;
constexpr int32_t kPrefetchDistance = 8;  // entries ahead: hides the latency of the random gathers
constexpr int64_t kCacheLine = 64;
constexpr int kLanes = 16;

// Runs body(b) for b in [0, blocks), the threads taking blocks in turn (a loaded machine or uneven blocks do
// not leave one thread waiting for the other).
template <typename F>
void run_blocks(int64_t blocks, const F& body) {
  if (blocks <= 1) {
    if (blocks == 1) body(0);
    return;
  }
  std::atomic<int64_t> next{0};
  at::parallel_for(0, std::min<int64_t>(blocks, at::get_num_threads()), 1, [&](int64_t, int64_t) {
    for (int64_t b = next.fetch_add(1, std::memory_order_relaxed); b < blocks;
         b = next.fetch_add(1, std::memory_order_relaxed)) {
      body(b);
    }
  });
}

// Visits the rows x cols grid of segments tile by tile, calling body(begin, end) on each tile row; each
// segment is handled by one thread, its entries in a fixed order.
template <typename F>
void for_each_tile(int64_t rows, int64_t cols, const F& body) {
  if (rows <= 0 || cols <= 0) return;
  const int64_t across = (cols + kTileCols - 1) / kTileCols;
  run_blocks((rows + kTileRows - 1) / kTileRows * across, [&](int64_t b) {
    const int64_t r0 = b / across * kTileRows, c0 = b % across * kTileCols, c1 = std::min(cols, c0 + kTileCols);
    for (int64_t r = r0; r < std::min(rows, r0 + kTileRows); ++r) body(r * cols + c0, r * cols + c1);
  });
}

// A large freshly allocated output is faulted in as 2 MB pages instead of 4 kB ones: the page faults of a
// 41 MB BEV grid otherwise cost more than the pooling itself. Only advice; nothing changes if it is refused.
void advise_huge_pages(void* data, int64_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr uintptr_t kHuge = uintptr_t(1) << 21;
  if (bytes < static_cast<int64_t>(4 * kHuge)) return;
  const uintptr_t begin = (reinterpret_cast<uintptr_t>(data) + kHuge - 1) & ~(kHuge - 1);
  const uintptr_t end = (reinterpret_cast<uintptr_t>(data) + static_cast<uintptr_t>(bytes)) & ~(kHuge - 1);
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#else
  (void)data;
  (void)bytes;
#endif
}

// Asks for a table row before it is needed.
template <typename scalar_t>
BEVZOO_INLINE void prefetch_bytes(const scalar_t* row, int64_t channels) {
  const char* start = reinterpret_cast<const char*>(row);
  for (int64_t byte = 0; byte < channels * static_cast<int64_t>(sizeof(scalar_t)); byte += kCacheLine) {
    __builtin_prefetch(start + byte);
  }
}

// What both kernels walk, from either argument struct: segment s (of the rows x cols grid) is entries
// [offsets[s], offsets[s + 1]); entry i reads table row row_idx[i] and, by weight_idx[i], its weight in lhs
// (gather_sum) or its output slot (gather_dot, whose lhs holds one row per segment).
template <typename scalar_t>
struct Gather {
  const scalar_t* lhs;
  const scalar_t* table;
  const int32_t* offsets;
  const int32_t* weight_idx;
  const int32_t* row_idx;
  scalar_t* out;
  int64_t channels, rows, cols;
  int32_t total;

  explicit Gather(const GatherSumArgs& a)
      : Gather(a.weights, a.table, a.offsets, a.weight_idx, a.row_idx, a.out, a.rows, a.cols) {}
  explicit Gather(const GatherDotArgs& a)
      : Gather(a.segment_rows, a.table, a.offsets, a.weight_idx, a.row_idx, a.out, a.rows, a.cols) {}
  Gather(const at::Tensor& lhs_t, const at::Tensor& table_t, const at::Tensor& offsets_t,
         const at::Tensor& weight_idx_t, const at::Tensor& row_idx_t, const at::Tensor& out_t, int64_t rows_,
         int64_t cols_)
      : lhs(lhs_t.data_ptr<scalar_t>()),
        table(table_t.data_ptr<scalar_t>()),
        offsets(offsets_t.data_ptr<int32_t>()),
        weight_idx(weight_idx_t.data_ptr<int32_t>()),
        row_idx(row_idx_t.data_ptr<int32_t>()),
        out(out_t.data_ptr<scalar_t>()),
        channels(table_t.size(1)),
        rows(rows_),
        cols(cols_),
        total(static_cast<int32_t>(row_idx_t.numel())) {}

  BEVZOO_INLINE const scalar_t* row(int32_t i) const { return table + static_cast<int64_t>(row_idx[i]) * channels; }
  // Table row (and, for gather_sum, weight) of the entry kPrefetchDistance ahead.
  BEVZOO_INLINE void prefetch_row(int32_t i) const {
    if (i + kPrefetchDistance < total) prefetch_bytes(row(i + kPrefetchDistance), channels);
  }
  BEVZOO_INLINE void prefetch_weighted(int32_t i) const {
    if (i + kPrefetchDistance < total) {
      __builtin_prefetch(lhs + weight_idx[i + kPrefetchDistance]);
      prefetch_bytes(row(i + kPrefetchDistance), channels);
    }
  }
};

// ---------------------------------------------------------------------------------------------------------
// Scalar kernels (float64, float16, bfloat16; the orders above, accumulating in at::opmath_type).

// Runs kernel(g, begin, end) over the tiles of the segment grid.
template <typename scalar_t, typename Args>
void run_tiles(const Args& a, void (*kernel)(const Gather<scalar_t>&, int64_t, int64_t)) {
  const Gather<scalar_t> g(a);
  for_each_tile(g.rows, g.cols, [&](int64_t begin, int64_t end) { kernel(g, begin, end); });
}

template <typename scalar_t>
void sum_range_scalar(const Gather<scalar_t>& g, int64_t begin, int64_t end) {
  using acc_t = at::opmath_type<scalar_t>;
  const int64_t channels = g.channels;
  std::vector<acc_t> buffer(channels);
  acc_t* __restrict__ acc = buffer.data();
  for (int64_t s = begin; s < end; ++s) {
    std::fill_n(acc, channels, acc_t(0));
    for (int32_t i = g.offsets[s]; i < g.offsets[s + 1]; ++i) {
      g.prefetch_weighted(i);
      const acc_t w = static_cast<acc_t>(g.lhs[g.weight_idx[i]]);
      const scalar_t* __restrict__ row = g.row(i);
#pragma omp simd
      for (int64_t c = 0; c < channels; ++c) acc[c] += w * static_cast<acc_t>(row[c]);
    }
    scalar_t* __restrict__ dst = g.out + s * channels;
#pragma omp simd
    for (int64_t c = 0; c < channels; ++c) dst[c] = static_cast<scalar_t>(acc[c]);
  }
}

template <typename acc_t>
BEVZOO_INLINE acc_t fold_lanes(acc_t* lanes) {
  for (int width = kLanes / 2; width >= 1; width /= 2) {
    for (int l = 0; l < width; ++l) lanes[l] += lanes[l + width];
  }
  return lanes[0];
}

template <typename scalar_t>
void dot_range_scalar(const Gather<scalar_t>& g, int64_t begin, int64_t end) {
  using acc_t = at::opmath_type<scalar_t>;
  const int64_t channels = g.channels;
  for (int64_t s = begin; s < end; ++s) {
    const scalar_t* lhs = g.lhs + s * channels;
    for (int32_t i = g.offsets[s]; i < g.offsets[s + 1]; ++i) {
      g.prefetch_row(i);
      const scalar_t* rhs = g.row(i);
      acc_t lanes[kLanes] = {};
      for (int64_t c = 0; c < channels; ++c) {
        lanes[c % kLanes] += static_cast<acc_t>(lhs[c]) * static_cast<acc_t>(rhs[c]);
      }
      g.out[g.weight_idx[i]] = static_cast<scalar_t>(fold_lanes(lanes));
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// float32 kernels on the native vectors of each instruction set: W = 16 (AVX-512), 8 (AVX2), 4 (baseline)
// floats. Everything below is inlined into one entry point per instruction set.

template <int W>
struct VecOf;
template <>
struct VecOf<4> {
  typedef float type __attribute__((vector_size(16)));
  typedef float unaligned __attribute__((vector_size(16), aligned(4), may_alias));
};
template <>
struct VecOf<8> {
  typedef float type __attribute__((vector_size(32)));
  typedef float unaligned __attribute__((vector_size(32), aligned(4), may_alias));
};
template <>
struct VecOf<16> {
  typedef float type __attribute__((vector_size(64)));
  typedef float unaligned __attribute__((vector_size(64), aligned(4), may_alias));
};
template <int W>
using vec = typename VecOf<W>::type;

template <int W>
BEVZOO_INLINE vec<W> load(const float* p) {
  return *reinterpret_cast<const typename VecOf<W>::unaligned*>(p);
}
template <int W>
BEVZOO_INLINE void store(float* p, vec<W> v) {
  *reinterpret_cast<typename VecOf<W>::unaligned*>(p) = v;
}
// The first `count` (< W) floats at p, zero-padded.
template <int W>
BEVZOO_INLINE vec<W> load_partial(const float* p, int64_t count) {
  vec<W> v = {};
  std::memcpy(&v, p, count * sizeof(float));
  return v;
}

// Native vectors that one pass keeps in registers (AVX2 and SSE have 16 registers, AVX-512 32).
template <int W>
constexpr int kPassVectors = W == 16 ? 8 : 12;

// Channels [c0, c0 + W * NV) of segment rows [begin, end), accumulated in registers.
template <int W, int NV>
BEVZOO_INLINE void sum_vectors(const Gather<float>& g, int64_t begin, int64_t end, int64_t c0) {
  for (int64_t s = begin; s < end; ++s) {
    vec<W> acc[NV];
#pragma GCC unroll 16
    for (int v = 0; v < NV; ++v) acc[v] = vec<W>{};
    for (int32_t i = g.offsets[s]; i < g.offsets[s + 1]; ++i) {
      if (c0 == 0) g.prefetch_weighted(i);
      const float w = g.lhs[g.weight_idx[i]];
      const float* row = g.row(i) + c0;
#pragma GCC unroll 16
      for (int v = 0; v < NV; ++v) acc[v] += w * load<W>(row + W * v);
    }
    float* dst = g.out + s * g.channels + c0;
#pragma GCC unroll 16
    for (int v = 0; v < NV; ++v) store<W>(dst + W * v, acc[v]);
  }
}

// The last channels [c0, channels) (fewer than W) of segment rows [begin, end).
template <int W>
BEVZOO_INLINE void sum_tail(const Gather<float>& g, int64_t begin, int64_t end, int64_t c0) {
  const int64_t count = g.channels - c0;
  for (int64_t s = begin; s < end; ++s) {
    vec<W> acc = {};
    for (int32_t i = g.offsets[s]; i < g.offsets[s + 1]; ++i) {
      if (c0 == 0) g.prefetch_weighted(i);
      acc += g.lhs[g.weight_idx[i]] * load_partial<W>(g.row(i) + c0, count);
    }
    std::memcpy(g.out + s * g.channels + c0, &acc, count * sizeof(float));
  }
}

template <int W, int NV = kPassVectors<W>>
BEVZOO_INLINE void sum_pass(const Gather<float>& g, int64_t begin, int64_t end, int64_t c0,
                            int64_t vectors) {
  if constexpr (NV > 1) {
    if (vectors < NV) return sum_pass<W, NV - 1>(g, begin, end, c0, vectors);
  }
  sum_vectors<W, NV>(g, begin, end, c0);
}

template <int W>
BEVZOO_INLINE void sum_range(const Gather<float>& g, int64_t begin, int64_t end) {
  // Channels in passes of up to kPassVectors vectors (C = 80: one pass of 5 or 10 vectors, two of SSE).
  const int64_t full = g.channels / W * W;
  for (int64_t c0 = 0; c0 < full; c0 += W * kPassVectors<W>) {
    sum_pass<W>(g, begin, end, c0, std::min<int64_t>((full - c0) / W, kPassVectors<W>));
  }
  if (full < g.channels) sum_tail<W>(g, begin, end, full);
}

// The sixteen lanes of the dot product are K = 16 / W native vectors; fold them in the fixed order.
template <int W>
BEVZOO_INLINE float fold(const vec<W>* acc) {
  if constexpr (W == 16) {
    vec<8> halves[2];
    std::memcpy(halves, acc, sizeof(halves));
    return fold<8>(halves);
  } else if constexpr (W == 8) {
    const vec<8> v8 = acc[0] + acc[1];
    vec<4> halves[2];
    std::memcpy(halves, &v8, sizeof(halves));
    const vec<4> v4 = halves[0] + halves[1];
    return (v4[0] + v4[2]) + (v4[1] + v4[3]);
  } else {
    const vec<4> v4 = (acc[0] + acc[2]) + (acc[1] + acc[3]);
    return (v4[0] + v4[2]) + (v4[1] + v4[3]);
  }
}

// Dot products of segment rows [begin, end) with their entries' table rows; NV > 0: C = W * NV channels
// held in registers, NV = 0: any C. Channel c goes to lane c % 16, i.e. vector (c / W) % K.
template <int W, int NV>
BEVZOO_INLINE void dot_range(const Gather<float>& g, int64_t begin, int64_t end) {
  constexpr int K = kLanes / W;
  const int64_t channels = g.channels, full = channels / W * W;
  for (int64_t s = begin; s < end; ++s) {
    if (g.offsets[s] == g.offsets[s + 1]) continue;
    const float* lhs = g.lhs + s * channels;
    vec<W> held[NV > 0 ? NV : 1];
#pragma GCC unroll 16
    for (int v = 0; v < NV; ++v) held[v] = load<W>(lhs + W * v);
    const vec<W> lhs_tail = NV > 0 ? vec<W>{} : load_partial<W>(lhs + full, channels - full);
    for (int32_t i = g.offsets[s]; i < g.offsets[s + 1]; ++i) {
      g.prefetch_row(i);
      const float* rhs = g.row(i);
      vec<W> acc[K] = {};
      if constexpr (NV > 0) {
#pragma GCC unroll 16
        for (int v = 0; v < NV; ++v) acc[v % K] += held[v] * load<W>(rhs + W * v);
      } else {
        int64_t v = 0;
        for (; v * W < full; ++v) acc[v % K] += load<W>(lhs + v * W) * load<W>(rhs + v * W);
        if (full < channels) acc[v % K] += lhs_tail * load_partial<W>(rhs + full, channels - full);
      }
      g.out[g.weight_idx[i]] = fold<W>(acc);
    }
  }
}

template <int W, int NV = (W == 4 ? 8 : kPassVectors<W>)>
BEVZOO_INLINE void dot_dispatch(const Gather<float>& g, int64_t begin, int64_t end, int64_t vectors) {
  if constexpr (NV > 0) {
    if (vectors != NV) return dot_dispatch<W, NV - 1>(g, begin, end, vectors);
  }
  dot_range<W, NV>(g, begin, end);
}

template <int W>
BEVZOO_INLINE void dot_rows(const Gather<float>& g, int64_t begin, int64_t end) {
  // Rows held in registers when C is a multiple of W that fits, otherwise the loop over any C.
  dot_dispatch<W>(g, begin, end, g.channels % W == 0 ? g.channels / W : 0);
}

using RangeFn = void (*)(const Gather<float>&, int64_t, int64_t);

// One copy of both float32 kernels per instruction set, each with its native vector width.
#define BEVZOO_DEFINE_ISA(suffix, width, attribute)                                                         \
  attribute void sum_range_##suffix(const Gather<float>& g, int64_t begin, int64_t end) {                 \
    sum_range<width>(g, begin, end);                                                                        \
  }                                                                                                         \
  attribute void dot_range_##suffix(const Gather<float>& g, int64_t begin, int64_t end) {                 \
    dot_rows<width>(g, begin, end);                                                                         \
  }

BEVZOO_DEFINE_ISA(baseline, 4, )
#if defined(BEVZOO_X86_MULTIVERSION)
BEVZOO_DEFINE_ISA(avx2, 8, __attribute__((target("avx2"))))
BEVZOO_DEFINE_ISA(avx512, 16, __attribute__((target("avx512f"))))
#endif

struct Float32Kernels {
  RangeFn sum, dot;
};

// Picked once: the widest of AVX-512 / AVX2 that both torch's CPU capability (ATEN_CPU_CAPABILITY) and
// the CPU allow.
const Float32Kernels& float32_kernels() {
  static const Float32Kernels kernels = [] {
#if defined(BEVZOO_X86_MULTIVERSION)
    const std::string capability = at::get_cpu_capability();
    __builtin_cpu_init();
    if (capability == "AVX512" && __builtin_cpu_supports("avx512f")) {
      return Float32Kernels{sum_range_avx512, dot_range_avx512};
    }
    if ((capability == "AVX512" || capability == "AVX2") && __builtin_cpu_supports("avx2")) {
      return Float32Kernels{sum_range_avx2, dot_range_avx2};
    }
#endif
    return Float32Kernels{sum_range_baseline, dot_range_baseline};
  }();
  return kernels;
}

// ---------------------------------------------------------------------------------------------------------

void gather_sum_cpu(const GatherSumArgs& a) {
  advise_huge_pages(a.out.data_ptr(), a.out.nbytes());
  if (a.table.scalar_type() == at::kFloat) return run_tiles<float>(a, float32_kernels().sum);
  AT_DISPATCH_FLOATING_TYPES_AND2(at::kHalf, at::kBFloat16, a.table.scalar_type(), "bevzoo_gather_sum_cpu",
                                  [&] { run_tiles<scalar_t>(a, sum_range_scalar<scalar_t>); });
}

void gather_dot_cpu(const GatherDotArgs& a) {
  if (a.table.scalar_type() == at::kFloat) return run_tiles<float>(a, float32_kernels().dot);
  AT_DISPATCH_FLOATING_TYPES_AND2(at::kHalf, at::kBFloat16, a.table.scalar_type(), "bevzoo_gather_dot_cpu",
                                  [&] { run_tiles<scalar_t>(a, dot_range_scalar<scalar_t>); });
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
