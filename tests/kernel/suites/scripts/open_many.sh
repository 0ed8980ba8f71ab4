#!/bin/sh
# open_many.sh N — try to open N distinct paths that do not exist, from
# this one process (suite 'maps': string keys).
n=${1:-1000}
i=0
while [ "$i" -lt "$n" ]; do
	true 2>/dev/null < "/nonexistent-tinytrace/file-$i"
	i=$((i + 1))
done
exit 0
