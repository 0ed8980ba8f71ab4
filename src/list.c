/* list.c — `-l`: the probes this machine offers, matched against a search
 * or a program's attach points, printed as bpftrace prints them (list.h
 * says what comes from where).
 *
 * Takes: a search ("kprobe:vfs_*,tracepoint:syscalls:*", "*ware:*",
 * "*sleep*", "struct task_struct") or a parsed program.
 * Produces: lines on a FILE.  Each search item (or attach point) becomes a
 * struct query: a provider pattern and the parts after it.  Every provider
 * the pattern selects adds its matching probes to a list of entries (the
 * printed name, plus what -v needs to find the arguments); the entries of
 * one item are sorted, made unique and printed.
 *
 * Nothing is read before a provider needs it: kernel functions
 * (available_filter_functions or /proc/kallsyms) once, kernel BTF through
 * btf.h only for fentry/fexit/rawtracepoint/iter and kprobe -v, and a
 * second, raw libbpf view of BTF only for struct/union/enum listings. */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/btf.h>

#include "ast.h"
#include "btf.h"
#include "dwarf.h"
#include "import.h"
#include "list.h"
#include "parser.h"
#include "probes.h"
#include "prog.h"
#include "runtime.h"

static const struct srcloc no_loc;

/* ---- providers -------------------------------------------------------------- */

struct lprov {
	enum provider prov;
	const char *name;
	const char *aliases; /* besides name, space separated; one-letter
				ones are case-sensitive (u uprobe, U usdt) */
	bool listed;         /* part of "everything" and of wildcards; the
				return probes are only listed by name */
};

/* In name order: the order of providers in a listing. */
static const struct lprov provs[] = {
	{ PROV_BEGIN, "begin", "", false },
	{ PROV_END, "end", "", false },
	{ PROV_FENTRY, "fentry", "f kfunc", true },
	{ PROV_FEXIT, "fexit", "fr kretfunc", false },
	{ PROV_HARDWARE, "hardware", "h", true },
	{ PROV_INTERVAL, "interval", "i", true },
	{ PROV_ITER, "iter", "it", true },
	{ PROV_KPROBE, "kprobe", "k", true },
	{ PROV_KRETPROBE, "kretprobe", "kr", false },
	{ PROV_PROFILE, "profile", "p", true },
	{ PROV_RAWTRACEPOINT, "rawtracepoint", "rt", true },
	{ PROV_SOFTWARE, "software", "s", true },
	{ PROV_TRACEPOINT, "tracepoint", "t", true },
	{ PROV_UPROBE, "uprobe", "u", true },
	{ PROV_URETPROBE, "uretprobe", "ur", false },
	{ PROV_USDT, "usdt", "U", true },
};

static bool is_alias(const struct lprov *p, const char *s)
{
	if (!strcasecmp(s, p->name))
		return true;
	for (const char *a = p->aliases; *a;) {
		size_t n = strcspn(a, " ");
		if (strlen(s) == n &&
		    (n == 1 ? !strncmp(a, s, n) : !strncasecmp(a, s, n)))
			return true;
		a += n;
		a += strspn(a, " ");
	}
	return false;
}

static bool has_wildcard(const char *s)
{
	return s && strpbrk(s, "*?[");
}

/* The event names of software: and hardware: probes, aliases included, as
 * bpftrace spells them (from its documentation). */
static const char *const sw_events[] = {
	"cpu-clock", "cpu", "task-clock", "page-faults", "faults",
	"context-switches", "cs", "cpu-migrations", "minor-faults",
	"major-faults", "alignment-faults", "emulation-faults", "dummy",
	"bpf-output",
};
static const char *const hw_events[] = {
	"cpu-cycles", "cycles", "instructions", "cache-references",
	"cache-misses", "branch-instructions", "branches", "branch-misses",
	"bus-cycles", "frontend-stalls", "backend-stalls", "ref-cycles",
};
static const char *const time_units[] = { "hz", "us", "ms", "s" };

/* ---- queries and entries ------------------------------------------------------ */

/* One search item or attach point. */
struct query {
	const char *prov;   /* provider pattern; NULL: every listed provider */
	int n;              /* parts after the provider */
	const char *p[4];
	const char *filter; /* an item without ':': whole names must match */
	int pid;            /* -p */
	bool quiet_user;    /* no diagnostics from uprobe/usdt targets */
};

