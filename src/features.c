/* features.c — what the running kernel offers, for `tinytrace --info`.
 *
 * Takes: the running system.
 * Produces: bpftrace's `--info` report (the lines bpftrace's test runner
 * searches for: "btf: yes", "Loop support: yes", "fentry: no", ...).
 *
 * Each answer comes from a cheap probe: libbpf's prog/map/helper probes
 * (a tiny program load each), BTF in sysfs, the perf PMUs in sysfs, and
 * for BPF trampolines and iterators an actual load (and, for fentry, an
 * attach that is closed at once: some kernels load trampolines but refuse
 * to attach them). */
#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "btf.h"
#include "kernel_features.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0"
#endif

static const char *yesno(bool b) { return b ? "yes" : "no"; }

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

static bool helper(enum bpf_func_id id)
{
	return libbpf_probe_bpf_helper(BPF_PROG_TYPE_TRACEPOINT, id, NULL) == 1 ||
	       libbpf_probe_bpf_helper(BPF_PROG_TYPE_KPROBE, id, NULL) == 1;
}

static bool helper_in(enum bpf_prog_type t, enum bpf_func_id id)
{
	return libbpf_probe_bpf_helper(t, id, NULL) == 1;
}

static int load(enum bpf_prog_type type, const struct bpf_insn *insns,
		size_t n, struct bpf_prog_load_opts *opts)
{
	return bpf_prog_load(type, NULL, "GPL", insns, n, opts);
}

/* Bounded loops (5.3+): a backward jump the verifier accepts. */
static bool has_loops(void)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0 },
		{ .code = BPF_ALU64 | BPF_ADD | BPF_K, .dst_reg = 0, .imm = 1 },
		{ .code = BPF_JMP | BPF_JLT | BPF_K, .dst_reg = 0, .off = -2, .imm = 4 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int fd = load(BPF_PROG_TYPE_TRACEPOINT, insns, 4, NULL);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* A BTF-typed program (fentry or iterator) on the kernel function of
 * vmlinux BTF id `id`; with attach, also attached and detached at once. */
static bool has_tracing_id(int id, enum bpf_attach_type at, bool attach)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	if (id <= 0)
		return false;
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = at,
		    .attach_btf_id = id);
	int fd = load(BPF_PROG_TYPE_TRACING, insns, 2, &opts);
	if (fd < 0)
		return false;
	bool ok = true;
	if (attach) {
		int lfd = bpf_link_create(fd, 0, at, NULL);
		ok = lfd >= 0;
		if (ok)
			close(lfd);
	}
	close(fd);
	return ok;
}

static bool has_tracing(struct btf *btf, const char *fn,
			enum bpf_attach_type at, bool attach)
{
	return btf && has_tracing_id(btf__find_by_name_kind(btf, fn,
							    BTF_KIND_FUNC),
				     at, attach);
}

bool features_kprobe(void)
{
	return exists("/sys/bus/event_source/devices/kprobe/type");
}

bool features_fentry(void)
{
	static int known = -1;
	if (known < 0)
		known = has_tracing_id(btf_kfunc_id("vfs_read"),
				       BPF_TRACE_FENTRY, true);
	return known;
}

/* kprobe_multi links (5.18+, and only with CONFIG_FPROBE, which not every
 * distribution kernel sets): a kprobe_multi program attached to vfs_read
 * and detached at once. */
static bool has_kprobe_multi(void)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts,
		    .expected_attach_type = BPF_TRACE_KPROBE_MULTI);
	int fd = load(BPF_PROG_TYPE_KPROBE, insns, 2, &opts);
	if (fd < 0)
		return false;
	const char *syms[] = { "vfs_read" };
	LIBBPF_OPTS(bpf_link_create_opts, lopts, .kprobe_multi.syms = syms,
		    .kprobe_multi.cnt = 1);
	int lfd = bpf_link_create(fd, 0, BPF_TRACE_KPROBE_MULTI, &lopts);
	if (lfd >= 0)
		close(lfd);
	close(fd);
	return lfd >= 0;
}

static bool kernel_at_least(int maj, int min)
{
	struct utsname u;
	int a = 0, b = 0;
	if (uname(&u) < 0 || sscanf(u.release, "%d.%d", &a, &b) < 2)
		return false;
	return a > maj || (a == maj && b >= min);
}

