/* builtins_lower_values.h — the lowering hooks of the builtins whose values
 * userspace resolves or that build special records
 * (builtins_lower_values.c), for the table in builtins_lower.c. */
#ifndef BUILTINS_LOWER_VALUES_H
#define BUILTINS_LOWER_VALUES_H

#include "builtins_lower.h"

#define BV_HOOKS(X)                                                            \
	X(strftime) X(nsecs) X(elapsed) X(username) X(buf) X(ntop)             \
	X(macaddr) X(bswap) X(cgroup_path) X(strerror) X(join) X(signal)       \
	X(addrspace) X(percpu_kaddr) X(debugf) X(usermode) X(signal_name)      \
	X(strstr)

#define X(name) builtin_lower_fn bv_lo_##name;
BV_HOOKS(X)
#undef X

#endif