/* Part i after the provider; a missing part matches anything. */
static const char *part(const struct query *q, int i)
{
	return i < q->n ? q->p[i] : "*";
}

static bool match(const char *pattern, const char *s)
{
	return !fnmatch(pattern, s, 0);
}

struct entry {
	const char *name;   /* the line printed */
	enum provider prov;
	const char *mod;    /* tracepoint: category; kprobe (NULL = vmlinux),
			       fentry, fexit, rawtracepoint: module */
	const char *fn;     /* tracepoint: event; function; tracepoint; iter */
};
typedef VEC(struct entry) entry_vec;

static void add(entry_vec *v, const struct query *q, enum provider prov,
		const char *name, const char *mod, const char *fn)
{
	if (q->filter && !match(q->filter, name))
		return;
	struct entry e = { name, prov, mod, fn };
	vec_push(v, e);
}

/* ---- kernel functions: kprobe, kretprobe ---------------------------------------- */

struct ksym {
	const char *name, *mod; /* mod NULL: vmlinux */
};
static VEC(struct ksym) ksyms;
static bool ksyms_read;

/* Names that cannot be probed even though the kernel lists them. */
static bool ksym_hidden(const char *name)
{
	return name[0] == '.' || /* assembler labels: .E_copy */
	       !strncmp(name, "__ftrace_invalid_address__", 26) ||
	       !strncmp(name, "__pfx_", 6) || !strncmp(name, "__cfi_", 6) ||
	       strstr(name, ".cold") || strstr(name, ".part.");
}

static void ksym_add(const char *name, size_t n, const char *mod, size_t mn)
{
	const char *s = tt_strndup(name, n);
	if (ksym_hidden(s))
		return;
	struct ksym k = { s, mn ? tt_strndup(mod, mn) : NULL };
	vec_push(&ksyms, k);
}

/* "name" or "name [module]" per line. */
static bool read_filter_functions(void)
{
	const char *dir = tracefs_path();
	FILE *f = dir ? fopen(tt_sprintf("%s/available_filter_functions", dir),
			      "r")
		      : NULL;
	if (!f)
		return false;
	char line[512];
	bool any = false;
	while (fgets(line, sizeof(line), f)) {
		size_t n = strcspn(line, " \t\n");
		const char *m = strchr(line + n, '[');
		size_t mn = m ? strcspn(m + 1, "]") : 0;
		if (n)
			ksym_add(line, n, m ? m + 1 : NULL, mn);
		any = true;
	}
	bool ok = !ferror(f) && any;
	fclose(f);
	if (!ok)
		ksyms.n = 0;
	return ok;
}

/* "address type name[\t[module]]": the text symbols (t, T). */
static void read_kallsyms(void)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	if (!f)
		return;
	char line[512];
	while (fgets(line, sizeof(line), f)) {
		char *p = strchr(line, ' ');
		if (!p || (p[1] != 't' && p[1] != 'T') || p[2] != ' ')
			continue;
		p += 3;
		size_t n = strcspn(p, " \t\n");
		const char *m = strchr(p + n, '[');
		ksym_add(p, n, m ? m + 1 : NULL, m ? strcspn(m + 1, "]") : 0);
	}
	fclose(f);
}

static void load_ksyms(void)
{
	if (ksyms_read)
		return;
	ksyms_read = true;
	if (!read_filter_functions())
		read_kallsyms();
}

/* kprobe:FUNC, kprobe:MOD:FUNC: one part is a function of any module,
 * two are module and function. */
static void list_kprobes(const struct query *q, const char *pname,
			 enum provider prov, entry_vec *out)
{
	const char *mod = q->n >= 2 ? q->p[0] : NULL;
	const char *fn = q->n >= 2 ? q->p[1] : part(q, 0);
	load_ksyms();
	for (int i = 0; i < ksyms.n; i++) {
		const struct ksym *k = &ksyms.v[i];
		if (mod && !match(mod, k->mod ? k->mod : "vmlinux"))
			continue;
		if (!match(fn, k->name))
			continue;
		add(out, q, prov,
		    k->mod ? tt_sprintf("%s:%s:%s", pname, k->mod, k->name)
			   : tt_sprintf("%s:%s", pname, k->name),
		    k->mod, k->name);
	}
}

