#!/usr/bin/env bash
# The main job: install what is missing, build, trace the host for 10 s into
# a Parquet file (demo-<date>.parquet) and print the summary.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh ior
exec build/ior -parquet -name demo -duration 10 "$@"
