/* kernel_features.h — what the running kernel offers (features.c).
 * (Not "features.h": that name is glibc's <features.h>, which an
 * include path of ours must not shadow.)
 *
 * Takes: the running system.
 * Produces: bpftrace's `--info` report. */
#ifndef KERNEL_FEATURES_H
#define KERNEL_FEATURES_H

#include <stdio.h>

/* `--info`: what this kernel offers, on out. */
void features_print(FILE *out);

#endif
