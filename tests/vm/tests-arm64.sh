#!/bin/sh
# tests/vm/tests-arm64.sh — the arm64 VM cases.  Runs INSIDE the VM that
# tests/vm/run-arm64.sh boots (Debian's arm64 kernel under
# qemu-system-aarch64 -M virt -cpu max, busybox, the static aarch64
# tinytrace), after tests/vm/lib.sh (the helpers t, c, s and the case
# format).  What differs by architecture is what is tested here: struct
# user_pt_regs for argN, retval, func, reg() and usermode, arm64's
# syscall numbers, uprobes and USDT in an aarch64 program (/bin/armprog,
# tests/vm/armprog.c), stacks, and the fentry refusal (Debian's 6.1 has
# no BPF trampolines on arm64); plus the slice and the seed invariants.

DD='dd if=/proc/version of=/dev/null bs=123 count=1 status=none'
DD7='dd if=/proc/version of=/dev/null bs=7 count=1 status=none'
CAT='cat /proc/version'
P=/bin/armprog

echo "kernel $(uname -r) $(uname -m), $(nproc) CPUs"
c is_arm64 'uname -m; tinytrace --version' \
	'aarch64' 'bpftrace v.*'

# ---- the slice ------------------------------------------------------------
t printf_arith 'BEGIN { printf("hello %d\n", 1 + 2); exit(); }' '' \
	'Attached 1 probe' 'hello 3' 'exit=0'
t tracepoint_str_arg 'tracepoint:syscalls:sys_enter_openat /comm == "cat"/ { printf("%s\n", str(args.filename)); exit(); }' "$CAT" \
	'/proc/version'
t tracepoint_int_arg 'tracepoint:syscalls:sys_enter_read /comm == "dd" && args.count == 123/ { printf("count=%d\n", args.count); exit(); }' "$DD" \
	'count=123'
t rawtracepoint_btf_args 'rawtracepoint:sched_process_exec { printf("raw exec %d %s\n", args.p->pid == pid, str(args.bprm->filename)); exit(); }' "$DD" \
	'raw exec 1 /bin/dd'
t scratch_if_else 'BEGIN { $a = 5; $s = "abc"; if ($a > 9) { printf("no\n"); } else if ($a > 3) { printf("%s %d\n", $s, $a * 2); } else { printf("no\n"); } exit(); }' '' \
	'abc 10'
t count_sum_maps 'tracepoint:syscalls:sys_enter_read /comm == "dd"/ { @c[comm] = count(); @s = sum(args.count); @h = hist(args.count); }' "$DD" \
	'@c\[dd\]: [1-9][0-9]*' '@h:' '\[64, 128\) +[1-9][0-9]* \|@+\|' '@s: [1-9][0-9]*'
t end_before_maps 'BEGIN { @x = 1; exit(); } END { printf("end\n"); }' '' \
	'end' '@x: 1'
c sigint_runs_end 'tinytrace -e "interval:ms:100 { @n = count(); } END { printf(\"end\n\"); }" & p=$!; sleep 6; kill -INT $p; wait $p' \
	'end' '@n: [1-9][0-9]*'
c syntax_error 'tinytrace -e "BEGIN { printf(\"x\" }"' \
	'stdin:1:20-21: ERROR: syntax error, unexpected }, expecting \) or ","' \
	'BEGIN \{ printf\("x" \}' '                   ~' 'exit!=0'
# arm64's syscall numbers: openat is 56 (x86-64: 257)
t syscall_numbers '#include <sys/syscall.h>
tracepoint:raw_syscalls:sys_enter /comm == "cat" && args.id == __NR_openat/ { printf("openat=%d\n", __NR_openat); exit(); }' "$CAT" \
	'openat=56'

# ---- the seed invariants ----------------------------------------------------
# probes on one hook fire in script order: "first" then " second" on one
# line (the reverse prints " second" alone and "first" after it)
ORDER_FIRST='/comm == "dd" && @done == 0/ { printf("first"); }'
ORDER_SECOND='/comm == "dd" && @done == 0/ { printf(" second\n"); @done = 1; exit(); }'
for p in kprobe:vfs_read kretprobe:vfs_read tracepoint:syscalls:sys_enter_read; do
	t "order_$(echo "$p" | cut -d: -f1)" "$p $ORDER_FIRST $p $ORDER_SECOND" "$DD" \
		'first second'
done
UFIRST='/@done == 0/ { printf("first"); }'
USECOND='/@done == 0/ { printf(" second\n"); @done = 1; exit(); }'
for p in uprobe:$P:add3 uretprobe:$P:add3 usdt:$P:armprog:step; do
	t "order_$(echo "$p" | cut -d: -f1)" "$p $UFIRST $p $USECOND" "$P 3" \
		'first second'
done
# variables stay valid while they can be read
t var_map_key_after_printf 'BEGIN { $key = "kept"; @m[$key] = 1; printf("middle: %s\n", $key); if (@m[$key]) { printf("inside: %s\n", $key); } printf("end: %s\n", $key); exit(); }' '' \
	'middle: kept' 'inside: kept' 'end: kept' '@m\[kept\]: 1'
t var_survives_helpers 'BEGIN { $i = 0; $sum = 0; while ($i < 5) { @m[$i] = $i * 10; printf("i=%d\n", $i); $sum = $sum + @m[$i]; $i++; } printf("sum %d\n", $sum); exit(); }' '' \
	'i=4' 'sum 100'

# ---- kprobes, kretprobes: x0-x7, x0, pc from user_pt_regs -----------------
# openat(AT_FDCWD, ...): do_sys_openat2's dfd (x0) is -100
t kprobe_arg0_openat2 'kprobe:do_sys_openat2 /comm == "cat"/ { printf("dfd=%d\n", (int32)arg0); exit(); }' "$CAT" \
	'dfd=-100'
