/* attach_rawtracepoint.c — the runtime half of rawtracepoint
 * (prov_rawtracepoint.c is the front half): BPF_RAW_TRACEPOINT_OPEN on the
 * tracepoint's name.  Programs of one raw tracepoint run in attach
 * order. */
#include <errno.h>

#include <bpf/bpf.h>
#include <linux/bpf.h>

#include "hook.h"
#include "probes.h"
#include "prov_runtime.h"

static int rawtp_attach(struct tt_prog *p, struct tt_probe *pr)
{
	/* a TRACING (tp_btf) program names its tracepoint by BTF id */
	int fd = bpf_raw_tracepoint_open(pr->prog_type == BPF_PROG_TYPE_TRACING
					 ? NULL : pr->ap->func, pr->prog_fd);
	if (fd < 0)
		return -errno;
	hook_keep_fd(pr, fd);
	return 0;
}

const struct prov_runtime prov_rawtracepoint_rt = {
	.run = RUN_ATTACHED,
	.attach = rawtp_attach,
};
