#!/usr/bin/env bash
# Runs the demo config (config/paper.toml, seed 42, flat out) with two builds
# and compares what they traded: intents, orders, fills, positions and PnL
# from each journal. Usage: scripts/compare_journal.sh OLD_BUILD_DIR NEW_BUILD_DIR
# (each holding sniperd and plugins/). Exit 0 when identical, 1 with a diff.
set -euo pipefail
cd "$(dirname "$0")/.."
old=$(cd "$1" && pwd)
new=$(cd "$2" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

dump() { # journal.db -> the trading records, one per line, stable order
  sqlite3 -separator '|' "$1" <<'SQL'
SELECT 'intent', intent_id, strategy, side, hex(mint), hex(pool), amount_in, max_slippage_bps, flags, client_tag, accepted, reason_code, reason, ts_ns FROM intents ORDER BY intent_id;
SELECT 'order', intent_id, strategy, status, side, hex(mint), min_out, detail, fee_lamports, code, ts_ns FROM orders ORDER BY id;
SELECT 'fill', intent_id, strategy, side, hex(mint), hex(pool), in_amount, out_amount, fee_lamports, tip_lamports, realized_pnl_lamports, ts_ns FROM fills ORDER BY id;
SELECT 'position', strategy, hex(mint), hex(pool), amount_atoms, cost_lamports, realized_pnl_lamports FROM positions ORDER BY strategy, mint;
SELECT 'pnl', strategy, trades, wins, realized_pnl_lamports, peak_pnl_lamports, max_drawdown_lamports, fees_lamports FROM strategy_pnl ORDER BY strategy;
SQL
}

for side in old new; do
  dir=$old
  [[ $side == new ]] && dir=$new
  mkdir -p "$work/$side"
  sed -e "s|^data_dir = .*|data_dir = \"$work/$side/data\"|" \
      -e "s|^plugins_dir = .*|plugins_dir = \"$dir/plugins\"|" \
      -e "s|^speed = .*|speed = 0.0|" -e "/^tools_dir = /d" config/paper.toml >"$work/$side/paper.toml"
  "$dir/sniperd" run --config "$work/$side/paper.toml" --quiet 2>"$work/$side/log" ||
    { echo "$side build failed to run; its log:" >&2; tail -5 "$work/$side/log" >&2; exit 2; }
  db=$(ls "$work/$side"/data/*.db | head -1)
  dump "$db" >"$work/$side/journal.txt"
done
echo "old: $(grep -c '^intent' "$work/old/journal.txt") intents, $(grep -c '^fill' "$work/old/journal.txt") fills"
echo "new: $(grep -c '^intent' "$work/new/journal.txt") intents, $(grep -c '^fill' "$work/new/journal.txt") fills"
if diff -q "$work/old/journal.txt" "$work/new/journal.txt" >/dev/null; then
  echo "identical: intents, orders, fills, positions and PnL"
  exit 0
fi
diff "$work/old/journal.txt" "$work/new/journal.txt" | head -40
exit 1
