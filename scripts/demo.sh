#!/usr/bin/env bash
# The main job on a fresh Debian machine: install what is missing, build,
# and paper-trade on the built-in simulated market, with live status lines,
# then print the per-strategy summary.
# Extra arguments go to `sniperd run` (e.g. --for 20s).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
# Only what the demo runs: the daemon, the CLI, the signer and the example
# strategies; no test targets (scripts/test.sh builds those). Measured on
# 2 cores: 2.5 minutes the first time, seconds after.
[[ -f build/sniperd ]] || echo "== building sniperd (first time: about 5 minutes on 2 cores) =="
SNIPER_BUILD_TARGETS="sniperd sniperctl sniper-signer example_sniper example_momentum example_sniper_lua example_tool_lua" \
  scripts/build.sh build
mkdir -p data
log=data/sniperd.log
echo
echo "== sniperd paper trading on the simulated market (config/paper.toml) =="
echo "   structured logs (one JSON object per line): $log"
echo "   in another terminal: build/sniperctl status | strategies | positions | pnl | risk | kill"
echo
rc=0
build/sniperd run --config config/paper.toml "$@" 2>>"$log" || rc=$?
if [[ $rc -ne 0 ]]; then
  echo "sniperd exited with status $rc; the end of $log:" >&2
  tail -n 20 "$log" >&2
fi
exit "$rc"
