# tests/vm/tools.sh — bpftrace's kprobe/kfunc tools, run UNMODIFIED in the
# VM (sourced by tests.sh after its own cases; run.sh puts the tools
# directory, ../shared/bpftrace-docs/tools or $TT_BPFTRACE_TOOLS, at
# /tools).  Each runs for about two
# seconds while a busybox workload makes it print, is stopped with SIGINT,
# and its output is checked like a `c` case (header first, then a line
# naming the workload).
#
#   tool NAME SCRIPT 'WORKLOAD' EXPECT...
#   xtool 'WHAT IS MISSING' NAME SCRIPT 'WORKLOAD' EXPECT...
# xtool: expected to fail until WHAT IS MISSING lands: a failure prints
# "XFAIL NAME (WHAT)", a pass FAILS ("passes now: remove the XFAIL").

# runtool SCRIPT WORKLOAD: sets $tout (stdout and stderr) and $tst
runtool() {
	script=$1 work=$2
	: > /tmp/tool.out
	tinytrace "/tools/$script" > /tmp/tool.out 2>&1 &
	tp=$!
	i=0
	while [ $i -lt 300 ] && kill -0 $tp 2>/dev/null &&
		! grep -q '^Attached' /tmp/tool.out; do
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 $tp 2>/dev/null; then
		echo -1000 > /proc/$tp/oom_score_adj
		for n in 1 2 3; do
			sh -c "$work" > /dev/null 2>&1
		done
		sleep 1
		kill -INT $tp
	fi
	i=0
	while [ $i -lt 150 ] && kill -0 $tp 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -KILL $tp 2>/dev/null
	wait $tp
	tst=$?
	tout=$(cat /tmp/tool.out)
}

tool() {
	tname=$1
	shift
	runtool "$1" "$2"
	shift 2
	check "tool_$tname" "$tst" "$tout" "$@"
}

xtool() {
	what=$1 tname=$2
	shift 2
	runtool "$1" "$2"
	shift 2
	p0=$pass f0=$fail
	check "tool_$tname" "$tst" "$tout" "$@" > /tmp/check.out
	if [ $pass != $p0 ]; then
		echo "FAIL tool_$tname: passes now: remove the XFAIL ($what)"
		pass=$p0 fail=$((fail + 1))
	else
		echo "XFAIL tool_$tname ($what)"
		sed -n 's/^FAIL [^:]*: /    why: /p' /tmp/check.out
		fail=$f0 xfail=$((xfail + 1))
	fi
}

if [ ! -f /tools/execsnoop.bt ]; then
	s tools "no bpftrace tools in the VM (TT_BPFTRACE_TOOLS)"
	return 0 2>/dev/null || exit 0
fi

ip link set lo up
ip route add 10.99.0.0/24 dev lo	# a SYN there is never answered
TS='[0-9][0-9]:[0-9][0-9]:[0-9][0-9]'
NC='nc -l -p 8123 >/dev/null & sleep 0.2; echo hi | nc 127.0.0.1 8123; wait'

tool vfscount vfscount.bt 'cat /proc/version' \
	'Tracing VFS calls... Hit Ctrl-C to end.' \
	'@\[vfs_read\]: [0-9]+' exit=0
tool vfsstat vfsstat.bt 'cat /proc/version' \
	'Tracing key VFS calls... Hit Ctrl-C to end.' \
	"$TS" '@\[vfs_read\]: [0-9]+' exit=0
# time() and printf() are two records: an event on the other CPU (the
# tracer's own CAP_BPF checks) can come between them, as in bpftrace, so
# a line may carry its time twice or (the next one) not at all
tool capable capable.bt 'hostname ttvm' \
	'TIME +UID +PID +COMM +CAP +NAME +AUDIT' \
	"($TS +)+0 +[0-9]+ +hostname +21 +CAP_SYS_ADMIN +[0-9]+" exit=0
tool tcpconnect tcpconnect.bt "$NC" \
	'Tracing tcp connections. Hit Ctrl-C to end.' \
	'TIME +PID +COMM +SADDR +SPORT +DADDR +DPORT *' \
	"$TS +[0-9]+ +nc +127\.0\.0\.1 +[0-9]+ +127\.0\.0\.1 +8123 *" exit=0
tool tcpaccept tcpaccept.bt "$NC" \
	'Tracing TCP accepts. Hit Ctrl-C to end.' \
	'TIME +PID +COMM +RADDR +RPORT +LADDR +LPORT +BL' \
	"$TS +[0-9]+ +nc +(::ffff:)?127\.0\.0\.1 +[0-9]+ +(::ffff:)?127\.0\.0\.1 +8123 +[0-9]+/[0-9]+" exit=0
tool tcplife tcplife.bt "$NC" \
	'PID +COMM +LADDR +LPORT +RADDR +RPORT +TX_KB +RX_KB +MS' \
	'[0-9]+ +nc +127\.0\.0\.1 +[0-9]+ +127\.0\.0\.1 +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+' exit=0
