#!/usr/bin/env bash
# What making paths absolute in the kernel would cost the traced thread: the
# kernel's own run-time statistics of two programs on sys_exit_openat,
# attached together while the workload opens files: an empty one, and one
# that walks 8 dentries up from the cwd reading each name (what a dentry
# walk of an 8-component path costs, before assembling it). Also ior's own
# programs, for scale. kernel.bpf_stats_enabled is set for the run and
# restored after (it adds a little to every BPF program of the host).
# Usage (root): bench/path_walk_cost.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-3}
build=${IOR_BUILD:-build}
wl=$build/tests/support/ior_workload
ior=$build/ior
[[ -x $ior && -x $wl ]] || { echo "build first: scripts/build.sh" >&2; exit 1; }
for tool in bpftrace bpftool; do
  command -v $tool >/dev/null || { echo "$tool is missing" >&2; exit 1; }
done
tmp=$(mktemp -d)
old=$(sysctl -n kernel.bpf_stats_enabled)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -INT "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  sysctl -qw kernel.bpf_stats_enabled="$old"
  rm -rf "$tmp"
}
trap cleanup EXIT
sysctl -qw kernel.bpf_stats_enabled=1
# Programs loaded before this run (another tracer on the host) are not ours.
bpftool -j prog show > "$tmp/before.json"

bpftrace -e 'tracepoint:syscalls:sys_exit_openat { }' > "$tmp/empty.log" 2>&1 & pids+=($!)
bpftrace -e 'tracepoint:syscalls:sys_exit_openat {
  $d = ((struct task_struct *)curtask)->fs->pwd.dentry;
  unroll(8) { $s = str($d->d_name.name); $d = $d->d_parent; } }' > "$tmp/walk.log" 2>&1 & pids+=($!)
"$ior" -duration 3600 > /dev/null 2> "$tmp/ior.log" & pids+=($!)
for _ in $(seq 300); do
  grep -q Attaching "$tmp/empty.log" && grep -q Attaching "$tmp/walk.log" && grep -q "ior: tracing" "$tmp/ior.log" && break
  sleep 0.05
done
"$wl" bench openreadclose "$secs" > /dev/null
bpftool -j prog show > "$tmp/progs.json"
python3 - "$tmp/before.json" "$tmp/progs.json" <<'PY'
import json, sys
old = {p['id'] for p in json.load(open(sys.argv[1]))}
print(f"{'program':<24} {'calls':>10} {'ns/call':>8}")
for p in json.load(open(sys.argv[2])):
    name = p.get('name', '')
    if p['id'] not in old and p.get('run_cnt') and (name == 'sys_exit_openat' or name.startswith('handle_sys')):
        label = name if name != 'sys_exit_openat' else ('walk 8 dentries' if p.get('bytes_xlated', 0) > 64 else 'empty')
        print(f"{label:<24} {p['run_cnt']:>10} {p['run_time_ns'] / p['run_cnt']:>8.1f}")
PY
