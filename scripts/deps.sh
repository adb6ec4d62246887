#!/usr/bin/env bash
# Installs the Debian packages sniperd needs, only those missing. Idempotent.
# Runs apt-get as root, through sudo otherwise.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  libboost1.81-dev libluajit2-5.1-dev libsimdjson-dev libcurl4-openssl-dev
  libsodium-dev libsqlite3-dev sqlite3 catch2 libtomlplusplus-dev libssl-dev
  python3
)
# Node.js (>= 20) runs the independent Solana checks in tools/solana-check;
# Debian's own nodejs only when none is installed.
if ! command -v node >/dev/null; then
  PACKAGES+=(nodejs npm)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null; then
    SUDO="sudo"
  else
    echo "deps.sh: missing packages: ${missing[*]}; run as root or install sudo" >&2
    exit 1
  fi
fi
echo "deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
