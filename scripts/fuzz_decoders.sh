#!/usr/bin/env bash
# Long run of the Solana wire decoders' mutation fuzzer (tests/chain/fuzz_test.cpp):
# the corpus in tests/chain/corpus mutated for ITERS inputs per seed, under
# the sanitizer build by default. Any crash, sanitizer report or invalid
# output event fails the run; the failing seed and input are printed.
# Usage: scripts/fuzz_decoders.sh [ITERS] [SEEDS]   (defaults 2000000, 4)
#   BUILD_DIR=build-feeds-asan (default; configure it with
#   -DCMAKE_BUILD_TYPE=Debug -DSNIPER_SANITIZE=ON and build test_chain)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build-feeds-asan}
ITERS=${1:-2000000}
SEEDS=${2:-4}
BIN="$BUILD_DIR/tests/test_chain"
[ -x "$BIN" ] || { echo "fuzz_decoders: build $BIN first (ninja -C $BUILD_DIR test_chain)"; exit 2; }
for seed in $(seq 1 "$SEEDS"); do
  echo "fuzz_decoders: seed $seed, $ITERS inputs"
  SNIPER_FUZZ_ITERS=$ITERS SNIPER_FUZZ_SEED=$seed "$BIN" "[fuzz]"
done
echo "fuzz_decoders: ok"
