/* prov_common.c — what the providers (src/prov_*.c) share: provider
 * names, numbers and [module:]func[+offset], copies of attach points,
 * missing matches, directory listings and tracefs, the -p/--unsafe
 * settings, the -l helpers.
 *
 * Below the providers: it reads no provider's ops (probes.c, above them,
 * holds the table), so a provider's hook and these helpers never form a
 * circle of calls. */
#include <dirent.h>
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <string.h>
#include <unistd.h>

#include "btf.h"
#include "probes.h"
#include "prog.h"
#include "tracefs.h"

/* ---- names ------------------------------------------------------------------ */

/* The canonical names, from PROVIDERS (each is its prov_ops' name). */
#define PROV_NAME_(E, n) [PROV_##E] = #n,
static const char *const names[PROV__COUNT] = {
	PROVIDERS(PROV_NAME_)
};
#undef PROV_NAME_

const char *probes_provider_name(enum provider p)
{
	return p > PROV_NONE && p < PROV__COUNT ? names[p] : "none";
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
	if (!isdigit((unsigned char)s[0]) || (s[0] == '0' && s[1])) {
		char *end;
		errno = 0;
		unsigned long long v = strtoull(s, &end, 0);
		if (errno || *end)
			return false;
		*out = v;
		return true;
	}
	/* decimal as the language writes it: 1_000_000, 1e6, 25e3 */
	uint64_t v = 0;
	for (; isdigit((unsigned char)*s) || *s == '_'; s++) {
		if (*s == '_') {
			if (!isdigit((unsigned char)s[1]))
				return false;
			continue;
		}
		if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if ((*s == 'e' || *s == 'E') && isdigit((unsigned char)s[1])) {
		unsigned e = 0;
		for (s++; isdigit((unsigned char)*s); s++)
			if ((e = e * 10 + (unsigned)(*s - '0')) > 20 && v)
				return false;
		for (; e > 0 && v; e--) {
			if (v > UINT64_MAX / 10)
				return false;
			v *= 10;
		}
	}
	if (*s)
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

bool prov_missing_tolerated(void)
{
	const char *m = user_cfg ? user_cfg->missing_probes : NULL;
	return m && (!strcmp(m, "warn") || !strcmp(m, "ignore"));
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

int prov_need_kernel_btf(struct attach_point *ap, const char *instead)
{
	if (btf_kernel_available())
		return 0;
	diag_error(&ap->loc, "%s probes need the kernel's own BTF "
			     "(/sys/kernel/btf/vmlinux, CONFIG_DEBUG_INFO_BTF), "
			     "which this kernel lacks%s%s",
		   probes_provider_name(ap->prov), instead ? "; " : "",
		   instead ? instead : "");
	return -1;
}

bool prov_btf_module(const char *mod, const char **only)
{
	/* a module named without wildcards: read only its BTF, if it has */
	*only = mod && !prov_has_wildcard(mod) ? mod : NULL;
	return !*only || !strcmp(*only, "vmlinux") ||
	       access(tt_sprintf("/sys/kernel/btf/%s", *only), F_OK) == 0;
}
