/* probes.c — attach points: the raw text as written -> provider and fields
 * (probes_parse), wildcards -> concrete attach points (probes_expand).
 *
 * The probe types themselves are providers (provider.h), one file per
 * family (src/prov_*.c); this file holds their table, the lookups that
 * replace switches on the provider, and the helpers they share (splitting
 * and numbers, copies of attach points, missing matches, tracefs, the
 * -p/--unsafe settings). */
#include "probes.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <linux/bpf.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "prog.h"
#include "tracefs.h"

/* ---- the table ------------------------------------------------------------ */

#define PROV_ROW_(E, n) [PROV_##E] = &prov_##n,
static const struct prov_ops *const providers[PROV__COUNT] = {
	PROVIDERS(PROV_ROW_)
};
#undef PROV_ROW_

const struct prov_ops *prov_get(enum provider id)
{
	return id > PROV_NONE && id < PROV__COUNT ? providers[id] : NULL;
}

const struct prov_ops *prov_of(const struct attach_point *ap)
{
	return ap ? prov_get(ap->prov) : NULL;
}

bool prov_has(const struct attach_point *ap, unsigned f)
{
	const struct prov_ops *p = prov_of(ap);
	return p && (p->flags & f);
}

/* BEGIN/END are case-sensitive spellings of their own; every other
 * provider name is matched case-insensitively, except the one-letter
 * aliases u/U (uprobe/usdt), which differ only in case. */
