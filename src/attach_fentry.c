/* attach_fentry.c — the runtime half of fentry and fexit (prov_fentry.c
 * is the front half): a BPF link on the program's trampoline (a raw
 * tracepoint open on kernels without tracing links).  The kernel runs the
 * programs of one trampoline most recently attached first. */
#include <errno.h>
#include <string.h>

#include <bpf/bpf.h>
#include <linux/bpf.h>

#include "hook.h"
#include "probes.h"
#include "prov_runtime.h"

static int fentry_attach(struct tt_prog *p, struct tt_probe *pr)
{
	int fd = bpf_link_create(pr->prog_fd, 0, pr->expected_attach_type, NULL);
	if (fd < 0)
		fd = bpf_raw_tracepoint_open(NULL, pr->prog_fd);
	if (fd < 0) {
		int err = -errno;
		if (err == -EPERM || err == -524 /* ENOTSUPP */ ||
		    err == -EOPNOTSUPP)
			fprintf(stderr, "ERROR: %s: fentry/fexit need BPF "
				"trampolines, which this kernel does not allow "
				"(%s); use kprobe:/kretprobe:\n", pr->name,
				strerror(-err));
		return err;
	}
	hook_keep_fd(pr, fd);
	return 0;
}

const struct prov_runtime prov_fentry_rt = {
	.run = RUN_ATTACHED,
	.attach = fentry_attach,
	.newest_first = true,
};

const struct prov_runtime prov_fexit_rt = {
	.run = RUN_ATTACHED,
	.attach = fentry_attach,
	.newest_first = true,
};