/* ---- BTF: fentry, fexit, rawtracepoint, iter ------------------------------------ */

struct btf_walk {
	const struct query *q;
	const char *pname;
	enum provider prov;
	const char *mod, *fn; /* patterns */
	entry_vec *out;
};

static int btf_found(void *arg, const char *module, const char *name)
{
	struct btf_walk *w = arg;
	if ((!w->mod || match(w->mod, module)) && match(w->fn, name))
		add(w->out, w->q, w->prov,
		    tt_sprintf("%s:%s:%s", w->pname, module, name),
		    tt_strdup(module), tt_strdup(name));
	return 0;
}

/* fentry:MOD:FUNC from BTF functions, rawtracepoint:MOD:TP from the
 * btf_trace_TP typedefs; one part is a name in any module. */
static void list_btf(const struct query *q, const char *pname,
		     enum provider prov, entry_vec *out)
{
	struct btf_walk w = { q, pname, prov, NULL, NULL, out };
	w.mod = q->n >= 2 ? q->p[0] : NULL;
	w.fn = q->n >= 2 ? q->p[1] : part(q, 0);
	/* a module named without wildcards: read only its BTF, if it has */
	const char *only = w.mod && !has_wildcard(w.mod) ? w.mod : NULL;
	if (only && strcmp(only, "vmlinux") &&
	    access(tt_sprintf("/sys/kernel/btf/%s", only), F_OK) < 0)
		return;
	if (prov == PROV_RAWTRACEPOINT)
		btf_each_tracepoint(only, btf_found, &w);
	else
		btf_each_func(only, btf_found, &w);
}

static int iter_found(void *arg, const char *module, const char *name)
{
	struct btf_walk *w = arg;
	(void)module;
	if (strncmp(name, "bpf_iter_", 9) || !name[9])
		return 0;
	name += 9;
	if (!match(w->fn, name) ||
	    !btf_has_type(tt_sprintf("struct bpf_iter__%s", name)))
		return 0;
	add(w->out, w->q, PROV_ITER, tt_sprintf("iter:%s", name), NULL,
	    tt_strdup(name));
	return 0;
}

/* iter:NAME: a bpf_iter_NAME function with a struct bpf_iter__NAME
 * context. */
static void list_iters(const struct query *q, entry_vec *out)
{
	if (q->n > 1)
		return; /* iter:NAME:PIN is no name to list */
	struct btf_walk w = { q, "iter", PROV_ITER, NULL, part(q, 0), out };
	btf_each_func("vmlinux", iter_found, &w);
}

/* ---- tracepoints -------------------------------------------------------------- */

static void add_tp(const struct query *q, const char *cat, const char *ev,
		   entry_vec *out)
{
	bool ok = q->n >= 2 ? match(q->p[0], cat) && match(q->p[1], ev)
			    : match(part(q, 0), tt_sprintf("%s:%s", cat, ev));
	if (ok)
		add(out, q, PROV_TRACEPOINT,
		    tt_sprintf("tracepoint:%s:%s", cat, ev), cat, ev);
}

static int dir_names(const char *path, char ***names)
{
	DIR *d = opendir(path);
	VEC(char *) v = { 0 };
	if (d) {
		struct dirent *e;
		while ((e = readdir(d)) != NULL)
			if (e->d_name[0] != '.' && e->d_type == DT_DIR)
				vec_push(&v, tt_strdup(e->d_name));
		closedir(d);
	}
	char **r = tt_alloc(sizeof(*r) * (v.n + 1));
	memcpy(r, v.v, sizeof(*r) * v.n);
	int n = v.n;
	vec_free(&v);
	*names = r;
	return n;
}

/* tracepoint:CAT:NAME from available_events ("cat:name" lines), else the
 * events/ directories.  One part is matched against "CAT:NAME". */
