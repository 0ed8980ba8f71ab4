/* list.c — `-l`: the probes this machine offers, matched against a search
 * or a program's attach points, printed as bpftrace prints them (list.h
 * says what comes from where).
 *
 * Takes: a search ("kprobe:vfs_*,tracepoint:syscalls:*", "*ware:*",
 * "*sleep*", "struct task_struct") or a parsed program.
 * Produces: lines on a FILE.  Each search item (or attach point) becomes a
 * struct prov_query: a provider pattern and the parts after it.  Every
 * provider the pattern selects adds its matching probes to a list of
 * entries with its list hook (the printed name, plus what its list_args
 * hook needs for -v: provider.h, src/prov_*.c); the entries of one item
 * are sorted, made unique and printed.
 *
 * A probe type the running kernel cannot attach is left out (its
 * provider's kernel_need, answered by kernel_features.h): no kprobes
 * without the kprobe PMU, no fentry/fexit where a fentry program is
 * refused; unless the query names that type (`-l 'kprobe:*'`,
 * `-l -e 'fentry:f {}'`): then it is listed as the kernel names it.
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
#include "import.h"
#include "kernel_features.h"
#include "list.h"
#include "parser.h"
#include "probes.h"
#include "prog.h"

static const struct srcloc no_loc;

static bool match(const char *pattern, const char *s)
{
	return !fnmatch(pattern, s, 0);
}

static bool has_wildcard(const char *s)
{
	return s && strpbrk(s, "*?[");
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

/* Does q name provider p?  Providers that list nothing are never
 * named. */
static bool selects(const struct prov_query *q, const struct prov_ops *p)
{
	if (!p->list)
		return false;
	if (!q->prov)
		return p->listed && (!q->filter ||
				     filter_may_match(q->filter, p->name));
	if (has_wildcard(q->prov))
		return p->listed && match(q->prov, p->name);
	return prov_is_alias(p, q->prov);
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct prov_entry *)a)->name,
		      ((const struct prov_entry *)b)->name);
}

/* Whether the running kernel can attach p's probes (what q asks for
 * decides only whether that is worth asking: a query naming a module
 * without BTF lists no fentry function, and reads no BTF to find that
 * out). */
static bool attachable(const struct prov_query *q, const struct prov_ops *p)
{
	const char *only;
	/* a query that names the probe type (`-l 'kprobe:vfs_*'`,
	   `-l 'kprobe*'`, a program's probes) is answered whatever the
	   kernel: it asked */
	if (q->prov && strcmp(q->prov, "*"))
		return true;
	if (q->filter && !strncmp(q->filter, p->name, strlen(p->name)))
		return true;
	switch (p->kernel_need) {
	case NEED_KPROBE_PMU:
		return features_kprobe();
	case NEED_FENTRY:
		if (!prov_btf_module(q->n >= 2 ? q->p[0] : NULL, &only))
			return true; /* nothing to list either way */
		return features_fentry();
	case NEED_NOTHING:
		break;
	}
	return true;
}

/* Lists what q matches, sorted; returns how many providers it named. */
static int run_query(const struct prov_query *q, bool verbose, FILE *out)
{
	prov_entry_vec v = { 0 };
	int nprov = 0;
	for (int i = PROV_NONE + 1; i < PROV__COUNT; i++) {
		const struct prov_ops *p = prov_get(i);
		if (!selects(q, p))
			continue;
		nprov++;
		if (attachable(q, p))
			p->list(q, p, &v);
	}
	if (v.n)
		qsort(v.v, v.n, sizeof(*v.v), cmp_entry);
	for (int i = 0; i < v.n; i++) {
		const struct prov_ops *p = prov_get(v.v[i].prov);
		if (i && !strcmp(v.v[i].name, v.v[i - 1].name))
			continue;
		fprintf(out, "%s\n", v.v[i].name);
		if (verbose && p && p->list_args)
			p->list_args(&v.v[i], out);
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
		/* BPFTRACE_BTF's file alone, or the kernel's and its
		 * modules' */
		const char *path = btf_vmlinux_path();
		vml = path ? btf__parse(path, NULL)
		      : btf_kernel_available() ? btf__load_vmlinux_btf()
					       : NULL;
		if (vml && !path) {
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
				    "(/sys/kernel/btf/vmlinux, or a file named "
				    "by BPFTRACE_BTF)", kw);
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
	struct prov_query q = { 0 };
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

/* The query an attach point (parsed by probes_parse) stands for; false
 * when the attach point is printed as written instead. */
static bool ap_query(const struct attach_point *ap, struct prov_query *q)
{
	const struct prov_ops *p = prov_of(ap);
	memset(q, 0, sizeof(*q));
	q->prov = probes_provider_name(ap->prov);
	q->pid = list_pid;
	q->n = p && p->list_parts ? p->list_parts(ap, q->p) : 0;
	return q->n >= 0;
}

int list_program(const struct source *src, const struct tt_config *cfg)
{
	static struct tt_config c; /* prov_common.c keeps the pointer */
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
			struct prov_query q;
			if (ap_query(ap, &q))
				run_query(&q, verbose, stdout);
			else
				printf("%s\n", ap->raw);
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
	static struct tt_config c; /* prov_common.c keeps the pointer */
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
