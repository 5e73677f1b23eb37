#!/usr/bin/python3
"""Parses Prometheus text exposition (stdin) with the Python client's parser
(python3-prometheus-client) and prints one line per sample:
NAME<TAB>LABELS AS JSON (sorted keys)<TAB>VALUE. Any line it cannot parse
fails the run: a strict second reader of ior's -metrics output besides
promtool."""
import json
import sys

from prometheus_client.parser import text_string_to_metric_families

text = sys.stdin.read()
for family in text_string_to_metric_families(text):
    if family.type not in ("counter", "gauge"):
        sys.exit(f"unexpected type {family.type} of {family.name}")
    for s in family.samples:
        print(f"{s.name}\t{json.dumps(s.labels, sort_keys=True, ensure_ascii=False)}\t{s.value!r}")