void features_print(FILE *out)
{
	struct utsname u;
	struct btf *btf = exists("/sys/kernel/btf/vmlinux")
				  ? btf__load_vmlinux_btf() : NULL;
	bool kprobe = features_kprobe();
	bool uprobe = exists("/sys/bus/event_source/devices/uprobe/type");
	bool fentry = has_tracing(btf, "vfs_read", BPF_TRACE_FENTRY, true);
	bool module_btf = false;

	DIR *d = opendir("/sys/kernel/btf");
	for (struct dirent *e; d && (e = readdir(d));)
		if (e->d_name[0] != '.' && strcmp(e->d_name, "vmlinux"))
			module_btf = true; /* a module's BTF */
	if (d)
		closedir(d);

	if (uname(&u) == 0)
		fprintf(out, "System\n  OS: %s %s %s\n  Arch: %s\n\n", u.sysname,
			u.release, u.version, u.machine);
	fprintf(out, "Build\n"
		"  version: v%s (tinytrace)\n"
		"  LLVM: none (tinytrace compiles to BPF itself)\n"
		"  bfd: no\n"
		"  libdw (DWARF support): yes\n" /* our own reader, dwarf.c */
		"  bcc library path resolution: yes\n"
		"  dwunwind (DWARF stack unwinding): no\n"
		"  blazesym (advanced symbolization): no\n\n", PACKAGE_VERSION);

	fprintf(out, "Kernel helpers\n");
	fprintf(out, "  probe_read: %s\n", yesno(helper(BPF_FUNC_probe_read)));
	fprintf(out, "  probe_read_str: %s\n", yesno(helper(BPF_FUNC_probe_read_str)));
	fprintf(out, "  probe_read_user: %s\n", yesno(helper(BPF_FUNC_probe_read_user)));
	fprintf(out, "  probe_read_user_str: %s\n",
		yesno(helper(BPF_FUNC_probe_read_user_str)));
	fprintf(out, "  probe_read_kernel: %s\n",
		yesno(helper(BPF_FUNC_probe_read_kernel)));
	fprintf(out, "  probe_read_kernel_str: %s\n",
		yesno(helper(BPF_FUNC_probe_read_kernel_str)));
	fprintf(out, "  get_current_cgroup_id: %s\n",
		yesno(helper(BPF_FUNC_get_current_cgroup_id)));
	fprintf(out, "  send_signal: %s\n", yesno(helper(BPF_FUNC_send_signal)));
	fprintf(out, "  override_return: %s\n",
		yesno(kprobe && helper_in(BPF_PROG_TYPE_KPROBE, BPF_FUNC_override_return)));
	fprintf(out, "  get_boot_ns: %s\n", yesno(helper(BPF_FUNC_ktime_get_boot_ns)));
	/* d_path and skb_output exist only for BTF-typed programs */
	fprintf(out, "  dpath: %s\n", yesno(fentry));
	fprintf(out, "  skboutput: %s\n", yesno(fentry));
	fprintf(out, "  get_tai_ns: %s\n", yesno(helper(BPF_FUNC_ktime_get_tai_ns)));
	/* bpftrace's test runner looks for this spelling for get_tai_ns */
	fprintf(out, "  get_ktime_ns: %s\n", yesno(helper(BPF_FUNC_ktime_get_tai_ns)));
	fprintf(out, "  get_func_ip: %s\n",
		yesno(kprobe && helper_in(BPF_PROG_TYPE_KPROBE, BPF_FUNC_get_func_ip)));
	fprintf(out, "  jiffies64: %s\n", yesno(helper(BPF_FUNC_jiffies64)));
	fprintf(out, "  for_each_map_elem: %s\n",
		yesno(helper(BPF_FUNC_for_each_map_elem)));
	fprintf(out, "  get_ns_current_pid_tgid: %s\n",
		yesno(helper(BPF_FUNC_get_ns_current_pid_tgid)));
	fprintf(out, "  lookup_percpu_elem: %s\n",
		yesno(helper(BPF_FUNC_map_lookup_percpu_elem)));
	fprintf(out, "\n");

	fprintf(out, "Kernel features\n");
	fprintf(out, "  Instruction limit: %d\n",
		kernel_at_least(5, 2) ? 1000000 : 4096);
	fprintf(out, "  Loop support: %s\n", yesno(has_loops()));
	fprintf(out, "  btf: %s\n", yesno(btf != NULL));
	fprintf(out, "  module btf: %s\n", yesno(module_btf));
	fprintf(out, "  map batch: %s\n", yesno(kernel_at_least(5, 6)));
	fprintf(out, "  uprobe refcount: %s\n",
		yesno(exists("/sys/bus/event_source/devices/uprobe/format/ref_ctr_offset")));
	fprintf(out, "\n");

	fprintf(out, "Map types\n");
	fprintf(out, "  hash: %s\n",
		yesno(libbpf_probe_bpf_map_type(BPF_MAP_TYPE_HASH, NULL) == 1));
	fprintf(out, "  percpu hash: %s\n",
		yesno(libbpf_probe_bpf_map_type(BPF_MAP_TYPE_PERCPU_HASH, NULL) == 1));
	fprintf(out, "  array: %s\n",
		yesno(libbpf_probe_bpf_map_type(BPF_MAP_TYPE_ARRAY, NULL) == 1));
	fprintf(out, "  percpu array: %s\n",
		yesno(libbpf_probe_bpf_map_type(BPF_MAP_TYPE_PERCPU_ARRAY, NULL) == 1));
	fprintf(out, "  stack_trace: %s\n",
		yesno(libbpf_probe_bpf_map_type(BPF_MAP_TYPE_STACK_TRACE, NULL) == 1));
	fprintf(out, "  perf_event_array: %s\n",
		yesno(libbpf_probe_bpf_map_type(BPF_MAP_TYPE_PERF_EVENT_ARRAY, NULL) == 1));
	fprintf(out, "  ringbuf: %s\n",
		yesno(libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL) == 1));
	fprintf(out, "\n");

	fprintf(out, "Probe types\n");
	fprintf(out, "  kprobe: %s\n", yesno(kprobe));
	fprintf(out, "  tracepoint: %s\n",
		yesno(libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_TRACEPOINT, NULL) == 1));
	fprintf(out, "  perf_event: %s\n",
		yesno(libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_PERF_EVENT, NULL) == 1));
	fprintf(out, "  fentry: %s\n", yesno(fentry));
	bool kmulti = kprobe && has_kprobe_multi();
	fprintf(out, "  kprobe_multi: %s\n", yesno(kmulti));
	fprintf(out, "  kprobe_session: %s\n", yesno(kmulti && kernel_at_least(6, 10)));
	fprintf(out, "  uprobe_multi: %s\n", yesno(uprobe && kernel_at_least(6, 6)));
	fprintf(out, "  raw_tp_special: %s\n",
		yesno(libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_RAW_TRACEPOINT, NULL) == 1));
	fprintf(out, "  iter: %s\n",
		yesno(has_tracing(btf, "bpf_iter_task", BPF_TRACE_ITER, false)));
	btf__free(btf);
}
