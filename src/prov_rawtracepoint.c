/* prov_rawtracepoint.c — rawtracepoint:[MODULE:]NAME (rt:).
 *
 * A raw tracepoint is named after its tracepoint (sys_exit is
 * raw_syscalls:sys_exit); with kernel BTF the btf_trace_<NAME> prototype
 * gives `args` (the arguments less the leading void *__data) and the
 * module, and wildcards match in either part.  The context is the
 * arguments' u64 slots: arg0, arg1, ... read them.  Attached with
 * BPF_RAW_TRACEPOINT_OPEN; the kernel runs the programs of one raw
 * tracepoint in attach order.  With kernel BTF the program is a TRACING
 * one (tp_btf) with typed arguments (rawtp_btf below). */
#include <errno.h>
#include <fnmatch.h>
#include <string.h>
#include <sys/stat.h>

#include <linux/bpf.h>

#include "btf.h"
#include "probes.h"

static int rawtp_parse(struct attach_point *ap, char **parts, int n)
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

/* Without BTF: does the tracepoint exist ([module:] names a loaded
 * module)? */
static bool rawtp_exists(const struct attach_point *ap)
{
	struct stat st;
	if (ap->target && *ap->target && strcmp(ap->target, "vmlinux") &&
	    stat(tt_sprintf("/sys/module/%s", ap->target), &st))
		return false;
	const char *root = prov_tracefs();
	if (!root)
		return true; /* cannot tell: attaching will */
	char **cats;
	int ncat = prov_list_dirs(tt_sprintf("%s/events", root), "*", &cats);
	for (int i = 0; i < ncat; i++)
		if (!stat(tt_sprintf("%s/events/%s/%s", root, cats[i], ap->func),
			  &st) && S_ISDIR(st.st_mode))
			return true;
	return false;
}

/* The `args` of a raw tracepoint from BTF (its arguments less the leading
 * void *__data); target becomes the module that has it. */
static int rawtp_proto(struct attach_point *ap, const char *mod)
{
	struct btf_fn f;
	int r = btf_tracepoint_args(mod, ap->func, &f);
	if (r < 0)
		return r;
	ap->args_type = btf_args_type(&f);
	ap->target = f.module;
	return 0;
}

struct rawtp_match {
	struct attach_point *ap;
	struct ap_vec *out;
	int found;
};

static int rawtp_each(void *arg, const char *module, const char *name)
{
	struct rawtp_match *m = arg;
	struct attach_point *ap = m->ap;
	const char *mod = ap->target && *ap->target ? ap->target : NULL;
	if (fnmatch(ap->func, name, 0) || (mod && fnmatch(mod, module, 0)))
		return 0;
	struct attach_point *c = prov_ap_copy(ap);
	c->func = tt_strdup(name);
	if (rawtp_proto(c, tt_strdup(module)) < 0)
		return 0;
	c->raw = tt_sprintf("rawtracepoint:%s:%s", c->target, c->func);
	vec_push(m->out, c);
	m->found++;
	return 0;
}

/* With BTF: each match (wildcards in either part) gets its `args` from
 * the btf_trace_<name> prototype. */
static int rawtp_expand_btf(struct attach_point *ap, struct ap_vec *out)
{
	const char *mod = ap->target && *ap->target ? ap->target : NULL;
	if (!ap->wildcard) {
		int r = rawtp_proto(ap, mod);
		if (r == 0) {
			vec_push(out, ap);
			return 0;
		}
		if (r != -ENOENT && r != -ENODATA)
			return r;
		if (mod)
			return prov_no_match(ap, tt_sprintf("rawtracepoint %s:%s",
							    mod, ap->func));
		diag_error(&ap->loc, "Probe has no valid attach points.");
		return -1;
	}
	struct rawtp_match m = { ap, out, 0 };
	btf_each_tracepoint(mod && !prov_has_wildcard(mod) ? mod : NULL,
			    rawtp_each, &m);
	if (m.found)
		return 0;
	if (mod)
		return prov_no_match(ap, tt_sprintf("rawtracepoint %s:%s", mod,
						    ap->func));
	/* no module is any module (*:name): a wildcard that found nothing */
	diag_error(&ap->loc, "Probe has no valid attach points.");
	return -1;
}

