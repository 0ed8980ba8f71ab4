/* attach_perf.c — the runtime half of software and hardware
 * (prov_perf.c is the front half, with the table of events): one perf
 * counter per online CPU.  Software events run the newest program first,
 * hardware events in attach order. */
#include <errno.h>
#include <string.h>

#include <linux/perf_event.h>

#include "hook.h"
#include "probes.h"
#include "prov_runtime.h"

static int perf_attach(struct tt_prog *p, struct tt_probe *pr)
{
	const struct attach_point *ap = pr->ap;
	/* the event name is in target or func depending on how it was
	   written; accept either */
	const char *ev = ap->target && *ap->target ? ap->target : ap->func;
	const struct perf_ev *e = prov_perf_event(ap->prov, ev);

	if (!e) {
		fprintf(stderr, "ERROR: %s: unknown %s event '%s'\n", pr->name,
			probes_provider_name(ap->prov), ev ? ev : "");
		return -EINVAL;
	}
	struct perf_event_attr attr = {
		.type = e->type,
		.config = e->config,
		.sample_period = ap->freq ? ap->freq : e->count,
	};
	int err = hook_perf_task_or_cpus(pr, &attr, p->cfg.pid); /* -p */
	/* attach_probe() says nothing for these two */
	if (err == -ENOENT || err == -EINVAL)
		fprintf(stderr, "ERROR: Unable to attach probe: %s: the kernel "
			"refused the %s event (%s)\n", pr->name,
			probes_provider_name(ap->prov), strerror(-err));
	return err;
}

static bool software_newest_first(const struct tt_probe *pr)
{
	const struct attach_point *ap = pr->ap;
	const char *ev = ap->target && *ap->target ? ap->target : ap->func;
	const struct perf_ev *e = prov_perf_event(ap->prov, ev);
	return !e || (e->config != PERF_COUNT_SW_CPU_CLOCK &&
		      e->config != PERF_COUNT_SW_TASK_CLOCK);
}

const struct prov_runtime prov_software_rt = {
	.run = RUN_ATTACHED,
	.attach = perf_attach,
	.newest_first = true,
	.newest_first_of = software_newest_first,
};

const struct prov_runtime prov_hardware_rt = {
	.run = RUN_ATTACHED,
	.attach = perf_attach,
	.newest_first = false,
};
