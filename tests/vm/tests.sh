#!/bin/sh
# tests/vm/tests.sh — the VM test cases.  Runs INSIDE the VM started by
# tests/vm/run-vm.sh (busybox sh, tinytrace on PATH, proc/sys/dev mounted,
# tracefs and debugfs NOT mounted: the initramfs use case), on a kernel
# that allows what this machine's does not: kprobe, kretprobe, fentry,
# fexit.  tests/vm/run.sh boots one VM for all of them.
#
# The case helpers (t, c, s, check) and the case format are in
# tests/vm/lib.sh, which run.sh puts before this file.
#
# Triggers: busybox dd reads with exactly bs bytes per read(2) (vfs_read's
# count, arg2), so `dd ... bs=123 count=1` is a read nobody else makes.

DD='dd if=/proc/version of=/dev/null bs=123 count=1 status=none'
DD7='dd if=/proc/version of=/dev/null bs=7 count=1 status=none'

echo "kernel $(uname -r), $(nproc) CPUs"

# ---- the initramfs use case: tracefs is not mounted, tinytrace mounts it --
c initramfs_no_tracefs 'grep -c " tracefs " /proc/mounts' '0'
t tracepoint_mounts_tracefs \
	'tracepoint:syscalls:sys_enter_read /comm == "dd" && args.count == 123/ { printf("tp count=%d\n", args.count); exit(); }' \
	"$DD" 'tp count=123'
c tracefs_mounted 'grep " tracefs " /proc/mounts | cut -d" " -f2' '/sys/kernel/tracing'
t tracepoint_data_loc 'tracepoint:sched:sched_process_exec { printf("exec %s\n", str(args.filename)); exit(); }' "$DD" \
	'exec /bin/dd'
t rawtracepoint 'rawtracepoint:sched_process_exec { printf("raw exec %d\n", args.p->pid == pid); exit(); }' "$DD" \
	'raw exec 1'
t begin_end 'BEGIN { printf("begin\n"); exit(); } END { printf("end\n"); }' '' \
	'begin' 'end' 'exit=0'
c info 'tinytrace --info' \
	'  btf: yes' '  kprobe: yes' '  fentry: yes' 'exit=0'
# kprobe_multi needs CONFIG_FPROBE (run.sh reads the kernel's config on
# the host and sets TT_VM_FPROBE): the answer must come from the kernel,
# not from its version
case ${TT_VM_FPROBE:-} in
y) c info_kprobe_multi 'tinytrace --info' '  kprobe_multi: yes' ;;
n) c info_kprobe_multi 'tinytrace --info' '  kprobe_multi: no' ;;
*) s info_kprobe_multi "the kernel's CONFIG_FPROBE is not known" ;;
esac

# ---- kprobe, kretprobe ------------------------------------------------------
t kprobe 'kprobe:do_nanosleep { printf("hit %s\n", comm); exit(); }' 'sleep 0.1' \
	'Attached 1 probe' 'hit sleep' 'exit=0'
t kprobe_args_predicate \
	'k:vfs_read /comm == "dd" && arg2 == 123/ { printf("count=%d file %d\n", arg2, arg0 != 0); exit(); }' \
	"$DD" 'count=123 file 1'
t kprobe_map \
	'kprobe:vfs_read /comm == "dd"/ { @reads[arg2] = count(); }' "$DD" \
	'@reads\[123\]: 1'
# comm is zero-filled before bpf_get_current_comm: 6.1's helper does not
# pad the name, and three cats made three @[cat] keys
c comm_key_zero_filled 'tinytrace -e "tracepoint:sched:sched_process_exit /comm == \"cat\"/ { @[comm] = count(); }" & sleep 3; for i in 1 2 3; do cat /proc/version >/dev/null; done; sleep 0.5; kill -INT $!; wait' \
	'@\[cat\]: 3'
