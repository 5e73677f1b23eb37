#!/usr/bin/env bash
# The main job: install what is missing, build, and trace the host for 10 s.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh ior
exec build/ior -duration 10 "$@" > ior-demo.csv
