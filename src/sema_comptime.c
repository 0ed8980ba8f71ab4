/* sema_comptime.c — the standard library's compile-time helpers, for
 * sema: the type predicates is_array, is_integer, is_literal, is_ptr,
 * is_str and is_unsigned_integer, static_assert, has_cpid,
 * default_str_length, strcap and cgroupid.
 *
 * Takes: the call (its arguments are typed here).  Produces: the call
 * rewritten into the literal of its value (a bool or an int64), which is
 * what the rest of the compiler sees; static_assert becomes `true` or
 * stops compilation with its message. */
#define _GNU_SOURCE /* name_to_handle_at */
#include "sema_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>

static struct type *become_as(struct sema *s, struct node *n, bool is_bool,
			      int64_t v, const char *cast);

/* Rewrites n into literal lit (an int as a cast to int64) and types it. */
static struct type *become(struct sema *s, struct node *n, bool is_bool,
			   int64_t v)
{
	return become_as(s, n, is_bool, v, "int64");
}

/* The cgroup v2 id of the cgroup at path, as the kernel's
 * bpf_get_current_cgroup_id gives it: its file handle.  0, or -errno. */
static int cgroup_id_of(const char *path, uint64_t *id)
{
	struct {
		struct file_handle fh;
		uint64_t id;
	} h = { .fh.handle_bytes = sizeof(uint64_t) };
	int mount_id;
	if (name_to_handle_at(AT_FDCWD, path, &h.fh, &mount_id, 0) < 0)
		return -errno;
	memcpy(id, h.fh.f_handle, sizeof(*id));
	return 0;
}

static struct type *become_as(struct sema *s, struct node *n, bool is_bool,
			      int64_t v, const char *cast)
{
	struct srcloc loc = n->loc;
	struct node *lit = ast_new(is_bool ? N_BOOL : N_INT, &loc);
	if (is_bool) {
		lit->ival = v != 0;
	} else if (v < 0) {
		lit->ival = 0 - (uint64_t)v;
		struct node *neg = ast_new(N_UNOP, &loc);
		neg->op = '-';
		neg->a = lit;
		lit = neg;
	} else {
		lit->ival = (uint64_t)v;
	}
	if (!is_bool) {
		struct node *c = ast_new(N_CAST, &loc);
		c->ctype = tt_alloc(sizeof(*c->ctype));
		c->ctype->text = cast;
		c->ctype->loc = loc;
		c->a = lit;
		lit = c;
	}
	*n = *lit;
	n->loc = loc;
	return sema_expr(s, n);
}

/* Folds again what typing made literal: is_str(x) || is_ptr(x). */
static void refold(struct node *a)
{
	bool err;
	if (a->kind == N_BINOP) {
		refold(a->a);
		refold(a->b);
		fold_literal_binop(a, &err);
	} else if (a->kind == N_UNOP && a->op == '!') {
		refold(a->a);
		fold_literal_unop(a);
	}
}

static bool is_literal(const struct node *a)
{
	return a->kind == N_INT || a->kind == N_STR || a->kind == N_BOOL ||
	       (a->kind == N_UNOP && a->op == '-' && a->a->kind == N_INT);
}

struct type *sema_comptime(struct sema *s, struct node *n)
{
	const char *name = n->name;
	struct node *a = n->args.n ? n->args.v[0] : NULL;
	bool lit = a && is_literal(a);
	struct type *t = NULL;
	for (int i = 0; i < n->args.n; i++)
		if (is_none(t = sema_expr(s, n->args.v[i])) && i == 0)
			return type_none();
	if (a)
		t = a->type ? a->type : sema_expr(s, a);

	if (!strcmp(name, "is_literal"))
		return become(s, n, true, lit);
	if (!strcmp(name, "is_str"))
		return become(s, n, true, t->kind == TY_STR);
	if (!strcmp(name, "is_array"))
		return become(s, n, true, t->kind == TY_ARRAY);
	if (!strcmp(name, "is_ptr"))
		return become(s, n, true, t->kind == TY_PTR);
	if (!strcmp(name, "is_integer"))
		return become(s, n, true, t->kind == TY_INT);
	if (!strcmp(name, "is_unsigned_integer"))
		return become(s, n, true, t->kind == TY_INT && !t->is_signed);
	if (!strcmp(name, "has_cpid"))
		return become(s, n, true, sema_cfg(s)->cmd != NULL);
	if (!strcmp(name, "default_str_length"))
		return become(s, n, false, sema_cfg(s)->max_strlen);
	if (!strcmp(name, "strcap")) {
		if (t->kind == TY_STR)
			return become(s, n, false, t->size);
		if (t->kind == TY_ARRAY)
			return become(s, n, false, t->size);
		if (t->kind == TY_PTR)
			return become(s, n, false, sema_cfg(s)->max_strlen);
		sema_err(s, &a->loc, "strcap() expects a string, an array or "
				     "a pointer, not %s",
			 sema_kind_name(t));
		return type_none();
	}
	if (!strcmp(name, "cgroupid")) {
		/* compile time, as stdlib.md says: the id of the cgroup
		   at that path on this machine */
		uint64_t id = 0;
		int err;
		if (a->kind != N_STR) {
			sema_err(s, &a->loc, "cgroupid() expects a string "
					     "literal (the cgroup's path)");
			return type_none();
		}
		if ((err = cgroup_id_of(a->str, &id)) < 0) {
			sema_err(s, &a->loc, "cgroupid(): cannot get the "
					     "cgroup id of '%s': %s",
				 a->str, strerror(-err));
			return type_none();
		}
		return become_as(s, n, false, (int64_t)id, "uint64");
	}
	/* static_assert(cond, msg) */
	struct node *msg = n->args.v[1];
	bool v;
	refold(a);
	if (!fold_literal_truth(a, &v)) {
		sema_err(s, &a->loc, "static_assert() needs a condition known "
				     "at compile time");
		return type_none();
	}
	if (msg->kind != N_STR) {
		sema_err(s, &msg->loc, "static_assert() expects a string "
				       "literal as its message");
		return type_none();
	}
	if (!v) {
		sema_err(s, &n->loc, "%s", msg->str);
		return type_none();
	}
	return become(s, n, true, 1);
}
