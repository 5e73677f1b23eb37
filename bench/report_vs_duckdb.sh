#!/usr/bin/env bash
# `ior report` (the end-of-run tables from a recording) against DuckDB
# computing the same tables from the same file, interleaved REPS times;
# also ior's reader alone on the projected columns. Prints medians of wall
# seconds, CPU seconds and rows per CPU-second.
# Usage: bench/report_vs_duckdb.sh [ROWS] [REPS]
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-10000000}
reps=${2:-5}
build=${IOR_BUILD:-build}
tool=$build/bench/parquet/recording_tool
[[ -x $tool && -x $build/ior ]] || { echo "build first: scripts/build.sh" >&2; exit 1; }
[[ -d tests/readers/node_modules/@duckdb ]] || { echo "run scripts/setup.sh --test first" >&2; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
file=$tmp/rec.parquet
"$tool" write "$file" "$rows"
echo "recording: $rows rows, $(stat -c %s "$file") bytes"

declare -A wall cpu
add() { wall[$1]+="$2 "; cpu[$1]+="$3 "; }
for _ in $(seq "$reps"); do
  line=$("$tool" read "$file")
  add reader "$(awk '{print $2}' <<<"$line")" "$(awk '{print $4}' <<<"$line")"
  line=$( { /usr/bin/time -f "%e %U %S" "$build/ior" report "$file" > /dev/null; } 2>&1 | tail -1)
  add report "$(awk '{print $1}' <<<"$line")" "$(awk '{print $2 + $3}' <<<"$line")"
  for t in 1 2; do
    line=$(node tests/readers/report_peer.mjs "$file" "$t")
    add "duckdb-${t}t" "$(awk '{print $2}' <<<"$line")" "$(awk '{print $4}' <<<"$line")"
  done
done
# shellcheck source=bench/median.sh
source bench/median.sh
printf "%-24s %8s %8s %16s\n" what "wall s" "CPU s" "rows/CPU-second"
for w in reader report duckdb-1t duckdb-2t; do
  mw=$(median <<<"${wall[$w]}"); mc=$(median <<<"${cpu[$w]}")
  awk -v w="$w" -v n="$rows" -v mw="$mw" -v mc="$mc" 'BEGIN {printf "%-24s %8.3f %8.3f %16.0f\n", w, mw, mc, n/mc}'
done
