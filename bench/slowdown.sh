#!/usr/bin/env bash
# How much tracing slows a syscall-heavy workload down, ior against bpftrace.
#
# For each mode (open+read 4 KiB+close; pread 4 KiB; write 64 B to /dev/null)
# runs the workload untraced and traced, interleaved, REPS times, and prints
# the median slowdown (untraced ops/s / traced ops/s) under each tracer:
#   raw-floor  bpftrace, empty programs on raw_syscalls:sys_enter/sys_exit
#              (every syscall, the attach mechanism closest to ior's tp_btf)
#   floor      bpftrace, empty programs on the 10 enter/exit tracepoints
#   bt-scalar  bpftrace counting those tracepoints into one per-CPU counter
#              (@ = count(): the leanest in-kernel counter)
#   bt-count   bpftrace counting per probe (@[probe] = count(): a hash map
#              keyed by a string)
#   bt-printf  bpftrace printf of every event to userspace (to a file)
#   ior        ior capturing every file-I/O syscall of the host, rows to a file
#   ior-wakeup the same, but the kernel wakes ior's reader for every record
#              (libbpf's default) instead of ior polling every 10 ms
#   ior-before IOR_BEFORE=path/to/an/earlier/ior: a change's cost in one run
#   ior-sched  ior with -avoid-traced-cpus=false: the scheduler alone places
#              ior's threads, also on the traced thread's CPU
# and the cost stages of ior (bench/capture_cost.sh runs them):
#   attach, filter, copy, drain   ior -cost-stage STAGE (docs/PERFORMANCE.md)
#   parquet, clickhouse           ior writing Parquet / into ClickHouse 18.16
#                                 (a server started here, on loopback)
# then ior's ratio to bt-scalar, bt-count and raw-floor (<= 1.0: ior is no
# slower than that anchor), each ior build's ring-buffer drops (all its runs)
# and the wake-ups ior's programs forced in its median run.
# PIN=1 (one workload thread): the workload runs on one CPU and every tracer
# on the others, so that ior's own threads never take the workload's CPU
# (bpftrace has none): the kernel side's cost alone. The workload's CPU
# alternates between the first and the last from one rep to the next (each
# traced run against an untraced run on the same CPU), because bpftrace's
# cost depends on the CPU: it opens its tracepoints' perf events on CPU 0
# only, and every traced syscall on CPU 0, and there alone, also walks that
# event (perf_swevent_event: a sixth of CPU 0's time in the write loop,
# docs/PERFORMANCE.md). Unpinned, that is a coin flip per run.
# WL_CPU=N (with PIN=1): the workload always on CPU N. WL_CPU=1 measures
# what every CPU but the first pays, the cost most CPUs of a host see.
# Usage (root): [TRACERS="..."] [THREADS=N] [PIN=1 [WL_CPU=N]] [IOR_BEFORE=...] bench/slowdown.sh [SECONDS_PER_RUN] [REPS] [MODES]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-2}
reps=${2:-5}
modes=${3:-"openreadclose pread writenull"}
threads=${THREADS:-1}
wl_cpus=() tracer_cpus=()
if [[ ${PIN:-0} == 1 ]]; then
  [[ $threads == 1 ]] || { echo "PIN=1 runs one workload thread (THREADS=1)" >&2; exit 2; }
  (( $(nproc) >= 2 )) || { echo "PIN=1 needs two CPUs" >&2; exit 2; }
fi
# pin_rep N: where rep N's workload and tracer run (PIN=1), nothing otherwise.
pin_rep() {
  [[ ${PIN:-0} == 1 ]] || return 0
  local last=$(($(nproc) - 1))
  if [[ -n ${WL_CPU:-} ]]; then
    local others
    others=$(seq 0 "$last" | grep -vx "$WL_CPU" | paste -sd,)
    wl_cpus=(taskset -c "$WL_CPU") tracer_cpus=(taskset -c "$others")
  elif (( $1 % 2 == 0 )); then
    wl_cpus=(taskset -c 0) tracer_cpus=(taskset -c "1-$last")
  else
    wl_cpus=(taskset -c "$last") tracer_cpus=(taskset -c "0-$((last - 1))")
  fi
}
build=${IOR_BUILD:-build}
ior=$build/ior
wl=$build/tests/support/ior_workload
[[ -x $ior && -x $wl ]] || { echo "build first: scripts/build.sh" >&2; exit 1; }
command -v bpftrace >/dev/null || { echo "bpftrace is missing: apt-get install bpftrace" >&2; exit 1; }
tmp=$(mktemp -d)
server=$tmp/server
trap 'tests/clickhouse/server/ch_server.sh stop "$server" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT

