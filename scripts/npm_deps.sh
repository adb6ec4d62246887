#!/usr/bin/env bash
# Installs the pinned npm dependencies of the Node.js tools with `npm ci`
# (exactly what each lockfile says) when node_modules is missing or the
# lockfile or package.json changed since the last install. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
for dir in tools/solana-check tools/localnet; do
  [[ -f "$dir/package-lock.json" ]] || continue
  stamp="$dir/node_modules/.sniper-installed.sha256"
  want=$(cat "$dir/package-lock.json" "$dir/package.json" | sha256sum | cut -d' ' -f1)
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    continue
  fi
  echo "npm_deps.sh: npm ci in $dir" >&2
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" >"$stamp"
done
