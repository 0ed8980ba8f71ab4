/* loader.c — maps and programs into the kernel.
 *
 * Takes: a compiled tt_prog (maps described, each probe's bpf_code emitted
 * with map references as ld_imm64 src_reg=BPF_PSEUDO_MAP_FD, imm = index in
 * tt_prog.maps).
 * Produces: a map fd in every tt_map.fd and a program fd in every
 * tt_probe.prog_fd.
 *
 * No ELF object: maps are created with bpf_map_create() and programs loaded
 * with bpf_prog_load() directly (doc/design-notes.md says why).  When the
 * verifier rejects a program the load is retried with a log buffer, and the
 * verifier's reason is reported at the script line that produced the
 * failing instruction (tt_probe.code.locs).  A program with subprograms
 * (loop bodies run as callbacks) is loaded with a minimal BTF describing
 * its functions: the kernel wants func_info for callbacks. */
#include <errno.h>
#include <ctype.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "loader.h"
#include "probes.h"

/* The kernel's limit on the verifier log's size (UINT_MAX >> 2 since
 * 6.4, UINT_MAX >> 8 before: the smaller one works everywhere). */
#define LOG_SIZE_MAX (UINT32_MAX >> 8)

/* BPF object names: at most 15 characters of [A-Za-z0-9_.]. "@x" -> "AT_x". */
static void obj_name(char out[16], const char *name)
{
	int n = 0;

	for (const char *s = name ? name : ""; *s && n < 15; s++) {
		if (*s == '@') {
			for (const char *a = "AT_"; *a && n < 15; a++)
				out[n++] = *a;
		} else {
			out[n++] = isalnum((unsigned char)*s) || *s == '.' ? *s : '_';
		}
	}
	out[n] = '\0';
}

/* Before 5.11 BPF memory was charged to RLIMIT_MEMLOCK; lift it.  Later
 * kernels use memcg accounting and ignore it, so failure is not fatal. */
static void raise_memlock(void)
{
	struct rlimit r = { RLIM_INFINITY, RLIM_INFINITY };

	if (setrlimit(RLIMIT_MEMLOCK, &r) < 0) {
		r.rlim_cur = r.rlim_max = 64u << 20;
		setrlimit(RLIMIT_MEMLOCK, &r);
	}
}

static bool is_pow2(uint32_t v) { return v && !(v & (v - 1)); }

static int create_map(struct tt_map *m)
{
	char name[16];
	uint32_t key_size = m->key_size, value_size = m->value_size;
	uint32_t max_entries = m->max_entries;

	obj_name(name, m->name);
	if (m->type == BPF_MAP_TYPE_RINGBUF) {
		long page = sysconf(_SC_PAGESIZE);
		key_size = value_size = 0;
		if (!is_pow2(max_entries) || max_entries < (uint32_t)page)
			max_entries = 1u << 22; /* 4 MiB */
		m->max_entries = max_entries;
	}
	if (max_entries == 0)
		max_entries = 1;
	int fd = bpf_map_create(m->type, name, key_size, value_size,
				max_entries, NULL);
	if (fd < 0) {
		int err = -errno;
		fprintf(stderr,
			"ERROR: cannot create BPF map %s (type %u, key %u bytes, "
			"value %u bytes, %u entries): %s\n",
			m->name ? m->name : "?", m->type, key_size, value_size,
			max_entries, strerror(errno));
		return err;
	}
	m->fd = fd;
	return 0;
}

/* Program type when the compiler left it 0 (BPF_PROG_TYPE_UNSPEC): the
 * provider's (BEGIN/END and probes without one: RAW_TRACEPOINT). */
static uint32_t default_prog_type(const struct tt_probe *pr)
{
	const struct prov_ops *p = prov_of(pr->ap);
	return p ? p->prog_type : BPF_PROG_TYPE_RAW_TRACEPOINT;
}

/* Attach type when the compiler left it 0: trampolines and iterators
 * must name theirs at load time. */
static uint32_t default_attach_type(const struct tt_probe *pr)
{
	const struct prov_ops *p = prov_of(pr->ap);
	uint32_t t = p && p->load_attach_type ? p->load_attach_type(pr->ap) : 0;
	return t ? t : p ? p->attach_type : 0;
}