default_tracers="raw-floor floor bt-scalar bt-count bt-printf ior ior-wakeup"
[[ -n ${IOR_BEFORE:-} ]] && default_tracers+=" ior-before"
read -r -a tracers <<< "${TRACERS:-$default_tracers}"
if [[ " ${tracers[*]} " == *" clickhouse "* ]]; then
  tests/clickhouse/server/ch_server.sh start "$server" >/dev/null
  # shellcheck disable=SC1091
  source "$server/env"
fi

tps="tracepoint:syscalls:sys_enter_openat,tracepoint:syscalls:sys_exit_openat,"
tps+="tracepoint:syscalls:sys_enter_read,tracepoint:syscalls:sys_exit_read,"
tps+="tracepoint:syscalls:sys_enter_close,tracepoint:syscalls:sys_exit_close,"
tps+="tracepoint:syscalls:sys_enter_pread64,tracepoint:syscalls:sys_exit_pread64,"
tps+="tracepoint:syscalls:sys_enter_write,tracepoint:syscalls:sys_exit_write"
raw="tracepoint:raw_syscalls:sys_enter,tracepoint:raw_syscalls:sys_exit"
ready='BEGIN { printf("ready\n"); }'

run_workload() { "${wl_cpus[@]}" "$wl" bench "$1" "$secs" "$threads" | awk '/ops_per_sec/ {print $2}'; }

# is_ior NAME: a tracer that is a build of ior (it prints ior's summary).
is_ior() { [[ $1 != bt-* && $1 != *floor ]]; }

# start_tracer NAME: starts it in the background, waits until attached.
start_tracer() {
  local log=$tmp/$1.log
  : > "$log"
  rm -f "$tmp"/run*.parquet
  # bpftrace prints "Attaching" before it attaches; its BEGIN probe runs once
  # every probe is attached, so the workload starts after "ready" (a workload
  # started at "Attaching" could run partly untraced).
  case $1 in
    raw-floor) "${tracer_cpus[@]}" bpftrace -e "$ready $raw { }" > "$log" 2>&1 & ;;
    floor) "${tracer_cpus[@]}" bpftrace -e "$ready $tps { }" > "$log" 2>&1 & ;;
    bt-scalar) "${tracer_cpus[@]}" bpftrace -e "$ready $tps { @ = count(); }" > "$log" 2>&1 & ;;
    bt-count) "${tracer_cpus[@]}" bpftrace -e "$ready $tps { @[probe] = count(); }" > "$log" 2>&1 & ;;
    bt-printf) "${tracer_cpus[@]}" bpftrace -e "$ready $tps { printf(\"%d %s\\n\", tid, probe); }" > "$tmp/printf.out" 2> "$log" & ;;
    ior) "${tracer_cpus[@]}" "$ior" -duration 3600 > "$tmp/ior.csv" 2> "$log" & ;;
    ior-wakeup) "${tracer_cpus[@]}" "$ior" -wakeup-each -duration 3600 > "$tmp/ior.csv" 2> "$log" & ;;
    ior-before) "${tracer_cpus[@]}" "$IOR_BEFORE" -duration 3600 > "$tmp/ior.csv" 2> "$log" & ;;
    ior-sched) "${tracer_cpus[@]}" "$ior" -avoid-traced-cpus=false -duration 3600 > "$tmp/ior.csv" 2> "$log" & ;;
    attach | filter | copy | drain) "${tracer_cpus[@]}" "$ior" -cost-stage "$1" -duration 3600 > /dev/null 2> "$log" & ;;
    parquet) "${tracer_cpus[@]}" "$ior" -parquet -parquet-file "$tmp/run.parquet" -duration 3600 > /dev/null 2> "$log" & ;;
    clickhouse) STATE_DIRECTORY=$tmp/state "${tracer_cpus[@]}" "$ior" -clickhouse -ch-port "$CH_PORT" -ch-db ior_slowdown \
      -duration 3600 > /dev/null 2> "$log" & ;;
    *) echo "unknown tracer $1" >&2; exit 2 ;;
  esac
  tracer=$!
  local want="ready"; is_ior "$1" && want="ior: tracing"
  [[ $1 == bt-printf ]] && log=$tmp/printf.out
  for _ in $(seq 600); do grep -q "$want" "$log" 2>/dev/null && return 0; sleep 0.05; done
  echo "tracer $1 did not start: $(cat "$tmp/$1.log")" >&2; exit 1
}
# A tracer that ignores the first SIGINT (bpftrace did, now and then) is
# asked again, then killed, rather than hanging the series.
stop_tracer() {
  kill -INT "$tracer" 2>/dev/null || true
  for i in $(seq 300); do
    kill -0 "$tracer" 2>/dev/null || break
    [[ $i == 100 ]] && kill -INT "$tracer" 2>/dev/null
    [[ $i == 200 ]] && kill -KILL "$tracer" 2>/dev/null
    sleep 0.1
  done
  wait "$tracer" 2>/dev/null || true
}

