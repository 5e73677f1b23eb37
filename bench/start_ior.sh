# shellcheck shell=bash
# Sourced by the benchmark scripts that start ior once per measurement.
# start_ior IOR LOG: runs the command line IOR (a binary, or a binary with
# flags: word-split) with -duration 3600 in the background, its stderr to
# LOG, sets ior_pid, and returns once it traces; the script exits, naming
# ior's message, when it does not start within 10 s.
start_ior() {
  # shellcheck disable=SC2086 # IOR is a command line
  $1 -duration 3600 > /dev/null 2> "$2" &
  # shellcheck disable=SC2034 # read by the sourcing script
  ior_pid=$!
  for _ in $(seq 200); do grep -q "ior: tracing" "$2" && break; sleep 0.05; done
  grep -q "ior: tracing" "$2" || { echo "ior did not start: $(cat "$2")" >&2; exit 1; }
}
