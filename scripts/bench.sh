#!/usr/bin/env bash
# The benchmark: builds the release tree and drives the engine with the
# simulated market. Figures go to stdout; the README quotes them.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh build >/dev/null
echo "== throughput, 1 native strategy (sim market generation included)"
build/sniper_bench --strategies 1
echo "== latency, 1 native strategy"
build/sniper_bench --strategies 1 --latency
echo "== 1 Lua strategy, the same strategy as a script (target: >= 50% of native events/s)"
build/sniper_bench --strategies 1 --plugin example_sniper_lua --latency
echo "== replay: JSON Lines decode included, 1 native strategy"
build/sniper_bench --mode replay --strategies 1 --latency
echo "== 10 strategies loaded (peak RSS target <= 64 MB)"
build/sniper_bench --strategies 10 --latency
echo "== hot reload (targets: pause <= 5 us, full reload p99 <= 1 ms)"
build/sniper_bench --reload 1000
