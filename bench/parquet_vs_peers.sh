#!/usr/bin/env bash
# ior's Parquet writer against chDB's (ClickHouse 26.x) and DuckDB's on the
# same synthetic rows (ZSTD, row groups of ROWGROUP), interleaved REPS times;
# prints medians of rows/s (wall), rows per CPU-second and bytes per row.
# Peers get the rows preloaded into memory, so only their writers are timed.
# Usage: bench/parquet_vs_peers.sh [ROWS] [REPS] [ROWGROUP]
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-5000000}
reps=${2:-5}
rg=${3:-100000}
build=${IOR_BUILD:-build}
tool=$build/bench/parquet/parquet_write_tool
[[ -x $tool ]] || { echo "build first: scripts/build.sh" >&2; exit 1; }
[[ -d tests/readers/node_modules/chdb ]] || { echo "run scripts/setup.sh --test first" >&2; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

"$tool" source "$tmp/src.parquet" "$rows" "$rg" > /dev/null
declare -A wall cpu bytes
for r in $(seq "$reps"); do
  line=$("$tool" bench "$tmp/ior.parquet" "$rows" "$rg")
  wall[ior]+="$(awk '{print $2}' <<<"$line") "; cpu[ior]+="$(awk '{print $4}' <<<"$line") "; bytes[ior]=$(awk '{print $8}' <<<"$line")
  for peer in chdb duckdb; do
    line=$(node tests/readers/write_parquet_peer.mjs "$peer" "$tmp/src.parquet" "$tmp/$peer.parquet" "$rg")
    wall[$peer]+="$(awk '{print $2}' <<<"$line") "; cpu[$peer]+="$(awk '{print $4}' <<<"$line") "; bytes[$peer]=$(awk '{print $6}' <<<"$line")
  done
done
# shellcheck source=bench/median.sh
source bench/median.sh  # after the cd to the repository root
printf "%-8s %14s %18s %8s %14s\n" writer "rows/s (wall)" "rows/CPU-second" "B/row" "speed vs ior"
ior_cpu=$(median <<<"${cpu[ior]}")
for w in ior chdb duckdb; do
  mw=$(median <<<"${wall[$w]}"); mc=$(median <<<"${cpu[$w]}")
  awk -v w="$w" -v n="$rows" -v mw="$mw" -v mc="$mc" -v b="${bytes[$w]}" -v ic="$ior_cpu" \
    'BEGIN {printf "%-8s %14.0f %18.0f %8.1f %13.2fx\n", w, n/mw, n/mc, b/n, mc/ic}'
done
