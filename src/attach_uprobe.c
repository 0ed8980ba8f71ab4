/* attach_uprobe.c — the runtime half of uprobe and uretprobe, and the
 * attach of usdt (attach_usdt.c; prov_uprobe.c and prov_usdt.c are the
 * front halves): one perf event of the uprobe PMU per location.  Uprobes
 * and uretprobes run the newest program first. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/perf_event.h>

#include "elf_syms.h"
#include "hook.h"
#include "probes.h"
#include "provider.h"
#include "prov_runtime.h"

/* Every location with one uprobe_multi link (the loader chose it for
 * the program: prov_uprobe.c's load_attach_type); the location's index is
 * the BPF cookie, as with perf events. */
static int attach_multi(struct tt_probe *pr, const char *path,
			const struct uprobe_loc *locs, int n, int pid)
{
	uint64_t *off = xmalloc(sizeof(*off) * (size_t)n * 3);
	uint64_t *ref = off + n, *cookie = off + 2 * n;
	bool refs = false;
	for (int i = 0; i < n; i++) {
		off[i] = locs[i].offset;
		ref[i] = locs[i].ref_ctr_offset;
		refs |= ref[i] != 0;
		cookie[i] = (uint64_t)i;
	}
	int fd = prov_uprobe_multi_link(pr->prog_fd, path, off,
					refs ? ref : NULL, cookie, n,
					pr->ap->prov == PROV_URETPROBE, pid);
	free(off);
	if (fd < 0) {
		if (fd == -ESRCH)
			fprintf(stderr, "ERROR: %s: no process %d\n", pr->name,
				pid);
		else if (fd != -EPERM)
			fprintf(stderr, "ERROR: %s: cannot probe %s at %d "
				"locations: %s\n", pr->name, path, n,
				strerror(-fd));
		return fd == -EPERM ? fd : -EINVAL;
	}
	hook_keep_fd(pr, fd);
	return 0;
}

/* One perf event of the uprobe PMU per location (probes_expand resolved
 * the file and the offsets), for the -p process only when there is one
 * (USDT: also for the -c command only).  A USDT semaphore is the event's
 * ref_ctr_offset: the kernel raises it in every process the probe is
 * installed in (those running and those started later) and lowers it on
 * detach.  The location's index is the BPF cookie. */
int attach_uprobe_locs(struct tt_prog *p, struct tt_probe *pr)
{
	const struct attach_point *ap = pr->ap;
	int retbit, type = hook_pmu_type("uprobe", &retbit);
	int refshift = hook_pmu_format_shift("uprobe", "ref_ctr_offset");

	if (type < 0) {
		fprintf(stderr, "ERROR: %s: this kernel has no uprobe PMU "
			"(/sys/bus/event_source/devices/uprobe)\n", pr->name);
		return type;
	}
	/* an attach point made by hand (tests) names the file in target and
	   the file offset in addr or offset */
	struct uprobe_loc one = { .offset = ap->addr ? ap->addr : ap->offset };
	const struct uprobe_loc *locs = ap->nlocs ? ap->locs : &one;
	/* "A.zip!/M": the uprobe goes into the archive A */
	const char *path = ap->path ? ap->path : ap->target;
	path = path ? elf_zip_file(path) : NULL;
	int nlocs = ap->nlocs ? ap->nlocs : 1;
	if (!path || !*path) {
		fprintf(stderr, "ERROR: %s: no file to attach to\n", pr->name);
		return -EINVAL;
	}
	int pid = ap->pid > 0 ? ap->pid : p->cfg.pid > 0 ? p->cfg.pid : -1;
	if (pid < 0 && ap->prov == PROV_USDT && p->child_pid > 0)
		pid = p->child_pid; /* -c: bpftrace probes only the command */
	if (pr->expected_attach_type == prov_uprobe_multi_type())
		return attach_multi(pr, path, locs, nlocs, pid);
	for (int i = 0; i < nlocs; i++) {
		const struct uprobe_loc *l = &locs[i];
		struct perf_event_attr attr = { .type = (uint32_t)type };
		if (ap->prov == PROV_URETPROBE)
			attr.config |= 1ull << retbit;
		if (l->ref_ctr_offset) {
			if (refshift < 0) {
				fprintf(stderr, "ERROR: %s: this kernel cannot "
					"raise USDT semaphores (no "
					"ref_ctr_offset in the uprobe PMU)\n",
					pr->name);
				return -EOPNOTSUPP;
			}
			attr.config |= l->ref_ctr_offset << refshift;
		}
		attr.config1 = (uint64_t)(uintptr_t)path;
		attr.config2 = l->offset;
		attr.size = sizeof(attr);
		attr.disabled = 1;
		long pfd = hook_perf_event_open(&attr, pid, pid > 0 ? -1 : 0);
		if (pfd < 0) {
			int err = -errno;
			if (err == -ESRCH)
				fprintf(stderr, "ERROR: %s: no process %d\n",
					pr->name, pid);
			else if (err != -EPERM)
				fprintf(stderr, "ERROR: %s: cannot probe %s at "
					"file offset 0x%llx: %s\n", pr->name,
					path,
					(unsigned long long)l->offset,
					strerror(-err));
			return err == -EPERM ? err : -EINVAL;
		}
		int err = hook_perf_fd_cookie(pr, (int)pfd, (uint64_t)i);
		if (err < 0)
			return err;
		if (l->ref_ctr_offset) /* the process sees the semaphore */
			hook_close_here(pr);
	}
	return 0;
}

const struct prov_runtime prov_uprobe_rt = {
	.run = RUN_ATTACHED,
	.attach = attach_uprobe_locs,
	.newest_first = true,
};

const struct prov_runtime prov_uretprobe_rt = {
	.run = RUN_ATTACHED,
	.attach = attach_uprobe_locs,
	.newest_first = true,
};
