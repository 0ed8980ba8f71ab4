/* builtins_values.h — typing and lowering hooks of the builtins whose values
 * userspace resolves or that build special records (builtins_values.c),
 * for the table in builtins.c. */
#ifndef BUILTINS_VALUES_H
#define BUILTINS_VALUES_H

#include "ir_build.h"
#include "sema.h"

#define BV_HOOKS(X)                                                            \
	X(strftime) X(nsecs) X(elapsed) X(username) X(buf) X(ntop)             \
	X(macaddr) X(bswap) X(cgroup_path) X(strerror) X(join) X(signal)       \
	X(addrspace) X(percpu_kaddr) X(debugf) X(usermode) X(signal_name)      \
	X(strstr)

#define X(name)                                                                \
	struct type *bv_ty_##name(struct sema *s, struct node *n);             \
	struct irval bv_lo_##name(struct irb *b, struct node *n,               \
				  struct node *map);
BV_HOOKS(X)
#undef X

#endif
