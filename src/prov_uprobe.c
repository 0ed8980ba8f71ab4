/* prov_uprobe.c — uprobe:TARGET:FUNC[+OFFSET] (u:), uprobe:TARGET:ADDRESS,
 * uprobe:TARGET@SOURCE:LINE and uretprobe:TARGET:FUNC (ur:); also the
 * files of user probes, which usdt (prov_usdt.c) shares.
 *
 * The target is a path (wildcards allowed), a program in $PATH, a
 * library name ("libc", "libc.so.6": ld.so.cache, then the standard
 * directories), or with -p a file mapped by that process ("*" = all of
 * them); functions are ELF symbols (wildcards allowed), resolved to file
 * offsets (elf_syms.h), `args` are the parameters from DWARF.  Programs
 * are BPF_PROG_TYPE_KPROBE on struct pt_regs, attached as perf events of
 * the uprobe PMU, one per location.  The kernel adds each uprobe consumer
 * of one address at the head of its list: the newest program runs
 * first, for uretprobes too. */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <sys/syscall.h>

#include <bpf/bpf.h>

#include "arch.h"
#include "demangle.h"
#include "dwarf.h"
#include "elf_syms.h"
#include "probes.h"
#include "types.h"

static const struct srcloc no_loc;

static int uprobe_parse(struct attach_point *ap, char **parts, int n)
{
	if (n == 4 && (!strcmp(parts[2], "cpp") || !strcmp(parts[2], "c++"))) {
		/* uprobe:BIN:cpp:NAME, a C++ function by its demangled name
		   (with or without its parameters), wildcards too */
		ap->target = parts[1];
		ap->func = parts[3];
		ap->cpp = true;
		return 0;
	}
	if (n != 3)
		return prov_nargs_error(ap, "2 arguments");
	ap->target = parts[1];
	if (ap->prov == PROV_UPROBE && strchr(parts[1], '@') &&
	    !prov_has_wildcard(parts[1])) {
		/* uprobe:BIN@FILE:LINE */
		char *at = strrchr(parts[1], '@');
		uint64_t line;
		if (!prov_parse_u64(parts[2], &line) || !line) {
			diag_error(&ap->loc, "Invalid source line: %s",
				   parts[2]);
			return -1;
		}
		ap->target = tt_strndup(parts[1], (size_t)(at - parts[1]));
		ap->src_file = at + 1;
		ap->src_line = (unsigned)line;
		ap->func = "";
	} else if (prov_parse_u64(parts[2], &ap->addr)) {
		ap->func = "";
	} else if (prov_parse_func_offset(ap, parts[2],
					  ap->prov == PROV_UPROBE)) {
		return -1;
	}
	return 0;
}

/* ---- the files of user probes ------------------------------------------------ */

