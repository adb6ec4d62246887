#!/usr/bin/env bash
# Transactions side by side, in one run on this machine: our build + sign +
# serialize and decode (bench/tx_bench.cpp), then the same 3-instruction
# transaction with @solana/web3.js (tools/solana-check/bench_web3.js), then
# the ratio. Needs the release build and `scripts/npm_deps.sh` done.
set -euo pipefail
cd "$(dirname "$0")/.."
ours=$(build/sniper_tx_bench --seconds 2)
echo "$ours"
theirs=$(node tools/solana-check/bench_web3.js 1000 5)
echo "$theirs"
python3 - "$ours" "$theirs" <<'PY'
import json, sys
ours = [json.loads(l) for l in sys.argv[1].splitlines() if l.strip()]
theirs = json.loads(sys.argv[2].splitlines()[-1])
for v in ("legacy", "v0"):
    o = next(x for x in ours if x["bench"] == "build_sign_serialize" and x["version"] == v)
    t = theirs[f"{v}_tx_per_s"]  # web3.js, best round, wall clock
    print(f"{v}: ours {o['per_wall_sec']}/s wall ({o['per_cpu_sec']}/s per CPU-second), "
          f"web3.js {t}/s wall: {o['per_wall_sec'] / t:.1f}x")
PY
