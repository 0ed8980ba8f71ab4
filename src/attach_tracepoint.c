/* attach_tracepoint.c — the runtime half of tracepoint
 * (prov_tracepoint.c is the front half): a perf event of type
 * PERF_TYPE_TRACEPOINT on one CPU, the event's id from tracefs.  Programs
 * of one tracepoint run in attach order. */
#include <errno.h>

#include <linux/perf_event.h>

#include "hook.h"
#include "probes.h"
#include "prov_runtime.h"
#include "tracefs.h"

static int tp_attach(struct tt_prog *p, struct tt_probe *pr)
{
	const struct attach_point *ap = pr->ap;
	int id = tracefs_tp_id(ap->target, ap->func);

	if (id < 0) {
		if (id == -ENOENT && tracefs_path())
			fprintf(stderr, "ERROR: tracepoint not found: %s:%s\n",
				ap->target, ap->func);
		return id;
	}
	struct perf_event_attr attr = {
		.type = PERF_TYPE_TRACEPOINT,
		.config = (uint64_t)id,
		.sample_period = 1,
		.sample_type = PERF_SAMPLE_RAW,
		.wakeup_events = 1,
	};
	/* the program hangs off the tracepoint itself: one CPU is enough */
	return hook_perf_open(pr, &attr, 0);
}

const struct prov_runtime prov_tracepoint_rt = {
	.run = RUN_ATTACHED,
	.attach = tp_attach,
};
