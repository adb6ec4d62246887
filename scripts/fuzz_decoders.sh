#!/usr/bin/env bash
# Long run of the decoders' fuzzers, under the sanitizer build by default:
# the Solana wire decoders (tests/chain/fuzz_test.cpp: the corpus in
# tests/chain/corpus mutated) and the transaction codec
# (tests/solana/fuzz_test.cpp: random, mutated and raw transactions, each
# accepted one re-serialized to the same bytes), ITERS inputs per seed.
# Any crash, sanitizer report, invalid output event or re-serialization
# that differs fails the run; the failing seed and input are printed.
# Usage: scripts/fuzz_decoders.sh [ITERS] [SEEDS]   (defaults 2000000, 4)
#   BUILD_DIR=build-feeds-asan (default; configure it with
#   -DCMAKE_BUILD_TYPE=Debug -DSNIPER_SANITIZE=ON and build test_chain test_solana)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build-feeds-asan}
ITERS=${1:-2000000}
SEEDS=${2:-4}
for t in test_chain test_solana; do
  BIN="$BUILD_DIR/tests/$t"
  [ -x "$BIN" ] || { echo "fuzz_decoders: build $BIN first (ninja -C $BUILD_DIR test_chain test_solana)"; exit 2; }
done
for seed in $(seq 1 "$SEEDS"); do
  for t in test_chain test_solana; do
    echo "fuzz_decoders: $t, seed $seed, $ITERS inputs"
    SNIPER_FUZZ_ITERS=$ITERS SNIPER_FUZZ_SEED=$seed "$BUILD_DIR/tests/$t" "[fuzz]"
  done
done
echo "fuzz_decoders: ok"
