/* attach_usdt.c — the runtime half of usdt (prov_usdt.c is the front
 * half): attached as uprobes are (attach_uprobe_locs: one perf event per
 * location, its index the BPF cookie, the semaphore raised by the kernel;
 * with -c for the command only).  Newest program first, as for uprobes. */
#include "prov_runtime.h"

const struct prov_runtime prov_usdt_rt = {
	.run = RUN_ATTACHED,
	.attach = attach_uprobe_locs,
	.newest_first = true,
};