static uint32_t kernel_version(void)
{
	struct utsname u;
	unsigned a = 0, b = 0, c = 0;

	if (uname(&u) < 0 || sscanf(u.release, "%u.%u.%u", &a, &b, &c) < 2)
		return 0;
	return (a << 16) | (b << 8) | (c > 255 ? 255 : c);
}

/* fentry/fexit/iter programs name their kernel function by BTF id (the
 * provider's btf_func), BTF raw tracepoints their btf_trace_NAME
 * typedef. */
static int attach_btf_id(const struct tt_probe *pr, uint32_t type,
			 uint32_t *id)
{
	static struct btf *vmlinux;
	const struct prov_ops *p = prov_of(pr->ap);
	char fn[512]; /* KSYM_NAME_LEN */

	*id = 0;
	if (!p || !p->btf_func || !pr->ap->func ||
	    type != BPF_PROG_TYPE_TRACING)
		return 0;
	snprintf(fn, sizeof(fn), p->btf_func, pr->ap->func);
	if (!vmlinux)
		vmlinux = btf__load_vmlinux_btf();
	if (!vmlinux) {
		fprintf(stderr, "ERROR: %s needs kernel BTF "
			"(/sys/kernel/btf/vmlinux), which this kernel lacks\n",
			pr->name);
		return -ENOENT;
	}
	int r = btf__find_by_name_kind(vmlinux, fn, BTF_KIND_FUNC);
	if (r < 0) /* a raw tracepoint's btf_trace_NAME */
		r = btf__find_by_name_kind(vmlinux, fn, BTF_KIND_TYPEDEF);
	if (r < 0) {
		fprintf(stderr, "ERROR: %s: no function %s in kernel BTF\n",
			pr->name, fn);
		return -ENOENT;
	}
	*id = r;
	return 0;
}

/* Map references: ld_imm64 with src_reg BPF_PSEUDO_MAP_FD (imm = map
 * index) or BPF_PSEUDO_MAP_VALUE (imm = map index, next imm = offset). */
static int patch_maps(const struct tt_prog *p, struct bpf_insn *insn, int n,
		      const char *probe)
{
	for (int i = 0; i < n; i++) {
		if (insn[i].code != (BPF_LD | BPF_IMM | BPF_DW))
			continue;
		if (insn[i].src_reg == BPF_PSEUDO_MAP_FD ||
		    insn[i].src_reg == BPF_PSEUDO_MAP_VALUE) {
			int idx = insn[i].imm;
			if (idx < 0 || idx >= p->maps.n || p->maps.v[idx].fd < 0) {
				fprintf(stderr,
					"ERROR: internal: %s: instruction %d "
					"refers to map %d, which does not exist\n",
					probe, i, idx);
				return -EINVAL;
			}
			insn[i].imm = p->maps.v[idx].fd;
		}
		i++; /* second half of ld_imm64 */
	}
	return 0;
}

/* The verifier's log: "N: (op) ..." lines for instructions, then the
 * reason, then "processed N insns ...".  Finds the last instruction line
 * and the reason after it. */