static void list_tracepoints(const struct query *q, entry_vec *out)
{
	const char *root = tracefs_path();
	if (!root)
		return;
	FILE *f = fopen(tt_sprintf("%s/available_events", root), "r");
	if (f) {
		char line[512];
		while (fgets(line, sizeof(line), f)) {
			line[strcspn(line, "\n")] = 0;
			char *c = strchr(line, ':');
			if (!c)
				continue;
			*c = 0;
			add_tp(q, tt_strdup(line), tt_strdup(c + 1), out);
		}
		fclose(f);
		return;
	}
	char **cats;
	int ncat = dir_names(tt_sprintf("%s/events", root), &cats);
	for (int i = 0; i < ncat; i++) {
		char **evs;
		int nev = dir_names(tt_sprintf("%s/events/%s", root, cats[i]),
				    &evs);
		for (int j = 0; j < nev; j++)
			add_tp(q, cats[i], evs[j], out);
	}
}

/* ---- fixed lists: software, hardware, interval, profile -------------------------- */

static void list_fixed(const struct query *q, const char *pname,
		       enum provider prov, const char *const *names, size_t n,
		       entry_vec *out)
{
	for (size_t i = 0; i < n; i++)
		if (match(part(q, 0), names[i]))
			add(out, q, prov, tt_sprintf("%s:%s:", pname, names[i]),
			    NULL, names[i]);
}

/* ---- uprobe, uretprobe, usdt (probes.c finds them) ------------------------------- */

/* uprobe:FILE[:FUNC], usdt:FILE[[:PROV]:NAME]: probes_list() resolves the
 * file the way attach points do (paths, wildcards, $PATH, libraries, -p). */
static void list_user(const struct query *q, const char *pname,
		      enum provider prov, entry_vec *out)
{
	const char *target = part(q, 0);
	if (!*target || (!strcmp(target, "*") && !q->pid))
		return; /* no file to look at: never every file in sight */
	struct strbuf s = { 0 };
	sb_printf(&s, "%s:%s", prov == PROV_USDT ? "usdt" : "uprobe", target);
	for (int i = 1; i < q->n && i < 3; i++)
		sb_printf(&s, ":%s", q->p[i]);

	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	FILE *devnull = q->quiet_user ? fopen("/dev/null", "w") : NULL;
	if (devnull)
		diag_set_stream(devnull);
	if (f) {
		probes_list(s.s, f);
		fclose(f);
	}
	if (devnull) {
		diag_set_stream(stderr);
		fclose(devnull);
	}
	sb_free(&s);
	for (char *l = buf; l && *l;) {
		size_t n = strcspn(l, "\n");
		char *name = tt_strndup(l, n);
		if (prov == PROV_URETPROBE && !strncmp(name, "uprobe:", 7))
			name = tt_sprintf("%s:%s", pname, name + 7);
		add(out, q, prov, name, NULL, NULL);
		l += n + (l[n] == '\n');
	}
	free(buf);
}

/* ---- -v: arguments ------------------------------------------------------------- */

/* The fields of a tracepoint's format file after the common_ ones, as
 * written there ("const char * filename"). */
static void tp_args(const struct entry *e, FILE *out)
{
	const char *root = tracefs_path();
	FILE *f = root ? fopen(tt_sprintf("%s/events/%s/%s/format", root,
					  e->mod, e->fn), "r")
		       : NULL;
	if (!f)
		return;
	char line[1024];
	bool past_common = false;
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '\n') {
			past_common = true;
			continue;
		}
		if (!past_common || strncmp(line, "\tfield:", 7))
			continue;
		fprintf(out, "    %.*s\n", (int)strcspn(line + 7, ";"),
			line + 7);
	}
	fclose(f);
}

