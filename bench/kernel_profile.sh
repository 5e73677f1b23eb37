#!/usr/bin/env bash
# Where a traced syscall's time goes in the kernel, without the clock reads
# that kernel.bpf_stats_enabled adds to every program run (a paravirtual
# sched_clock on VMs, which bench/program_cost.sh's figures include).
# For each IOR (a command that starts ior), interleaved over REPS rounds:
# ior runs on the last CPU, the workload (one thread) on CPU 0 under
# `perf record -C 0`, and the share of CPU 0's samples in each group of
# symbols is printed, with the ns per syscall it comes to in that run.
# Usage (root): bench/kernel_profile.sh MODE SECONDS REPS IOR...
set -euo pipefail
cd "$(dirname "$0")/.."
[[ $# -ge 4 ]] || { echo "usage: bench/kernel_profile.sh MODE SECONDS REPS IOR..." >&2; exit 2; }
mode=$1 secs=$2 reps=$3
shift 3
wl=${IOR_BUILD:-build}/tests/support/ior_workload
[[ -x $wl ]] || { echo "build first: scripts/build.sh" >&2; exit 1; }
command -v perf >/dev/null || { echo "perf is missing: apt-get install linux-perf" >&2; exit 1; }
last_cpu=$(($(nproc) - 1))
[[ $last_cpu -ge 1 ]] || { echo "needs two CPUs" >&2; exit 1; }
tmp=$(mktemp -d)
ior_pid=""
cleanup() {
  [[ -n $ior_pid ]] && kill -INT "$ior_pid" 2>/dev/null && wait "$ior_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
# shellcheck source=bench/start_ior.sh
source bench/start_ior.sh

# group SYMBOL: the column a kernel symbol is counted in, or nothing
groups="clock ring programs tracepoint slot ids other-helpers"
group_awk='
  function group(s) {
    if (s ~ /^(read_tsc|ktime_get_mono_fast_ns|bpf_ktime_get_ns)$/) return "clock"
    if (s ~ /ringbuf/) return "ring"
    if (s ~ /^bpf_prog_/) return "programs"
    if (s ~ /^(bpf_trace_run[0-9]|__bpf_trace_sys_(enter|exit)|__rcu_read_(lock|unlock))$/) return "tracepoint"
    if (s ~ /task_storage/) return "slot"
    if (s ~ /^(bpf_get_current_uid_gid|map_id_range_up|bpf_get_current_pid_tgid|bpf_get_current_task_btf)$/) return "ids"
    if (s ~ /^bpf_/) return "other-helpers"
    return ""
  }'

printf "%-40s %10s" "ior ($mode, 1 thread)" "calls/s"
for g in $groups; do printf " %15s" "$g"; done
printf " %15s\n" "all of these"
for r in $(seq "$reps"); do
  for ior in "$@"; do
    start_ior "$ior" "$tmp/log"
    taskset -apc "$last_cpu" "$ior_pid" > /dev/null
    ops=$(perf record -q -C 0 -o "$tmp/perf.data" -- taskset -c 0 "$wl" bench "$mode" "$secs" 1 |
      awk '/ops_per_sec/ {print $2}')
    kill -INT "$ior_pid"; wait "$ior_pid" 2>/dev/null || true; ior_pid=""
    perf report -i "$tmp/perf.data" --no-children -s sym --stdio -g none 2>/dev/null |
      awk -v ops="$ops" -v groups="$groups" -v name="$ior (round $r)" "$group_awk"'
        $1 ~ /%$/ && $2 == "[k]" { g = group($3); if (g != "") { share[g] += $1 + 0; all += $1 + 0 } }
        END {
          printf "%-40s %10d", name, ops
          n = split(groups, gs, " ")
          for (k = 1; k <= n; k++) printf " %5.1f%% %4.0f ns", share[gs[k]], share[gs[k]] / 100 * 1e9 / ops
          printf " %5.1f%% %4.0f ns\n", all, all / 100 * 1e9 / ops
        }'
  done
done
