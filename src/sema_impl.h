/* sema_impl.h — what the files of the sema stage share beyond sema.h:
 * sema.c (scopes, maps, expressions, statements, the walk) calls the type
 * rules and names of sema_types.c and the literal folding of
 * sema_fold.c.  Not for other stages. */
#ifndef SEMA_IMPL_H
#define SEMA_IMPL_H

#include "sema.h"
#include "types.h"

static inline bool is_none(const struct type *t)
{
	return !t || t->kind == TY_NONE;
}

/* The result being filled (sema.c). */
struct sema_result *sema_res(struct sema *s);

/* ---- sema_comptime.c ---- */

/* typeinfo(x): rewrites call n into the record literal (btf_id,
 * base_type, full_type) of x's type ("int", "uint64"), x kept in n->c so
 * that later walks (expr() of a record with c set) see x's type again;
 * x is typed, not run. */
struct type *sema_typeinfo(struct sema *s, struct node *n);
/* The truth of `if comptime` condition e (typed): 1, 0, or -1 when the
 * compiler cannot know it; *types: it depends on types (typeinfo,
 * sizeof), which must have stopped changing before it is decided. */
int sema_comptime_truth(struct sema *s, struct node *e, bool *types);
/* Locks (sema_var.locked, sema_map.locked) the types the decided
 * condition e read through typeinfo() and sizeof (type_resolution.md,
 * "Locked TypeVariables"). */
void sema_comptime_lock(struct node *e);
/* The error for a locked type that t would change (sema.c). */
void sema_locked_err(struct sema *s, const struct srcloc *loc,
		     const char *name, struct type *t, struct type *locked);

/* Condition n is known at compile time (literals and positional
 * parameters, folded): its truth in *v. */
bool sema_const_truth(struct sema *s, const struct node *n, bool *v);

/* ---- sema_options.c ---- */

/* config().NAME / config.NAME: rewrites field access n into the literal
 * of the setting and returns true (false, after an error for an unknown
 * name, or when n is another field access). */
bool sema_config_field(struct sema *s, struct node *n);

/* ---- sema_types.c ---- */

/* The type a type name written in the script stands for (casts, let
 * $x: T, sizeof, offsetof, typeof); TY_NONE after reporting an unknown
 * one. */
struct type *sema_resolve_ctype(struct sema *s, struct ctype *ct);
/* t, or when t is a pointer of no address space yet (from a script
 * definition), the same pointer into `as`. */
struct type *sema_with_as(struct type *t, enum addrspace as);
/* Where pointers made by casts point: user memory in the probes of a
 * user-space provider (PF_USER: uprobe, uretprobe, usdt), else kernel
 * memory. */
enum addrspace sema_default_as(struct sema *s);

/* Whether a and b (of equal shape) differ only in which integers are
 * literals' flexible types (is_lit), element by element. */
bool sema_lit_differs(const struct type *a, const struct type *b);

/* ---- sema_fold.c ----
 * Literal folding, before typing an operator: an operator whose operands
 * are all literals becomes the literal it computes, with bpftrace's rules
 * (doc/integers.md). */

/* Rewrites BINOP n of two literals (integers, negative integers,
 * true/false for && and ||) into its value (N_INT, -N_INT or N_BOOL);
 * false when it is not one or is left to run time.  *err: the operands
 * are literals but the value does not fold (overflow, division by 0). */
bool fold_literal_binop(struct node *n, bool *err);
/* -, ~ and ! on a literal (the negative literal -N itself is typed by
 * sema); false when n is not one. */
bool fold_literal_unop(struct node *n);
/* A literal condition: an integer literal or true/false, with its truth
 * in *v; false for anything else. */
bool fold_literal_truth(const struct node *n, bool *v);

#endif
