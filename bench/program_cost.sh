#!/usr/bin/env bash
# The kernel's own account of what ior's syscall programs cost: with
# kernel.bpf_stats_enabled=1 the kernel sums the run time of every program
# run; this prints run_time_ns / run_cnt of handle_sys_enter and
# handle_sys_exit while the workload runs alone on an otherwise idle ior.
# Each IOR is a command that starts ior (a binary, or a binary with flags,
# e.g. "build/ior -cost-stage copy"); they run interleaved, REPS rounds, and
# the medians are printed. The stats themselves add two clock reads per run
# (about 60 ns on a kvm-clock VM), the same for every IOR: compare within one
# run of this script.
# Usage (root): bench/program_cost.sh MODE SECONDS REPS THREADS IOR...
set -euo pipefail
cd "$(dirname "$0")/.."
[[ $# -ge 5 ]] || { echo "usage: bench/program_cost.sh MODE SECONDS REPS THREADS IOR..." >&2; exit 2; }
mode=$1 secs=$2 reps=$3 threads=$4
shift 4
wl=${IOR_BUILD:-build}/tests/support/ior_workload
[[ -x $wl ]] || { echo "build first: scripts/build.sh" >&2; exit 1; }
tmp=$(mktemp -d)
was=$(sysctl -n kernel.bpf_stats_enabled)
ior_pid=""
cleanup() {
  [[ -n $ior_pid ]] && kill -INT "$ior_pid" 2>/dev/null && wait "$ior_pid" 2>/dev/null
  sysctl -qw kernel.bpf_stats_enabled="$was"
  rm -rf "$tmp"
}
trap cleanup EXIT
sysctl -qw kernel.bpf_stats_enabled=1
# shellcheck source=bench/median.sh
source bench/median.sh
# shellcheck source=bench/start_ior.sh
source bench/start_ior.sh

# "run_time_ns run_cnt" of the named program, the newest instance (the ior
# just started: an earlier one may still be on its way out)
stats_of() {
  bpftool prog show | awk -v n="$1" '
    $0 ~ ("name " n " ") && $1 + 0 > id {id = $1 + 0; t = c = 0
      for (i = 1; i < NF; i++) {if ($i == "run_time_ns") t = $(i + 1); if ($i == "run_cnt") c = $(i + 1)}}
    END {print t + 0, c + 0}'
}

for _ in $(seq "$reps"); do
  i=0
  for ior in "$@"; do
    i=$((i + 1))
    start_ior "$ior" "$tmp/log"
    read -r e0 ec0 < <(stats_of handle_sys_enter)
    read -r x0 xc0 < <(stats_of handle_sys_exit)
    ops=$("$wl" bench "$mode" "$secs" "$threads" | awk '/ops_per_sec/ {print $2}')
    read -r e1 ec1 < <(stats_of handle_sys_enter)
    read -r x1 xc1 < <(stats_of handle_sys_exit)
    kill -INT "$ior_pid"; wait "$ior_pid" 2>/dev/null || true; ior_pid=""
    echo "$ops" >> "$tmp/ops.$i"
    awk -v a="$e0" -v b="$e1" -v c="$ec0" -v d="$ec1" 'BEGIN {printf "%.0f\n", (b - a) / (d > c ? d - c : 1)}' >> "$tmp/enter.$i"
    awk -v a="$x0" -v b="$x1" -v c="$xc0" -v d="$xc1" 'BEGIN {printf "%.0f\n", (b - a) / (d > c ? d - c : 1)}' >> "$tmp/exit.$i"
  done
done

printf "%-48s %10s %9s %9s\n" "ior ($mode, $threads thread(s))" "ops/s" "enter ns" "exit ns"
i=0
for ior in "$@"; do
  i=$((i + 1))
  printf "%-48s %10.0f %9.0f %9.0f\n" "$ior" "$(median < "$tmp/ops.$i")" "$(median < "$tmp/enter.$i")" \
    "$(median < "$tmp/exit.$i")"
done
