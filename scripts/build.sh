#!/usr/bin/env bash
# Configures and builds one build tree. Usage: scripts/build.sh [DIR] [cmake args...]
# Default DIR is build (RelWithDebInfo). Idempotent and incremental.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
shift || true
if [[ ! -f "$dir/build.ninja" ]]; then
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
fi
jobs=$(nproc 2>/dev/null || echo 2)
# SNIPER_BUILD_TARGETS="a b c" builds only those (the demo needs no tests).
targets=()
for t in ${SNIPER_BUILD_TARGETS:-}; do
  targets+=(--target "$t")
done
cmake --build "$dir" -j "$jobs" "${targets[@]}"
