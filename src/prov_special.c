/* prov_special.c — begin, end (BEGIN, END), self:signal:SIGUSR1,
 * bench:NAME and test:NAME.
 *
 * None of them is attached to a kernel hook: BEGIN and END are raw
 * tracepoint programs the runtime runs once each with BPF_PROG_TEST_RUN,
 * BEGIN before the other probes are attached and END after they are
 * detached; self:signal:SIGUSR1 runs the same way whenever the signal
 * arrives (doc/design-notes.md, "BEGIN and END"); with --mode bench each
 * bench:NAME runs many times in a row, after BEGIN, and is timed; with
 * --test each test:NAME runs once, after BEGIN, and passes or fails. */
#include <linux/bpf.h>

#include "probes.h"

static int special_parse(struct attach_point *ap, char **parts, int n)
{
	return n == 1 ? 0 : prov_nargs_error(ap, "0 arguments");
}

static const char *special_name(const struct attach_point *ap)
{
	return probes_provider_name(ap->prov);
}

/* -l begin, -l end: the provider's own name */
static void special_list(const struct prov_query *q, const struct prov_ops *p,
			 prov_entry_vec *out)
{
	prov_list_add(out, q, p->id, p->name, NULL, NULL);
}

const struct prov_ops prov_begin = {
	.id = PROV_BEGIN,
	.name = "begin",
	.aliases = "begin BEGIN",
	.flags = PF_SPECIAL,
	.parse = special_parse,
	.ap_name = special_name,
	.list = special_list,
	.prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT,
};

const struct prov_ops prov_end = {
	.id = PROV_END,
	.name = "end",
	.aliases = "end END",
	.flags = PF_SPECIAL,
	.parse = special_parse,
	.ap_name = special_name,
	.list = special_list,
	.prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT,
};

/* self:signal:SIGUSR1 */
static int self_parse(struct attach_point *ap, char **parts, int n)
{
	if (n != 3)
		return prov_nargs_error(ap, "2 arguments");
	ap->target = parts[1];
	ap->func = parts[2];
	return 0;
}

/* -l PROGRAM prints it as written */
static int self_list_parts(const struct attach_point *ap, const char **parts)
{
	return -1;
}

const struct prov_ops prov_self = {
	.id = PROV_SELF,
	.name = "self",
	.aliases = "self",
	.parse = self_parse,
	.list_parts = self_list_parts,
	.prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT,
};

/* bench:NAME */
static int bench_parse(struct attach_point *ap, char **parts, int n)
{
	if (n != 2 || !*parts[1])
		return prov_nargs_error(ap, "1 argument");
	ap->func = parts[1];
	return 0;
}

static const char *bench_name(const struct attach_point *ap)
{
	return tt_sprintf("bench:%s", ap->func);
}

const struct prov_ops prov_bench = {
	.id = PROV_BENCH,
	.name = "bench",
	.aliases = "bench",
	.flags = PF_SPECIAL,
	.parse = bench_parse,
	.ap_name = bench_name,
	.list_parts = self_list_parts,
	.prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT,
};

/* test:NAME */
static const char *test_name(const struct attach_point *ap)
{
	return tt_sprintf("test:%s", ap->func);
}

const struct prov_ops prov_test = {
	.id = PROV_TEST,
	.name = "test",
	.aliases = "test",
	.flags = PF_SPECIAL,
	.parse = bench_parse,
	.ap_name = test_name,
	.list_parts = self_list_parts,
	.prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT,
};