static void print_args(const struct entry *e, FILE *out)
{
	struct btf_fn f;
	int first = 0;
	switch (e->prov) {
	case PROV_TRACEPOINT:
		tp_args(e, out);
		return;
	case PROV_KPROBE:
	case PROV_KRETPROBE:
		/* kprobes read arguments as arg0, arg1, ... */
		if (btf_func_args(e->mod, e->fn, &f) == 0)
			for (int i = 0; i < f.nargs; i++)
				fprintf(out, "    %s arg%d\n", f.args[i].ctext,
					i);
		return;
	case PROV_FENTRY:
	case PROV_FEXIT:
		if (btf_func_args(e->mod, e->fn, &f) < 0)
			return;
		break;
	case PROV_RAWTRACEPOINT:
		if (btf_tracepoint_args(e->mod, e->fn, &f) < 0)
			return;
		break;
	case PROV_ITER:
		if (btf_func_args("vmlinux", tt_sprintf("bpf_iter_%s", e->fn),
				  &f) < 0)
			return;
		first = 1; /* struct bpf_iter_meta *meta */
		f.ret_ctext = "void";
		break;
	case PROV_UPROBE:
	case PROV_URETPROBE: {
		/* "uprobe:FILE:FUNC": the parameters from DWARF */
		const char *p = strchr(e->name, ':'), *fn = strrchr(e->name, ':');
		struct dwarf_param *ps;
		int n;
		if (!p || fn == p || dwarf_func_params(
				     tt_strndup(p + 1, (size_t)(fn - p - 1)),
				     fn + 1, &ps, &n) < 0)
			return;
		for (int i = 0; i < n; i++)
			fprintf(out, "    %s %s\n", ps[i].ctext, ps[i].name);
		return;
	}
	default:
		return;
	}
	for (int i = first; i < f.nargs; i++)
		fprintf(out, "    %s %s\n", f.args[i].ctext, f.args[i].name);
	if (e->prov != PROV_RAWTRACEPOINT && strcmp(f.ret_ctext, "void"))
		fprintf(out, "    %s retval\n", f.ret_ctext);
}

/* ---- one query ------------------------------------------------------------------ */

/* Could a name "PROVIDER:..." match the whole-name filter?  Only the
 * filter's literal prefix is looked at ("kprobe*" rules out everything
 * but kprobes, "*sleep*" nothing). */
static bool filter_may_match(const char *filter, const char *pname)
{
	size_t lit = strcspn(filter, "*?[\\");
	const char *full = tt_sprintf("%s:", pname);
	size_t n = strlen(full);
	return strncmp(filter, full, lit < n ? lit : n) == 0;
}

static bool selects(const struct query *q, const struct lprov *p)
{
	if (!q->prov)
		return p->listed && (!q->filter ||
				     filter_may_match(q->filter, p->name));
	if (has_wildcard(q->prov))
		return p->listed && match(q->prov, p->name);
	return is_alias(p, q->prov);
}

static void collect(const struct query *q, const struct lprov *p,
		    entry_vec *out)
{
	switch (p->prov) {
	case PROV_BEGIN:
	case PROV_END:
		add(out, q, p->prov, p->name, NULL, NULL);
		break;
	case PROV_KPROBE:
	case PROV_KRETPROBE:
		list_kprobes(q, p->name, p->prov, out);
		break;
	case PROV_FENTRY:
	case PROV_FEXIT:
	case PROV_RAWTRACEPOINT:
		list_btf(q, p->name, p->prov, out);
		break;
	case PROV_ITER:
		list_iters(q, out);
		break;
	case PROV_TRACEPOINT:
		list_tracepoints(q, out);
		break;
	case PROV_SOFTWARE:
		list_fixed(q, p->name, p->prov, sw_events,
			   ARRAY_SIZE(sw_events), out);
		break;
	case PROV_HARDWARE:
		list_fixed(q, p->name, p->prov, hw_events,
			   ARRAY_SIZE(hw_events), out);
		break;
	case PROV_INTERVAL:
	case PROV_PROFILE:
		list_fixed(q, p->name, p->prov, time_units,
			   ARRAY_SIZE(time_units), out);
		break;
	case PROV_UPROBE:
	case PROV_URETPROBE:
	case PROV_USDT:
		list_user(q, p->name, p->prov, out);
		break;
	default:
		break;
	}
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->name,
		      ((const struct entry *)b)->name);
}

/* Lists what q matches, sorted; returns how many providers it named. */
static int run_query(const struct query *q, bool verbose, FILE *out)
{
	entry_vec v = { 0 };
	int nprov = 0;
	for (size_t i = 0; i < ARRAY_SIZE(provs); i++) {
		if (!selects(q, &provs[i]))
			continue;
		nprov++;
		collect(q, &provs[i], &v);
	}
	if (v.n)
		qsort(v.v, v.n, sizeof(*v.v), cmp_entry);
	for (int i = 0; i < v.n; i++) {
		if (i && !strcmp(v.v[i].name, v.v[i - 1].name))
			continue;
		fprintf(out, "%s\n", v.v[i].name);
		if (verbose)
			print_args(&v.v[i], out);
	}
	vec_free(&v);
	return nprov;
}

