#!/usr/bin/env python3
"""Reads a JSON lines file strictly with Python's json module and prints one
canonical line per object, so C++ tests can compare it with what other
readers (DuckDB over the Parquet file of the same run) return:

    keys KEY,KEY,...          (first line: the first object's keys, in order)
    V|V|...                   (one per object: integers in decimal,
                               strings as "s:" + upper-case hex of their UTF-8)

Exit 1 naming the line on anything that is not one JSON object per line with
the same keys in the same order, integer or string values only: a line
without its newline, an empty line, invalid JSON, NaN/Infinity, a duplicate
key, a float, null, a bool, an array.
Usage: json_lines.py FILE
"""
import json
import sys


def no_constant(name):
    raise ValueError("non-standard constant " + name)


def pairs(items):
    keys = [k for k, _ in items]
    if len(keys) != len(set(keys)):
        raise ValueError("duplicate key")
    return dict(items)


def main(path):
    with open(path, "rb") as f:
        data = f.read()
    if data and not data.endswith(b"\n"):
        raise SystemExit("last line has no newline")
    keys = None
    out = []
    for n, raw in enumerate(data.split(b"\n")[:-1] if data else [], start=1):
        try:
            text = raw.decode("utf-8")  # strict: JSON text is UTF-8
            obj = json.loads(text, parse_constant=no_constant, object_pairs_hook=pairs)
        except (UnicodeDecodeError, ValueError) as e:
            raise SystemExit("line %d: %s" % (n, e))
        if not isinstance(obj, dict):
            raise SystemExit("line %d: not an object" % n)
        if keys is None:
            keys = list(obj)
            out.append("keys " + ",".join(keys))
        elif list(obj) != keys:
            raise SystemExit("line %d: other keys %s" % (n, list(obj)))
        values = []
        for k, v in obj.items():
            if isinstance(v, bool) or not isinstance(v, (int, str)):
                raise SystemExit("line %d: %s is %r" % (n, k, v))
            values.append(str(v) if isinstance(v, int) else "s:" + v.encode("utf-8").hex().upper())
        out.append("|".join(values))
    sys.stdout.write("".join(line + "\n" for line in out))


if __name__ == "__main__":
    main(sys.argv[1])
