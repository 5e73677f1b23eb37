#!/usr/bin/env bash
# Fails when a source file includes a header its module may not depend on
# (docs/ARCHITECTURE.md, "Dependency rules"). Usage: check_deps.sh [SRC_ROOT]
set -uo pipefail
src=${1:-"$(dirname "$0")/../src"}

# module -> modules (first path component under src/) it may include.
# bpf: the record ABI headers in bpf/ (ior_event.h, syscalls.def).
declare -A allowed=(
  [base]="base"
  [schema]="schema base"
  [sink]="sink schema base"
  [parquet]="parquet sink schema base"
  [clickhouse]="clickhouse sink schema base"
  [flamegraph]="flamegraph sink schema base"
  [live]="live flamegraph sink schema base"
  [event]="event schema base bpf"
  [trace]="trace base bpf skel libbpf"
  [metrics]="metrics base"
  [cli]="cli trace event sink parquet clickhouse flamegraph live metrics schema base bpf"
)
# Sub-layers inside a module: a file in <module>/<sub>/ may include only the
# listed sub-layers of its own module (lower ones never include higher ones).
declare -A sublayer=(
  [clickhouse/wire]="clickhouse/wire"
  [clickhouse/net]="clickhouse/wire clickhouse/net"
  [clickhouse/columns]="clickhouse/wire clickhouse/columns"
  [clickhouse/protocol]="clickhouse/wire clickhouse/columns clickhouse/protocol"
  [parquet/thrift]="parquet/thrift"
  [parquet/encoding]="parquet/encoding"
)

bad=0
classify() {  # include text -> pseudo-module
  case "$1" in
    \"ior_event.h\"|\"syscalls.def\") echo bpf ;;
    \"ior.skel.h\") echo skel ;;
    \<bpf/*) echo libbpf ;;
    \"*/*\") local p=${1#\"}; echo "${p%%/*}" ;;
    \"*\") echo local ;;
    *) echo system ;;
  esac
}

while IFS= read -r file; do
  rel=${file#"$src"/}
  mod=${rel%%/*}
  [[ "$rel" == "$mod" ]] && mod=cli   # src/main.cpp
  sub=""
  rest=${rel#*/}
  [[ "$rest" == */* ]] && sub="$mod/${rest%%/*}"
  while IFS= read -r inc; do
    target=$(classify "$inc")
    case "$target" in system|local) continue ;; esac
    ok=0
    for a in ${allowed[$mod]:-}; do [[ "$a" == "$target" ]] && ok=1; done
    if [[ $ok -eq 1 && -n "$sub" && -n "${sublayer[$sub]:-}" && "$target" == "$mod" ]]; then
      p=${inc#\"}; p=${p%\"}
      incsub=""; prest=${p#*/}
      [[ "$prest" == */* ]] && incsub="$mod/${prest%%/*}"
      ok=0
      for a in ${sublayer[$sub]}; do [[ "$a" == "$incsub" ]] && ok=1; done
    fi
    if [[ $ok -eq 0 ]]; then
      echo "forbidden include: src/$rel includes $inc (module '$mod'${sub:+, layer '$sub'} may use: ${allowed[$mod]:-nothing})"
      bad=1
    fi
  done < <(grep -hoE '^\s*#\s*include\s*[<"][^">]+[">]' "$file" | sed -E 's/^\s*#\s*include\s*//')
done < <(find "$src" -type f \( -name '*.hpp' -o -name '*.cpp' -o -name '*.h' \))

if [[ $bad -eq 0 ]]; then echo "check_deps: no forbidden include edge"; fi
exit $bad