t kretprobe_retval \
	'kretprobe:vfs_read /comm == "dd" && retval == 7/ { printf("ret=%d %s\n", retval, probe); exit(); }' \
	"$DD7" 'ret=7 kretprobe:vfs_read'
t kprobe_offset_0 'kprobe:vfs_read+0 /comm == "dd"/ { printf("%s\n", probe); exit(); }' "$DD" \
	'kprobe:vfs_read'
# vfs_read starts with the 5-byte `call __fentry__` (no IBT in Debian's
# 6.1): +5 is the next instruction, +1 is inside one
t kprobe_offset_5 'kprobe:vfs_read+5 /comm == "dd"/ { printf("%s\n", probe); exit(); }' "$DD" \
	'kprobe:vfs_read\+5'
t kprobe_offset_inside_insn 'kprobe:vfs_read+1 { exit(); }' '' \
	'ERROR: Possible attachment attempt in the middle of an instruction, try a different offset.' 'exit!=0'
# bpftrace's words (runtime test probe.kprobe_func_missing): a warning that
# the function is not traceable, then no match; --unsafe tries to attach
t kprobe_missing_function 'kprobe:nonsense_function_xyz { exit(); }' '' \
	'.*WARNING: nonsense_function_xyz is not traceable \(either non-existing, inlined, or marked as "notrace"\); attaching to it will likely fail' \
	'.*ERROR: No matches for kprobe nonsense_function_xyz\.' 'exit!=0'
# a function this kernel lacks is dropped with missing_probes warn/ignore
t kprobe_missing_warn 'config = { missing_probes = "warn" } kprobe:vfs_read,kprobe:nonsense_function_xyz /comm == "dd"/ { printf("ok\n"); exit(); }' "$DD" \
	'.*WARNING: No matches for kprobe nonsense_function_xyz\. Skipping\.' 'Attached 1 probe' 'ok'
t kprobe_missing_ignore 'config = { missing_probes = "ignore" } kretprobe:nonsense_function_xyz,kretprobe:vfs_read /comm == "dd"/ { printf("ok\n"); exit(); }' "$DD" \
	'!.*No matches.*' 'Attached 1 probe' 'ok'
t kprobe_module_missing 'kprobe:nonsense:vfs_read { exit(); }' '' \
	'.*ERROR: specified module nonsense in probe kprobe:nonsense:vfs_read is not loaded.' 'exit!=0'
t kprobe_wildcard 'kprobe:vfs_rea* /comm == "dd" && arg2 == 123/ { printf("%s\n", probe); exit(); }' "$DD" \
	'Attached [0-9]+ probes' 'kprobe:vfs_read'
t kprobe_wildcard_module 'kprobe:vmlinu*:vfs_rea? /comm == "dd"/ { printf("%s\n", probe); exit(); }' "$DD" \
	'kprobe:vmlinux:vfs_read'
t kretprobe_wildcard 'kretprobe:vfs_rea*d /comm == "dd" && retval == 123/ { printf("%s %d\n", probe, retval); exit(); }' "$DD" \
	'kretprobe:vfs_read 123'
t kprobe_cast_btf_struct 'kprobe:vfs_read /comm == "dd" && arg2 == 123/ { printf("%s\n", str(((struct file *)arg0)->f_path.dentry->d_name.name)); exit(); }' "$DD" \
	'version'
c list_kprobe_wildcard "tinytrace -l 'kprobe:vfs_rea*'" \
	'kprobe:vfs_read' 'kprobe:vfs_readv' '!kprobe:vfs_write'
t kprobe_wildcard_none 'kprobe:vfs_nonsense_xyz* { exit(); }' '' \
	'.*ERROR: No matches for kprobe vfs_nonsense_xyz\*\.' 'exit!=0'