static int rawtp_expand(struct attach_point *ap, struct ap_vec *out)
{
	if (btf_available())
		return rawtp_expand_btf(ap, out);
	if (!ap->wildcard && !rawtp_exists(ap)) {
		bool mod = ap->target && *ap->target;
		diag_error(&ap->loc, "No matches for rawtracepoint %s%s%s.",
			   mod ? ap->target : "", mod ? ":" : "", ap->func);
		return -1;
	}
	if (ap->wildcard) {
		diag_error(&ap->loc, "wildcards in %s probes are not supported "
				     "yet", probes_provider_name(ap->prov));
		return -1;
	}
	vec_push(out, ap);
	return 0;
}

/* With kernel BTF, a tracepoint of the kernel itself is a TRACING program
 * attached as BPF_TRACE_RAW_TP (tp_btf, as bpftrace loads it): its
 * arguments are BTF-typed, so helpers that want a typed kernel pointer
 * (socket_cookie) take them.  A module's tracepoint or a kernel without
 * BTF: a RAW_TRACEPOINT program (the arguments untyped u64s). */
static bool rawtp_btf(const struct attach_point *ap)
{
	return ap->args_type && btf_kernel_available() &&
	       (!ap->target || !*ap->target || !strcmp(ap->target, "vmlinux"));
}

static uint32_t rawtp_prog_type(const struct attach_point *ap)
{
	return rawtp_btf(ap) ? BPF_PROG_TYPE_TRACING
			     : BPF_PROG_TYPE_RAW_TRACEPOINT;
}

static uint32_t rawtp_attach_type(const struct attach_point *ap)
{
	return rawtp_btf(ap) ? BPF_TRACE_RAW_TP : 0;
}

/* ---- -l ------------------------------------------------------------------------ */

struct rawtp_walk {
	const struct prov_query *q;
	const char *mod, *fn; /* patterns */
	prov_entry_vec *out;
};

static int rawtp_found(void *arg, const char *module, const char *name)
{
	struct rawtp_walk *w = arg;
	if ((!w->mod || !fnmatch(w->mod, module, 0)) &&
	    !fnmatch(w->fn, name, 0))
		prov_list_add(w->out, w->q, PROV_RAWTRACEPOINT,
			      tt_sprintf("rawtracepoint:%s:%s", module, name),
			      tt_strdup(module), tt_strdup(name));
	return 0;
}

/* rawtracepoint:MOD:TP from the btf_trace_TP typedefs; one part is a name
 * in any module. */
static void rawtp_list(const struct prov_query *q, const struct prov_ops *p,
		       prov_entry_vec *out)
{
	struct rawtp_walk w = { q, NULL, NULL, out };
	w.mod = q->n >= 2 ? q->p[0] : NULL;
	w.fn = q->n >= 2 ? q->p[1] : prov_query_part(q, 0);
	const char *only;
	if (!prov_btf_module(w.mod, &only))
		return;
	btf_each_tracepoint(only, rawtp_found, &w);
}

/* -lv: the arguments without the leading void *__data */
static void rawtp_list_args(const struct prov_entry *e, FILE *out)
{
	struct btf_fn f;
	if (btf_tracepoint_args(e->mod, e->fn, &f) < 0)
		return;
	for (int i = 0; i < f.nargs; i++)
		fprintf(out, "    %s %s\n", f.args[i].ctext, f.args[i].name);
}

const struct prov_ops prov_rawtracepoint = {
	.id = PROV_RAWTRACEPOINT,
	.name = "rawtracepoint",
	.aliases = "rawtracepoint rt",
	.flags = PF_PID_FILTER,
	.parse = rawtp_parse,
	.expand = rawtp_expand,
	.list = rawtp_list,
	.listed = true,
	.list_args = rawtp_list_args,
	.list_parts = prov_list_parts_modfunc,
	.prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT,
	.load_prog_type = rawtp_prog_type,
	.load_attach_type = rawtp_attach_type,
	.btf_func = "btf_trace_%s",
	.args = ARGS_SLOTS,
};
