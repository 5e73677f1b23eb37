#!/usr/bin/env bash
# ior report in a directory other users can write to: a FIFO planted among
# the rotated files is refused at once (never waited on), a symbolic link
# planted there is not followed (its target's size stays unsaid), while a
# file named on the command line may be a link, as for cat. Among several
# files, the one refused is named and left out, the others are reported.
set -u
ior=$(realpath "$1")  # the test works in a directory of its own
rec=$(realpath "$2")  # a small recording (tests/data/ior-0.1.0/trace.parquet)
fail=0
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

# expect WANT_RC WANT_TEXT ARGS...: ior report ARGS, stopped after 5 s.
expect() {
  local want_rc=$1 want=$2; shift 2
  local err rc
  err=$(cd "$dir" && timeout 5 "$ior" report "$@" 2>&1); rc=$?
  if [[ $rc -eq 124 ]]; then echo "FAIL: ior report $*: still waiting after 5 s"; fail=1; return; fi
  if [[ $rc -ne $want_rc ]]; then echo "FAIL: ior report $*: exit $rc, want $want_rc: $err"; fail=1; fi
  if ! grep -qF -- "$want" <<<"$err"; then echo "FAIL: ior report $*: '$err' lacks '$want'"; fail=1; fi
  if grep -q 54321 <<<"$err"; then echo "FAIL: ior report $*: tells the size of the link's target: $err"; fail=1; fi
}

cp "$rec" "$dir/q.1.parquet"
cp "$rec" "$dir/q.2.parquet"
expect 0 "2 files, 6 rows" q.parquet

mkfifo "$dir/q.3.parquet"
expect 1 "ior report: q.3.parquet: not a regular file: left out" q.parquet
expect 1 "2 files, 6 rows" q.parquet
expect 1 "ior report: q.3.parquet: not a regular file: left out" 'q.*.parquet'
expect 1 "ior: q.3.parquet: not a regular file" q.3.parquet

rm "$dir/q.3.parquet"
head -c 54321 /dev/zero >"$dir/secret"
ln -s "$dir/secret" "$dir/q.3.parquet"
expect 1 "ior report: q.3.parquet: a symbolic link, not read" q.parquet
expect 1 "ior report: q.3.parquet: a symbolic link, not read" 'q.*.parquet'
expect 1 "2 files, 6 rows" 'q.*.parquet'
rm "$dir/q.3.parquet"
ln -s "$dir/nowhere" "$dir/q.3.parquet"  # dangling: still listed, then refused
expect 1 "ior report: q.3.parquet: a symbolic link, not read" q.parquet

rm "$dir/q.3.parquet"
ln -s "$dir/secret" "$dir/q.3.parquet"
expect 1 "ior: q.3.parquet: not a Parquet file" q.3.parquet  # named: followed, then refused alone
ln -s q.1.parquet "$dir/mine.parquet"  # named by the user: read through the link
expect 0 "1 file, 3 rows" mine.parquet

[[ $fail -eq 0 ]] && echo "report inputs: FIFOs and planted links refused, named links read"
exit $fail
