#!/usr/bin/env bash
# Train on NPROC processes of this machine (GPUs: NCCL; CPU-only torch: gloo) with torchrun.
#   tools/dist_train.sh CONFIG NPROC [train.py options]
# Multi-node: run it on every node with NNODES, NODE_RANK, MASTER_ADDR (node 0's address) and PORT set.
set -euo pipefail
CONFIG=$1
NPROC=$2
PYTHON=${PYTHON:-$(dirname "$0")/../.venv/bin/python}
exec "$PYTHON" -m torch.distributed.run \
    --nnodes="${NNODES:-1}" --node_rank="${NODE_RANK:-0}" \
    --master_addr="${MASTER_ADDR:-127.0.0.1}" --master_port="${PORT:-29500}" \
    --nproc_per_node="$NPROC" \
    "$(dirname "$0")/train.py" "$CONFIG" --launcher pytorch "${@:3}"