/* ---- struct, union, enum -------------------------------------------------------- */

struct capture {
	struct strbuf sb;
};

static void capture_printf(void *ctx, const char *fmt, va_list args)
{
	struct capture *c = ctx;
	char small[256];
	va_list again;
	va_copy(again, args);
	int n = vsnprintf(small, sizeof(small), fmt, args);
	if (n >= 0 && (size_t)n < sizeof(small)) {
		sb_putn(&c->sb, small, n);
	} else if (n >= 0) {
		char *big = xmalloc(n + 1);
		vsnprintf(big, n + 1, fmt, again);
		sb_putn(&c->sb, big, n);
		free(big);
	}
	va_end(again);
}

/* Prints "MOD: " and the C definition of type id (btf_dump writes the
 * types it holds by value first; only the last definition is ours). */
static void print_definition(struct btf *btf, const char *mod, int id,
			     const char *head, FILE *out)
{
	struct capture c = { { 0 } };
	struct btf_dump *d = btf_dump__new(btf, capture_printf, &c, NULL);
	if (!d)
		return;
	if (btf_dump__dump_type(d, id) == 0 && c.sb.s) {
		const char *s = c.sb.s, *last = NULL;
		size_t hn = strlen(head);
		for (const char *p = s; p; p = strchr(p, '\n')) {
			p += *p == '\n';
			if (!strncmp(p, head, hn))
				last = p;
		}
		if (last) {
			size_t n = strlen(last);
			while (n && last[n - 1] == '\n')
				n--;
			fprintf(out, "%s: %.*s\n\n", mod, (int)n, last);
		}
	}
	btf_dump__free(d);
	sb_free(&c.sb);
}

struct tdef {
	const char *name; /* "struct task_struct" */
	const char *mod;
	struct btf *btf;
	int id;
};

static int cmp_tdef(const void *a, const void *b)
{
	const struct tdef *x = a, *y = b;
	int r = strcmp(x->name, y->name);
	return r ? r : strcmp(x->mod, y->mod);
}

/* `struct PATTERN` (union, enum): BTF type names of vmlinux and the
 * loaded modules; verbose: their definitions. */
static int list_types(const char *kw, const char *pattern, bool verbose,
		      FILE *out)
{
	static struct btf *vml;
	static VEC(struct btf *) mods;
	static VEC(const char *) mod_names;
	static bool loaded;
	if (!loaded) {
		loaded = true;
		vml = btf__load_vmlinux_btf();
		if (!vml) {
			vml = NULL;
		} else {
			DIR *d = opendir("/sys/kernel/btf");
			struct dirent *e;
			while (d && (e = readdir(d)) != NULL) {
				if (e->d_name[0] == '.' ||
				    !strcmp(e->d_name, "vmlinux"))
					continue;
				struct btf *m = btf__parse_split(
					tt_sprintf("/sys/kernel/btf/%s",
						   e->d_name),
					vml);
				if (!m)
					continue;
				vec_push(&mods, m);
				vec_push(&mod_names, tt_strdup(e->d_name));
			}
			if (d)
				closedir(d);
		}
	}
	if (!vml) {
		diag_error(&no_loc, "listing %s types needs kernel BTF "
				    "(/sys/kernel/btf/vmlinux)", kw);
		return -1;
	}
	int kind = !strcmp(kw, "struct") ? BTF_KIND_STRUCT
		   : !strcmp(kw, "union") ? BTF_KIND_UNION : BTF_KIND_ENUM;
	VEC(struct tdef) v = { 0 };
	for (int m = -1; m < mods.n; m++) {
		struct btf *b = m < 0 ? vml : mods.v[m];
		const char *mod = m < 0 ? "vmlinux" : mod_names.v[m];
		int start = m < 0 ? 1 : (int)btf__type_cnt(vml);
		int cnt = (int)btf__type_cnt(b);
		for (int id = start; id < cnt; id++) {
			const struct btf_type *t = btf__type_by_id(b, id);
			int k = btf_kind(t);
			if (k != kind && !(kind == BTF_KIND_ENUM &&
					   k == BTF_KIND_ENUM64))
				continue;
			const char *name = btf__name_by_offset(b, t->name_off);
			if (!name || !*name || !match(pattern, name))
				continue;
			struct tdef td = { tt_sprintf("%s %s", kw, name), mod,
					   b, id };
			vec_push(&v, td);
		}
	}
	if (v.n)
		qsort(v.v, v.n, sizeof(*v.v), cmp_tdef);
	for (int i = 0; i < v.n; i++) {
		bool dup = i && !strcmp(v.v[i].name, v.v[i - 1].name);
		if (!verbose) {
			if (!dup)
				fprintf(out, "%s\n", v.v[i].name);
			continue;
		}
		if (dup && !strcmp(v.v[i].mod, v.v[i - 1].mod))
			continue;
		print_definition(v.v[i].btf, v.v[i].mod, v.v[i].id,
				 tt_sprintf("%s {", v.v[i].name), out);
	}
	vec_free(&v);
	return 0;
}

