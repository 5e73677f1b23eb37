#!/usr/bin/env bash
# Installs what ior needs on Debian 12, and only what is missing; idempotent.
#   scripts/setup.sh          build + run dependencies
#   scripts/setup.sh --test   also test/benchmark dependencies and the npm readers
# With --test, also mounts tracefs/debugfs when they are not mounted: ior
# needs neither (its programs attach through BPF links), the benchmark's
# bpftrace reads the per-syscall tracepoints' formats there. Says what it does.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[[ "${1:-}" == "--test" ]] && want_test=1

say() { echo "setup: $*"; }

if [[ $(id -u) -ne 0 ]]; then
  echo "setup: must run as root (apt-get): sudo $0 $*" >&2
  exit 1
fi

read_list() { grep -v '^\s*#' "$1" | grep -v '^\s*$'; }

lists=(scripts/packages-build.txt)
[[ $want_test -eq 1 ]] && lists+=(scripts/packages-test.txt)

missing=()
for pkg in $(cat "${lists[@]}" | grep -v '^\s*#' | grep -v '^\s*$'); do
  case "$pkg" in
    # A node from another source (e.g. a vendor build with npm inside) counts.
    nodejs) command -v node >/dev/null && continue ;;
    npm) command -v npm >/dev/null && continue ;;
  esac
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done

if [[ ${#missing[@]} -gt 0 ]]; then
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # Packaged servers (clickhouse-server) must not be started by their postinst:
  # tests start their own instances on free loopback ports.
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d.ior
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    mv /usr/sbin/policy-rc.d.ior /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  else
    rm -f /usr/sbin/policy-rc.d.ior
  fi
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  say "all Debian packages present"
fi

mount_fs() {  # type dir
  if ! mountpoint -q "$2" 2>/dev/null; then
    if [[ -d "$2" ]]; then
      say "mounting $1 on $2"
      mount -t "$1" nodev "$2" || say "could not mount $1 on $2"
    fi
  fi
}
if [[ $want_test -eq 1 ]]; then
  mount_fs tracefs /sys/kernel/tracing
  mount_fs debugfs /sys/kernel/debug
fi

if [[ ! -e /sys/kernel/btf/vmlinux ]]; then
  echo "setup: /sys/kernel/btf/vmlinux is missing: this kernel has no BTF; ior needs a kernel built with CONFIG_DEBUG_INFO_BTF=y" >&2
  exit 1
fi

if [[ $want_test -eq 1 ]]; then
  readers=tests/readers
  stamp="$readers/node_modules/.ior-installed"
  if [[ ! -f "$stamp" ]] || ! cmp -s "$readers/package.json" "$stamp"; then
    say "installing the test readers (chdb, @duckdb/node-api) with npm into $readers/node_modules"
    (cd "$readers" && npm install --no-package-lock --no-audit --no-fund --loglevel=error)
    cp "$readers/package.json" "$stamp"
  else
    say "test readers present"
  fi
fi
say "done"
