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
cmake --build "$dir" -j "$jobs"
