#!/usr/bin/env bash
# Solana wire decoding side by side, one run on this machine: our decoder
# (bench/decode_bench.cpp, chain::SolanaWsDecoder on simdjson) and the same
# work in Node (tools/solana-check/bench_decode.js: JSON.parse + bs58 +
# Buffer), on the same messages (bench/data/decode_messages.ndjson), one
# thread each; then the ratio per message. Needs a release build
# (BUILD_DIR, default build) with sniper_decode_bench and `scripts/npm_deps.sh`.
# Usage: scripts/bench_decode.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
SECONDS_EACH=${1:-4}
ours=$("$BUILD_DIR"/sniper_decode_bench --seconds "$SECONDS_EACH")
echo "$ours"
theirs=$(node tools/solana-check/bench_decode.js bench/data/decode_messages.ndjson "$SECONDS_EACH")
echo "$theirs"
python3 - "$ours" "$theirs" <<'PY'
import json, sys
ours = {x["message"]: x for x in (json.loads(l) for l in sys.argv[1].splitlines() if l.strip())}
theirs = {x["message"]: x for x in (json.loads(l) for l in sys.argv[2].splitlines() if l.strip())}
for name, o in ours.items():
    t = theirs.get(name)
    if not t:
        continue
    line = f"{name}: ours {o['per_wall_sec']:.0f}/s wall ({o['per_cpu_sec']:.0f}/s per CPU-second)"
    if o.get("p99_ns"):
        line += f", p50 {o['p50_ns']} ns, p99 {o['p99_ns']} ns"
    line += f"; node {t['per_wall_sec']}/s"
    if t.get("p99_ns"):
        line += f", p50 {t['p50_ns']} ns, p99 {t['p99_ns']} ns"
    line += f": {o['per_wall_sec'] / t['per_wall_sec']:.1f}x"
    print(line)
PY
