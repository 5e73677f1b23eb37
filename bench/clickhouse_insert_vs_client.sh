#!/usr/bin/env bash
# ior's native client against clickhouse-client inserting the same rows into
# a local Debian 18.16 server (started here on free loopback ports), into a
# MergeTree table and into a Null-engine table, interleaved REPS times.
# clickhouse-client forwards a ready Native file; ior encodes from rows.
# Both compress with LZ4. Three clients: ior's Connection inserting batches
# of BATCH rows one after the other ("ior client"), the -clickhouse sink's
# StreamWriter with its defaults (10 000-row batches, 4 connections, rows
# appended one by one as the event pipeline does: "ior sink"), and
# clickhouse-client. Prints medians of rows/s (wall, from connect to the
# server's confirmation), client CPU-seconds per million rows, peak RSS of
# the sink's process, and the ratios to clickhouse-client.
# Usage: bench/clickhouse_insert_vs_client.sh [ROWS] [REPS] [BATCH]
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-5000000}
reps=${2:-5}
batch=${3:-100000}
build=${IOR_BUILD:-build}
tool=$build/bench/clickhouse/ch_insert_tool
[[ -x $tool ]] || { echo "build first: scripts/build.sh" >&2; exit 1; }
command -v clickhouse-client >/dev/null || { echo "run scripts/setup.sh --test first" >&2; exit 1; }
tmp=$(mktemp -d)
server=$tmp/server
trap 'tests/clickhouse/server/ch_server.sh stop "$server" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
tests/clickhouse/server/ch_server.sh start "$server" >/dev/null
# shellcheck disable=SC1091
source "$server/env"
ch() { clickhouse-client --host "$CH_HOST" --port "$CH_PORT" --allow_experimental_low_cardinality_type=1 "$@"; }

"$tool" native "$tmp/rows.native" "$rows"
recreate() {  # TABLE ENGINE: a fresh table for every run (no merges left over)
  ch -q "DROP TABLE IF EXISTS $1"
  ch -q "$("$tool" ddl "$1" "$2")"
}

declare -A wall cpu rss
for r in $(seq "$reps"); do
  for engine in MergeTree Null; do
    recreate "ior_$engine" "$engine"
    line=$("$tool" insert "$CH_PORT" "ior_$engine" "$rows" "$batch" lz4)
    wall[ior_$engine]+="$(sed 's/.*seconds=\([0-9.]*\) cpu.*/\1/' <<<"$line") "
    cpu[ior_$engine]+="$(sed 's/.*cpu_seconds=\([0-9.]*\).*/\1/' <<<"$line") "
    recreate "sink_$engine" "$engine"
    line=$("$tool" stream "$CH_PORT" "sink_$engine" "$rows" 10000 4)
    wall[sink_$engine]+="$(sed 's/.*seconds=\([0-9.]*\) cpu.*/\1/' <<<"$line") "
    cpu[sink_$engine]+="$(sed 's/.*cpu_seconds=\([0-9.]*\).*/\1/' <<<"$line") "
    rss[sink_$engine]+="$(sed 's/.*peak_rss_kb=\([0-9]*\).*/\1/' <<<"$line") "
    recreate "cli_$engine" "$engine"
    TIMEFORMAT='%R %U %S'
    t=$( { time ch -q "INSERT INTO cli_$engine FORMAT Native" < "$tmp/rows.native" ; } 2>&1 )
    wall[cli_$engine]+="$(awk '{print $1}' <<<"$t") "
    cpu[cli_$engine]+="$(awk '{print $2 + $3}' <<<"$t") "
    if [[ $engine == MergeTree ]]; then
      for t in ior sink cli; do
        n=$(ch -q "SELECT count() FROM ${t}_$engine")
        [[ $n == "$rows" ]] || { echo "row count mismatch in ${t}_$engine: $n, expected $rows" >&2; exit 1; }
      done
    fi
  done
done
# shellcheck source=bench/median.sh
source bench/median.sh  # after the cd to the repository root
echo "rows=$rows batch=$batch reps=$reps native_bytes_per_row=$(( $(stat -c %s "$tmp/rows.native") / rows ))"
printf "%-10s %-18s %14s %20s %14s %14s\n" table client "rows/s (wall)" "client CPU s/M rows" "peak RSS MB" "vs client"
for engine in MergeTree Null; do
  cc=$(median <<<"${wall[cli_$engine]}")
  for who in ior sink cli; do
    mw=$(median <<<"${wall[${who}_$engine]}"); mc=$(median <<<"${cpu[${who}_$engine]}")
    mr=$( [[ $who == sink ]] && median <<<"${rss[${who}_$engine]}" || echo 0 )
    case $who in ior) name="ior client" ;; sink) name="ior sink" ;; *) name="clickhouse-client" ;; esac
    awk -v e="$engine" -v w="$name" -v n="$rows" -v mw="$mw" -v mc="$mc" -v cc="$cc" -v who="$who" -v mr="$mr" \
      'BEGIN {printf "%-10s %-18s %14.0f %20.2f %14s %14s\n", e, w, n/mw, mc/(n/1e6), (mr > 0 ? sprintf("%.0f", mr/1024) : ""), (who!="cli" ? sprintf("%.2fx", cc/mw) : "")}'
  done
done
