/* attach_kprobe.c — the runtime half of kprobe and kretprobe
 * (prov_kprobe.c is the front half): a perf event of the kprobe PMU on
 * one CPU.  Kprobes run the newest program first; kretprobes' return
 * handlers run in attach order. */
#include <errno.h>
#include <string.h>

#include <linux/perf_event.h>

#include "hook.h"
#include "probes.h"
#include "prov_runtime.h"

static int kprobe_attach(struct tt_prog *p, struct tt_probe *pr)
{
	const struct attach_point *ap = pr->ap;
	int retbit, type = hook_pmu_type("kprobe", &retbit);

	if (type < 0) {
		fprintf(stderr, "ERROR: %s: this kernel has no kprobe PMU "
			"(/sys/bus/event_source/devices/kprobe)\n", pr->name);
		return type;
	}
	struct perf_event_attr attr = { .type = (uint32_t)type };
	if (ap->prov == PROV_KRETPROBE)
		attr.config |= 1ull << retbit;
	if (ap->func && *ap->func) {
		attr.config1 = (uint64_t)(uintptr_t)ap->func;
		attr.config2 = ap->offset;
	} else {
		attr.config2 = ap->addr;
	}
	int err = hook_perf_open(pr, &attr, 0);
	if (err == -EILSEQ) /* the kernel's word for "not an instruction" */
		fprintf(stderr, "ERROR: Possible attachment attempt in the "
			"middle of an instruction, try a different offset.\n");
	else if (err == -ENOENT)
		fprintf(stderr, "ERROR: Unable to attach probe: %s: no "
			"such kernel function (%s)\n", pr->name,
			ap->func && *ap->func ? ap->func : "address");
	else if (err == -EINVAL)
		fprintf(stderr, "ERROR: Unable to attach probe: %s: the kernel "
			"does not allow a kprobe there (a notrace, "
			"blacklisted or inlined function, or an address "
			"outside one)\n", pr->name);
	return err == -EILSEQ ? -EINVAL : err;
}

const struct prov_runtime prov_kprobe_rt = {
	.run = RUN_ATTACHED,
	.attach = kprobe_attach,
	.newest_first = true,
};

const struct prov_runtime prov_kretprobe_rt = {
	.run = RUN_ATTACHED,
	.attach = kprobe_attach,
	.newest_first = false,
};