/* Adds a file once, however many names (or processes) lead to it. */
static void add_target(utarget_vec *v, const char *display, const char *path)
{
	struct stat st;
	struct utarget t = { display, path, 0, 0 };
	if (stat(path, &st) == 0) {
		t.dev = st.st_dev;
		t.ino = st.st_ino;
	}
	for (int i = 0; i < v->n; i++)
		if (t.ino ? v->v[i].dev == t.dev && v->v[i].ino == t.ino
			  : !strcmp(v->v[i].path, path))
			return;
	vec_push(v, t);
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* A file of process pid as seen from here (its mount namespace may not
 * be ours). */
static const char *pid_path(int pid, const char *path)
{
	return tt_sprintf("/proc/%d/root%s", pid, path);
}

/* Every file mapped executable by a process: pid, or all processes. */
static void pid_targets(utarget_vec *v, int pid, const char *pattern)
{
	int pids_buf[1] = { pid };
	int *pids = pids_buf, npids = 1;
	VEC(int) all = { 0 };
	if (!pid) {
		DIR *d = opendir("/proc");
		struct dirent *de;
		int self = getpid();
		while (d && (de = readdir(d)) != NULL) {
			int p = atoi(de->d_name);
			if (p > 0 && p != self)
				vec_push(&all, p);
		}
		if (d)
			closedir(d);
		pids = all.v;
		npids = all.n;
	}
	for (int i = 0; i < npids; i++) {
		const char **mods;
		int n = elf_pid_modules(pids[i], &mods);
		for (int k = 0; k < n; k++) {
			if (pattern && *pattern &&
			    fnmatch(pattern, mods[k], 0) &&
			    fnmatch(pattern, base_name(mods[k]), 0))
				continue;
			add_target(v, mods[k], pid_path(pids[i], mods[k]));
		}
	}
	vec_free(&all);
}

static int missing_target(struct attach_point *ap, const char *target)
{
	diag_error(&ap->loc, "%s target file '%s' does not exist or is not "
			     "executable", probes_provider_name(ap->prov),
		   target);
	return -1;
}

/* The files ap->target names (see probes.h); 0 or -1 after an error. */
int prov_user_targets(struct attach_point *ap, utarget_vec *v)
{
	const char *t = ap->target ? ap->target : "";
	int pid = prov_cfg_pid();

	if (!*t || !strcmp(t, "*")) {
		if (!pid && !*t) {
			diag_error(&ap->loc, "%s probes need a target file, "
					     "or -p PID to search a process",
				   probes_provider_name(ap->prov));
			return -1;
		}
		pid_targets(v, pid, NULL);
		return 0;
	}
	if (prov_has_wildcard(t)) {
		if (pid && !strchr(t, '/')) {
			pid_targets(v, pid, t);
			return 0;
		}
		const char *pat = pid && t[0] == '/' ? pid_path(pid, t) : t;
		size_t skip = pat == t ? 0 : strlen(pat) - strlen(t);
		glob_t g;
		if (glob(pat, 0, NULL, &g) == 0) {
			for (size_t i = 0; i < g.gl_pathc; i++)
				if (elf_is_elf(g.gl_pathv[i]))
					add_target(v, tt_strdup(g.gl_pathv[i] +
								skip),
						   tt_strdup(g.gl_pathv[i]));
			globfree(&g);
		}
		return 0;
	}
	if (strchr(t, '/')) {
		const char *path = t;
		if (pid && t[0] == '/' && access(pid_path(pid, t), F_OK) == 0)
			path = pid_path(pid, t);
		struct stat st;
		if (stat(elf_zip_file(path), &st) < 0 || !S_ISREG(st.st_mode))
			return missing_target(ap, t);
		add_target(v, t, path);
		return 0;
	}
	/* a bare name: a file of the process, in the current directory, in
	   $PATH, or a library */
	if (pid) {
		const char **mods;
		int n = elf_pid_modules(pid, &mods);
		for (int k = 0; k < n; k++) {
			const char *b = base_name(mods[k]);
			if (!strcmp(b, t) || (!strncmp(b, "lib", 3) &&
					      elf_lib_name_matches(b, t))) {
				add_target(v, mods[k], pid_path(pid, mods[k]));
				return 0;
			}
		}
	}
	const char *p;
	if (elf_is_elf(t))
		add_target(v, t, t);
	else if ((p = elf_find_in_path(t)) || (p = elf_find_library(t)))
		add_target(v, p, p);
	else
		return missing_target(ap, t);
	return 0;
}

struct attach_point *prov_user_ap(struct attach_point *ap,
				    const struct utarget *t, int nlocs)
{
	struct attach_point *c = prov_ap_copy(ap);
	c->target = t->display;
	c->path = t->path;
	c->pid = prov_cfg_pid();
	c->nlocs = nlocs;
	c->locs = tt_alloc(sizeof(*c->locs) * nlocs);
	return c;
}

/* Does an instruction of function sym start at byte off?  1 yes, 0 no,
 * -1 unknown (no size, or bytes the decoder does not know). */
static int insn_boundary(const struct elf_bin *b, const struct elf_sym *sym,
			 uint64_t off)
{
	uint8_t *code;
	if (off == 0)
		return 1;
	int n = elf_read_code(b, sym, &code);
	if (n <= 0 || off >= (uint64_t)n)
		return -1;
	return elf_insn_boundary(code, (size_t)n, (size_t)off);
}

/* Can a uprobe go at byte `off` of function sym?  At its entry unless
 * the symbol has no size (bpftrace's rule), and inside it where an
 * instruction starts: a breakpoint in the middle of one corrupts the
 * process.  --unsafe skips these checks. */
static int check_func_offset(const struct elf_bin *b, const char *path,
			     const struct elf_sym *sym, uint64_t off)
{
	if (off == 0 && sym->size == 0 && !prov_cfg_unsafe()) {
		diag_error(&no_loc, "Could not determine boundary for %s "
				    "(symbol has size 0).\nUse --unsafe to "
				    "force attachment. WARNING: This option "
				    "could lead to data corruption in the "
				    "target process.", sym->name);
		return -1;
	}
	if (off && sym->size && off >= sym->size) {
		diag_error(&no_loc, "Offset outside the function bounds "
				    "('%s' size is %llu)", sym->name,
			   (unsigned long long)sym->size);
		return -1;
	}
	if (!off || prov_cfg_unsafe())
		return 0;
	int r = insn_boundary(b, sym, off);
	if (r == 0) {
		diag_error(&no_loc, "Could not add uprobe into middle of "
				    "instruction: %s:%s+%llu", path, sym->name,
			   (unsigned long long)off);
		return -1;
	}
	if (r < 0) {
		diag_error(&no_loc, "Could not check that %s:%s+%llu is the "
				    "start of an instruction", path, sym->name,
			   (unsigned long long)off);
		diag_hint("use --unsafe to attach there anyway");
		return -1;
	}
	return 0;
}

int prov_open_target(struct attach_point *ap, const struct utarget *t,
		       bool quiet, struct elf_bin **b)
{
	int err = elf_bin_open(t->path, b);
	if (err < 0 && !quiet) {
		if (err == -ENOEXEC)
			diag_error(&ap->loc, "%s target file '%s' is not an "
					     "ELF executable or library",
				   probes_provider_name(ap->prov), t->display);
		else
			diag_error(&ap->loc, "cannot read %s target file "
					     "'%s': %s",
				   probes_provider_name(ap->prov), t->display,
				   strerror(-err));
	}
	return err;
}

/* uprobe `args`: the function's parameters from DWARF, read from pt_regs
 * at entry as the architecture's ABI passes them (arch.h: x86-64's rdi,
 * rsi, rdx, rcx, r8, r9; aarch64's x0-x7); parameters passed otherwise
 * (structs by value, past the last register) are left out.  NULL without
 * debug information. */
static struct type *uprobe_args_type(const char *path, const char *func)
{
	const struct arch *A = arch_current();
	struct dwarf_param *ps;
	int n;
	if (dwarf_func_params(path, func, &ps, &n) < 0)
		return NULL;
	struct type *t = type_struct(tt_sprintf("%s_args", func), false);
	t->is_ctx = true;
	for (int i = 0, slot = 0; i < n && slot < A->nargs; i++) {
		struct type *pt = ps[i].type;
		if (pt->kind != TY_INT && pt->kind != TY_BOOL &&
		    pt->kind != TY_PTR)
			break; /* registers past here are not known */
		type_add_field(t, ps[i].name, pt, A->arg_off[slot++]);
	}
	t->size = A->ptregs_size;
	t->align = 8;
	return t;
}

/* uprobe:TARGET:ADDRESS (or @SOURCE:LINE, resolved to ap->addr) in the
 * ELF file b: one attach point.  1, or -1 after an error. */
static int uprobe_addr(struct attach_point *ap, const struct utarget *t,
		       const struct elf_bin *b, struct ap_vec *out)
{
	const struct elf_sym *s = elf_sym_at(b, ap->addr);
	uint64_t off;
	if ((!s && !prov_cfg_unsafe()) ||
	    elf_vaddr_to_offset(b, ap->addr, &off) < 0) {
		diag_error(&no_loc, "Could not resolve address: %s:0x%llx",
			   t->display, (unsigned long long)ap->addr);
		return -1;
	}
	if (s && check_func_offset(b, t->display, s, ap->addr - s->addr) < 0)
		return -1;
	struct attach_point *c = prov_user_ap(ap, t, 1);
	c->locs[0].offset = off;
	c->raw = tt_sprintf("%s:%s:0x%llx", probes_provider_name(ap->prov),
			    t->display, (unsigned long long)ap->addr);
	vec_push(out, c);
	return 1;
}

/* Does symbol name match pattern (wild: fnmatch)?  For a cpp: probe also
 * its demangled name, with or without the parameters ("ns::f(int)" and
 * "ns::f", a template's return type left out too); *shown gets the
 * demangled name (arena) when the symbol has one. */
static bool sym_matches(const struct attach_point *ap, const char *pattern,
			bool wild, const char *name, const char **shown)
{
	*shown = NULL;
	bool raw = wild ? !fnmatch(pattern, name, 0) : !strcmp(pattern, name);
	if (!ap->cpp)
		return raw;
	size_t pa, na;
	char *d = demangle(name, &pa, &na);
	if (!d)
		return raw;
	bool ok = raw;
	for (int k = 0; k < 4 && !ok; k++) {
		/* whole, no parameters, no return type, neither */
		size_t from = k & 2 ? na : 0;
		char c = d[pa];
		if (k & 1)
			d[pa] = 0;
		const char *s = d + (from <= pa ? from : 0);
		ok = wild ? !fnmatch(pattern, s, 0) : !strcmp(pattern, s);
		d[pa] = c;
	}
	if (ok)
		*shown = tt_strdup(d);
	free(d);
	return ok;
}

/* The functions of the ELF file b that ap->func names (wildcards: those
 * with a known instruction boundary at the offset, unless --unsafe): one
 * attach point each.  How many, or -1 after an error. */
static int uprobe_syms(struct attach_point *ap, const struct utarget *t,
		       const struct elf_bin *b, struct ap_vec *out)
{
	const char *pn = probes_provider_name(ap->prov);
	bool wild = prov_has_wildcard(ap->func);
	int found = 0;

	for (int k = 0; k < b->nsyms; k++) {
		const struct elf_sym *s = &b->syms[k];
		const char *shown;
		if (!sym_matches(ap, ap->func, wild, s->name, &shown))
			continue;
		if (wild && !prov_cfg_unsafe() &&
		    (s->size == 0 || ap->offset >= s->size ||
		     insn_boundary(b, s, ap->offset) != 1))
			continue; /* no boundary: skipped quietly */
		if (!wild && check_func_offset(b, t->display, s, ap->offset) < 0)
			return -1;
		uint64_t off;
		if (elf_vaddr_to_offset(b, s->addr + ap->offset, &off) < 0)
			continue;
		struct attach_point *c = prov_user_ap(ap, t, 1);
		c->func = s->name;
		c->locs[0].offset = off;
		if (!wild && !ap->offset && ap->prov == PROV_UPROBE &&
		    !ap->no_args)
			c->args_type = uprobe_args_type(t->path, s->name);
		c->raw = ap->offset
			? tt_sprintf("%s:%s:%s+%llu", pn, t->display, s->name,
				     (unsigned long long)ap->offset)
			: shown ? tt_sprintf("%s:%s:cpp:%s", pn, t->display, shown)
				: tt_sprintf("%s:%s:%s", pn, t->display, s->name);
		vec_push(out, c);
		found++;
	}
	return found;
}

/* One attach point per matching function (or the address) of each file. */
static int uprobe_expand_files(struct attach_point *ap, utarget_vec *tv,
			       struct ap_vec *out)
{
	bool addr_form = ap->func && !*ap->func;
	bool many = prov_user_many(ap, tv);
	int found = 0;

	for (int i = 0; i < tv->n; i++) {
		const struct utarget *t = &tv->v[i];
		struct elf_bin *b;
		int err = prov_open_target(ap, t, many || addr_form, &b);
		if (err == -ENOEXEC && addr_form) {
			if (!prov_cfg_unsafe()) {
				diag_error(&ap->loc, "%s is not an ELF file: "
						     "use --unsafe to probe "
						     "its file offset 0x%llx",
					   t->display,
					   (unsigned long long)ap->addr);
				return -1;
			}
			/* a flat binary: the address is a file offset */
			struct attach_point *c = prov_user_ap(ap, t, 1);
			c->locs[0].offset = ap->addr;
			c->raw = tt_sprintf("%s:%s:0x%llx",
					    probes_provider_name(ap->prov),
					    t->display,
					    (unsigned long long)ap->addr);
			vec_push(out, c);
			found++;
			continue;
		}
		if (err < 0) {
			if (many)
				continue;
			if (addr_form)
				prov_open_target(ap, t, false, &b);
			return -1;
		}
		dwarf_add_type_source(t->path);
		if (ap->src_file &&
		    dwarf_line_addr(t->path, ap->src_file, ap->src_line,
				    &ap->addr) < 0) {
			diag_error(&ap->loc, "Could not find source location "
					     "%s:%u in %s",
				   ap->src_file, ap->src_line, t->display);
			return -1;
		}
		int r = addr_form ? uprobe_addr(ap, t, b, out)
				  : uprobe_syms(ap, t, b, out);
		if (r < 0)
			return -1;
		found += r;
	}
	if (!found) {
		if (addr_form)
			diag_error(&no_loc, "Could not resolve address: "
					    "%s:0x%llx", ap->target,
				   (unsigned long long)ap->addr);
		else
			return prov_no_match(ap, tt_sprintf(
				"%s %s:%s", probes_provider_name(ap->prov),
				ap->target, ap->func));
		return -1;
	}
	return 0;
}

bool prov_user_many(const struct attach_point *ap, const utarget_vec *tv)
{
	return tv->n > 1 || prov_has_wildcard(ap->target) || !ap->target ||
	       !*ap->target;
}

bool prov_user_match(const char *pattern, const char *s)
{
	return !pattern || !*pattern || !fnmatch(pattern, s, 0);
}

int prov_user_files(struct attach_point *ap, utarget_vec *tv)
{
	int err = prov_user_targets(ap, tv);
	if (!err && !tv->n) {
		if (ap->target && *ap->target && strcmp(ap->target, "*"))
			return missing_target(ap, ap->target);
		diag_error(&ap->loc, "No matches for %s", ap->raw);
		return -1;
	}
	return err;
}

static int uprobe_expand(struct attach_point *ap, struct ap_vec *out)
{
	utarget_vec tv = { 0 };
	int err = prov_user_files(ap, &tv);
	if (!err)
		err = uprobe_expand_files(ap, &tv, out);
	vec_free(&tv);
	return err;
}

/* ---- one link for many locations ----------------------------------------------- */

/* Not in the uapi headers of every distribution (6.6+). */
enum { TT_BPF_TRACE_UPROBE_MULTI = 48 };

static bool multi_disabled; /* --no-feature uprobe_multi */

void prov_uprobe_multi_disable(void)
{
	multi_disabled = true;
}

bool prov_uprobe_multi(void)
{
	static int known = -1;
	if (multi_disabled)
		return false;
	if (known >= 0)
		return known;
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type =
		    (enum bpf_attach_type)TT_BPF_TRACE_UPROBE_MULTI);
	int fd = bpf_prog_load(BPF_PROG_TYPE_KPROBE, NULL, "GPL", insns, 2,
			       &opts);
	known = 0;
	if (fd < 0)
		return false;
	/* "/" is no regular file: EBADF where the kernel knows the link
	   type, EINVAL where it does not */
	uint64_t off = 0;
	int lfd = prov_uprobe_multi_link(fd, "/", &off, NULL, NULL, 1, false,
					 0);
	known = lfd == -EBADF;
	if (lfd >= 0)
		close(lfd);
	close(fd);
	return known;
}

