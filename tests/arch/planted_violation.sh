#!/usr/bin/env bash
# Copies src/, plants forbidden includes one at a time and expects check_deps
# to fail on each, naming the file.
set -uo pipefail
root=$1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0
plant() {  # file include
  rm -rf "$tmp/src"; cp -r "$root/src" "$tmp/src"
  mkdir -p "$(dirname "$tmp/src/$1")"
  printf '#include %s\n' "$2" >> "$tmp/src/$1"
  if out=$(bash "$root/scripts/check_deps.sh" "$tmp/src"); then
    echo "NOT CAUGHT: $1 including $2"; fail=1
  elif ! grep -q "src/$1" <<<"$out"; then
    echo "caught but not named: $1: $out"; fail=1
  fi
}
plant schema/planted.hpp '"sink/sink.hpp"'
plant sink/planted.cpp '"event/pipeline.hpp"'
plant parquet/planted.cpp '"trace/tracer.hpp"'
plant clickhouse/planted.cpp '<bpf/libbpf.h>'
plant event/planted.cpp '"trace/tracer.hpp"'
plant base/planted.hpp '"schema/columns.hpp"'
plant clickhouse/wire/planted.hpp '"clickhouse/columns/column.hpp"'
# a clean tree passes
rm -rf "$tmp/src"; cp -r "$root/src" "$tmp/src"
bash "$root/scripts/check_deps.sh" "$tmp/src" >/dev/null || { echo "clean tree rejected"; fail=1; }
[[ $fail -eq 0 ]] && echo "planted violations: all caught"
exit $fail
