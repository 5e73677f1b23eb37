#!/usr/bin/env bash
# The CPU -live adds to ior: RUNS pairs of runs, interleaved, of ior tracing
# `ior_workload paced RATE SECS 2` with -parquet, without and with -live
# (in a tmux pane: -live needs a terminal), each under /usr/bin/time.
# Prints user and system seconds per run and the mean difference per traced
# second (SECS; the -live run also stays up, idle, until -duration SECS+1:
# counted against it). Usage (as root, after scripts/build.sh): bench/live_cost.sh [RUNS [RATE [SECS]]]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}; rate=${2:-100000}; secs=${3:-12}
ior=$PWD/build/ior
wl=$PWD/build/tests/support/ior_workload
dir=$(mktemp -d /tmp/ior-live-cost.XXXXXX)
trap 'tmux -S "$dir/sock" kill-server 2>/dev/null || true; rm -rf "$dir"' EXIT
tmux -S "$dir/sock" -f /dev/null new-session -d -s b -x 160 -y 45 /bin/sh

run() {  # mode index
  local live=""; [[ $1 == live ]] && live=-live
  cat > "$dir/run-$1-$2.sh" <<EOS
TERM=xterm-256color /usr/bin/time -o $dir/time-$1-$2 -f "%U %S %e" $ior $live -duration $((secs + 1)) \
  -parquet -parquet-file $dir/out-$1-$2.parquet -- /bin/sh -c "exec $wl paced $rate $secs 2 > $dir/wl-$1-$2" 2>$dir/err-$1-$2
touch $dir/done-$1-$2
EOS
  tmux -S "$dir/sock" send-keys -t b "clear; sh $dir/run-$1-$2.sh" Enter
  while [[ ! -e $dir/done-$1-$2 ]]; do sleep 1; done
  read -r u s e < "$dir/time-$1-$2"
  echo "$1 $2 user_s $u sys_s $s wall_s $e $(grep calls_per_sec "$dir/wl-$1-$2")"
}

for i in $(seq "$runs"); do run plain "$i"; run live "$i"; done | tee "$dir/all"
awk -v secs="$secs" '{cpu[$1] += $4 + $6; usr[$1] += $4; n[$1]++}
     END {p = cpu["plain"]/n["plain"]/secs; l = cpu["live"]/n["live"]/secs
          pu = usr["plain"]/n["plain"]/secs; lu = usr["live"]/n["live"]/secs
          printf "CPU per traced second: plain %.3f s (user %.3f), live %.3f s (user %.3f): -live adds %.1f %% of a core (user %.1f %%)\n", p, pu, l, lu, 100*(l-p), 100*(lu-pu)}' "$dir/all"
