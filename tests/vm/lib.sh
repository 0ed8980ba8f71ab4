#!/bin/sh
# tests/vm/lib.sh — the helpers of the VM test cases (tests/vm/tests.sh,
# tests/vm/tests-arm64.sh): run.sh and run-arm64.sh put this file before
# the cases, and the whole runs INSIDE the VM as /test.sh (busybox sh).
#
# A case is one line:
#   t NAME 'PROGRAM' 'TRIGGER' EXPECT...
#       runs `tinytrace -e PROGRAM -c TRIGGER` (no -c when TRIGGER is "")
#   c NAME 'SHELL COMMAND' EXPECT...
#       runs the command with sh -c (other options, errors, listings)
# Output is stdout and stderr together.  Each EXPECT is an extended regex
# that must match a WHOLE line, each on a line after the previous match
# (so the list also checks order); '!RE': no line matches RE;
# 'exit=N' / 'exit!=N': the command's exit status.
# Prints PASS name / FAIL name (with the output) / SKIP name (reason), and
# and finish prints "N passed, N failed, N skipped" and fails if any did.

TO=${TT_VM_CASE_TIMEOUT:-60}
pass=0 fail=0 skip=0 xfail=0

# check NAME STATUS OUTPUT EXPECT...
check() {
	name=$1 st=$2 out=$3
	shift 3
	ok=1 why= rest=$out
	for e in "$@"; do
		case $e in
		exit=*) [ "$st" = "${e#exit=}" ] || { ok=0; why="exit status $st, not ${e#exit=}"; } ;;
		exit!=*) [ "$st" != "${e#exit!=}" ] || { ok=0; why="exit status $st"; } ;;
		!*)
			if printf '%s\n' "$out" | grep -Eq -- "^(${e#!})\$"; then
				ok=0 why="a line matches: ${e#!}"
			fi ;;
		*)
			# the first line matching e, after the previous match
			n=$(printf '%s\n' "$rest" | grep -En -m1 -- "^($e)\$" | cut -d: -f1)
			if [ -z "$n" ]; then
				ok=0 why="no line (after the previous match) matches: $e"
			else
				rest=$(printf '%s\n' "$rest" | sed "1,${n}d")
			fi ;;
		esac
		[ $ok = 1 ] || break
	done
	if [ $ok = 1 ]; then
		echo "PASS $name"
		pass=$((pass + 1))
	else
		echo "FAIL $name: $why"
		printf '%s\n' "$out" | sed 's/^/    | /'
		fail=$((fail + 1))
	fi
}

t() {
	name=$1 prog=$2 trig=$3
	shift 3
	if [ -n "$trig" ]; then
		out=$(timeout "$TO" tinytrace -e "$prog" -c "$trig" 2>&1)
	else
		out=$(timeout "$TO" tinytrace -e "$prog" 2>&1)
	fi
	check "$name" $? "$out" "$@"
}

c() {
	name=$1 cmd=$2
	shift 2
	out=$(timeout "$TO" sh -c "$cmd" 2>&1)
	check "$name" $? "$out" "$@"
}

s() {
	echo "SKIP $1 ($2)"
	skip=$((skip + 1))
}

# The summary line and the exit status: 1 if anything failed.
finish() {
	x=
	[ "$xfail" = 0 ] || x=", $xfail expected to fail"
	echo "$pass passed, $fail failed, $skip skipped$x"
	[ "$fail" = 0 ]
}
