/* prov_fentry.c — fentry:[MODULE:]FUNC (f:, kfunc:) and
 * fexit:[MODULE:]FUNC (fr:, kretfunc:).
 *
 * BPF trampolines: programs of type BPF_PROG_TYPE_TRACING that name their
 * function by kernel BTF id at load time.  Wildcards match the traceable
 * kernel functions (prov_kfuncs) that have a BTF prototype; the prototype
 * gives `args` (the context is the arguments' u64 slots) and, for fexit,
 * the type of `retval` (the slot after them).  The kernel runs the
 * programs of one trampoline most recently attached first. */
#include <errno.h>
#include <fnmatch.h>
#include <string.h>

#include <linux/bpf.h>

#include "btf.h"
#include "probes.h"

static int fentry_parse(struct attach_point *ap, char **parts, int n)
{
	if (n == 2) {
		ap->func = parts[1];
	} else if (n == 3) {
		ap->target = parts[1];
		ap->func = parts[2];
	} else {
		return prov_nargs_error(ap, "1 or 2 arguments");
	}
	return 0;
}

static const char *fentry_name(const struct attach_point *ap)
{
	return tt_sprintf("%s:%s:%s", probes_provider_name(ap->prov),
			  ap->target && *ap->target ? ap->target : "vmlinux",
			  ap->func);
}

/* The `args` struct and the return type from the function's BTF
 * prototype.  0, -ENOENT (no such function) or -ENODATA (no BTF). */
static int fentry_proto(struct attach_point *ap)
{
	struct btf_fn f;
	const char *mod = ap->target && *ap->target ? ap->target : NULL;
	int r = btf_func_args(mod, ap->func, &f);
	if (r < 0)
		return r;
	ap->args_type = btf_args_type(&f);
	ap->ret_type = f.ret;
	if (!mod)
		ap->target = f.module;
	return 0;
}

/* [module:]func, wildcards over the traceable functions that have a BTF
 * prototype; each gets its `args` type from BTF and target = its module. */
static int fentry_expand(struct attach_point *ap, struct ap_vec *out)
{
	const char *mod = ap->target && *ap->target ? ap->target : NULL;

	if (prov_need_kernel_btf(ap, ap->prov == PROV_FEXIT
					     ? "use kretprobe: instead"
					     : "use kprobe: instead") < 0)
		return -1;
	if (prov_kernel_module_check(ap, fentry_name) < 0)
		return -1;
	if (!ap->wildcard) {
		if (fentry_proto(ap) == -ENOENT)
			return prov_no_match(ap, prov_kernel_what(ap));
		/* -ENODATA: BPFTRACE_BTF names a file that is not
		 * there: no `args`, but the kernel's BTF loads it */
		vec_push(out, ap);
		return 0;
	}
	const struct kfunc *kf;
	int nkf = prov_kfuncs(&kf), found = 0;
	for (int i = 0; i < nkf; i++) {
		const struct kfunc *k = &kf[i];
		if (fnmatch(ap->func, k->name, 0) ||
		    (mod && fnmatch(mod, k->module, 0)))
			continue;
		struct attach_point *c = prov_ap_copy(ap);
		c->func = k->name;
		c->target = k->module;
		if (fentry_proto(c))
			continue; /* no BTF prototype: not attachable */
		c->raw = fentry_name(c);
		vec_push(out, c);
		found++;
	}
	if (!found)
		return prov_no_match(ap, prov_kernel_what(ap));
	return 0;
}

/* ---- -l ------------------------------------------------------------------------ */

struct fentry_walk {
	const struct prov_query *q;
	const struct prov_ops *p;
	const char *mod, *fn; /* patterns */
	prov_entry_vec *out;
};

static int fentry_found(void *arg, const char *module, const char *name)
{
	struct fentry_walk *w = arg;
	if ((!w->mod || !fnmatch(w->mod, module, 0)) &&
	    !fnmatch(w->fn, name, 0))
		prov_list_add(w->out, w->q, w->p->id,
			      tt_sprintf("%s:%s:%s", w->p->name, module, name),
			      tt_strdup(module), tt_strdup(name));
	return 0;
}

/* fentry:MOD:FUNC from the BTF functions; one part is a name in any
 * module. */
static void fentry_list(const struct prov_query *q, const struct prov_ops *p,
			prov_entry_vec *out)
{
	struct fentry_walk w = { q, p, NULL, NULL, out };
	w.mod = q->n >= 2 ? q->p[0] : NULL;
	w.fn = q->n >= 2 ? q->p[1] : prov_query_part(q, 0);
	const char *only;
	if (!prov_btf_module(w.mod, &only))
		return;
	btf_each_func(only, fentry_found, &w);
}

/* -lv: the arguments, then "TYPE retval" unless void */
static void fentry_list_args(const struct prov_entry *e, FILE *out)
{
	struct btf_fn f;
	if (btf_func_args(e->mod, e->fn, &f) < 0)
		return;
	for (int i = 0; i < f.nargs; i++)
		fprintf(out, "    %s %s\n", f.args[i].ctext, f.args[i].name);
	if (strcmp(f.ret_ctext, "void"))
		fprintf(out, "    %s retval\n", f.ret_ctext);
}

const struct prov_ops prov_fentry = {
	.id = PROV_FENTRY,
	.name = "fentry",
	.aliases = "fentry f kfunc",
	.flags = PF_PID_FILTER,
	.parse = fentry_parse,
	.expand = fentry_expand,
	.ap_name = fentry_name,
	.list = fentry_list,
	.kernel_need = NEED_FENTRY,
	.listed = true,
	.list_args = fentry_list_args,
	.list_parts = prov_list_parts_modfunc,
	.prog_type = BPF_PROG_TYPE_TRACING,
	.attach_type = BPF_TRACE_FENTRY,
	.btf_func = "%s",
	.func = FUNC_KSYM,
};

const struct prov_ops prov_fexit = {
	.id = PROV_FEXIT,
	.name = "fexit",
	.aliases = "fexit fr kretfunc",
	.flags = PF_PID_FILTER,
	.parse = fentry_parse,
	.expand = fentry_expand,
	.ap_name = fentry_name,
	.list = fentry_list,
	.kernel_need = NEED_FENTRY,
	.list_args = fentry_list_args,
	.list_parts = prov_list_parts_modfunc,
	.prog_type = BPF_PROG_TYPE_TRACING,
	.attach_type = BPF_TRACE_FEXIT,
	.btf_func = "%s",
	.retval = RETVAL_SLOT,
	.func = FUNC_KSYM,
};
