#!/usr/bin/env bash
# torchrun on NPROC processes of this machine, for dist_train.sh and dist_test.sh:
#   tools/_torchrun.sh NPROC TOOL [TOOL's arguments]     (TOOL: a script in tools/, e.g. train.py)
# Multi-node: NNODES, NODE_RANK, MASTER_ADDR (node 0's address) and PORT from the environment.
set -euo pipefail
NPROC=$1
TOOL=$2
PYTHON=${PYTHON:-$(dirname "$0")/../.venv/bin/python}
exec "$PYTHON" -m torch.distributed.run \
    --nnodes="${NNODES:-1}" --node_rank="${NODE_RANK:-0}" \
    --master_addr="${MASTER_ADDR:-127.0.0.1}" --master_port="${PORT:-29500}" \
    --nproc_per_node="$NPROC" \
    "$(dirname "$0")/$TOOL" "${@:3}"
