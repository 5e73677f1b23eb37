#!/usr/bin/env bash
# Installs what is missing, builds everything and runs every test (CTest).
# Needs root: the BPF and end-to-end tests load real BPF programs.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
scripts/build.sh
cd build
ctest --output-on-failure --timeout 900 -j1 "$@"
