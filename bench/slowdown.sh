#!/usr/bin/env bash
# How much tracing slows a syscall-heavy workload down, ior against bpftrace.
#
# For each mode (open+read 4 KiB+close; pread 4 KiB; write 64 B to /dev/null)
# runs the workload untraced and traced, interleaved, REPS times, and prints
# the median slowdown (untraced ops/s / traced ops/s) of:
#   floor     bpftrace, empty programs on the 10 enter/exit tracepoints
#   bt-count  bpftrace counting events in-kernel on those tracepoints
#   bt-printf bpftrace printf of every event to userspace (to a file)
#   ior       ior capturing every file-I/O syscall of the host, rows to a file
#   ior-wakeup the same, but the kernel wakes ior's reader for every record
#             (libbpf's default) instead of ior polling every 10 ms
# and ior's ratio to bt-count (<= 1.0: ior is no slower than counting in-kernel).
# With IOR_BEFORE=path/to/an/earlier/ior, that binary runs too, interleaved
# with the others (column ior-before): a change's cost measured in one run.
# Usage (root): [IOR_BEFORE=...] bench/slowdown.sh [SECONDS_PER_RUN] [REPS]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-2}
reps=${2:-5}
build=${IOR_BUILD:-build}
ior=$build/ior
wl=$build/tests/support/ior_workload
[[ -x $ior && -x $wl ]] || { echo "build first: scripts/build.sh" >&2; exit 1; }
command -v bpftrace >/dev/null || { echo "bpftrace is missing: apt-get install bpftrace" >&2; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

tps="tracepoint:syscalls:sys_enter_openat,tracepoint:syscalls:sys_exit_openat,"
tps+="tracepoint:syscalls:sys_enter_read,tracepoint:syscalls:sys_exit_read,"
tps+="tracepoint:syscalls:sys_enter_close,tracepoint:syscalls:sys_exit_close,"
tps+="tracepoint:syscalls:sys_enter_pread64,tracepoint:syscalls:sys_exit_pread64,"
tps+="tracepoint:syscalls:sys_enter_write,tracepoint:syscalls:sys_exit_write"

run_workload() { "$wl" bench "$1" "$secs" | awk '/ops_per_sec/ {print $2}'; }

# start_tracer NAME: starts it in the background, waits until attached.
start_tracer() {
  local log=$tmp/$1.log
  : > "$log"
  case $1 in
    floor) bpftrace -e "$tps { }" > "$log" 2>&1 & ;;
    bt-count) bpftrace -e "$tps { @[probe] = count(); }" > "$log" 2>&1 & ;;
    bt-printf) bpftrace -e "$tps { printf(\"%d %s\\n\", tid, probe); }" > "$tmp/printf.out" 2> "$log" & ;;
    ior) "$ior" -duration 3600 > "$tmp/ior.csv" 2> "$log" & ;;
    ior-wakeup) "$ior" -wakeup-each -duration 3600 > "$tmp/ior.csv" 2> "$log" & ;;
    ior-before) "$IOR_BEFORE" -duration 3600 > "$tmp/ior.csv" 2> "$log" & ;;
  esac
  tracer=$!
  local want="Attaching"; [[ $1 == ior* ]] && want="ior: tracing"
  [[ $1 == bt-printf ]] && log=$tmp/printf.out
  for _ in $(seq 300); do grep -q "$want" "$log" 2>/dev/null && return 0; sleep 0.05; done
  echo "tracer $1 did not start: $(cat "$tmp/$1.log")" >&2; exit 1
}
stop_tracer() { kill -INT "$tracer"; wait "$tracer" 2>/dev/null || true; }

# shellcheck source=bench/median.sh
source bench/median.sh  # after the cd to the repository root

tracers=(floor bt-count bt-printf ior ior-wakeup)
[[ -n ${IOR_BEFORE:-} ]] && tracers+=(ior-before)
printf "%-14s %10s %9s %9s %9s %9s %11s %12s %10s" mode "untraced/s" floor bt-count bt-printf ior ior-wakeup "ior/bt-count" "ior drops"
[[ -n ${IOR_BEFORE:-} ]] && printf " %11s" ior-before
printf "\n"
for mode in openreadclose pread writenull; do
  unset ratios; declare -A ratios=()
  drops=0
  base_all=""
  for r in $(seq "$reps"); do
    for tracer_name in "${tracers[@]}"; do
      base=$(run_workload "$mode")
      start_tracer "$tracer_name"
      traced=$(run_workload "$mode")
      stop_tracer
      base_all+="$base"$'\n'
      ratios[$tracer_name]+="$(awk -v b="$base" -v t="$traced" 'BEGIN {printf "%.3f", b/t}')"$'\n'
      if [[ $tracer_name == ior ]]; then
        d=$(awk '/ring-buffer drops/ {print $3}' "$tmp/ior.log")
        drops=$((drops + ${d:-0}))
      fi
    done
  done
  m() { printf "%s" "${ratios[$1]}" | grep . | median; }
  floor=$(m floor); count=$(m bt-count); printf_=$(m bt-printf); iorm=$(m ior); iorw=$(m ior-wakeup)
  base_med=$(printf "%s" "$base_all" | grep . | median)
  printf "%-14s %10.0f %8.2fx %8.2fx %8.2fx %8.2fx %10.2fx %12.2f %10d" "$mode" "$base_med" "$floor" "$count" "$printf_" "$iorm" "$iorw" \
    "$(awk -v a="$iorm" -v b="$count" 'BEGIN {print a/b}')" "$drops"
  [[ -n ${IOR_BEFORE:-} ]] && printf " %10.2fx" "$(m ior-before)"
  printf "\n"
done
