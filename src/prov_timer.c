/* prov_timer.c — interval:UNIT:N (i:) and profile:UNIT:N (p:), also
 * written interval:Ns / profile:99hz, and interval:N (N nanoseconds);
 * UNIT is s, ms, us, hz (and ns for profile).
 *
 * Both are software cpu-clock perf events (BPF_PROG_TYPE_PERF_EVENT):
 * interval one timer on one CPU, profile one sampler on every CPU.  The
 * kernel runs the programs of one timer in attach order. */
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <string.h>

#include <linux/bpf.h>
#include <linux/perf_event.h>

#include "probes.h"

/* interval:UNIT:N, profile:UNIT:N, also interval:Ns / interval:100ms. */
static int timer_parse(struct attach_point *ap, char **parts, int n)
{
	static const char *const units[] = { "s", "ms", "us", "hz", "ns" };
	const char *unit, *count;
	char *split = NULL;
	bool bare = false;
	if (n == 2) {
		const char *p = parts[1];
		while (isdigit((unsigned char)*p))
			p++;
		if (p == parts[1])
			return prov_nargs_error(ap, "2 arguments");
		/* interval:1000000000: a count without a unit is in
		   nanoseconds (language.md) */
		bare = !*p;
		split = tt_strndup(parts[1], p - parts[1]);
		count = split;
		unit = bare ? "ns" : p;
	} else if (n == 3) {
		unit = parts[1];
		count = parts[2];
	} else {
		return prov_nargs_error(ap, "2 arguments");
	}
	bool ok = false;
	for (size_t i = 0; i < ARRAY_SIZE(units); i++)
		if (!strcmp(unit, units[i]))
			ok = true;
	if (!ok || (ap->prov == PROV_INTERVAL && !bare &&
		    !strcmp(unit, "ns"))) {
		diag_error(&ap->loc, "%s is not an accepted unit of time", unit);
		return -1;
	}
	ap->target = unit;
	if (!prov_parse_u64(count, &ap->freq)) {
		diag_error(&ap->loc, "Found trailing non-numeric characters: %s",
			   count);
		return -1;
	}
	if (ap->freq == 0) {
		diag_error(&ap->loc, "%s frequency should be a positive integer",
			   probes_provider_name(ap->prov));
		return -1;
	}
	return 0;
}

static const char *timer_name(const struct attach_point *ap)
{
	return tt_sprintf("%s:%s:%llu", probes_provider_name(ap->prov),
			  ap->target, (unsigned long long)ap->freq);
}

/* -l: "interval:UNIT:" */
static void timer_list(const struct prov_query *q, const struct prov_ops *p,
		       prov_entry_vec *out)
{
	static const char *const units[] = { "hz", "us", "ms", "s" };
	for (size_t i = 0; i < ARRAY_SIZE(units); i++)
		if (!fnmatch(prov_query_part(q, 0), units[i], 0))
			prov_list_add(out, q, p->id,
				      tt_sprintf("%s:%s:", p->name, units[i]),
				      NULL, units[i]);
}

static int timer_list_parts(const struct attach_point *ap, const char **parts)
{
	parts[0] = ap->target;
	return 1;
}

const struct prov_ops prov_profile = {
	.id = PROV_PROFILE,
	.name = "profile",
	.aliases = "profile p",
	.flags = PF_PTREGS | PF_REG,
	.parse = timer_parse,
	.ap_name = timer_name,
	.list = timer_list,
	.listed = true,
	.list_parts = timer_list_parts,
	.prog_type = BPF_PROG_TYPE_PERF_EVENT,
};

const struct prov_ops prov_interval = {
	.id = PROV_INTERVAL,
	.name = "interval",
	.aliases = "interval i",
	.flags = PF_PTREGS,
	.parse = timer_parse,
	.ap_name = timer_name,
	.list = timer_list,
	.listed = true,
	.list_parts = timer_list_parts,
	.prog_type = BPF_PROG_TYPE_PERF_EVENT,
};
