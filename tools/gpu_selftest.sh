#!/usr/bin/env bash
# GPU self-test of bevzoo's ops on a machine with only torch (no mmcv/mmdet3d): builds the CUDA extension,
# runs the op tests on the GPU (CUDA vs CPU/float64, fp16/bf16, bitwise determinism, streams, voxelization,
# the compiled ops' own error checks)
# and the GPU benchmark, printing every figure. Takes a few minutes on an H100.
#
#   bash tools/gpu_selftest.sh [OUTPUT_DIR]    # logs and ops_cuda.json land in OUTPUT_DIR (default: ./gpu_selftest)
set -uo pipefail
cd "$(dirname "$0")/.."
OUT_DIR="${1:-gpu_selftest}"
mkdir -p "$OUT_DIR"
PYTHON="${PYTHON:-python3}"
export PYTHONUNBUFFERED=1 PYTHONPATH="tools${PYTHONPATH:+:$PYTHONPATH}"
if [ -z "${CUDA_HOME:-}" ] && [ -d /usr/local/cuda ]; then export CUDA_HOME=/usr/local/cuda; fi

step() { echo; echo "=== $1 ($(date +%T))"; }

step "environment"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
"$PYTHON" -c "import torch; print('torch', torch.__version__, 'cuda', torch.version.cuda, torch.cuda.get_device_name())"
nvcc --version | tail -1

step "build (CUDA, torch only)"
if ! FORCE_CUDA=1 TORCH_CUDA_ARCH_LIST="${TORCH_CUDA_ARCH_LIST:-9.0}" MAX_JOBS="${MAX_JOBS:-16}" \
    "$PYTHON" setup.py -q build_ext --inplace > "$OUT_DIR/build.log" 2>&1; then
  grep -E -B2 -A8 "error" "$OUT_DIR/build.log" | head -80
  echo "BUILD FAILED (full log: $OUT_DIR/build.log)"
  exit 1
fi
echo "built: $(ls projects/bevzoo/_C*.so)"
echo "C++ runtime: $(ldd projects/bevzoo/_C*.so | grep -o 'libstdc++[^(]*' || echo 'libstdc++ linked statically (setup.py should prevent this)')"

step "op tests on the GPU"
"$PYTHON" -m pytest -p ops_only --noconftest -q -ra tests/ops 2>&1 | tee "$OUT_DIR/tests.log" | tail -25
tests_status=${PIPESTATUS[0]}

step "benchmark"
"$PYTHON" tools/benchmark_ops.py --device cuda --ops-only --json "$OUT_DIR/ops_cuda.json" 2>&1 \
  | tee "$OUT_DIR/benchmark.log"
bench_status=${PIPESTATUS[0]}

step "done: tests exit $tests_status, benchmark exit $bench_status"
exit $(( tests_status || bench_status ))
