#!/usr/bin/env bash
# ior's memory while its ClickHouse server is away and while it replays:
# `ior -clickhouse` at its defaults against a Debian 18.16 server started
# here on loopback; the server is SIGSTOPped while the workload makes
# pread64 calls at RATE on 2 threads for SECONDS, then continued, and ior
# gets REPLAY seconds to send what it spooled. Prints ior's highest RSS
# while the server was away (sampled every 0.5 s), its peak RSS over the
# run and its account of the ClickHouse sink's rows.
# Usage (root): bench/clickhouse_away_rss.sh [RATE] [SECONDS] [REPLAY]
set -euo pipefail
cd "$(dirname "$0")/.."
rate=${1:-300000}
secs=${2:-10}
replay=${3:-20}
build=${IOR_BUILD:-build}
[[ -x $build/ior && -x $build/tests/support/ior_workload ]] || { echo "build first: scripts/build.sh" >&2; exit 1; }
tmp=$(mktemp -d)
server=$tmp/server
trap 'kill -CONT "${spid:-0}" 2>/dev/null || true; tests/clickhouse/server/ch_server.sh stop "$server" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
tests/clickhouse/server/ch_server.sh start "$server" >/dev/null
# shellcheck disable=SC1091
source "$server/env"
STATE_DIRECTORY=$tmp/state "$build/ior" -duration 3600 -clickhouse -ch-port "$CH_PORT" -ch-db ior_away \
  > /dev/null 2> "$tmp/ior.log" &
pid=$!
for _ in $(seq 600); do grep -q "ior: tracing" "$tmp/ior.log" && break; sleep 0.05; done
spid=$(cat "$server/server.pid")
kill -STOP "$spid"
( while kill -0 "$pid" 2>/dev/null; do awk '/VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || true; sleep 0.5; done ) \
  > "$tmp/rss.txt" &
sampler=$!
"$build/tests/support/ior_workload" paced "$rate" "$secs" 2 1 | grep calls_per_sec
away_kib=$(sort -n "$tmp/rss.txt" | tail -1)
kill -CONT "$spid"
sleep "$replay"
kill -INT "$pid"
wait "$pid" || true
wait "$sampler" || true
echo "RSS while the server was away: $(( ${away_kib:-0} / 1024 )) MiB"
grep -E "peak memory|sink clickhouse|rows went" "$tmp/ior.log"
