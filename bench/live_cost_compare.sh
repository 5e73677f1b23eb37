#!/usr/bin/env bash
# Two builds of bench/live/live_cost compared on this (shared, noisy)
# machine: ROUNDS rounds, each running both binaries in turn, for the worst
# case (RUN 1: every row a fresh key) and for runs of 16 rows per key;
# prints every run and the median of each binary and case.
# Usage: bench/live_cost_compare.sh BEFORE AFTER [ROUNDS [SECONDS]]
#   (e.g. keep a copy of build/bench/live/live_cost before a change)
set -euo pipefail
before=$1; after=$2; rounds=${3:-3}; secs=${4:-10}
out=$(mktemp /tmp/ior-live-compare.XXXXXX)
trap 'rm -f "$out"' EXIT
uptime
for r in $(seq "$rounds"); do
  for run in 1 16; do
    for which in before after; do
      bin=$before; [[ $which == after ]] && bin=$after
      "$bin" 100000 "$secs" 2000 50 "$run" |
        awk -v w="$which" -v run="$run" -v r="$r" -F'\t' '
          $1 == "sink_cpu_share" {s = $2} $1 == "ui_cpu_share" {u = $2} $1 == "total_share" {t = $2}
          END {gsub("%", "", s); gsub("%", "", u); gsub("%", "", t); print w, run, r, s, u, t}' | tee -a "$out"
    done
  done
done
uptime
echo "median share of one core (%): binary RUN sink ui total"
for which in before after; do
  for run in 1 16; do
    m() { awk -v w="$which" -v run="$run" -v c="$1" '$1 == w && $2 == run {print $c}' "$out" | sort -n |
          awk '{v[NR] = $1} END {print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2)}'; }
    echo "$which $run $(m 4) $(m 5) $(m 6)"
  done
done
