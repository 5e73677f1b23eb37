#!/usr/bin/env bash
# What the subcommands print on standard output: a write that fails (a full
# disk, a reader gone, SIGPIPE ignored or not) ends ior with one line naming the
# problem and exit 1, never a crash (std::terminate, exit 134) or exit 0.
set -u
ior=$1
rec=$2  # a small recording (tests/data/ior-0.1.0/trace.parquet)
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
input=/dev/null  # standard input of the command under test

# expect_write_error NAME CMD...: CMD with stdout on /dev/full, then with
# stdout a pipe whose reader has gone and SIGPIPE ignored (EPIPE).
expect_write_error() {
  local name=$1; shift
  local err rc
  err=$("$@" 2>&1 >/dev/full <"$input"); rc=$?
  check "$name > /dev/full" "$rc" "$err" "No space left on device"
  err=$(python3 -c '
import os, signal, subprocess, sys
r, w = os.pipe()
os.close(r)
signal.signal(signal.SIGPIPE, signal.SIG_IGN)
sys.exit(subprocess.call(sys.argv[1:], stdout=w, restore_signals=False))' "$@" 2>&1 <"$input"); rc=$?
  check "$name | (closed)" "$rc" "$err" "Broken pipe"
  # As a shell pipeline starts it (`ior report x | head -1`): SIGPIPE at its
  # default action, which had killed ior silently (exit 141).
  err=$(python3 -c '
import os, subprocess, sys
r, w = os.pipe()
os.close(r)
sys.exit(subprocess.call(sys.argv[1:], stdout=w, restore_signals=True))' "$@" 2>&1 <"$input"); rc=$?
  check "$name | (closed, SIGPIPE default)" "$rc" "$err" "Broken pipe"
}

check() {  # what rc stderr expected-reason
  local what=$1 rc=$2 err=$3 reason=$4
  local last=${err##*$'\n'}
  if [[ $rc -ne 1 ]]; then echo "FAIL: $what exited $rc, want 1: $err"; fail=1; fi
  if grep -q terminate <<<"$err"; then echo "FAIL: $what: crashed: $err"; fail=1; fi
  if [[ $last != "ior: cannot write to standard output: $reason" ]]; then
    echo "FAIL: $what: last line '$last'"; fail=1
  fi
}

expect_write_error "report -format csv" "$ior" report -format csv "$rec"
expect_write_error "report -format json" "$ior" report -format json "$rec"
expect_write_error "report (tables)" "$ior" report "$rec"
expect_write_error "report -help" "$ior" report -help
expect_write_error "ior -help" "$ior" -help
expect_write_error "ior -version" "$ior" -version
printf 'a;b 1\n' >"$tmp/folded"
input=$tmp/folded
expect_write_error "flamegraph" "$ior" flamegraph
input=/dev/null
expect_write_error "flamegraph -help" "$ior" flamegraph -help

[[ $fail -eq 0 ]] && echo "subcommand output: every write error is one line and exit 1"
exit $fail