# ---- a kernel without BTF: a tmpfs hides /sys/kernel/btf for one command
# (the kernel tier's suite nobtf covers the rest); kprobes and argN need
# no BTF, fentry says it does
NOBTF='mount -t tmpfs tt-no-btf /sys/kernel/btf && trap "umount /sys/kernel/btf" EXIT &&'
c kprobe_args_no_btf "$NOBTF tinytrace -e 'kprobe:vfs_read /comm == \"dd\" && arg2 == 123/ { printf(\"count=%d\n\", arg2); @[kstack(2)] = count(); exit(); }' -c '$DD'" \
	'count=123' '        ksys_read\+[0-9]+'
c kretprobe_no_btf "$NOBTF tinytrace -e 'kretprobe:vfs_read /comm == \"dd\" && retval == 7/ { printf(\"ret=%d\n\", retval); exit(); }' -c '$DD7'" \
	'ret=7'

# ---- stdlib.md's kprobe examples: ksym(reg("ip")), kstack limits and
# modes, percpu_kaddr (the host kernel has no data symbols in kallsyms)
t ksym_reg_ip 'kprobe:do_nanosleep { printf("%s\n", ksym(reg("ip"))); exit(); }' 'sleep 0.1' \
	'do_nanosleep'
t kstack_limit_perf 'kprobe:do_nanosleep { printf("%s|%s", kstack(3), kstack(perf, 3)); @[kstack(1)] = count(); exit(); }' 'sleep 0.1' \
	'        do_nanosleep\+[0-9]+' '\|' '.[0-9a-f]+ do_nanosleep\+[0-9]+' '@\[' '        do_nanosleep\+[0-9]+' '\]: 1'
t percpu_kaddr 'begin { printf("processes: %d\n", *percpu_kaddr("process_counts", 0)); if (*percpu_kaddr("process_counts") == *percpu_kaddr("process_counts", cpu)) { printf("SUCCESS\n") } $runq = (struct rq *)percpu_kaddr("runqueues", 0); if ($runq != 0) { printf("nr_running: %d\n", $runq.nr_running) } exit(); }' '' \
	'processes: -?[0-9]+' 'SUCCESS' 'nr_running: [0-9]+'
c fentry_no_btf "$NOBTF tinytrace -e 'fentry:vfs_read { exit(); }'" \
	"stdin:1:1-16: ERROR: fentry probes need the kernel's own BTF \(/sys/kernel/btf/vmlinux, CONFIG_DEBUG_INFO_BTF\), which this kernel lacks; use kprobe: instead" \
	'exit!=0'
c btf_back 'ls /sys/kernel/btf/vmlinux' '/sys/kernel/btf/vmlinux'

# ---- fentry, fexit (BPF trampolines, args from BTF) -------------------------
t fentry_args 'fentry:vfs_read /comm == "dd" && args.count == 123/ { printf("count=%d %s\n", args.count, probe); exit(); }' "$DD" \
	'count=123 fentry:vmlinux:vfs_read'
t fentry_args_pointer 'fentry:vfs_read /comm == "dd"/ { printf("file %d pos %d\n", args.file != 0, args.pos != 0); exit(); }' "$DD" \
	'file 1 pos 1'
t fentry_btf_pointers 'fentry:vfs_read /comm == "dd" && args.count == 123/ { printf("%s %s pos=%d\n", curtask->comm, str(args.file->f_path.dentry->d_name.name), *args.pos); exit(); }' "$DD" \
	'dd version pos=0'
c list_fentry "tinytrace -lv 'fentry:vfs_read'" \
	'fentry:vmlinux:vfs_read' '    size_t count' '    ssize_t retval'
t fexit_args_retval 'fexit:vfs_read /comm == "dd"/ { printf("count=%d ret=%d\n", args.count, retval); exit(); }' "$DD7" \
	'count=7 ret=7'
# read(2) of a directory: vfs_read returns -EISDIR; retval is ssize_t
t fexit_retval_signed 'fexit:vfs_read /comm == "dd" && retval < 0/ { printf("ret=%d\n", retval); exit(); }' \
	'dd if=/ of=/dev/null bs=123 count=1 status=none' 'ret=-21'
