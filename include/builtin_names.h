/* builtin_names.h — the one list of builtins and functions: a leaf that
 * every stage may read (builtin_names.c).
 *
 * Each entry is what the stages share: the name, the argument counts and
 * the flags.  The front end asks it whether a name is a builtin (macro.c:
 * `__builtin_X` and a macro call that no definition fits) without reaching
 * later stages; sema's typing half (builtins_type.h) and the IR builder's
 * lowering half (builtins_lower.h) are tables indexed by enum builtin_id,
 * generated from this list as ir.h's opcodes are.  Adding a builtin: one
 * X() line here, its typing hook in builtins_type.c, its lowering hook in
 * builtins_lower.c (test_macro checks every id has both).
 *
 * X(name, min_args, max_args, flags): name as written in scripts (a C
 * identifier); max_args -1: any number. */
#ifndef BUILTIN_NAMES_H
#define BUILTIN_NAMES_H

#include <stdbool.h>

enum builtin_flag {
	BI_BARE = 1 << 0,   /* may be used as a bare identifier */
	BI_AGG = 1 << 1,    /* map value function: only `@m[..] = f(..)` */
	BI_MAPARG = 1 << 2, /* first argument is a map, not a value */
	BI_FOLDED = 1 << 3, /* sema folds the call into a literal: no lowering */
};

