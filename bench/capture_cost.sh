#!/usr/bin/env bash
# What each part of ior's capture costs the traced host: the slowdown of the
# workload (bench/slowdown.sh, interleaved medians) under ior stopped at each
# stage (ior -cost-stage), then ior whole with each output, next to the two
# bpftrace anchors, on one thread and on two:
#   raw-floor  bpftrace's empty programs on raw_syscalls:sys_enter/sys_exit
#   attach     ior's programs on sys_enter/sys_exit returning at once
#   filter     + the syscall-id lookup and the task filters
#   copy       + the enter record built (args, comm, strings, who) in its
#              per-task slot or the scratch area, not sent
#   drain      + records into the ring buffer, read by ior and discarded
#   ior        + decoded, paired, rows to the console (to a file)
#   parquet    ior writing Parquet
#   clickhouse ior streaming into ClickHouse 18.16 on loopback
#   bt-scalar  bpftrace's per-CPU counter (@ = count()) on the 10 tracepoints
# Usage (root): bench/capture_cost.sh [SECONDS_PER_RUN] [REPS] [MODES] [THREAD_COUNTS]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-2}
reps=${2:-3}
modes=${3:-"openreadclose pread writenull"}
thread_counts=${4:-"1 2"}
for n in $thread_counts; do
  TRACERS="raw-floor attach filter copy drain ior parquet clickhouse bt-scalar" THREADS=$n \
    bash bench/slowdown.sh "$secs" "$reps" "$modes" | { [[ $n == "${thread_counts%% *}" ]] && cat || tail -n +2; }
done
