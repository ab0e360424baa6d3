#!/usr/bin/env bash
# Creates .venv and installs the pinned OpenMMLab stack plus bevzoo (with its compiled ops).
# Idempotent: a second run only rebuilds what changed (stamp = hash of the requirement files).
#
# CUDA machines: export FORCE_CUDA=1 (or have nvcc and a CUDA build of torch), CUDA_HOME=/usr/local/cuda
# and optionally TORCH_CUDA_ARCH_LIST="8.0;9.0" before running; mmcv and bevzoo._C are then built with CUDA.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}
say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

if ! "$PYTHON" -c 'import sys; sys.exit(not ((3, 9) <= sys.version_info[:2] <= (3, 12)))'; then
  echo "[setup] error: $PYTHON is $("$PYTHON" --version 2>&1); bevzoo's stack needs Python 3.9-3.12." >&2
  exit 1
fi
if ! command -v "${CXX:-g++}" >/dev/null; then
  echo "[setup] error: no C++ compiler (${CXX:-g++}) on PATH; install g++ (Debian: apt-get install g++)." >&2
  exit 1
fi

[ -x "$VENV/bin/python" ] || { say "creating $VENV"; "$PYTHON" -m venv "$VENV"; }
PY="$VENV/bin/python"
PIP=("$PY" -m pip --disable-pip-version-check)
PINNED=(-c requirements/constraints.txt)

stamp_of() { cat requirements/*.txt setup.py | sha256sum | cut -c1-16; }
STAMP="$VENV/.bevzoo-stack-$(stamp_of)"
if [ ! -f "$STAMP" ]; then
  say "installing torch, numpy, mmengine"
  "${PIP[@]}" install -q "${PINNED[@]}" torch==2.13.0 numpy==1.26.4 mmengine==0.10.7
  if ! "$PY" -c 'import mmcv.ops' 2>/dev/null; then
    # After torch: torch pulls a setuptools without pkg_resources, which mmcv's setup.py imports.
    say "installing mmcv's build tools (setuptools < 70, wheel, ninja)"
    "${PIP[@]}" install -q -r requirements/build.txt
    say "building mmcv 2.1.0 with its ops from source: about 11 minutes on 2 cores the first time (cached afterwards)"
    MMCV_WITH_OPS=1 FORCE_CUDA="${FORCE_CUDA:-0}" MAX_JOBS="${MAX_JOBS:-$(nproc)}" \
      "${PIP[@]}" install --no-build-isolation "${PINNED[@]}" mmcv==2.1.0
  fi
  say "installing mmdet, mmdet3d, nuscenes-devkit and test tools"
  "${PIP[@]}" install -q "${PINNED[@]}" -r requirements/stack.txt -r requirements/test.txt
  rm -f "$VENV"/.bevzoo-stack-*
  touch "$STAMP"
else
  say "stack up to date ($STAMP)"
fi

# Install bevzoo editable once; afterwards rebuild bevzoo._C incrementally (ninja, build/) when csrc/ changed.
if ! "$PY" -m pip show -q bevzoo >/dev/null 2>&1; then
  say "installing bevzoo (editable) and building its ops: csrc/ -> bevzoo._C"
  "${PIP[@]}" install -q --no-build-isolation --no-deps -e .
  mkdir -p build && touch build/.bevzoo-ext-built  # that install compiled bevzoo._C into projects/bevzoo/
fi
EXT_STAMP=build/.bevzoo-ext-built
if ! ls projects/bevzoo/_C*.so >/dev/null 2>&1 || [ ! -f "$EXT_STAMP" ] \
    || [ -n "$(find csrc setup.py -newer "$EXT_STAMP" -print -quit)" ]; then
  say "building bevzoo._C (csrc/ changed)"
  "$PY" setup.py -q build_ext --inplace
  mkdir -p build && touch "$EXT_STAMP"
else
  say "bevzoo._C up to date"
fi
"$PY" -c 'import torch, mmcv, mmdet3d, bevzoo
print(f"[setup] ready: torch {torch.__version__}, mmcv {mmcv.__version__}, mmdet3d {mmdet3d.__version__}, bevzoo {bevzoo.__version__}")'
