#!/usr/bin/env bash
# Test on NPROC processes of this machine with torchrun (results gathered once, evaluated on rank 0).
#   tools/dist_test.sh CONFIG CHECKPOINT NPROC [test.py options]
# Multi-node: run it on every node with NNODES, NODE_RANK, MASTER_ADDR (node 0's address) and PORT set.
set -euo pipefail
CONFIG=$1
CHECKPOINT=$2
NPROC=$3
exec bash "$(dirname "$0")/_torchrun.sh" "$NPROC" test.py "$CONFIG" "$CHECKPOINT" --launcher pytorch "${@:4}"