static void report_verifier(const struct tt_prog *p, const struct tt_probe *pr,
			    const char *log)
{
	int insn = -1;
	const char *reason = NULL, *line = log, *insn_line = NULL;

	for (; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		int idx, k = 0;
		if (sscanf(line, "%d: (%*x)%n", &idx, &k) >= 1 && k > 0) {
			insn = idx;
			insn_line = line;
			reason = NULL;
		} else if (!reason && *line != '\n' && strncmp(line, "processed ", 10) &&
			   strncmp(line, "verification time", 17) &&
			   strncmp(line, "stack depth", 11) && !isdigit((unsigned char)*line)) {
			reason = line;
		}
	}

	struct strbuf why = { 0 };
	for (const char *s = reason; s && *s;) {
		const char *e = strchr(s, '\n');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (!strncmp(s, "processed ", 10) || !strncmp(s, "verification time", 17))
			break;
		if (n) {
			if (why.len)
				sb_puts(&why, "; ");
			sb_putn(&why, s, n);
		}
		s = e ? e + 1 : s + n;
	}
	const char *msg = why.len ? why.s : "(no reason given in the verifier log)";
	const struct srcloc *loc = NULL;
	if (insn >= 0 && insn < pr->code.ninsns && pr->code.locs &&
	    pr->code.locs[insn].src)
		loc = &pr->code.locs[insn];
	char helper[64];
	if (loc && reason && insn_line &&
	    !strncmp(reason, "helper call is not allowed in probe", 35) &&
	    sscanf(insn_line, "%*d: (85) call %63[a-z_0-9]#", helper) == 1)
		/* bpftrace's words for a helper this probe may not call
		   (bpf_d_path outside the kernel's allowed functions) */
		diag_error(loc, "helper %s not allowed in probe", helper);
	else if (loc)
		diag_error(loc, "the BPF verifier rejected %s at instruction %d: %s",
			   pr->name, insn, msg);
	else if (insn >= 0)
		diag_error(NULL, "the BPF verifier rejected %s at instruction %d: %s",
			   pr->name, insn, msg);
	else
		diag_error(NULL, "the BPF verifier rejected %s: %s", pr->name, msg);
	if (strstr(msg, "unknown func bpf_override_return"))
		diag_hint("override() needs a kernel built with "
			  "CONFIG_BPF_KPROBE_OVERRIDE");
	if (p->cfg.verbose)
		fprintf(stderr, "%s\n", log);
	else
		diag_hint("run with -v to see the whole verifier log");
	sb_free(&why);
}

/* BTF with one FUNC per function of code (the program global, the
 * callbacks static; every argument and the result a `long`), loaded into
 * the kernel, and the matching func_info records. */
int loader_func_info(const struct bpf_code *code, struct bpf_func_info **infop)
{
	static const char *const params[] = { "a0", "a1", "a2", "a3", "a4" };
	struct bpf_func_info *info;
	struct btf *btf;
	int err = 0, fd;

	*infop = NULL;
	btf = btf__new_empty();
	if (!btf)
		return -errno ? -errno : -ENOMEM;
	int lng = btf__add_int(btf, "long", 8, BTF_INT_SIGNED);
	info = xcalloc(code->nfuncs, sizeof(*info));
	for (int k = 0; k < code->nfuncs && lng > 0 && !err; k++) {
		int proto = btf__add_func_proto(btf, lng);
		int np = k ? 4 : 1;
		for (int i = 0; i < np && proto > 0 && !err; i++)
			err = btf__add_func_param(btf, params[i], lng);
		int fn = proto > 0 && !err
			? btf__add_func(btf, code->func_name[k],
					k ? BTF_FUNC_STATIC : BTF_FUNC_GLOBAL, proto)
			: -EINVAL;
		if (fn < 0)
			err = fn;
		info[k].insn_off = code->func_start[k];
		info[k].type_id = fn;
	}
	if (lng < 0)
		err = lng;
	if (!err)
		err = btf__load_into_kernel(btf);
	if (err) {
		fprintf(stderr, "ERROR: cannot load the BTF describing the "
			"program's functions: %s\n", strerror(-err));
		btf__free(btf);
		free(info);
		return err;
	}
	fd = dup(btf__fd(btf));
	err = -errno;
	btf__free(btf);
	if (fd < 0) {
		free(info);
		return err;
	}
	*infop = info;
	return fd;
}

/* The verifier log's size: config log_size / BPFTRACE_LOG_SIZE (bpftrace's
 * default, 1000000 bytes), at most the kernel's limit.  *fixed: the user
 * chose it, so with -v a log that does not fit is an error (as in
 * bpftrace) rather than a reason to load again without the log. */
static uint32_t log_size(const struct tt_prog *p, bool *fixed)
{
	const char *env = getenv("BPFTRACE_LOG_SIZE");
	long n = p->cfg.log_size;

	if (env && atol(env) > 0)
		n = atol(env);
	*fixed = n != 1000000;
	if (n < 1)
		n = 1;
	if (n > (long)LOG_SIZE_MAX)
		n = LOG_SIZE_MAX;
	return (uint32_t)n;
}

/* bpftrace's name for a probe's program: its attach point with every
 * character that is no letter or digit as '_', then _N (N = its place in
 * the script, from 1): "begin_1", "tracepoint_syscalls_sys_enter_open_2". */
