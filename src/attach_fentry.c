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
		/* ENOTSUPP (the kernel's 524, which strerror does not name):
		   no BPF trampolines, e.g. Debian's 6.1 on arm64 */
		if (err == -EPERM || err == -524 || err == -EOPNOTSUPP) {
			fprintf(stderr, "ERROR: %s: this kernel cannot attach "
				"fentry/fexit programs (%s); use %s:%s "
				"instead\n", pr->name,
				err == -524 ? "ENOTSUPP: it has no BPF "
					      "trampolines on this architecture"
					    : strerror(-err),
				pr->ap->prov == PROV_FEXIT ? "kretprobe"
							   : "kprobe",
				pr->ap->func ? pr->ap->func : "");
			return -EINVAL; /* explained: attach.c adds nothing */
		}
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
