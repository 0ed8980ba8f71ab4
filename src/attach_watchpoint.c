/* attach_watchpoint.c — the runtime half of watchpoint and
 * asyncwatchpoint (prov_watchpoint.c is the front half): a hardware
 * breakpoint perf event in the -c command (inherited by its threads), in
 * every thread of -p PID, else on every CPU.  Programs of one breakpoint
 * run in attach order. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/perf_event.h>

#include "arch.h"
#include "hook.h"
#include "probes.h"
#include "prov_runtime.h"

static int watchpoint_attach_(struct tt_prog *p, struct tt_probe *pr);
static bool wp_said; /* the error is explained already */

static int watchpoint_attach(struct tt_prog *p, struct tt_probe *pr)
{
	wp_said = false;
	int err = watchpoint_attach_(p, pr);
	if (wp_said)
		return err;
	if (err == -EINVAL || err == -ENOENT || err == -ENOSPC)
		fprintf(stderr, "ERROR: Unable to attach probe: %s: the kernel "
			"refused the hardware breakpoint (%s)\n", pr->name,
			err == -ENOSPC ? "no debug register left"
				       : strerror(-err));
	return err;
}

static int watchpoint_attach_(struct tt_prog *p, struct tt_probe *pr)
{
	const struct attach_point *ap = pr->ap;
	struct perf_event_attr attr = {
		.type = PERF_TYPE_BREAKPOINT,
		.size = sizeof(attr),
		.sample_period = 1,
		.wakeup_events = 1,
		.precise_ip = 2, /* the access itself, not the next insn */
		.bp_addr = ap->addr,
		.bp_len = (uint64_t)ap->len,
		.disabled = 1,
		.inherit = 1,
	};
	for (const char *m = ap->mode ? ap->mode : ""; *m; m++) {
		if (*m == 'r')
			attr.bp_type |= 1; /* HW_BREAKPOINT_R */
		else if (*m == 'w')
			attr.bp_type |= 2; /* HW_BREAKPOINT_W */
		else if (*m == 'x')
			attr.bp_type |= 4; /* HW_BREAKPOINT_X */
		else
			attr.bp_type = 0xff;
	}
	const struct arch *A = arch_current();
	if (attr.bp_type == 4) /* the kernel's length for x: an instruction
				  (x86-64: sizeof(long)) */
		attr.bp_len = A->insn_size ? (uint64_t)A->insn_size
					   : sizeof(long);
	if (!attr.bp_type || attr.bp_type > 4 ||
	    (attr.bp_type == 1 && !A->watch_read)) {
		fprintf(stderr, "ERROR: %s: invalid watchpoint mode '%s' (r, w, "
			"rw or x; r alone is not supported on %s)\n",
			pr->name, ap->mode ? ap->mode : "", A->name);
		wp_said = true;
		return -EINVAL;
	}
	int pid = p->child_pid > 0 ? p->child_pid
		  : p->cfg.pid > 0 ? p->cfg.pid : -1;
	if (pid < 0) {
		attr.inherit = 0;
		return hook_perf_all_cpus(pr, &attr);
	}
	if (p->child_pid > 0) {
		long pfd = hook_perf_event_open(&attr, pid, -1);
		return pfd < 0 ? -errno : hook_perf_fd(pr, (int)pfd);
	}
	/* -p: each of its threads */
	char dir[64];
	snprintf(dir, sizeof(dir), "/proc/%d/task", pid);
	DIR *d = opendir(dir);
	if (!d)
		return -errno;
	struct dirent *de;
	int err = 0, n = 0;
	while (!err && (de = readdir(d)) != NULL) {
		int tid = atoi(de->d_name);
		if (tid <= 0)
			continue;
		long pfd = hook_perf_event_open(&attr, tid, -1);
		err = pfd < 0 ? -errno : hook_perf_fd(pr, (int)pfd);
		n++;
	}
	closedir(d);
	return err ? err : n ? 0 : -ESRCH;
}

const struct prov_runtime prov_watchpoint_rt = {
	.run = RUN_ATTACHED,
	.attach = watchpoint_attach,
	.newest_first = false,
};

const struct prov_runtime prov_asyncwatchpoint_rt = {
	.run = RUN_ATTACHED,
	.attach = watchpoint_attach,
	.newest_first = false,
};
