#!/usr/bin/env bash
# ior with bad flags: one line naming the flag plus a usage hint, exit 2.
set -u
ior=$1
fail=0
hint="ior -help"
expect() {  # expected-substring args...
  local want=$1; shift
  out=$("$ior" "$@" 2>&1 >/dev/null); rc=$?
  if [[ $rc -ne 2 ]]; then echo "FAIL: ior $* exited $rc, want 2"; fail=1; fi
  if ! grep -qF -- "$want" <<<"$out"; then echo "FAIL: ior $*: '$out' lacks '$want'"; fail=1; fi
  if ! grep -qF -- "$hint" <<<"$out"; then echo "FAIL: ior $*: no usage hint"; fail=1; fi
  [[ $(wc -l <<<"$out") -le 2 ]] || { echo "FAIL: ior $*: more than 2 lines: $out"; fail=1; }
}
expect "unknown flag -nope" -nope
expect "flag -duration" -duration xyz
expect "flag -pid" -pid 99999999999
expect "flag -min-duration" -min-duration 10
expect "flag -min-duration" -min-duration 5parsecs
expect "invalid regular expression" -tps '(' -duration 1
expect "invalid regular expression" -tpsExclude 'read,[' -duration 1
expect "unknown codec" -parquet -parquet-compression lz5
expect "flag -parquet-rotate" -parquet -parquet-rotate 0
expect "flag -parquet-rotate" -parquet -parquet-rotate 5x
expect "flag -parquet-rowgroup" -parquet -parquet-rowgroup 0
expect "flag -ch-cluster-discover needs -ch-cluster" -clickhouse -ch-cluster-discover
expect "flag -ch-ca-file: cannot read /nonexistent/ca.pem: No such file or directory" -clickhouse -ch-secure -ch-ca-file /nonexistent/ca.pem
expect "flag -follow needs -pid or a command after --" -follow
expect "flag -follow: not with -tid" -follow -pid 1 -tid 1
expect "flag -pid: not with a command after --" -pid 1 -- /bin/true
expect "unexpected argument \"true\" (to trace a command: ior [flags] -- CMD ARGS)" true
expect "no command after --" -duration 1 --
expect "flag -pid" -pid 0
expect "for flag -duration: too large" -duration 9223372037 -- true
expect "for flag -duration: too large" -duration 2562048h
expect "for flag -duration: too large" -duration 18446744073
expect "for flag -ch-flush: too large" -clickhouse -ch-flush 18446744073
expect "flag -tid" -tid 0
expect "flag -tid: no thread 4294967295" -tid 4294967295
expect "flag -tid: no thread 2 in process 1" -pid 1 -tid 2
expect "flag -parquet-file needs -parquet" -parquet-file x.parquet
expect "flag -parquet-rotate needs -parquet" -parquet-rotate 10s
expect "flag -ch-host needs -clickhouse" -ch-host db1
expect "flag -ch-host: \"127.0.0.1:99999\": the port must be a number from 1 to 65535" -clickhouse -ch-host db1,127.0.0.1:99999
expect "flag -ch-on-full needs -clickhouse" -ch-on-full x
expect "flag -fields needs -flamegraph or -live" -fields comm
expect "flag -count needs -flamegraph or -live" -count bytes
expect "flag -flamegraph-max-stacks needs -flamegraph" -flamegraph-max-stacks 10
expect "flag -flamegraph-max-stacks needs -flamegraph" -live -flamegraph-max-stacks 10
expect "flag -live-interval needs -live" -live-interval 2s
expect "flag -tid: not with a command after --" -tid 1 -- true
gone=$(sh -c 'echo $$')  # a process that has exited (and been reaped)
expect "flag -pid: no process $gone" -pid "$gone"
expect "flag -pid: no process $gone" -pid "$gone" -follow
expect "flag -uid: \"no-such-user-here\" is neither a user id nor a user name" -uid 0,no-such-user-here
expect "flag -uid: empty item" -uid 1,,2
expect "flag -uid: 4294967295 is no user id" -uid 4294967295
long=$(printf 'n%.0s' $(seq 1 240))
expect "flag -parquet-file: the rotated file names (" -parquet -parquet-file "$long.parquet" -parquet-rotate 1000
expect "flag -cgroup: \"system.slice\" is not an absolute path" -cgroup system.slice
expect "flag -json: not with -console" -json -console
expect "flag -json-file: empty file name" -json-file ""
expect "flag -parquet-file: empty file name" -parquet -parquet-file ""
# An empty filter would filter nothing (-uid "$UNSET" tracing every user).
for f in uid cgroup comm path container tps tpsExclude metrics name; do
  expect "flag -$f: empty value" "-$f" ""
done
# ... and an empty ClickHouse setting was quietly the default (-ch-spool "": the default root).
for f in ch-user ch-password-file ch-ca-file ch-cluster ch-spool; do
  expect "flag -$f: empty value" -clickhouse "-$f" ""
done
for f in ch-user ch-password-file ch-ca-file ch-cluster ch-spool ch-db ch-table; do
  expect "flag -$f: only blanks" -clickhouse "-$f" "  "
done
expect "flag -tps: \" write\" matches no syscall tracepoint" -tps "read, write"
expect "flag -tps: empty item" -tps "read,"
expect "flag -tpsExclude: \"nosuch\" matches no syscall tracepoint" -tpsExclude nosuch
# A password file that is a directory, or a FIFO no one writes to (another
# user may plant one): one line, no hang (the FIFO is waited for 10 s).
expect "flag -ch-password-file: / is a directory" -clickhouse -ch-password-file /
fifo_dir=$(mktemp -d)
mkfifo "$fifo_dir/pw"
expect "flag -ch-password-file: nothing came through the pipe $fifo_dir/pw in 10 s" -clickhouse -ch-password-file "$fifo_dir/pw"
rm -rf "$fifo_dir"
# Two outputs on one file: one would replace the other's rows.
expect "-parquet-file and -json-file both write same.out: give each output a file of its own" -parquet -parquet-file same.out -json-file same.out -force
expect "-flamegraph and -json-file both write ./fgx.svg" -flamegraph -name fgx -json-file ./fgx.svg
expect "-parquet-file and -json-file both write rr.2.parquet (a file of the rotated set)" -parquet -parquet-file rr.parquet -parquet-rotate 1s -json-file rr.2.parquet
expect "flag -cost-stage: \"bogus\" is none of attach, filter, copy, drain" -cost-stage bogus
expect "flag -cgroup: \"/no/such/cgroup\" is not a directory of the cgroup v2 hierarchy" -cgroup /no/such/cgroup
# ior report: the flame graph's flags without -flamegraph, -top without the tables.
hint="ior report -help"
for f in "-name x" "-fields comm" "-count bytes" "-flamegraph-max-stacks 10" "-force"; do
  # shellcheck disable=SC2086  # the flag and its value are two words
  expect "flag ${f%% *} needs -flamegraph" report $f x.parquet
done
expect "flag -top: only for the tables" report -format csv -top 3 x.parquet
expect "flag -top: only for the tables" report -flamegraph -top 3 x.parquet
expect 'flag -tps: "^read$" matches no syscall tracepoint' report -tps '^read$' x.parquet
hint="ior -help"
"$ior" -help | grep -q -- "-tpsExclude" || { echo "FAIL: -help lacks flags"; fail=1; }
"$ior" -version | grep -qE '^ior [0-9]+\.' || { echo "FAIL: -version"; fail=1; }
[[ $fail -eq 0 ]] && echo "bad flags: all rejected with exit 2"
exit $fail
