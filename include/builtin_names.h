/* builtin_names.h — the names of the builtins and functions: one list, a
 * leaf that every stage may read (builtin_names.c).
 *
 * The front end asks it whether a name is a builtin (macro.c: `__builtin_X`
 * and a macro call that no definition fits) without reaching the builtin
 * table, whose typing and lowering hooks belong to later stages.
 * builtins.c's table (builtins.h) gives each name its hooks; a name not in
 * this list is not a builtin, so adding a builtin starts here.
 *
 * X(name): name as written in scripts (a C identifier). */
#ifndef BUILTIN_NAMES_H
#define BUILTIN_NAMES_H

#include <stdbool.h>

#define BUILTIN_NAMES(X)                                                     \
	X(pid) X(tid) X(uid) X(gid) X(nsecs) X(cpu) X(rand) X(cgroup)         \
	X(curtask) X(jiffies) X(numaid) X(comm) X(args) X(ctx)                \
	/* output and actions */                                              \
	X(printf) X(cat) X(system) X(errorf) X(warnf) X(time)                 \
	/* maps, strings */                                                   \
	X(delete) X(has_key) X(strlen) X(len) X(strncmp)                      \
	/* values resolved in userspace, special records */                   \
	X(strftime) X(elapsed) X(username) X(buf) X(ntop) X(macaddr)          \
	X(bswap) X(cgroup_path) X(strerror) X(join) X(signal) X(kptr)         \
	X(uptr) X(percpu_kaddr) X(debugf) X(usermode) X(signal_name)          \
	X(strstr) X(strcontains)                                              \
	/* probe arguments and context */                                     \
	X(arg0) X(arg1) X(arg2) X(arg3) X(arg4) X(arg5) X(arg6) X(arg7)       \
	X(arg8) X(arg9) X(arg10) X(arg11) X(retval) X(probe) X(probetype)     \
	X(ncpus) X(exit) X(str) X(pton) X(kaddr) X(uaddr) X(reg)              \
	X(getopt) X(config)                                                   \
	/* compile-time helpers (sema_comptime.c) */                          \
	X(is_array) X(is_integer) X(is_literal) X(is_ptr) X(is_str)           \
	X(is_unsigned_integer) X(static_assert) X(has_cpid)                   \
	X(default_str_length) X(strcap)                                       \
	/* stacks and symbols */                                              \
	X(kstack) X(ustack) X(ksym) X(usym) X(func) X(cpid)                   \
	/* whole maps */                                                      \
	X(print) X(clear) X(zero)                                             \
	/* aggregations */                                                    \
	X(count) X(sum) X(min) X(max) X(avg) X(stats) X(hist) X(lhist)        \
	X(tseries)

/* True when name is in BUILTIN_NAMES. */
bool builtin_name_known(const char *name);

#endif