int prov_uprobe_multi_link(int prog_fd, const char *path,
			   const uint64_t *offsets, const uint64_t *ref_ctrs,
			   const uint64_t *cookies, int n, bool ret, int pid)
{
	/* union bpf_attr's link_create with its uprobe_multi member, laid
	   out by hand: 6.1's headers do not have it */
	struct {
		uint32_t prog_fd, target_fd, attach_type, flags;
		uint64_t path, offsets, ref_ctr_offsets, cookies;
		uint32_t cnt, mflags, pid, pad;
	} a;
	memset(&a, 0, sizeof(a));
	a.prog_fd = (uint32_t)prog_fd;
	a.attach_type = TT_BPF_TRACE_UPROBE_MULTI;
	a.path = (uint64_t)(uintptr_t)path;
	a.offsets = (uint64_t)(uintptr_t)offsets;
	a.ref_ctr_offsets = (uint64_t)(uintptr_t)ref_ctrs;
	a.cookies = (uint64_t)(uintptr_t)cookies;
	a.cnt = (uint32_t)n;
	a.mflags = ret ? 1 : 0; /* BPF_F_UPROBE_MULTI_RETURN */
	a.pid = pid > 0 ? (uint32_t)pid : 0;
	long fd = syscall(__NR_bpf, BPF_LINK_CREATE, &a, sizeof(a));
	return fd < 0 ? -errno : (int)fd;
}