/* ---- searches ------------------------------------------------------------------- */

static int list_pid;

/* Splits an item on ':' outside double quotes (quotes are kept out). */
static int split_item(const char *s, const char **parts, int max)
{
	int n = 0;
	struct strbuf cur = { 0 };
	bool inq = false;
	for (;; s++) {
		if (!*s || (*s == ':' && !inq)) {
			if (n < max)
				parts[n] = tt_strdup(cur.s ? cur.s : "");
			n++;
			cur.len = 0;
			if (cur.s)
				cur.s[0] = 0;
			if (!*s)
				break;
		} else if (*s == '"') {
			inq = !inq;
		} else {
			sb_putc(&cur, *s);
		}
	}
	sb_free(&cur);
	return n;
}

static int list_item(const char *item, bool verbose, FILE *out)
{
	static const char *const kws[] = { "struct", "union", "enum" };
	for (size_t i = 0; i < ARRAY_SIZE(kws); i++) {
		size_t n = strlen(kws[i]);
		if (!strncmp(item, kws[i], n) && (item[n] == ' ' ||
						   item[n] == '\t')) {
			const char *pat = item + n;
			pat += strspn(pat, " \t");
			return list_types(kws[i], pat, verbose, out);
		}
	}
	struct query q = { 0 };
	q.pid = list_pid;
	q.quiet_user = true;
	if (!strchr(item, ':')) {
		if (*item)
			q.filter = item;
		if (q.pid && !*item) {
			/* -l -p PID: the probes of that process */
			q.prov = "u*";
			q.quiet_user = false;
		}
		run_query(&q, verbose, out);
		return 0;
	}
	const char *parts[5];
	int n = split_item(item, parts, 5);
	q.prov = parts[0];
	q.n = n - 1 < 4 ? n - 1 : 4;
	for (int i = 0; i < q.n; i++)
		q.p[i] = parts[i + 1];
	q.quiet_user = has_wildcard(q.prov);
	if (!run_query(&q, verbose, out) && !has_wildcard(q.prov)) {
		diag_error(&no_loc, "Invalid probe type: %s", q.prov);
		return -1;
	}
	return 0;
}

