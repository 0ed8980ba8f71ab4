/* attach_timer.c — the runtime half of interval and profile
 * (prov_timer.c is the front half): a software cpu-clock perf event,
 * interval's on one CPU, profile's on every CPU; with -p PID both follow
 * that process instead (its CPU time).  Programs of one timer
 * run in attach order. */
#include <errno.h>
#include <string.h>

#include <linux/perf_event.h>

#include "hook.h"
#include "probes.h"
#include "prov_runtime.h"

/* Nanoseconds of an interval/profile period: unit in ap->target. */
static int period_ns(const struct attach_point *ap, uint64_t *ns, bool *hz)
{
	const char *u = ap->target ? ap->target : "";
	uint64_t mult;

	*hz = false;
	if (!strcmp(u, "s") || !strcmp(u, "sec")) mult = 1000000000ull;
	else if (!strcmp(u, "ms")) mult = 1000000ull;
	else if (!strcmp(u, "us")) mult = 1000ull;
	else if (!strcmp(u, "ns")) mult = 1ull;
	else if (!strcmp(u, "hz")) { *hz = true; mult = 1; }
	else return -EINVAL;
	if (ap->freq == 0)
		return -EINVAL;
	*ns = *hz ? 1000000000ull / ap->freq : ap->freq * mult;
	if (*ns == 0)
		*ns = 1;
	return 0;
}

static int interval_attach(struct tt_prog *p, struct tt_probe *pr)
{
	uint64_t ns;
	bool hz;

	if (period_ns(pr->ap, &ns, &hz) < 0) {
		fprintf(stderr, "ERROR: %s: bad interval\n", pr->name);
		return -EINVAL;
	}
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.config = PERF_COUNT_SW_CPU_CLOCK,
		.sample_period = ns,
	};
	/* -p: a timer of that process's CPU time (bpftrace.adoc: interval
	   probes are "attached to only this process"); else one timer on
	   one CPU */
	if (p->cfg.pid > 0)
		return hook_perf_task_or_cpus(pr, &attr, p->cfg.pid);
	return hook_perf_open(pr, &attr, 0);
}

static int profile_attach(struct tt_prog *p, struct tt_probe *pr)
{
	uint64_t ns;
	bool hz;

	if (period_ns(pr->ap, &ns, &hz) < 0) {
		fprintf(stderr, "ERROR: %s: bad profile rate\n", pr->name);
		return -EINVAL;
	}
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.config = PERF_COUNT_SW_CPU_CLOCK,
	};
	if (hz) {
		attr.freq = 1;
		attr.sample_freq = pr->ap->freq;
	} else {
		attr.sample_period = ns;
	}
	return hook_perf_task_or_cpus(pr, &attr, p->cfg.pid); /* -p */
}

const struct prov_runtime prov_profile_rt = {
	.run = RUN_ATTACHED,
	.attach = profile_attach,
	.newest_first = false,
};

const struct prov_runtime prov_interval_rt = {
	.run = RUN_ATTACHED,
	.attach = interval_attach,
	.newest_first = false,
};
