#!/usr/bin/env bash
# The main job on a fresh Debian machine: install what is missing, build,
# and paper-trade on the built-in simulated market, with live status lines,
# then print the per-strategy summary.
# Extra arguments go to `sniperd run` (e.g. --for 20s).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh build
echo
echo "== sniperd paper trading on the simulated market (config/paper.toml) =="
echo "   in another terminal: build/sniperctl status | strategies | positions | kill"
echo
exec build/sniperd run --config config/paper.toml "$@"