uint32_t prov_uprobe_multi_type(void)
{
	return TT_BPF_TRACE_UPROBE_MULTI;
}

uint32_t prov_uprobe_load_attach_type(const struct attach_point *ap)
{
	return ap->nlocs > 1 && prov_uprobe_multi()
		       ? TT_BPF_TRACE_UPROBE_MULTI : 0;
}

/* Runs of attach points in one file (and for one process) become one,
 * with every location: one program, one uprobe_multi link. */
static void uprobe_merge(const struct attach_point *spec, struct ap_vec *out)
{
	if (!prov_uprobe_multi())
		return;
	int n = 0;
	for (int i = 0; i < out->n;) {
		struct attach_point *a = out->v[i];
		int j = i + 1, nl = a->nlocs;
		while (j < out->n && out->v[j]->path && a->path &&
		       !strcmp(out->v[j]->path, a->path) &&
		       out->v[j]->pid == a->pid && !out->v[j]->src_file &&
		       !a->src_file)
			nl += out->v[j++]->nlocs;
		if (j - i > 1) {
			struct attach_point *m = prov_ap_copy(a);
			m->raw = spec->raw;
			m->func = spec->func;
			m->nlocs = 0;
			m->locs = tt_alloc(sizeof(*m->locs) * nl);
			for (int k = i; k < j; k++)
				for (int l = 0; l < out->v[k]->nlocs; l++)
					m->locs[m->nlocs++] =
						out->v[k]->locs[l];
			a = m;
		}
		out->v[n++] = a;
		i = j;
	}
	out->n = n;
}

