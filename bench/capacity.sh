#!/usr/bin/env bash
# The highest syscall rate ior sustains with 0 drops of any kind, per output:
# console (to /dev/null), Parquet, ClickHouse (MergeTree, a Debian 18.16
# server started here on loopback, so it shares the machine's cores), all
# three at once ("all") and Parquet with ClickHouse ("parquet+clickhouse").
# ior runs at its defaults and traces the whole host; the
# workload makes pread64 calls of BYTES (default 4096) at a fixed rate on
# THREADS threads; 1-byte reads let the workload outrun ior, so that the series
# ends at ior's limit rather than at the page-cache copy's.
# For each output the rate climbs in STEP steps until a run drops anything
# (ring buffer, a sink's queue, a sink's own drops or losses: the summary's
# account of every row) or the workload cannot make the rate; the last clean
# rate is printed with ior's peak RSS and CPU time per million syscalls.
# Usage (root): bench/capacity.sh [SECONDS_PER_RUN] [THREADS] [START] [STEP] [OUTPUTS] [BYTES]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-5}
threads=${2:-2}
start=${3:-200000}
step=${4:-100000}
outputs=${5:-"console parquet clickhouse all"}
bytes=${6:-4096}
build=${IOR_BUILD:-build}
ior=$build/ior
wl=$build/tests/support/ior_workload
[[ -x $ior && -x $wl ]] || { echo "build first: scripts/build.sh" >&2; exit 1; }
tmp=$(mktemp -d)
server=$tmp/server
trap 'tests/clickhouse/server/ch_server.sh stop "$server" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
if [[ $outputs == *clickhouse* || $outputs == *all* ]]; then
  tests/clickhouse/server/ch_server.sh start "$server" >/dev/null
  # shellcheck disable=SC1091
  source "$server/env"
fi

args_for() {
  case $1 in
    console) echo "" ;;
    parquet) echo "-parquet -parquet-file $tmp/run.parquet" ;;
    clickhouse) echo "-clickhouse -ch-port $CH_PORT -ch-db ior_capacity" ;;
    parquet+clickhouse) echo "-parquet -parquet-file $tmp/run.parquet -clickhouse -ch-port $CH_PORT -ch-db ior_capacity" ;;
    all) echo "-console -parquet -parquet-file $tmp/run.parquet -clickhouse -ch-port $CH_PORT -ch-db ior_capacity" ;;
  esac
}

# drops LOG: every row or record lost anywhere, from the account.
drops() {
  awk '/lost in the ring buffer/ { for (i = 1; i <= NF; i++) if ($i == "buffer") d += $(i+1) }
       /^  sink / && / = / { for (i = 1; i <= NF; i++) {
           if ($i == "copied" || $i == "full" || $i == "dropped" || $i == "lost") d += $(i+1) } }
       END { print d + 0 }' "$1"
}

# drop_kinds LOG: where the rows were lost, e.g. "ring buffer 120, sink clickhouse: queue full 300"
drop_kinds() {
  awk '/lost in the ring buffer/ { for (i = 1; i <= NF; i++) if ($i == "buffer" && $(i+1) + 0 > 0) k = k sep "ring buffer " $(i+1); sep = ", " }
       /^  sink / && / = / { for (i = 1; i <= NF; i++) {
           if (($i == "copied" || $i == "full" || $i == "dropped" || $i == "lost") && $(i+1) + 0 > 0) {
             k = k sep $2 ": " $(i-1) " " $i " " $(i+1); sep = ", " } } }
       END { print k }' "$1"
}

# one_run OUTPUT RATE: prints "achieved drops rss_mib cpu_s"
one_run() {
  rm -f "$tmp"/run*.parquet
  # shellcheck disable=SC2046
  STATE_DIRECTORY=$tmp/state "$ior" -duration 3600 $(args_for "$1") > /dev/null 2> "$tmp/ior.log" &
  local pid=$!
  for _ in $(seq 600); do grep -q "ior: tracing" "$tmp/ior.log" && break; sleep 0.05; done
  local t0; t0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  local achieved; achieved=$("$wl" paced "$2" "$secs" "$threads" "$bytes" | awk '/calls_per_sec/ {print $2}')
  local t1; t1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  kill -INT "$pid"; wait "$pid" || true
  local rss; rss=$(awk '/peak memory/ {print $4}' "$tmp/ior.log")
  echo "$achieved $(drops "$tmp/ior.log") ${rss:-0} $(( (t1 - t0) ))"
}

hz=$(getconf CLK_TCK)
# The machine's speed in this run: the same workload untraced, unpaced. A
# series that ends with "workload made N/s" ended at what the traced workload
# can make on these cores, not at a drop; compare it with this line.
untraced=$("$wl" paced 0 "$secs" "$threads" "$bytes" | awk '/calls_per_sec/ {print $2}')
echo "untraced workload: $untraced calls/s ($threads threads, $bytes-byte pread)"
printf "%-11s %14s %8s %12s %16s %10s\n" output "max rate/s" drops "peak RSS" "ior CPU ms/Mcall" "% untraced"
for out in $outputs; do
  best=0; best_rss=0; best_cpu=0; rate=$start
  while :; do
    read -r achieved d rss ticks < <(one_run "$out" "$rate")
    if [[ $d -ne 0 ]] || awk -v a="$achieved" -v r="$rate" 'BEGIN { exit !(a < 0.95 * r) }'; then break; fi
    best=$rate; best_rss=$rss
    best_cpu=$(awk -v t="$ticks" -v hz="$hz" -v a="$achieved" -v s="$secs" 'BEGIN { printf "%.0f", t / hz * 1000 / (a * s / 1e6) }')
    rate=$((rate + step))
  done
  stop_reason="drops $d: $(drop_kinds "$tmp/ior.log")"; [[ $d -eq 0 ]] && stop_reason="workload made $achieved/s of $rate/s"
  share=$(awk -v b="$best" -v u="$untraced" 'BEGIN { printf "%.0f", 100 * b / u }')
  printf "%-11s %14s %8s %9s MiB %16s %10s   (next step: %s)\n" "$out" "$best" 0 "$best_rss" "$best_cpu" "$share" "$stop_reason"
done
