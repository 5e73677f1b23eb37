#!/usr/bin/env bash
# What ior's kernel-side filters cost the traced process: `ior_workload bench
# pread SECS` untraced, and started by `ior -- CMD` with -pid only
# (-follow=false), with -follow (a hash lookup per traced syscall), and with
# -follow -uid 0 -cgroup / (every filter on, all passing), interleaved REPS
# times. Prints the median untraced ops/s and each mode's median slowdown
# (untraced ops/s / traced ops/s).
# Usage (root): bench/kernel_filters.sh [SECONDS_PER_RUN] [REPS]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-1}
reps=${2:-10}
build=${IOR_BUILD:-build}
ior=$build/ior
wl=$build/tests/support/ior_workload
[[ -x $ior && -x $wl ]] || { echo "build first: scripts/build.sh" >&2; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# shellcheck source=bench/median.sh
source bench/median.sh

ops() { awk '/ops_per_sec/ {print $2}' "$tmp/out"; }
traced() {  # ior flags...: ops/s of the workload started by ior
  "$ior" -quiet "$@" -- /bin/sh -c "exec $wl bench pread $secs > $tmp/out" > /dev/null 2> "$tmp/err" ||
    { echo "ior failed: $(cat "$tmp/err")" >&2; exit 1; }
  ops
}
declare -A ratios=()
base_all=""
for _ in $(seq "$reps"); do
  "$wl" bench pread "$secs" > "$tmp/out"
  base=$(ops)
  base_all+="$base "
  for mode in pid follow all; do
    case $mode in
      pid) t=$(traced -follow=false) ;;
      follow) t=$(traced) ;;
      all) t=$(traced -uid 0 -cgroup /) ;;
    esac
    ratios[$mode]+="$(awk -v b="$base" -v t="$t" 'BEGIN {printf "%.3f", b/t}') "
  done
done
printf "untraced pread ops/s (median of %d): %.0f\n" "$reps" "$(echo "$base_all" | median)"
for mode in pid follow all; do
  printf "%-8s median slowdown %.3fx\n" "$mode" "$(echo "${ratios[$mode]}" | median)"
done