#define BUILTINS(X)                                                           \
	X(pid, 0, 1, BI_BARE)                                                \
	X(tid, 0, 1, BI_BARE)                                                \
	X(uid, 0, 0, BI_BARE)                                                \
	X(gid, 0, 0, BI_BARE)                                                \
	X(nsecs, 0, 1, BI_BARE)                                              \
	X(cpu, 0, 0, BI_BARE)                                                \
	X(rand, 0, 0, BI_BARE)                                               \
	X(cgroup, 0, 0, BI_BARE)                                             \
	X(curtask, 0, 0, BI_BARE)                                            \
	X(jiffies, 0, 0, BI_BARE)                                            \
	X(numaid, 0, 0, BI_BARE)                                             \
	X(comm, 0, 1, BI_BARE)                                               \
	X(args, 0, 0, BI_BARE)                                               \
	X(ctx, 0, 0, BI_BARE)                                                \
	/* output and actions */                                             \
	X(printf, 1, -1, 0)                                                  \
	X(cat, 1, -1, 0)                                                     \
	X(system, 1, -1, 0)                                                  \
	X(errorf, 1, -1, 0)                                                  \
	X(warnf, 1, -1, 0)                                                   \
	X(time, 0, 1, BI_BARE)                                               \
	/* maps, strings */                                                  \
	X(delete, 1, 2, BI_MAPARG)                                           \
	X(has_key, 2, 2, BI_MAPARG)                                          \
	X(find, 3, 3, BI_MAPARG)                                             \
	X(strlen, 1, 1, 0)                                                   \
	X(len, 1, 1, BI_MAPARG)                                              \
	X(strncmp, 3, 3, 0)                                                  \
	/* values resolved in userspace, special records */                  \
	X(strftime, 2, 2, 0)                                                 \
	X(elapsed, 0, 0, BI_BARE)                                            \
	X(username, 0, 0, BI_BARE)                                           \
	X(buf, 1, 2, 0)                                                      \
	X(ntop, 1, 2, 0)                                                     \
	X(macaddr, 1, 1, 0)                                                  \
	X(bswap, 1, 1, 0)                                                    \
	X(cgroup_path, 1, 2, 0)                                              \
	X(strerror, 1, 1, 0)                                                 \
	X(join, 1, 2, 0)                                                     \
	X(signal, 1, 1, 0)                                                   \
	X(signal_thread, 1, 1, 0)                                            \
	X(write_user, 3, 3, 0)                                               \
	X(kptr, 1, 1, 0)                                                     \
	X(uptr, 1, 1, 0)                                                     \
	X(percpu_kaddr, 1, 2, 0)                                             \
	X(debugf, 1, -1, 0)                                                  \
	X(usermode, 0, 0, BI_BARE)                                           \
	X(signal_name, 1, 1, 0)                                              \
	X(syscall_name, 1, 1, 0)                                             \
	X(memcmp, 3, 3, 0)                                                   \
	X(strstr, 2, 2, 0)                                                   \
	X(strcontains, 2, 2, 0)                                              \
	X(str_concat, 2, 2, 0)                                               \
	X(socket_cookie, 1, 1, 0)                                            \
	X(path, 1, 2, 0)                                                     \
	X(override, 1, 1, 0)                                                 \
	X(unwatch, 1, 1, 0)                                                  \
	X(skboutput, 4, 4, 0)                                                \
	X(dw_ustack, 0, 2, BI_BARE)                                          \
	/* probe arguments and context */                                    \
	X(arg0, 0, 0, BI_BARE)                                               \
	X(arg1, 0, 0, BI_BARE)                                               \
	X(arg2, 0, 0, BI_BARE)                                               \
	X(arg3, 0, 0, BI_BARE)                                               \
	X(arg4, 0, 0, BI_BARE)                                               \
	X(arg5, 0, 0, BI_BARE)                                               \
	X(arg6, 0, 0, BI_BARE)                                               \
	X(arg7, 0, 0, BI_BARE)                                               \
	X(arg8, 0, 0, BI_BARE)                                               \
	X(arg9, 0, 0, BI_BARE)                                               \
	X(arg10, 0, 0, BI_BARE)                                              \
	X(arg11, 0, 0, BI_BARE)                                              \
	X(retval, 0, 0, BI_BARE)                                             \
	X(probe, 0, 0, BI_BARE)                                              \
	X(probetype, 0, 0, BI_BARE)                                          \
	X(ncpus, 0, 0, BI_BARE)                                              \
	X(exit, 0, 1, BI_BARE)                                               \
	X(str, 1, 2, 0)                                                      \
	X(pton, 1, 1, 0)                                                     \
	X(kaddr, 1, 1, 0)                                                    \
	/* folded by their typing hook into the literal of the value */      \
	X(getopt, 1, 3, BI_FOLDED)                                           \
	X(config, 0, 0, BI_BARE | BI_FOLDED)                                 \
	/* compile-time helpers, folded by sema_comptime.c */                \
	X(is_array, 1, 1, BI_FOLDED)                                         \
	X(is_integer, 1, 1, BI_FOLDED)                                       \
	X(is_literal, 1, 1, BI_FOLDED)                                       \
	X(is_ptr, 1, 1, BI_FOLDED)                                           \
	X(is_str, 1, 1, BI_FOLDED)                                           \
	X(is_unsigned_integer, 1, 1, BI_FOLDED)                              \
	X(static_assert, 2, 2, BI_FOLDED)                                    \
	X(fail, 1, -1, BI_FOLDED)                                            \
	X(kfunc_exist, 1, 1, BI_FOLDED)                                      \
	X(kfunc_allowed, 1, 1, BI_FOLDED)                                    \
	X(has_cpid, 0, 0, BI_BARE | BI_FOLDED)                               \
	X(default_str_length, 0, 0, BI_BARE | BI_FOLDED)                     \
	X(strcap, 1, 1, BI_FOLDED)                                           \
	X(cgroupid, 1, 1, BI_FOLDED)                                         \
	X(uaddr, 1, 1, 0)                                                    \
	X(reg, 1, 1, 0)                                                      \
	/* stacks and symbols */                                             \
	X(kstack, 0, 2, BI_BARE)                                             \
	X(ustack, 0, 2, BI_BARE)                                             \
	X(ksym, 1, 1, 0)                                                     \
	X(usym, 1, 1, 0)                                                     \
	X(func, 0, 0, BI_BARE)                                               \
	/* whole maps */                                                     \
	X(cpid, 0, 0, BI_BARE)                                               \
	X(print, 1, 3, BI_MAPARG)                                            \
	X(clear, 1, 1, BI_MAPARG)                                            \
	/* aggregations */                                                   \
	X(zero, 1, 1, BI_MAPARG)                                             \
	X(count, 0, 0, BI_AGG | BI_BARE)                                     \
	X(sum, 1, 1, BI_AGG)                                                 \
	X(min, 1, 1, BI_AGG)                                                 \
	X(max, 1, 1, BI_AGG)                                                 \
	X(avg, 1, 1, BI_AGG)                                                 \
	X(stats, 1, 1, BI_AGG)                                               \
	X(hist, 1, 2, BI_AGG)                                                \
	X(lhist, 4, 4, BI_AGG)                                               \
	X(tseries, 3, 4, BI_AGG)

/* BI_pid, BI_tid, ...: a builtin's index in the stages' tables. */
enum builtin_id {
	BI_NONE = -1, /* not a builtin */
#define X(name, min, max, flags) BI_##name,
	BUILTINS(X)
#undef X
	BI_COUNT
};

struct builtin_info {
	const char *name;
	int min_args, max_args; /* max_args -1: any number */
	unsigned flags;         /* enum builtin_flag */
};

/* The builtin called name, or BI_NONE. */
enum builtin_id builtin_id_of(const char *name);
/* Its entry of the list (id: BI_pid .. BI_COUNT - 1). */
const struct builtin_info *builtin_info(enum builtin_id id);
/* True when name is in BUILTINS. */
bool builtin_name_known(const char *name);

#endif
