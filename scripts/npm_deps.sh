#!/usr/bin/env bash
# Installs the pinned npm dependencies of the Node.js tools with `npm ci`
# (exactly what each lockfile says) when node_modules is missing or the
# lockfile or package.json changed since the last install. Idempotent.
# The registry is reached over the network: a failed `npm ci` (a reset or
# idle connection) is tried again, 3 times in all, 10 s and then 30 s apart.
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
  for wait_s in 10 30 0; do
    if (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error --fetch-retries=4); then
      break
    fi
    if [[ $wait_s -eq 0 ]]; then
      echo "npm_deps.sh: npm ci in $dir failed 3 times; is registry.npmjs.org reachable?" >&2
      exit 1
    fi
    echo "npm_deps.sh: npm ci in $dir failed; trying again in ${wait_s} s" >&2
    sleep "$wait_s"
  done
  echo "$want" >"$stamp"
done
