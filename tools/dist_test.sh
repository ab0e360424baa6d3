#!/usr/bin/env bash
# Test on NPROC processes of this machine with torchrun (results gathered once, evaluated on rank 0).
#   tools/dist_test.sh CONFIG CHECKPOINT NPROC [test.py options]
# Multi-node: run it on every node with NNODES, NODE_RANK, MASTER_ADDR (node 0's address) and PORT set.
set -euo pipefail
CONFIG=$1
CHECKPOINT=$2
NPROC=$3
PYTHON=${PYTHON:-$(dirname "$0")/../.venv/bin/python}
exec "$PYTHON" -m torch.distributed.run \
    --nnodes="${NNODES:-1}" --node_rank="${NODE_RANK:-0}" \
    --master_addr="${MASTER_ADDR:-127.0.0.1}" --master_port="${PORT:-29500}" \
    --nproc_per_node="$NPROC" \
    "$(dirname "$0")/test.py" "$CONFIG" "$CHECKPOINT" --launcher pytorch "${@:4}"