bool prov_is_alias(const struct prov_ops *p, const char *s)
{
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

const struct prov_ops *prov_lookup(const char *s)
{
	for (int i = PROV_NONE + 1; i < PROV__COUNT; i++)
		if (prov_is_alias(providers[i], s))
			return providers[i];
	return NULL;
}

const char *probes_provider_name(enum provider p)
{
	const struct prov_ops *pi = prov_get(p);
	return pi ? pi->name : "none";
}

uint32_t probes_prog_type(enum provider p)
{
	const struct prov_ops *pi = prov_get(p);
	return pi ? pi->prog_type : BPF_PROG_TYPE_UNSPEC;
}

/* ---- parsing ---------------------------------------------------------------- */

/* Split the raw text on ':' outside double quotes; quotes are removed
 * and \x inside quotes is x. */
static int split_parts(const char *raw, char **parts, int max)
{
	int n = 0;
	struct strbuf cur = { 0 };
	sb_puts(&cur, "");
	bool inq = false;
	for (const char *p = raw;; p++) {
		if (!*p || (*p == ':' && !inq)) {
			if (n < max)
				parts[n] = tt_strdup(cur.s);
			n++;
			cur.len = 0;
			cur.s[0] = 0;
			if (!*p)
				break;
		} else if (*p == '"') {
			inq = !inq;
		} else if (inq && *p == '\\' && p[1]) {
			sb_putc(&cur, *++p);
		} else {
			sb_putc(&cur, *p);
		}
	}
	sb_free(&cur);
	return n;
}

int probes_parse(struct attach_point *ap)
{
	char *parts[8];
	int n = split_parts(ap->raw, parts, 8);
	if (n > 8)
		n = 8;
	if (n == 0 || !parts[0][0]) {
		diag_error(&ap->loc, "Invalid attachpoint definition");
		return -1;
	}
	const struct prov_ops *p = prov_lookup(parts[0]);
	if (!p) {
		diag_error(&ap->loc, "Invalid probe type: %s", parts[0]);
		return -1;
	}
	ap->prov = p->id;
	if (p->parse(ap, parts, n) < 0)
		return -1;
	ap->wildcard = prov_has_wildcard(ap->func) ||
		       prov_has_wildcard(ap->target) ||
		       prov_has_wildcard(ap->ns);
	return 0;
}

int probes_expand(struct attach_point *ap, struct ap_vec *out)
{
	const struct prov_ops *p = prov_of(ap);
	if (p && p->expand)
		return p->expand(ap, out);
	if (ap->wildcard) {
		diag_error(&ap->loc, "wildcards in %s probes are not supported "
				     "yet", probes_provider_name(ap->prov));
		return -1;
	}
	vec_push(out, ap);
	return 0;
}

const char *probes_ap_name(const struct attach_point *ap)
{
	const struct prov_ops *p = prov_of(ap);
	return p && p->ap_name ? p->ap_name(ap) : ap->raw;
}

/* ---- helpers for the providers ---------------------------------------------- */

bool prov_has_wildcard(const char *s)
{
	return s && (strchr(s, '*') || strchr(s, '?') || strchr(s, '['));
}

bool prov_parse_u64(const char *s, uint64_t *out)
{
	if (!s || !*s)
		return false;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

int prov_parse_func_offset(struct attach_point *ap, const char *s,
			   bool allow_offset)
{
	const char *plus = strchr(s, '+');
	if (!plus) {
		ap->func = s;
		return 0;
	}
	if (!allow_offset) {
		diag_error(&ap->loc, "Offset not allowed");
		return -1;
	}
	if (strchr(plus + 1, '+')) {
		diag_error(&ap->loc, "Cannot take more than one offset");
		return -1;
	}
	ap->func = tt_strndup(s, plus - s);
	if (!prov_parse_u64(plus + 1, &ap->offset)) {
		diag_error(&ap->loc, "Found trailing non-numeric characters: %s",
			   plus + 1);
		return -1;
	}
	return 0;
}

int prov_nargs_error(struct attach_point *ap, const char *what)
{
	diag_error(&ap->loc, "%s probe type requires %s",
		   probes_provider_name(ap->prov), what);
	return -1;
}

struct attach_point *prov_ap_copy(const struct attach_point *ap)
{
	struct attach_point *c = tt_alloc(sizeof(*c));
	*c = *ap;
	c->args_type = NULL;
	c->wildcard = false;
	return c;
}

static const struct tt_config *user_cfg;

void probes_set_config(const struct tt_config *cfg)
{
	user_cfg = cfg;
}

int prov_cfg_pid(void)
{
	return user_cfg && user_cfg->pid > 0 ? user_cfg->pid : 0;
}

bool prov_cfg_unsafe(void)
{
	return user_cfg && user_cfg->unsafe;
}

int prov_no_match(struct attach_point *ap, const char *what)
{
	const char *m = user_cfg ? user_cfg->missing_probes : NULL;
	if (m && !strcmp(m, "ignore"))
		return 0;
	if (m && !strcmp(m, "warn")) {
		diag_warning(&ap->loc, "No matches for %s. Skipping.", what);
		return 0;
	}
	diag_error(&ap->loc, "No matches for %s.", what);
	return -1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int prov_list_dirs(const char *dir, const char *pattern, char ***out)
{
	DIR *d = opendir(dir);
	VEC(char *) names = { 0 };
	if (d) {
		struct dirent *de;
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			if (fnmatch(pattern, de->d_name, 0))
				continue;
			vec_push(&names, tt_strdup(de->d_name));
		}
		closedir(d);
	}
	if (names.n)
		qsort(names.v, names.n, sizeof(char *), cmp_str);
	char **arr = tt_alloc(sizeof(char *) * (names.n + 1));
	for (int i = 0; i < names.n; i++)
		arr[i] = names.v[i];
	int n = names.n;
	vec_free(&names);
	*out = arr;
	return n;
}

static const char *tracefs_root_override;

void probes_set_tracefs_root(const char *dir)
{
	tracefs_root_override = dir;
}

const char *prov_tracefs(void)
{
	return tracefs_root_override ? tracefs_root_override : tracefs_path();
}

char *prov_read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	struct strbuf b = { 0 };
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sb_putn(&b, buf, n);
	fclose(f);
	char *s = tt_strdup(b.s ? b.s : "");
	sb_free(&b);
	return s;
}

char *prov_cache_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(xmalloc(n), s, n);
}

void prov_list_add(prov_entry_vec *v, const struct prov_query *q,
		   enum provider prov, const char *name, const char *mod,
		   const char *fn)
{
	if (q->filter && fnmatch(q->filter, name, 0))
		return;
	struct prov_entry e = { name, prov, mod, fn };
	vec_push(v, e);
}

int prov_list_parts_modfunc(const struct attach_point *ap, const char **parts)
{
	int n = 0;
	if (ap->target && *ap->target)
		parts[n++] = ap->target;
	parts[n++] = ap->func;
	return n;
}

bool prov_btf_module(const char *mod, const char **only)
{
	/* a module named without wildcards: read only its BTF, if it has */
	*only = mod && !prov_has_wildcard(mod) ? mod : NULL;
	return !*only || !strcmp(*only, "vmlinux") ||
	       access(tt_sprintf("/sys/kernel/btf/%s", *only), F_OK) == 0;
}
