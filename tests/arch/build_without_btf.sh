#!/usr/bin/env bash
# Configures SOURCE into BUILD with a BTF path that does not exist: the
# tracer must be left out with a warning (no error), the ior program must not
# be a target, and the Parquet library and its unit tests must build and pass.
set -euo pipefail
src=$1
build=$2
rm -rf "$build"
log=$(cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIOR_WERROR=ON \
        -DIOR_VMLINUX_BTF=/nonexistent/vmlinux -DIOR_BUILD_FUZZ=OFF 2>&1) || {
  echo "configure failed without BTF:"; echo "$log"; exit 1; }
tr -s " \n" "  " <<<"$log" | grep -q "building the libraries" || { echo "no warning about the missing BTF:"; echo "$log"; exit 1; }
if ninja -C "$build" -t targets all | grep -qE '^ior: '; then
  echo "the ior program is a target although the tracer cannot be built"; exit 1
fi
ninja -C "$build" parquet_unit_test
"$build/tests/parquet/parquet_unit_test" --gtest_brief=1