t kprobe_arg2 'kprobe:vfs_read /comm == "dd" && arg2 == 123/ { printf("count=%d file %d\n", arg2, arg0 != 0); exit(); }' "$DD" \
	'count=123 file 1'
t kretprobe_retval 'kretprobe:vfs_read /comm == "dd" && retval == 7/ { printf("ret=%d %s\n", retval, probe); exit(); }' "$DD7" \
	'ret=7 kretprobe:vfs_read'
t kretprobe_map 'kretprobe:vfs_read /comm == "dd"/ { @[retval] = count(); }' "$DD7" \
	'@\[7\]: 1'
t kprobe_func_pc 'kprobe:vfs_read /comm == "dd"/ { printf("%s %s\n", func, ksym(reg("pc"))); exit(); }' "$DD" \
	'vfs_read vfs_read'
t kprobe_reg_x2 'kprobe:vfs_read /comm == "dd" && reg("r2") == 123/ { printf("x2=%d\n", reg("r2")); exit(); }' "$DD" \
	'x2=123'
c kprobe_reg_x86_name "tinytrace -e 'kprobe:vfs_read { print(reg(\"di\")); }'" \
	".*ERROR: 'di' is not a valid register on this architecture \\(aarch64\\)" 'exit!=0'
t kprobe_arg7 'kprobe:vfs_read /comm == "dd" && arg2 == 123/ { printf("ok %d\n", arg7 == reg("r7")); exit(); }' "$DD" \
	'ok 1'
t kprobe_usermode 'kprobe:vfs_read /comm == "dd"/ { printf("um %d\n", usermode); exit(); }' "$DD" \
	'um 0'
t kprobe_btf_cast 'kprobe:vfs_read /comm == "dd" && arg2 == 123/ { printf("%s\n", str(((struct file *)arg0)->f_path.dentry->d_name.name)); exit(); }' "$DD" \
	'version'

# ---- fentry/fexit: no trampolines on Debian's arm64 6.1 --------------------
t fentry_refused 'fentry:vfs_read { exit(); }' '' \
	'ERROR: fentry:vmlinux:vfs_read: this kernel cannot attach fentry/fexit programs \(ENOTSUPP: it has no BPF trampolines on this architecture\); use kprobe:vfs_read instead' \
	'!.*could not attach.*' 'exit!=0'
t fexit_refused 'fexit:vfs_read { exit(); }' '' \
	'ERROR: fexit:vmlinux:vfs_read: .*; use kretprobe:vfs_read instead' 'exit!=0'

# ---- uprobes and USDT in an aarch64 program ---------------------------------
# add3(i, 2 * i, -i) returns i + 2i - i + 1000
t uprobe_args "uprobe:$P:add3 { printf(\"%d %d %d\n\", arg0, arg1, arg2); exit(); }" "$P 3" \
	'1 2 -1'
t uprobe_dwarf_args "uprobe:$P:add3 { printf(\"%d %d %d\n\", args.a, args.b, args.c); exit(); }" "$P 3" \
	'1 2 -1'
t uretprobe_retval "uretprobe:$P:add3 { printf(\"ret=%d\n\", retval); exit(); }" "$P 3" \
	'ret=1002'
t uprobe_func_usermode "uprobe:$P:add3 { printf(\"%s um %d\n\", func, usermode); exit(); }" "$P 3" \
	'add3 um 1'
t uprobe_offset "uprobe:$P:add3+4 { printf(\"%s\n\", probe); exit(); }" "$P 3" \
	"uprobe:$P:add3\\+4"
t uprobe_offset_inside "uprobe:$P:add3+2 { exit(); }" '' \
	'ERROR: Could not add uprobe into middle of instruction: /bin/armprog:add3\+2' 'exit!=0'
t usdt_args "usdt:$P:armprog:step { printf(\"%d %d %s\n\", arg0, arg1, str(arg2)); exit(); }" "$P 3" \
	'1 -1 step'
t usdt_map "usdt:$P:armprog:step { @[arg0] = sum(arg1); }" "$P 3" \
	'@\[3\]: -3' '@\[2\]: -2' '@\[1\]: -1'
c usdt_list "tinytrace -l 'usdt:$P:*'" "usdt:$P:armprog:step"

# ---- stacks ----------------------------------------------------------------
# ksys_read is inlined into arm64's syscall wrapper
t kstack 'kprobe:vfs_read /comm == "dd"/ { printf("%s\n", kstack); exit(); }' "$DD" \
	'[[:space:]]+vfs_read\+0' '[[:space:]]+__arm64_sys_read\+[0-9]+' \
	'[[:space:]]+el0_svc\+[0-9]+'
t kstack_map_key 'kretprobe:vfs_read /comm == "dd"/ { @[kstack(2)] = count(); }' "$DD" \
	'@\[' '[[:space:]]+(ksys_read|__arm64_sys_read)\+[0-9]+' '\]: [1-9][0-9]*'
t ustack "uprobe:$P:add3 { printf(\"%s\n\", ustack); exit(); }" "$P 3" \
	'[[:space:]]+add3\+0@.*armprog\.c:[0-9]+' '[[:space:]]+__libc_start_main\+[0-9]+'

# ---- profile, interval ------------------------------------------------------
t interval 'interval:ms:100 { @n = count(); if (@n == 3) { exit(); } }' '' \
	'@n: 3'
t profile 'profile:hz:99 { @ = count(); } interval:ms:500 { exit(); }' '' \
	'@: [1-9][0-9]*'
t profile_usermode 'profile:hz:199 /pid == cpid/ { @[usermode] = count(); }' \
	"$P spin 1500" '@\[1\]: [1-9][0-9]*'

finish
