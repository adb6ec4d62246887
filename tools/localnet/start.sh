#!/usr/bin/env bash
# Starts the local Solana validator (see README.md). Prints the RPC URL on
# the first line of stdout and serves until SIGTERM or SIGINT; exec keeps
# the pid the caller holds the server's own, so its signals reach it.
set -euo pipefail
dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec node "$dir/src/main.js" "$@"
