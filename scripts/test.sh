#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: first the normal
# build, then (unless SNIPER_SKIP_ASAN=1) the same tests under
# AddressSanitizer + UndefinedBehaviorSanitizer. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/npm_deps.sh
jobs=$(nproc 2>/dev/null || echo 2)

scripts/build.sh build
(cd build && ctest --output-on-failure -j "$jobs")

if [[ "${SNIPER_SKIP_ASAN:-0}" != "1" ]]; then
  if [[ ! -f build-asan/build.ninja ]]; then
    cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSNIPER_SANITIZE=ON \
      -DSNIPER_BUILD_BENCH=OFF >/dev/null
  fi
  cmake --build build-asan -j "$jobs"
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  # The live executor's fault test runs its full 1,000 intents in the plain
  # build above; under the sanitizers (several times slower) 300 of them.
  export SNIPER_LIVE_FAULT_INTENTS=300
  # The reload soak replays 20 simulated minutes there instead of an hour
  # (the hour, native and Lua, took ~300 s: the whole of its timeout).
  export SNIPER_RELOAD_SOAK_MINUTES=20
  (cd build-asan && ctest --output-on-failure -j "$jobs")
fi
