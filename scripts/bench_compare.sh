#!/usr/bin/env bash
# Runs two builds' sniper_bench side by side on this machine, alternating
# old/new so both see the same load, and prints the median events/s and
# p99 of each. Usage: scripts/bench_compare.sh OLD_BUILD_DIR NEW_BUILD_DIR [ROUNDS]
# (e.g. a `git worktree` of the old commit built with scripts/build.sh).
set -euo pipefail
old=$1
new=$2
rounds=${3:-3}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
run() { # bench binary, args... -> "events_per_s p99_ns"
  local out
  out=$("$@" 2>&1)
  local eps p99
  eps=$(awk '/throughput/ {print $2}' <<<"$out")
  p99=$(awk '$1=="latency" && $2=="p99" {print $3}' <<<"$out")
  echo "$eps $p99"
}
for scenario in "--strategies 1 --latency" "--strategies 1 --plugin example_sniper_lua --latency" "--strategies 10 --latency"; do
  : >/tmp/bench_old.$$ ; : >/tmp/bench_new.$$
  for ((i = 0; i < rounds; i++)); do
    # shellcheck disable=SC2086
    run "$old/sniper_bench" $scenario >>/tmp/bench_old.$$
    # shellcheck disable=SC2086
    run "$new/sniper_bench" $scenario >>/tmp/bench_new.$$
  done
  o_eps=$(cut -d' ' -f1 /tmp/bench_old.$$ | median); o_p99=$(cut -d' ' -f2 /tmp/bench_old.$$ | median)
  n_eps=$(cut -d' ' -f1 /tmp/bench_new.$$ | median); n_p99=$(cut -d' ' -f2 /tmp/bench_new.$$ | median)
  printf '%-55s old %9s ev/s p99 %5s ns | new %9s ev/s p99 %5s ns | new/old %s\n' "$scenario" \
    "$o_eps" "$o_p99" "$n_eps" "$n_p99" "$(awk -v a="$n_eps" -v b="$o_eps" 'BEGIN {printf "%.2f", a / b}')"
done
rm -f /tmp/bench_old.$$ /tmp/bench_new.$$
