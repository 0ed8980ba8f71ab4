/* kernel_features.h — what the running kernel offers (features.c).
 * (Not "features.h": that name is glibc's <features.h>, which an
 * include path of ours must not shadow.)
 *
 * Takes: the running system.
 * Produces: bpftrace's `--info` report, and the answers -l needs (which
 * probe types this kernel can attach). */
#ifndef KERNEL_FEATURES_H
#define KERNEL_FEATURES_H

#include <stdbool.h>
#include <stdio.h>

/* `--info`: what this kernel offers, on out. */
void features_print(FILE *out);

/* Whether kprobes attach here: the kprobe PMU (attach_kprobe.c opens
 * kprobes only through it).  A stat(). */
bool features_kprobe(void);
/* Whether fentry/fexit attach here: a fentry program on vfs_read (its
 * vmlinux BTF id from btf.h, so kernel BTF is read) loaded, attached and
 * detached at once; asked once.  False without kernel BTF, or when the kernel
 * refuses the load or the attach (EPERM, no trampolines). */
bool features_fentry(void);

#endif
