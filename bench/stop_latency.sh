#!/usr/bin/env bash
# How fast a stop signal ends ior while its setup waits on a ClickHouse
# server that accepts the connection and never answers (a loopback listener
# of this script): for RUNS runs, the time from SIGTERM to ior's exit once ior
# is connected; prints every run, then the minimum, median and maximum in ms.
# Usage (root): bench/stop_latency.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/median.sh
runs=${1:-10}
ior=${IOR_BUILD:-build}/ior
port_file=$(mktemp)
trap 'rm -f "$port_file"; kill "$listener" 2>/dev/null || true' EXIT
python3 -c "
import socket, sys, time
s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(64)
print(s.getsockname()[1], flush=True); time.sleep(3600)" > "$port_file" &
listener=$!
for _ in $(seq 100); do [[ -s "$port_file" ]] && break; sleep 0.05; done
port=$(<"$port_file")
hex_port=$(printf '%04X' "$port")
times=()
for i in $(seq "$runs"); do
  "$ior" -clickhouse -ch-port "$port" -duration 60 2>/dev/null &
  pid=$!
  # Connected: an established (01) socket to the listener in ior's namespace.
  for _ in $(seq 500); do
    grep -q " [0-9A-F]*:$hex_port 01 " "/proc/$pid/net/tcp" 2>/dev/null && break
    sleep 0.02
  done
  t0=$(date +%s%N)
  kill -TERM "$pid"
  rc=0; wait "$pid" || rc=$?
  t1=$(date +%s%N)
  ms=$(( (t1 - t0) / 1000000 ))
  echo "run $i: ${ms} ms, exit $rc"
  times+=("$ms")
done
echo "min $(printf '%s\n' "${times[@]}" | sort -g | head -1) ms, median $(echo "${times[@]}" | median) ms, max $(printf '%s\n' "${times[@]}" | sort -g | tail -1) ms"