t kfunc_old_spelling 'kfunc:vfs_read /comm == "dd"/ { printf("count=%d\n", args->count); exit(); }' "$DD" \
	'count=123'
t kretfunc_old_spelling 'kretfunc:vfs_read /comm == "dd"/ { printf("ret=%d\n", retval); exit(); }' "$DD7" \
	'ret=7'
t fentry_module 'fentry:vmlinux:vfs_read /comm == "dd"/ { printf("%s\n", probe); exit(); }' "$DD" \
	'fentry:vmlinux:vfs_read'
t fentry_wildcard 'fentry:vfs_re*ad /comm == "dd"/ { printf("%s %d\n", probe, args.count); exit(); }' "$DD" \
	'fentry:vmlinux:vfs_read 123'
t fentry_missing 'fentry:vfs_read,fentry:nonsense { exit(); }' '' \
	'.*ERROR: No matches for fentry nonsense\.' 'exit!=0'
t fentry_missing_warn 'config = { missing_probes = "warn" } fentry:vfs_read,fentry:nonsense /comm == "dd"/ { printf("ok\n"); exit(); }' "$DD" \
	'.*WARNING: No matches for fentry nonsense\. Skipping\.' 'ok'

# ---- DESIGN.md invariant 2: probes on one hook fire in script order --------
# "first" then " second\n" on one line; the reverse order prints
# " second" on a line of its own and "first" after it.
ORDER_FIRST='/comm == "dd" && @done == 0/ { printf("first"); }'
ORDER_SECOND='/comm == "dd" && @done == 0/ { printf(" second\n"); @done = 1; exit(); }'
for p in kprobe:vfs_read kretprobe:vfs_read fentry:vfs_read fexit:vfs_read \
	tracepoint:syscalls:sys_enter_read; do
	t "order_$(echo "$p" | cut -d: -f1)" "$p $ORDER_FIRST $p $ORDER_SECOND" "$DD" \
		'first second'
done
# three on one hook, and the reverse-attached providers mixed with others
t order_fentry_three "fentry:vfs_read /comm == \"dd\" && @n == 0/ { printf(\"1\"); } fentry:vfs_read /comm == \"dd\" && @n == 0/ { printf(\"2\"); } fentry:vfs_read /comm == \"dd\" && @n == 0/ { printf(\"3\n\"); @n = 1; exit(); }" "$DD" \
	'123'
t order_fexit_three "fexit:vfs_read /comm == \"dd\" && @n == 0/ { printf(\"1\"); } fexit:vfs_read /comm == \"dd\" && @n == 0/ { printf(\"2\"); } fexit:vfs_read /comm == \"dd\" && @n == 0/ { printf(\"3\n\"); @n = 1; exit(); }" "$DD" \
	'123'
t order_kprobe_three "kprobe:vfs_read /comm == \"dd\" && @n == 0/ { printf(\"1\"); } kprobe:vfs_read /comm == \"dd\" && @n == 0/ { printf(\"2\"); } kprobe:vfs_read /comm == \"dd\" && @n == 0/ { printf(\"3\n\"); @n = 1; exit(); }" "$DD" \
	'123'

# ---- standard library functions (kernel suite stdfuncs on this kernel) ----
# comm(pid) needs the kfunc bpf_task_from_pid (6.3+): 6.1 has none
t comm_pid_no_kfunc 'kprobe:vfs_read { print(comm(1)); exit(); }' '' \
	".*ERROR: comm\\(pid\\) needs the kernel function bpf_task_from_pid, which this kernel's BTF does not have" \
	'exit!=0'

# socket_cookie: fentry's args.sk is a BTF-typed socket (the doc's form);
# a connect to a closed port runs tcp_v4_connect too (-c is not a shell)
t socket_cookie_fentry 'fentry:tcp_v4_connect { printf("cookie %d\n", socket_cookie(args.sk) > 0); exit(); }' \
	'nc 127.0.0.1 8124' 'cookie 1'

