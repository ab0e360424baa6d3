#!/usr/bin/env bash
# Train on NPROC processes of this machine (GPUs: NCCL; CPU-only torch: gloo) with torchrun.
#   tools/dist_train.sh CONFIG NPROC [train.py options]
# Multi-node: run it on every node with NNODES, NODE_RANK, MASTER_ADDR (node 0's address) and PORT set.
set -euo pipefail
CONFIG=$1
NPROC=$2
exec bash "$(dirname "$0")/_torchrun.sh" "$NPROC" train.py "$CONFIG" --launcher pytorch "${@:3}"
