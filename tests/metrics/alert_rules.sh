#!/usr/bin/env bash
# The alert rules of docs/METRICS.md (its yaml block) pass promtool check rules.
# Usage: alert_rules.sh DOC
set -euo pipefail
doc=$1
if ! command -v promtool >/dev/null; then
  [[ "${CI:-}" == "true" ]] && { echo "promtool missing (scripts/setup.sh --test)" >&2; exit 1; }
  echo "promtool missing: skipped"; exit 77
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
awk '/^```yaml$/ {on = 1; next} /^```$/ {on = 0} on' "$doc" > "$tmp/rules.yml"
rules=$(grep -c -- '- alert:' "$tmp/rules.yml" || true)
[[ $rules -ge 5 ]] || { echo "expected the doc's alert rules, found $rules" >&2; exit 1; }
promtool check rules "$tmp/rules.yml"