# drops LOG: ring-buffer drops of an ior run (the summary's account);
# wakeups LOG: the wake-ups its programs forced (an interrupt on the traced
# CPU each, and what slows the workload to ior's pace when its reader lags).
drops() { awk '/ring-buffer drops/ {d += $3} END {print d + 0}' "$1"; }
wakeups() { awk '/forced wake-ups/ {w += $NF} END {print w + 0}' "$1"; }

# shellcheck source=bench/median.sh
source bench/median.sh  # after the cd to the repository root

has() { [[ " ${tracers[*]} " == *" $1 "* ]]; }
printf "%-14s %3s %10s" mode thr "untraced/s"
for t in "${tracers[@]}"; do printf " %10s" "$t"; done
has ior && has bt-scalar && printf " %13s" "ior/bt-scalar"
has ior && has bt-count && printf " %12s" "ior/bt-count"
has ior && has raw-floor && printf " %13s" "ior/raw-floor"
for t in "${tracers[@]}"; do is_ior "$t" && printf " %16s" "$t drops"; done
has ior && printf " %12s" "ior wake-ups"
printf "\n"
for mode in $modes; do
  unset ratios drops_of; declare -A ratios=() drops_of=()
  ior_wakes=""
  base_all=""
  for rep in $(seq "$reps"); do
    pin_rep "$rep"
    for tracer_name in "${tracers[@]}"; do
      base=$(run_workload "$mode")
      start_tracer "$tracer_name"
      traced=$(run_workload "$mode")
      stop_tracer
      base_all+="$base"$'\n'
      ratios[$tracer_name]+="$(awk -v b="$base" -v t="$traced" 'BEGIN {printf "%.3f", b/t}')"$'\n'
      if is_ior "$tracer_name"; then
        drops_of[$tracer_name]=$((${drops_of[$tracer_name]:-0} + $(drops "$tmp/$tracer_name.log")))
      fi
      [[ $tracer_name == ior ]] && ior_wakes+="$(wakeups "$tmp/ior.log")"$'\n'
    done
  done
  m() { printf "%s" "${ratios[$1]}" | grep . | median; }
  printf "%-14s %3d %10.0f" "$mode" "$threads" "$(printf "%s" "$base_all" | grep . | median)"
  for t in "${tracers[@]}"; do printf " %9.2fx" "$(m "$t")"; done
  ratio() { awk -v a="$(m ior)" -v b="$(m "$1")" 'BEGIN {printf "%.2f", a/b}'; }
  has ior && has bt-scalar && printf " %13s" "$(ratio bt-scalar)"
  has ior && has bt-count && printf " %12s" "$(ratio bt-count)"
  has ior && has raw-floor && printf " %13s" "$(ratio raw-floor)"
  for t in "${tracers[@]}"; do is_ior "$t" && printf " %16d" "${drops_of[$t]}"; done
  # The median run's forced wake-ups.
  has ior && printf " %12.0f" "$(printf "%s" "$ior_wakes" | grep . | median)"
  printf "\n"
done