static const char *prog_label(const struct tt_probe *pr, char *buf,
			      size_t size)
{
	size_t n = 0;
	for (const char *s = pr->name; *s && n + 1 < size; s++)
		buf[n++] = isalnum((unsigned char)*s) ? *s : '_';
	snprintf(buf + n, size - n, "_%d", pr->index + 1);
	return buf;
}

/* bpf_prog_load with the verifier's log (level 1) in a buffer of
 * log_size bytes, left in *logp (the caller frees it).  *fixed: the user
 * chose the size.  The fd, or -1 with errno set (ENOSPC: the log did not
 * fit, which the kernel also says of a program it rejects). */
static int load_logged(const struct tt_prog *p, uint32_t type,
		       const char *name, const struct bpf_insn *insns,
		       int ninsns, struct bpf_prog_load_opts *opts,
		       char **logp, uint32_t *sizep, bool *fixed)
{
	uint32_t sz = log_size(p, fixed);
	char *log = xmalloc(sz);
	log[0] = '\0';
	opts->log_buf = log;
	opts->log_size = sz;
	opts->log_level = 1;
	int fd = bpf_prog_load(type, name, "GPL", insns, ninsns, opts);
	int e = errno;
	opts->log_buf = NULL;
	opts->log_size = 0;
	opts->log_level = 0;
	*logp = log;
	*sizep = sz;
	errno = e;
	return fd;
}

/* -v: what bpftrace prints after loading a program. */
static void verbose_loaded(const struct tt_probe *pr, int fd, bool with_btf)
{
	struct bpf_prog_info info = { 0 };
	uint32_t len = sizeof(info);
	fprintf(stderr, "\nload %s%s: Success\n\n", pr->name,
		with_btf ? ", with BTF, with func_infos" : "");
	if (!bpf_obj_get_info_by_fd(fd, &info, &len))
		fprintf(stderr, "Program ID: %u\n", info.id);
}

/* A load that failed with its verifier log: the log too small for it
 * (bpftrace's words), or the verifier's reason at the script line. */
static void report_load_failure(const struct tt_prog *p,
				const struct tt_probe *pr, const char *log,
				uint32_t size, int err)
{
	char label[128];
	if (err == ENOSPC) {
		fprintf(stderr, "ERROR: Error loading BPF program for %s. "
			"Error code: -%d (%s).\n",
			prog_label(pr, label, sizeof(label)), err,
			strerror(err));
		if (p->cfg.verbose)
			fprintf(stderr, "Kernel error log: \n%s\n", log);
		fprintf(stderr, "WARNING: Kernel log seems to be trimmed. This "
			"may be due to buffer not being big enough, try "
			"increasing the BPFTRACE_LOG_SIZE environment "
			"variable beyond the current value of %u bytes\n",
			size);
	} else if (log[0]) {
		report_verifier(p, pr, log);
	} else {
		fprintf(stderr, "ERROR: cannot load %s: %s\n", pr->name,
			strerror(err));
	}
}