# print(args), @[args] of fentry: the arguments as a struct (runtime
# builtin."print args in fentry", "args in fentry as a map key")
t print_args_fentry 'fentry:vfs_open { print(args); @[args] = 1; exit(); }' "$DD" \
	'\{ \.path = 0x[0-9a-f]+, \.file = 0x[0-9a-f]+ \}' '@\[\{ \.path = 0x[0-9a-f]+, \.file = 0x[0-9a-f]+ \}\]: 1'

# skboutput(): a packet of fentry's BTF-typed skb through the perf event
# buffers into a pcap file (runtime call.skboutput's form, without the
# network namespace: a SYN to a closed port on lo)
c skboutput_fentry 'ip link set lo up; tinytrace -e "fentry:__dev_queue_xmit { \$ret = skboutput(\"/tmp/skb.pcap\", args.skb, args.skb->len, 14); printf(\"ret: %d\\n\", \$ret); exit(); }" -c "nc 127.0.0.1 8124"; n=$(wc -c < /tmp/skb.pcap); [ "$n" -gt 40 ] && echo "pcap ok"' \
	'ret: 0' 'pcap ok'

# path(): bpf_d_path in fentry of a function the kernel allows (runtime
# tests call.path, call.path_with_optional_size, path_in_unsupported_fentry)
t path_fentry 'fentry:security_file_open /comm == "cat"/ { $p = path(args.file.f_path); if ($p == "/proc/version") { printf("OK %s\n", $p); exit(); } }' \
	'cat /proc/version' 'OK /proc/version'
t path_fentry_size 'fentry:security_file_open /comm == "cat"/ { $p = path(args.file.f_path, 8); if (sizeof($p) == 8 && $p == "version") { printf("OK %s\n", $p); exit(); } }' \
	'cat /proc/version' 'OK version'
t path_fentry_not_allowed 'fentry:vfs_read { print("a"); print(path(args.file.f_path)); print("b"); }' '' \
	'stdin:1:37-59: ERROR: helper bpf_d_path not allowed in probe' 'exit!=0'

# override(): Debian's 6.1 is built without CONFIG_BPF_KPROBE_OVERRIDE (no
# CONFIG_FUNCTION_ERROR_INJECTION), so the verifier does not know the
# helper: a clear error, never a silent run
c override_no_kernel_support "tinytrace --unsafe -e 'kprobe:__x64_sys_getuid { override(2<<21); }'" \
	'.*ERROR: the BPF verifier rejected kprobe:__x64_sys_getuid at instruction [0-9]+: unknown func bpf_override_return#58' \
	'HINT: override\(\) needs a kernel built with CONFIG_BPF_KPROBE_OVERRIDE' 'exit!=0'

# ---- hardware breakpoints: qemu emulates them, so here the capability
# probe must say yes (a probe that wrongly said no would silently skip the
# kernel tier's watchpoint tests everywhere) and a watchpoint must fire
c has_capability_yes 'has_capability hw_breakpoint hw_breakpoint_exec' exit=0
t watchpoint_fires 'watchpoint:0x10000000:1:w { printf("hit %d\n", pid == cpid); exit(); }' \
	'watchpoint_threaded 1' 'hit 1'
# unwatch(addr): the breakpoint fires once (the thread writes every 250 ms)
t unwatch_after_first_hit 'watchpoint:0x10000000:1:w { @n = count(); unwatch(0x10000000); } interval:ms:2500 { printf("hits %d\n", @n); clear(@n); exit(); }' \
	'watchpoint_threaded 0' 'hits 1'

# bpftrace's kprobe/kfunc tools (tools.sh, when run.sh put it in the VM)
[ -f /tools.sh ] && . /tools.sh
# the scripts of examples/ that need this kernel (examples.sh)
[ -f /examples.sh ] && . /examples.sh

finish
