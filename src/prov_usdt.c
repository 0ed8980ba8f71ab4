/* prov_usdt.c — usdt:TARGET:[PROVIDER:]NAME (U:).
 *
 * USDT probes come from the .note.stapsdt notes of the files the target
 * names (found as uprobe targets are: prov_user_targets); one attach
 * point per provider:name, with all its locations in note order, each
 * with its semaphore.  arg0..arg11 follow the note's argument specs
 * (usdt.c).  Attached like uprobes (attach_usdt.c): one perf event
 * per location, the location's index as its BPF cookie, and with -c for
 * the command only.  Newest program first, as for uprobes. */
#include <string.h>

#include <linux/bpf.h>

#include "elf_syms.h"
#include "probes.h"

static int usdt_parse(struct attach_point *ap, char **parts, int n)
{
	if (n == 3) {
		ap->target = parts[1];
		ap->func = parts[2];
	} else if (n == 4) {
		ap->target = parts[1];
		ap->ns = parts[2];
		ap->func = parts[3];
	} else {
		return prov_nargs_error(ap, "2 or 3 arguments");
	}
	return 0;
}

/* The probe provider:name whose first note is j, with every location of
 * it in b (marked done). */
static struct attach_point *usdt_probe(struct attach_point *ap,
				       const struct utarget *t,
				       const struct elf_bin *b, int j,
				       bool *done)
{
	const struct usdt_note *n = &b->notes[j];
	int nlocs = 0;
	for (int k = j; k < b->nnotes; k++)
		if (!strcmp(b->notes[k].provider, n->provider) &&
		    !strcmp(b->notes[k].name, n->name))
			nlocs++;
	struct attach_point *c = prov_user_ap(ap, t, nlocs);
	c->ns = n->provider;
	c->func = n->name;
	c->raw = tt_sprintf("usdt:%s:%s:%s", t->display, n->provider, n->name);
	nlocs = 0;
	for (int k = j; k < b->nnotes; k++) {
		const struct usdt_note *m = &b->notes[k];
		if (strcmp(m->provider, n->provider) || strcmp(m->name, n->name))
			continue;
		done[k] = true;
		c->locs[nlocs].offset = m->pc_off;
		c->locs[nlocs].ref_ctr_offset = m->sema_off;
		c->locs[nlocs].note = m;
		nlocs++;
	}
	return c;
}

/* One attach point per provider:name, with all the locations of that
 * probe in the file (in note order). */
static int usdt_expand(struct attach_point *ap, struct ap_vec *out)
{
	utarget_vec tv = { 0 };
	if (prov_user_files(ap, &tv) < 0) {
		vec_free(&tv);
		return -1;
	}
	bool many = prov_user_many(ap, &tv);
	int found = 0;

	for (int i = 0; i < tv.n; i++) {
		const struct utarget *t = &tv.v[i];
		struct elf_bin *b;
		if (prov_open_target(ap, t, many, &b) < 0) {
			if (many)
				continue;
			vec_free(&tv);
			return -1;
		}
		bool *done = tt_alloc(b->nnotes + 1);
		for (int j = 0; j < b->nnotes; j++) {
			const struct usdt_note *n = &b->notes[j];
			if (done[j] || !prov_user_match(ap->ns, n->provider) ||
			    !prov_user_match(ap->func, n->name))
				continue;
			vec_push(out, usdt_probe(ap, t, b, j, done));
			found++;
		}
	}
	vec_free(&tv);
	if (!found)
		return prov_no_match(ap, tt_sprintf("usdt %s:%s%s%s",
						    ap->target ? ap->target : "",
						    ap->ns ? ap->ns : "",
						    ap->ns ? ":" : "",
						    ap->func ? ap->func : ""));
	return 0;
}

/* usdt:FILE[[:PROV]:NAME]: each provider:name of the files once */
static void usdt_list(const struct prov_query *q, const struct prov_ops *p,
		      prov_entry_vec *out)
{
	const char *ns = q->n >= 3 ? q->p[1] : NULL;
	const char *func = q->n >= 3 ? q->p[2] : q->n == 2 ? q->p[1] : "*";
	utarget_vec tv = { 0 };
	int nt = prov_user_list_files(q, PROV_USDT, &tv);
	for (int i = 0; i < nt; i++) {
		struct elf_bin *b;
		if (elf_bin_open(tv.v[i].path, &b) < 0)
			continue;
		for (int k = 0; k < b->nnotes; k++) {
			const struct usdt_note *n = &b->notes[k];
			if (!prov_user_match(ns, n->provider) ||
			    !prov_user_match(func, n->name))
				continue;
			bool seen = false;
			for (int j = 0; j < k && !seen; j++)
				seen = !strcmp(b->notes[j].provider,
					       n->provider) &&
				       !strcmp(b->notes[j].name, n->name);
			if (!seen)
				prov_list_add(out, q, p->id,
					      tt_sprintf("usdt:%s:%s:%s",
							 tv.v[i].display,
							 n->provider, n->name),
					      NULL, NULL);
		}
	}
	vec_free(&tv);
}

/* target[:provider]:name */
static int usdt_list_parts(const struct attach_point *ap, const char **parts)
{
	int n = 0;
	parts[n++] = ap->target;
	if (ap->ns)
		parts[n++] = ap->ns;
	parts[n++] = ap->func;
	return n;
}

const struct prov_ops prov_usdt = {
	.id = PROV_USDT,
	.name = "usdt",
	.aliases = "usdt U",
	.flags = PF_USER | PF_PTREGS | PF_REG | PF_IP_AT_PROBE,
	.parse = usdt_parse,
	.expand = usdt_expand,
	.list = usdt_list,
	.listed = true,
	.list_parts = usdt_list_parts,
	.load_attach_type = prov_uprobe_load_attach_type,
	.prog_type = BPF_PROG_TYPE_KPROBE,
	.args = ARGS_USDT,
};
