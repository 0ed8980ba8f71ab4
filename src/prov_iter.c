/* prov_iter.c — iter:NAME[:PIN] (it:): a BPF iterator over kernel objects
 * (iter:task, iter:task_vma, ...).
 *
 * The program (BPF_PROG_TYPE_TRACING, attach type BPF_TRACE_ITER, named by
 * the BTF id of bpf_iter_NAME) gets a struct bpf_iter__NAME * as ctx; it
 * runs once per object and once more with a NULL object at the end, so
 * sema guards the body.  Attached as an iterator link that the runtime
 * reads once, in script order (attach_iter_fd); NAMEs are listed from the
 * bpf_iter_NAME functions of kernel BTF. */
#include <fnmatch.h>
#include <string.h>

#include <linux/bpf.h>

#include "btf.h"
#include "probes.h"

static int iter_parse(struct attach_point *ap, char **parts, int n)
{
	if (n != 2 && n != 3)
		return prov_nargs_error(ap, "1 or 2 arguments");
	ap->func = parts[1];
	if (n == 3)
		ap->target = parts[2]; /* pin path */
	return 0;
}

/* iter:NAME is its own expansion, where the kernel has BTF */
static int iter_expand(struct attach_point *ap, struct ap_vec *out)
{
	if (prov_need_kernel_btf(ap, NULL) < 0)
		return -1;
	if (ap->wildcard) {
		diag_error(&ap->loc, "wildcards in iter probes are not "
				     "supported yet");
		return -1;
	}
	vec_push(out, ap);
	return 0;
}

struct iter_walk {
	const struct prov_query *q;
	const char *fn; /* pattern */
	prov_entry_vec *out;
};

static int iter_found(void *arg, const char *module, const char *name)
{
	struct iter_walk *w = arg;
	if (strncmp(name, "bpf_iter_", 9) || !name[9])
		return 0;
	name += 9;
	if (fnmatch(w->fn, name, 0) ||
	    !btf_has_type(tt_sprintf("struct bpf_iter__%s", name)))
		return 0;
	prov_list_add(w->out, w->q, PROV_ITER, tt_sprintf("iter:%s", name),
		      NULL, tt_strdup(name));
	return 0;
}

/* iter:NAME: a bpf_iter_NAME function with a struct bpf_iter__NAME
 * context. */
static void iter_list(const struct prov_query *q, const struct prov_ops *p,
		      prov_entry_vec *out)
{
	if (q->n > 1)
		return; /* iter:NAME:PIN is no name to list */
	struct iter_walk w = { q, prov_query_part(q, 0), out };
	btf_each_func("vmlinux", iter_found, &w);
}

/* -lv: the context fields after struct bpf_iter_meta *meta */
static void iter_list_args(const struct prov_entry *e, FILE *out)
{
	struct btf_fn f;
	if (btf_func_args("vmlinux", tt_sprintf("bpf_iter_%s", e->fn), &f) < 0)
		return;
	for (int i = 1; i < f.nargs; i++)
		fprintf(out, "    %s %s\n", f.args[i].ctext, f.args[i].name);
}

static int iter_list_parts(const struct attach_point *ap, const char **parts)
{
	parts[0] = ap->func;
	return 1;
}

const struct prov_ops prov_iter = {
	.id = PROV_ITER,
	.name = "iter",
	.aliases = "iter it",
	.parse = iter_parse,
	.expand = iter_expand,
	.list = iter_list,
	.listed = true,
	.list_args = iter_list_args,
	.list_parts = iter_list_parts,
	.prog_type = BPF_PROG_TYPE_TRACING,
	.attach_type = BPF_TRACE_ITER,
	.btf_func = "bpf_iter_%s",
	.ctx_struct = "struct bpf_iter__%s",
};
