/* prov_perf.c — software:EVENT[:COUNT] (s:) and hardware:EVENT[:COUNT]
 * (h:): perf counters, bpftrace's event names, aliases and default counts.
 *
 * The program (BPF_PROG_TYPE_PERF_EVENT, whose bpf_perf_event_data
 * starts with struct pt_regs) runs every COUNT events, on every CPU.  The
 * kernel runs the programs of one software event newest first; hardware
 * events are counted per attached event, in attach order. */
#include <errno.h>
#include <fnmatch.h>
#include <string.h>

#include <linux/bpf.h>
#include <linux/perf_event.h>

#include "probes.h"

static const struct perf_ev perf_events[] = {
	{ PERF_TYPE_SOFTWARE, "cpu-clock", "cpu", PERF_COUNT_SW_CPU_CLOCK, 1000000 },
	{ PERF_TYPE_SOFTWARE, "task-clock", NULL, PERF_COUNT_SW_TASK_CLOCK, 1000000 },
	{ PERF_TYPE_SOFTWARE, "page-faults", "faults", PERF_COUNT_SW_PAGE_FAULTS, 100 },
	{ PERF_TYPE_SOFTWARE, "context-switches", "cs", PERF_COUNT_SW_CONTEXT_SWITCHES, 1000 },
	{ PERF_TYPE_SOFTWARE, "cpu-migrations", NULL, PERF_COUNT_SW_CPU_MIGRATIONS, 1 },
	{ PERF_TYPE_SOFTWARE, "minor-faults", NULL, PERF_COUNT_SW_PAGE_FAULTS_MIN, 100 },
	{ PERF_TYPE_SOFTWARE, "major-faults", NULL, PERF_COUNT_SW_PAGE_FAULTS_MAJ, 1 },
	{ PERF_TYPE_SOFTWARE, "alignment-faults", NULL, PERF_COUNT_SW_ALIGNMENT_FAULTS, 1 },
	{ PERF_TYPE_SOFTWARE, "emulation-faults", NULL, PERF_COUNT_SW_EMULATION_FAULTS, 1 },
	{ PERF_TYPE_SOFTWARE, "dummy", NULL, PERF_COUNT_SW_DUMMY, 1 },
	{ PERF_TYPE_SOFTWARE, "bpf-output", NULL, PERF_COUNT_SW_BPF_OUTPUT, 1 },
	{ PERF_TYPE_HARDWARE, "cpu-cycles", "cycles", PERF_COUNT_HW_CPU_CYCLES, 1000000 },
	{ PERF_TYPE_HARDWARE, "instructions", NULL, PERF_COUNT_HW_INSTRUCTIONS, 1000000 },
	{ PERF_TYPE_HARDWARE, "cache-references", NULL, PERF_COUNT_HW_CACHE_REFERENCES, 1000000 },
	{ PERF_TYPE_HARDWARE, "cache-misses", NULL, PERF_COUNT_HW_CACHE_MISSES, 1000000 },
	{ PERF_TYPE_HARDWARE, "branch-instructions", "branches", PERF_COUNT_HW_BRANCH_INSTRUCTIONS, 100000 },
	{ PERF_TYPE_HARDWARE, "branch-misses", NULL, PERF_COUNT_HW_BRANCH_MISSES, 100000 },
	{ PERF_TYPE_HARDWARE, "bus-cycles", NULL, PERF_COUNT_HW_BUS_CYCLES, 100000 },
	{ PERF_TYPE_HARDWARE, "frontend-stalls", NULL, PERF_COUNT_HW_STALLED_CYCLES_FRONTEND, 1000000 },
	{ PERF_TYPE_HARDWARE, "backend-stalls", NULL, PERF_COUNT_HW_STALLED_CYCLES_BACKEND, 1000000 },
	{ PERF_TYPE_HARDWARE, "ref-cycles", NULL, PERF_COUNT_HW_REF_CPU_CYCLES, 1000000 },
};

static uint32_t perf_type(enum provider prov)
{
	return prov == PROV_HARDWARE ? PERF_TYPE_HARDWARE : PERF_TYPE_SOFTWARE;
}

const struct perf_ev *prov_perf_event(enum provider prov, const char *name)
{
	for (size_t i = 0; name && i < ARRAY_SIZE(perf_events); i++) {
		const struct perf_ev *e = &perf_events[i];
		if (e->type == perf_type(prov) &&
		    (!strcmp(name, e->name) ||
		     (e->alias && !strcmp(name, e->alias))))
			return e;
	}
	return NULL;
}

static int perf_parse(struct attach_point *ap, char **parts, int n)
{
	if (n != 2 && n != 3)
		return prov_nargs_error(ap, "1 or 2 arguments");
	ap->target = parts[1];
	if (!prov_has_wildcard(parts[1]) && !prov_perf_event(ap->prov, parts[1])) {
		diag_error(&ap->loc, "%s is not a %s probe", parts[1],
			   probes_provider_name(ap->prov));
		return -1;
	}
	/* software:EVENT: (an empty count): the event's default */
	if (n == 3 && *parts[2] && strcmp(parts[2], "*") &&
	    !prov_parse_u64(parts[2], &ap->freq)) {
		diag_error(&ap->loc, "Found trailing non-numeric characters: %s",
			   parts[2]);
		return -1;
	}
	return 0;
}

/* -l: "software:NAME:" for every name and alias */
static void perf_list(const struct prov_query *q, const struct prov_ops *p,
		      prov_entry_vec *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(perf_events); i++) {
		const struct perf_ev *e = &perf_events[i];
		const char *names[2] = { e->name, e->alias };
		if (e->type != perf_type(p->id))
			continue;
		for (int k = 0; k < 2; k++)
			if (names[k] &&
			    !fnmatch(prov_query_part(q, 0), names[k], 0))
				prov_list_add(out, q, p->id,
					      tt_sprintf("%s:%s:", p->name,
							 names[k]),
					      NULL, names[k]);
	}
}

static int perf_list_parts(const struct attach_point *ap, const char **parts)
{
	parts[0] = ap->target;
	return 1;
}

const struct prov_ops prov_software = {
	.id = PROV_SOFTWARE,
	.name = "software",
	.aliases = "software s",
	.flags = PF_PTREGS,
	.parse = perf_parse,
	.list = perf_list,
	.listed = true,
	.list_parts = perf_list_parts,
	.prog_type = BPF_PROG_TYPE_PERF_EVENT,
};

const struct prov_ops prov_hardware = {
	.id = PROV_HARDWARE,
	.name = "hardware",
	.aliases = "hardware h",
	.flags = PF_PTREGS,
	.parse = perf_parse,
	.list = perf_list,
	.listed = true,
	.list_parts = perf_list_parts,
	.prog_type = BPF_PROG_TYPE_PERF_EVENT,
};
