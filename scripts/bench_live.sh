#!/usr/bin/env bash
# The live executor's figures on this machine (bench/live_bench.cpp): it
# starts tools/localnet itself (needs `scripts/npm_deps.sh`) and the real
# sniper-signer. Release build in BUILD_DIR (default build).
# Usage: scripts/bench_live.sh [--slot-ms N] [--orders N] [--rates A,B,...] [--seconds S] [--pin] [--ws]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
"$BUILD_DIR"/sniper_live_bench "$@"