tool tcpsynbl tcpsynbl.bt "$NC" \
	'Tracing SYN backlog size. Ctrl-C to end.' \
	'@backlog\[backlog limit\]: histogram of backlog size' '\[0\] +[0-9]+ \|@+ *\|' exit=0
tool tcpretrans tcpretrans.bt 'timeout 2 nc 10.99.0.2 9' \
	'Tracing tcp retransmits. Hit Ctrl-C to end.' \
	"$TS +[0-9]+ +[0-9.]+:[0-9]+ +10\.99\.0\.2:9 +SYN_SENT" exit=0

# ---- memory: a cgroup (v2) whose memory.max is below what memhog (a
# static helper, tests/vm/memhog.c) writes: with no swap the kernel kills
# it inside the cgroup, sparing the test; with swap on a RAM disk (brd) it
# swaps it out and in.  The console stays quiet about the kill.
echo 1 > /proc/sys/kernel/printk
mkdir -p /sys/fs/cgroup
CG=/sys/fs/cgroup
if mount -t cgroup2 none $CG && echo +memory > $CG/cgroup.subtree_control &&
	mkdir $CG/ttoom $CG/ttswap && echo 8M > $CG/ttoom/memory.max &&
	echo 0 > $CG/ttoom/memory.swap.max && echo 8M > $CG/ttswap/memory.max; then
	tool oomkill oomkill.bt "sh -c 'echo \$\$ > $CG/ttoom/cgroup.procs && exec memhog 24'" \
		'Tracing oom_kill_process\(\)... Hit Ctrl-C to end.' \
		"$TS Triggered by PID [0-9]+ \(\"memhog\"\), CGROUP [0-9]+ \(\"[^\"]*ttoom\"\), OOM kill of PID [0-9]+ \(\"memhog\"\), [0-9]+ pages, loadavg: [0-9.]+ [0-9.]+ [0-9.]+ [0-9]+/[0-9]+ [0-9]+" exit=0
	if [ ! -f /modules/brd.ko ]; then
		s tool_swapin "no brd.ko (a RAM disk to swap to) for this kernel in /lib/modules"
	elif insmod /modules/brd.ko rd_nr=1 rd_size=65536 &&
		mkswap /dev/ram0 > /dev/null && swapon /dev/ram0; then
		tool swapin swapin.bt "sh -c 'echo \$\$ > $CG/ttswap/cgroup.procs && exec memhog 24'" \
			"$TS" '@\[memhog, [0-9]+\]: [0-9]+' exit=0
		swapoff /dev/ram0
	else
		s tool_swapin 'cannot set up swap on a brd RAM disk'
	fi
else
	s tool_oomkill 'no memory cgroup (cgroup2 with memory.max) in the VM'
	s tool_swapin 'no memory cgroup (cgroup2 with memory.max) in the VM'
fi

# ---- a unix socket: busybox logger sends to syslogd's /dev/log (datagrams)
syslogd -n -O /tmp/syslog &
slog=$!
sleep 0.3
tool undump undump.bt 'logger -t tt ttmarker' \
	'Dump UNIX socket packages RX. Ctrl-C to end' \
	'TIME +COMM +PID +SIZE +DATA' \
	"$TS syslogd +[0-9]+ +[0-9]+ +.*tt: ttmarker.*" exit=0
kill $slog
wait $slog 2>/dev/null

tool loads loads.bt 'true' \
	'Reading load averages... Hit Ctrl-C to end.' \
	"$TS load averages: [0-9]+\.[0-9]{3} [0-9]+\.[0-9]{3} [0-9]+\.[0-9]{3}" exit=0
# what these need is not a function in Debian's 6.1 (inlined or renamed);
# bpftrace stops there too
s tool_dcsnoop 'kprobe:lookup_fast.constprop.*: no such function in this 6.1 kernel'
s tool_biolatency_kp 'kprobe:__blk_account_io_done: no such function in this 6.1 kernel'
s tool_old_biosnoop_pre_6_4 'kprobe:__blk_account_io_done: no such function in this 6.1 kernel'
s tool_old_biostacks 'kprobe:blk_start_request: gone since 5.0'
s tool_mdflush 'needs an md array: no mdadm in the VM'
s tool_xfsdist 'needs an XFS file system: no mkfs.xfs in the VM'
s tool_old_biosnoop_pre_5_17 'for kernels before 5.17 (struct request.rq_disk); the VM runs 6.1'
s tool_old_mdflush 'for kernels before 5.12 (struct bio.bi_disk); the VM runs 6.1'
s tool_old_tcpdrop 'for kernels before 5.17 (kprobe:tcp_drop); the VM runs 6.1'
# old/runqlen.bt is for kernels before 6.6 (cfs_rq.nr_running): this 6.1
tool old_runqlen old/runqlen.bt 'true' \
	'Sampling run queue length at 99 Hertz... Hit Ctrl-C to end.' \
	'@runqlen:' '\[0\] +[0-9]+ \|@* *\|' exit=0