/* ---- -l ------------------------------------------------------------------------ */

int prov_user_list_files(const struct prov_query *q, enum provider prov,
			 utarget_vec *tv)
{
	const char *target = prov_query_part(q, 0);
	if (!*target || (!strcmp(target, "*") && !q->pid))
		return 0; /* no file to look at: never every file in sight */
	struct attach_point ap = { 0 };
	ap.prov = prov;
	ap.raw = "";
	ap.target = target;
	FILE *devnull = q->quiet_user ? fopen("/dev/null", "w") : NULL;
	if (devnull)
		diag_set_stream(devnull);
	int err = prov_user_targets(&ap, tv);
	if (devnull) {
		diag_set_stream(stderr);
		fclose(devnull);
	}
	return err < 0 ? 0 : tv->n;
}

/* uprobe:FILE[:FUNC] (uretprobe too): every function symbol of the files
 * the target names, also those without a size; the file is found the way
 * attach points find it (paths, wildcards, $PATH, libraries, -p). */
static void uprobe_list(const struct prov_query *q, const struct prov_ops *p,
			prov_entry_vec *out)
{
	const char *func = q->n >= 2 ? q->p[1] : "*";
	/* uprobe:FILE:cpp:PATTERN: the C++ functions, demangled */
	struct attach_point cpp = { .cpp = true };
	bool is_cpp = q->n >= 3 && (!strcmp(q->p[1], "cpp") ||
				    !strcmp(q->p[1], "c++"));
	if (is_cpp)
		func = q->p[2];
	utarget_vec tv = { 0 };
	int n = prov_user_list_files(q, PROV_UPROBE, &tv);
	for (int i = 0; i < n; i++) {
		struct elf_bin *b;
		if (elf_bin_open(tv.v[i].path, &b) < 0)
			continue;
		for (int k = 0; k < b->nsyms; k++) {
			const char *shown, *s = b->syms[k].name;
			if (is_cpp ? !sym_matches(&cpp, func, true, s, &shown)
				   : !prov_user_match(func, s))
				continue;
			prov_list_add(out, q, p->id,
				      is_cpp ? tt_sprintf("%s:%s:cpp:%s", p->name,
							  tv.v[i].display,
							  shown ? shown : s)
					     : tt_sprintf("%s:%s:%s", p->name,
							  tv.v[i].display, s),
				      NULL, NULL);
		}
	}
	vec_free(&tv);
}