int list_search(const char *search, bool verbose, FILE *out)
{
	int err = 0;
	if (!search)
		search = "";
	const char *s = search;
	do {
		size_t n = strcspn(s, ",");
		const char *item = tt_strndup(s, n);
		item += strspn(item, " \t");
		char *end = (char *)item + strlen(item);
		while (end > item && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = 0;
		if (*item || !*search)
			err |= list_item(item, verbose, out);
		s += n + (s[n] == ',');
	} while (*s);
	return err ? -1 : 0;
}

/* ---- programs ------------------------------------------------------------------- */

/* The query an attach point (parsed by probes_parse) stands for. */
static void ap_query(const struct attach_point *ap, struct query *q)
{
	memset(q, 0, sizeof(*q));
	q->prov = probes_provider_name(ap->prov);
	q->pid = list_pid;
	const char *t = ap->target && *ap->target ? ap->target : NULL;
	switch (ap->prov) {
	case PROV_KPROBE:
	case PROV_KRETPROBE:
	case PROV_FENTRY:
	case PROV_FEXIT:
	case PROV_RAWTRACEPOINT:
		if (t)
			q->p[q->n++] = t;
		q->p[q->n++] = ap->func;
		break;
	case PROV_TRACEPOINT:
	case PROV_UPROBE:
	case PROV_URETPROBE:
		q->p[q->n++] = ap->target;
		q->p[q->n++] = ap->func;
		break;
	case PROV_USDT:
		q->p[q->n++] = ap->target;
		if (ap->ns)
			q->p[q->n++] = ap->ns;
		q->p[q->n++] = ap->func;
		break;
	case PROV_SOFTWARE:
	case PROV_HARDWARE:
	case PROV_INTERVAL:
	case PROV_PROFILE:
		q->p[q->n++] = ap->target;
		break;
	case PROV_ITER:
		q->p[q->n++] = ap->func;
		break;
	default:
		break;
	}
}

int list_program(const struct source *src, const struct tt_config *cfg)
{
	static struct tt_config c; /* probes.c keeps the pointer */
	c = *cfg;
	probes_set_config(&c);
	list_pid = c.pid;
	bool verbose = c.verbose > 0;

	struct node *prog = parse_program(src);
	if (!prog || import_resolve(prog) < 0)
		return 1;
	int status = 0;
	for (int i = 0; i < prog->args.n; i++) {
		struct node *p = prog->args.v[i];
		if (p->kind != N_PROBE)
			continue;
		for (int k = 0; k < p->aps.n; k++) {
			struct attach_point *ap = p->aps.v[k];
			if (probes_parse(ap) < 0) {
				status = 1;
				continue;
			}
			bool addr = (ap->prov == PROV_UPROBE ||
				     ap->prov == PROV_URETPROBE) &&
				    ap->func && !*ap->func;
			if (ap->prov == PROV_WATCHPOINT ||
			    ap->prov == PROV_ASYNCWATCHPOINT ||
			    ap->prov == PROV_SELF || addr) {
				printf("%s\n", ap->raw);
				continue;
			}
			struct query q;
			ap_query(ap, &q);
			run_query(&q, verbose, stdout);
		}
	}
	return status;
}

/* ---- the command line ----------------------------------------------------------- */

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	struct strbuf b = { 0 };
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sb_putn(&b, buf, n);
	bool bad = ferror(f);
	fclose(f);
	if (bad) {
		sb_free(&b);
		return NULL;
	}
	if (!b.s)
		sb_puts(&b, "");
	*len = b.len;
	return b.s;
}

int list_main(int nargs, char **args, const struct tt_config *cfg)
{
	static struct tt_config c; /* probes.c keeps the pointer */
	c = *cfg;
	const char *search = NULL;
	for (int i = 0; i < nargs; i++) {
		const char *a = args[i];
		if ((!strcmp(a, "-p") || !strcmp(a, "--pid")) &&
		    i + 1 < nargs)
			c.pid = atoi(args[++i]);
		else if (!strncmp(a, "--pid=", 6))
			c.pid = atoi(a + 6);
		else if (a[0] == '-' && a[1] && a[1] != '-' &&
			 strspn(a + 1, "lv") == strlen(a + 1))
			c.verbose += strchr(a, 'v') != NULL;
		else if (!search)
			search = a;
	}
	probes_set_config(&c);
	list_pid = c.pid;

	struct stat st;
	if (search && stat(search, &st) == 0 && S_ISREG(st.st_mode)) {
		struct source *src = tt_alloc(sizeof(*src));
		src->name = search;
		src->text = read_file(search, &src->len);
		if (!src->text) {
			fprintf(stderr, "ERROR: failed to read file '%s': %s\n",
				search, strerror(errno));
			return 1;
		}
		return list_program(src, &c);
	}
	size_t n = search ? strlen(search) : 0;
	if (n > 3 && !strcmp(search + n - 3, ".bt"))
		diag_warning(&no_loc,
			     "It appears that '%s' is a filename but the file "
			     "does not exist. Treating '%s' as a search "
			     "pattern.",
			     search, search);
	return list_search(search, c.verbose > 0, stdout) < 0 ? 1 : 0;
}
