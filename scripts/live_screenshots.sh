#!/usr/bin/env bash
# The screenshots of docs/LIVE.md ("Screenshots"), from a real run: ior
# -live in a tmux pane traces the test workload while the script types the
# keys a user would and captures each screen as text (tmux capture-pane).
# Prints the Markdown of that section, to paste under its heading.
# As root, after scripts/build.sh:
#   scripts/live_screenshots.sh [COLUMNS [ROWS]] > /tmp/screenshots.md
set -euo pipefail
cd "$(dirname "$0")/.."
cols=${1:-110}
rows=${2:-28}
ior=$PWD/build/ior
wl=$PWD/build/tests/support/ior_workload
[[ -x $ior && -x $wl ]] || { echo "build first: scripts/build.sh" >&2; exit 1; }
dir=$(mktemp -d /tmp/ior-live-shots.XXXXXX)
sock=$dir/tmux.sock
trap 'tmux -S "$sock" kill-server 2>/dev/null || true; rm -rf "$dir"' EXIT
mkdir "$dir/data"
tmux -S "$sock" -f /dev/null new-session -d -s s -x "$cols" -y "$rows" /bin/sh

# The workload's steps; slowfail (slow and failing calls) waits for
# SIGUSR1, given once it is traced; meanwhile a steady trickle of reads,
# so that the rates and sparklines are not all zero.
workload="$wl scenario $dir/data; $wl opens $dir/data 500; $wl slowfail $dir/data & echo \$! > $dir/slowfail.pid; \
$wl paced 200 90 1 & echo \$! > $dir/paced.pid; wait"
tmux -S "$sock" send-keys -t s "cd $dir && TERM=xterm-256color $ior -live -parquet -parquet-file $dir/run.parquet \
-- sh -c '$workload'; echo ior-exit=\$?" Enter

screen() { tmux -S "$sock" capture-pane -p -t s | sed 's/[[:space:]]*$//'; }
wait_for() {  # text seconds
  for _ in $(seq $(($2 * 10))); do
    screen | grep -qF -- "$1" && return 0
    sleep 0.1
  done
  echo "timed out waiting for '$1'; the screen:" >&2
  screen >&2
  exit 1
}
key() { tmux -S "$sock" send-keys -t s "$@"; sleep 1.5; }
shot() {
  printf '### %s\n\n```\n' "$1"
  screen
  printf '```\n\n'
}

wait_for "1 Files" 60
for _ in $(seq 600); do [[ -s $dir/paced.pid ]] && break; sleep 0.1; done
[[ -s $dir/paced.pid ]] || { echo "the workload did not start" >&2; exit 1; }
sleep 2
kill -USR1 "$(cat "$dir/slowfail.pid")"
sleep 15                          # slowfail's pauses, and some seconds of reads

cat <<EOS
Taken by \`scripts/live_screenshots.sh\` (tmux \`capture-pane -p\`: text,
colours not shown) from a ${cols}x${rows} pane running
\`ior -live -parquet -- sh -c 'ior_workload scenario D; ior_workload opens D 500; ior_workload slowfail D & ior_workload paced 200 90 1 & wait'\`
(the test workload, tests/support/workload.cpp; slowfail goes on SIGUSR1),
about 20 s into the run.

EOS
key 1; shot 'Files (`1`)'
key d; shot 'Directories (`d` in Files)'
key d; key 2; shot 'Processes (`2`)'
key 3; shot 'Syscalls (`3`)'
key 4; shot 'Errors (`4`)'
key 5; shot 'Stream (`5`)'
key 6; shot 'Flame (`6`)'
key Enter; shot 'Flame, zoomed into the busiest process (Enter)'
key BSpace; key 3; key t; key c; shot 'The syscall switches (`t` in Syscalls, then `c`: stat off)'
key c; key Escape
key q
wait_for "ior-exit=" 60
kill "$(cat "$dir/paced.pid")" 2>/dev/null || true  # the reads outlive the view
