#!/bin/sh
# `sniperd decode --source solana-ws`: the fixture messages decode (exit 0)
# to the expected number of event lines; a hostile line is reported with its
# reason and makes the exit 1; bad usage exits 2.
# Usage: decode_cli_test.sh SNIPERD FIXTURES_DIR
set -u
SNIPERD=$1
FIX=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*"; cat "$TMP/err" 2>/dev/null; exit 1; }

"$SNIPERD" decode --source solana-ws < "$FIX/decode_input.ndjson" > "$TMP/out" 2> "$TMP/err"
rc=$?
[ "$rc" -eq 0 ] || fail "expected exit 0 on the payloads, got $rc"
n=$(wc -l < "$TMP/out")
[ "$n" -eq 15 ] || fail "expected 15 event lines, got $n"
grep -q '"type":"new_pool".*"dex":"raydium_amm_v4"' "$TMP/out" || fail "no Raydium new_pool line"
grep -q '"type":"trade".*"side":"sell"' "$TMP/out" || fail "no sell trade line"
grep -q '11 messages, 11 decoded, 0 refused, 15 events' "$TMP/err" || fail "summary line"

{ cat "$FIX/decode_input.ndjson"; tr -d '\n' < "$FIX/hostile/log_stack_unbalanced.json"; echo; } > "$TMP/in2"
"$SNIPERD" decode --source solana-ws < "$TMP/in2" > "$TMP/out2" 2> "$TMP/err"
rc=$?
[ "$rc" -eq 1 ] || fail "expected exit 1 with a hostile line, got $rc"
grep -q '^line 12: LOG_STACK' "$TMP/err" || fail "the hostile line's reason on stderr"
cmp -s "$TMP/out" "$TMP/out2" || fail "a refused line changed the output"

"$SNIPERD" decode < /dev/null > /dev/null 2>&1
rc=$?
[ "$rc" -eq 2 ] || fail "expected exit 2 without --source, got $rc"
"$SNIPERD" decode --source kafka < /dev/null > /dev/null 2>&1
rc=$?
[ "$rc" -eq 2 ] || fail "expected exit 2 for an unknown source, got $rc"
echo "decode_cli: ok"
