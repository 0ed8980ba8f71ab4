#!/bin/sh
# in_cgroup.sh CMD ARGS...: runs CMD in a new child cgroup of the cgroup v2
# hierarchy, whose path it passes in $TT_CGROUP, then removes the cgroup.
m=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
[ -n "$m" ] || { echo "in_cgroup.sh: no cgroup2 mount" >&2; exit 1; }
d=$m/tinytrace_test_$$
mkdir "$d" || exit 1
(echo 0 > "$d/cgroup.procs" && TT_CGROUP=$d exec "$@")
st=$?
rmdir "$d"
exit $st