static int load_probe(struct tt_prog *p, struct tt_probe *pr)
{
	char name[16];
	size_t bytes = sizeof(struct bpf_insn) * pr->code.ninsns;
	struct bpf_insn *insns;
	uint32_t type = pr->prog_type ? pr->prog_type : default_prog_type(pr);
	uint32_t btf_id;
	struct bpf_func_info *finfo = NULL;
	int err, fd, btf_fd = -1;

	if (!pr->code.insns || pr->code.ninsns <= 0) {
		fprintf(stderr, "ERROR: internal: no code for %s\n", pr->name);
		return -EINVAL;
	}
	if ((err = attach_btf_id(pr, type, &btf_id)) < 0)
		return err;
	if (!pr->expected_attach_type)
		pr->expected_attach_type = default_attach_type(pr);
	insns = xmalloc(bytes);
	memcpy(insns, pr->code.insns, bytes);
	if ((err = patch_maps(p, insns, pr->code.ninsns, pr->name)) < 0)
		goto out;
	obj_name(name, pr->name);
	if (pr->code.nfuncs > 1 &&
	    (err = btf_fd = loader_func_info(&pr->code, &finfo)) < 0)
		goto out;

	LIBBPF_OPTS(bpf_prog_load_opts, opts,
		    .expected_attach_type = pr->expected_attach_type,
		    .attach_btf_id = btf_id,
		    .kern_version = kernel_version());
	if (finfo) {
		opts.prog_btf_fd = btf_fd;
		opts.func_info = finfo;
		opts.func_info_cnt = pr->code.nfuncs;
		opts.func_info_rec_size = sizeof(*finfo);
	}
	/* -v: with the verifier's log, as bpftrace; a log too big for a
	   size the user did not fix is no failure: the program loads
	   again without it (a rejected one's reason is at the log's end,
	   which the kernel keeps).  Else without the log, and once more
	   with it when the verifier says no. */
	fd = p->cfg.verbose ? -1 : bpf_prog_load(type, name, "GPL", insns,
						  pr->code.ninsns, &opts);
	if (p->cfg.verbose ||
	    (fd < 0 && (errno == EACCES || errno == EINVAL || errno == ENOSPC ||
			errno == E2BIG || errno == ENOMEM || errno == EFAULT))) {
		int first = errno;
		char *log;
		uint32_t sz;
		bool fixed;
		fd = load_logged(p, type, name, insns, pr->code.ninsns, &opts,
				 &log, &sz, &fixed);
		if (fd < 0 && errno == ENOSPC && p->cfg.verbose && !fixed) {
			fd = bpf_prog_load(type, name, "GPL", insns,
					   pr->code.ninsns, &opts);
			first = errno;
		}
		if (fd < 0) {
			bool trimmed = errno == ENOSPC && p->cfg.verbose && fixed;
			int e = p->cfg.verbose && !trimmed ? errno : first;
			report_load_failure(p, pr, log, sz,
					    trimmed ? ENOSPC : e);
			errno = trimmed ? ENOSPC : e;
		}
		free(log);
	} else if (fd < 0) {
		fprintf(stderr, "ERROR: cannot load %s: %s%s\n", pr->name,
			strerror(errno),
			errno == EPERM ? " (loading BPF programs needs root, "
					 "or CAP_BPF and CAP_PERFMON)" : "");
	}
	err = fd < 0 ? -errno : 0;
	if (fd >= 0) {
		pr->prog_fd = fd;
		if (p->cfg.verbose)
			verbose_loaded(pr, fd, finfo != NULL);
	}
out:
	if (btf_fd >= 0)
		close(btf_fd);
	free(finfo);
	free(insns);
	return err;
}

int loader_load(struct tt_prog *p)
{
	int err = 0;

	raise_memlock();
	for (int i = 0; i < p->maps.n; i++)
		p->maps.v[i].fd = -1;
	for (int i = 0; i < p->probes.n; i++)
		p->probes.v[i].prog_fd = -1;
	for (int i = 0; i < p->maps.n && !err; i++)
		err = create_map(&p->maps.v[i]);
	for (int i = 0; i < p->probes.n && !err; i++)
		err = load_probe(p, &p->probes.v[i]);
	if (err)
		loader_unload(p);
	return err;
}

void loader_unload(struct tt_prog *p)
{
	for (int i = 0; i < p->probes.n; i++) {
		if (p->probes.v[i].prog_fd >= 0)
			close(p->probes.v[i].prog_fd);
		p->probes.v[i].prog_fd = -1;
	}
	for (int i = 0; i < p->maps.n; i++) {
		if (p->maps.v[i].fd >= 0)
			close(p->maps.v[i].fd);
		p->maps.v[i].fd = -1;
	}
}

int loader_run_once_ret(const struct tt_probe *pr, uint32_t *retval)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);

	if (pr->prog_fd < 0)
		return -EBADF;
	if (bpf_prog_test_run_opts(pr->prog_fd, &opts) < 0) {
		int err = -errno;
		fprintf(stderr, "ERROR: cannot run %s: %s\n", pr->name,
			strerror(errno));
		return err;
	}
	if (retval)
		*retval = opts.retval;
	return 0;
}

int loader_run_once(const struct tt_probe *pr)
{
	return loader_run_once_ret(pr, NULL);
}
