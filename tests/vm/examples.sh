# tests/vm/examples.sh — the scripts of examples/ that need what only the
# VM's kernel has (kprobes, fentry/fexit, hardware breakpoints): the rows
# of tests/examples/cases marked `vm`.  Sourced by tests.sh after its own
# cases; run.sh puts examples/ at /examples (with the cases table).
# Each script runs as tests/examples/run.py runs the `host` ones: started,
# its workload run three times (busybox sh), ended with SIGINT a second
# later (two seconds after the start when there is no workload); its first line must be its header (the first line of its
# "Example output" comment, numbers aside) and a line must match LINE.

if [ ! -f /examples/cases ]; then
	s examples "no examples/ in the VM"
	return 0 2>/dev/null || exit 0
fi

# trim TEXT: without leading and trailing blanks
trim() {
	printf '%s\n' "$1" | sed 's/^[[:space:]]*//;s/[[:space:]]*$//'
}

# runexample SCRIPT OPTIONS WORKLOAD: sets $eout (stdout), $eerr, $est
runexample() {
	: > /tmp/ex.out
	: > /tmp/ex.err
	eval "exec tinytrace $2 /examples/$1" > /tmp/ex.out 2> /tmp/ex.err &
	tp=$!
	i=0
	while [ $i -lt 300 ] && kill -0 $tp 2>/dev/null &&
		! grep -q '^Attached' /tmp/ex.err; do
		sleep 0.1
		i=$((i + 1))
	done
	if [ -n "$3" ]; then
		for n in 1 2 3; do
			WORK=/examples TT_PID=$tp sh -c "$3" > /dev/null 2>&1
		done
		sleep 1.2
	else
		sleep 2		# it may end by itself
	fi
	kill -INT $tp 2>/dev/null
	i=0
	while [ $i -lt 150 ] && kill -0 $tp 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -KILL $tp 2>/dev/null
	wait $tp
	est=$?
	eout=$(cat /tmp/ex.out)
	eerr=$(cat /tmp/ex.err)
}

grep -v '^#' /examples/cases | grep '| *vm *|' > /tmp/ex.cases
while IFS= read -r row; do
	rest=$row
	script=$(trim "${rest%%|*}"); rest=${rest#*|}
	rest=${rest#*|}		# WHERE: vm
	opts=$(trim "${rest%%|*}"); rest=${rest#*|}
	work=$(trim "${rest%%|*}"); rest=${rest#*|}
	line=$(trim "$rest")
	name="example_${script%.bt}"
	header=$(sed -n '/^ \* Example output:$/{n;s/^ \*   //;p;q}' "/examples/$script")
	runexample "$script" "$opts" "$work"
	got=$(printf '%s\n' "$eout" | head -n 1)
	why=
	if [ "$(echo "$got" | sed 's/[0-9][0-9]*/N/g')" != \
		"$(echo "$header" | sed 's/[0-9][0-9]*/N/g')" ]; then
		why="its first line is not its header: $header"
	elif ! printf '%s\n' "$eout" | grep -Eq -- "^($line)\$"; then
		why="no line matches: $line"
	fi
	if [ -z "$why" ]; then
		echo "PASS $name"
		pass=$((pass + 1))
	else
		echo "FAIL $name: $why"
		printf '%s\n' "$eout" "$eerr" | head -n 60 | sed 's/^/    | /'
		fail=$((fail + 1))
	fi
done < /tmp/ex.cases
