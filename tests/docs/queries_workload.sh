#!/usr/bin/env bash
# The workload docs/QUERIES.md's outputs come from (and its test traces):
# a small service in DIR that writes a log in appends, keeps a data file it
# reads back, copies and renames it into place, removes what it no longer
# needs, and looks for files that are not there.
# Usage: queries_workload.sh DIR
set -u
dir=$1
mkdir -p "$dir/data" "$dir/log"
echo "port=8080" > "$dir/app.conf"
for i in $(seq 1 20); do
  echo "request $i served" >> "$dir/log/app.log"
done
dd if=/dev/zero of="$dir/data/blob.bin" bs=64k count=16 status=none
dd if="$dir/data/blob.bin" of=/dev/null bs=4k status=none
cat "$dir/app.conf" > /dev/null
cp "$dir/data/blob.bin" "$dir/data/blob.bin.tmp"
mv "$dir/data/blob.bin.tmp" "$dir/data/blob.v2.bin"
rm "$dir/data/blob.bin"
cat "$dir/missing.conf" 2> /dev/null
ls "$dir/data/none" > /dev/null 2>&1
sync "$dir/log/app.log"
exit 0
