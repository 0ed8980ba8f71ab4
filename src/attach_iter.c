/* attach_iter.c — the runtime half of iter (prov_iter.c is the front
 * half): an iterator link, which the runtime reads once, in script order,
 * after the other probes are attached (attach_iter_fd). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/bpf.h>
#include <linux/bpf.h>

#include "hook.h"
#include "probes.h"
#include "prov_runtime.h"

/* iter:NAME:PIN: the link pinned in the BPF file system, at PIN when it
 * is absolute, else under /sys/fs/bpf; reading the pinned file runs the
 * iterator.  0 or -errno (with a message). */
static int iter_pin(int fd, const char *pin)
{
	const char *path = pin[0] == '/' ? pin
					 : tt_sprintf("/sys/fs/bpf/%s", pin);
	if (bpf_obj_pin(fd, path) < 0) {
		int err = errno;
		fprintf(stderr, "ERROR: Failed to pin iterator to %s: %s\n",
			path, strerror(err));
		if (err == ENOENT || err == EPERM)
			fprintf(stderr, "HINT: pins live in a BPF file system "
				"(mount -t bpf bpf /sys/fs/bpf)\n");
		return -EINVAL; /* explained */
	}
	printf("Program pinned to %s\n", path);
	return 0;
}

/* An iterator link; the runtime walks it (attach_iter_fd) once the probes
 * are attached, unless it is pinned (iter:NAME:PIN): then whoever reads
 * the pin runs it. */
static int iter_attach(struct tt_prog *p, struct tt_probe *pr)
{
	int fd = bpf_link_create(pr->prog_fd, 0, BPF_TRACE_ITER, NULL);
	if (fd < 0)
		return -errno;
	hook_keep_fd(pr, fd);
	return pr->ap && pr->ap->target ? iter_pin(fd, pr->ap->target) : 0;
}

const struct prov_runtime prov_iter_rt = {
	.run = RUN_ITER,
	.attach = iter_attach,
	.newest_first = false,
};
