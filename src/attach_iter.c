/* attach_iter.c — the runtime half of iter (prov_iter.c is the front
 * half): an iterator link, which the runtime reads once, in script order,
 * after the other probes are attached (attach_iter_fd). */
#include <errno.h>

#include <bpf/bpf.h>
#include <linux/bpf.h>

#include "hook.h"
#include "probes.h"
#include "prov_runtime.h"

/* An iterator link; the runtime walks it (attach_iter_fd) once the probes
 * are attached. */
static int iter_attach(struct tt_prog *p, struct tt_probe *pr)
{
	int fd = bpf_link_create(pr->prog_fd, 0, BPF_TRACE_ITER, NULL);
	if (fd < 0)
		return -errno;
	hook_keep_fd(pr, fd);
	return 0;
}

const struct prov_runtime prov_iter_rt = {
	.run = RUN_ITER,
	.attach = iter_attach,
	.newest_first = false,
};
