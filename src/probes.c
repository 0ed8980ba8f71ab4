/* probes.c — attach points: the raw text as written -> provider and fields
 * (probes_parse), wildcards -> concrete attach points (probes_expand).
 *
 * The probe types themselves are providers (provider.h), one front file
 * per family (src/prov_*.c); this file holds their table and the lookups
 * that replace switches on the provider, and calls the providers' hooks.
 * What the providers share is prov_common.c, below them: they never call
 * back into this file. */
#include <string.h>
#include <strings.h>

#include <linux/bpf.h>

#include "probes.h"
#include "types.h"

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

uint32_t probes_prog_type(enum provider p)
{
	const struct prov_ops *pi = prov_get(p);
	return pi ? pi->prog_type : BPF_PROG_TYPE_UNSPEC;
}

uint32_t probes_ap_prog_type(const struct attach_point *ap)
{
	const struct prov_ops *pi = ap ? prov_get(ap->prov) : NULL;
	if (pi && pi->load_prog_type)
		return pi->load_prog_type(ap);
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

void probes_merge(const struct attach_point *spec, struct ap_vec *out)
{
	const struct prov_ops *p = prov_of(spec);
	if (p && p->merge && out->n > 1)
		p->merge(spec, out);
}

struct type *probes_args_value(struct attach_point *ap)
{
	const struct type *c = ap->args_type;
	if (!c || ap->args_value)
		return ap->args_value;
	struct type *t = type_struct(c->name, false);
	for (int i = 0; i < c->fields.n; i++)
		type_add_field(t, c->fields.v[i].name, c->fields.v[i].type, -1);
	return ap->args_value = t;
}

const char *probes_ap_name(const struct attach_point *ap)
{
	const struct prov_ops *p = prov_of(ap);
	return p && p->ap_name ? p->ap_name(ap) : ap->raw;
}
