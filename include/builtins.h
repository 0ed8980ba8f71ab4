/* builtins.h — the table of builtins and functions (pid, comm, nsecs,
 * printf, str, count, sum, exit, print, ...).
 *
 * As in ply, every builtin is one table entry with a typing hook (called by
 * sema) and a lowering hook (called by ir_build); adding a function means
 * adding an entry to builtins.c.  Builtins without arguments can be written
 * with or without parentheses (`pid`, `pid()`), as in current bpftrace. */
#ifndef BUILTINS_H
#define BUILTINS_H

#include "ast.h"
#include "ir_build.h"
#include "sema.h"
#include "types.h"

enum builtin_flag {
	BI_BARE = 1 << 0,   /* may be used as a bare identifier */
	BI_AGG = 1 << 1,    /* map value function: only `@m[..] = f(..)` */
	BI_MAPARG = 1 << 2, /* first argument is a map, not a value */
};

struct builtin {
	const char *name;
	int min_args, max_args;     /* max_args -1: any number */
	unsigned flags;
	enum agg_kind agg;          /* BI_AGG */
	/* Types node n (N_BUILTIN or N_CALL; the argument count is already
	 * checked) and returns its type; reports its own errors. */
	struct type *(*type)(struct sema *s, struct node *n);
	/* Emits IR for n and returns its value.  For BI_AGG entries `map` is
	 * the N_MAP node assigned to and the returned value is ignored. */
	struct irval (*lower)(struct irb *b, struct node *n, struct node *map);
};

/* The entry for a name, or NULL. */
const struct builtin *builtin_lookup(const char *name);

#endif
