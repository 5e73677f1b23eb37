#!/usr/bin/env bash
# Configures and builds ior into build/ (Release with debug info; warnings
# are errors here, as in CI).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIOR_WERROR=ON >/dev/null
ninja -C build "$@"
