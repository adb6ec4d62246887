#!/usr/bin/env bash
# The long crash-recovery run: the same test as CI's
# tests/app/crash_recovery_test.cpp ("[app][e2e][crash]", 100 kills), with
# many more kill -9s of a trading sniperd, each followed by a restart and
# the journal checks (integrity, no fill lost, no order applied twice,
# positions and trading state equal to the journal, no order left in
# flight). See "Crash recovery test" in docs/design.md.
#
#   scripts/crash_soak.sh                 # 1000 kills, the test's fixed seed
#   scripts/crash_soak.sh 5000            # 5000 kills
#   SNIPER_CRASH_SEED=123 scripts/crash_soak.sh 1000   # another kill schedule
#   BUILD_DIR=build-asan scripts/crash_soak.sh 300     # under ASan + UBSan
#
# BUILD_DIR (default: build) is configured if needed and built for the three
# targets the test needs; JOBS (default: nproc) sets the build parallelism.
# The seed is printed first; rerunning with it repeats the kill schedule
# (the moments are wall-clock, so the exact kill points differ a little).
# Exits non-zero when any invariant failed; the summary line and every
# violation (with the SQL rows) are in the output.
set -euo pipefail
cd "$(dirname "$0")/.."

kills=${1:-1000}
build_dir=${BUILD_DIR:-build}
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}

if [[ ! -f "$build_dir/CMakeCache.txt" ]]; then
  cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$build_dir" -j "$jobs" --target test_app sniperd sniperctl

export SNIPER_CRASH_KILLS=$kills
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
start=$(date +%s)
status=0
"$build_dir/tests/test_app" "[crash]" --durations yes || status=$?
echo "crash soak: $kills kills in $(( $(date +%s) - start )) s, exit $status"
exit "$status"