/* -lv: "uprobe:FILE:FUNC": the parameters from DWARF */
static void uprobe_list_args(const struct prov_entry *e, FILE *out)
{
	const char *p = strchr(e->name, ':'), *fn = strrchr(e->name, ':');
	struct dwarf_param *ps;
	int n;
	if (!p || fn == p ||
	    dwarf_func_params(tt_strndup(p + 1, (size_t)(fn - p - 1)), fn + 1,
			      &ps, &n) < 0)
		return;
	for (int i = 0; i < n; i++)
		fprintf(out, "    %s %s\n", ps[i].ctext, ps[i].name);
}

/* target:func; an address or a source line is printed as written */
static int uprobe_list_parts(const struct attach_point *ap, const char **parts)
{
	if (ap->func && !*ap->func)
		return -1;
	parts[0] = ap->target;
	parts[1] = ap->func;
	return 2;
}

const struct prov_ops prov_uprobe = {
	.id = PROV_UPROBE,
	.name = "uprobe",
	.aliases = "uprobe u",
	.flags = PF_USER | PF_PTREGS | PF_REG | PF_IP_AT_PROBE |
		 PF_ARGS_IN_REGS,
	.parse = uprobe_parse,
	.expand = uprobe_expand,
	.list = uprobe_list,
	.listed = true,
	.list_args = uprobe_list_args,
	.list_parts = uprobe_list_parts,
	.merge = uprobe_merge,
	.load_attach_type = prov_uprobe_load_attach_type,
	.prog_type = BPF_PROG_TYPE_KPROBE,
	.args = ARGS_PTREGS,
	.func = FUNC_USYM,
};

const struct prov_ops prov_uretprobe = {
	.id = PROV_URETPROBE,
	.name = "uretprobe",
	.aliases = "uretprobe ur",
	.flags = PF_USER | PF_PTREGS | PF_REG,
	.parse = uprobe_parse,
	.expand = uprobe_expand,
	.list = uprobe_list,
	.list_args = uprobe_list_args,
	.list_parts = uprobe_list_parts,
	.merge = uprobe_merge,
	.load_attach_type = prov_uprobe_load_attach_type,
	.prog_type = BPF_PROG_TYPE_KPROBE,
	.retval = RETVAL_PTREGS,
	.func = FUNC_USYM,
};
