/* sema_comptime.c — the standard library's compile-time helpers, for
 * sema: the type predicates is_array, is_integer, is_literal, is_ptr,
 * is_str and is_unsigned_integer, static_assert, fail, has_cpid,
 * default_str_length, strcap, cgroupid, kfunc_exist and kfunc_allowed.
 *
 * Takes: the call (its arguments are typed here).  Produces: the call
 * rewritten into the literal of its value (a bool or an int64), which is
 * what the rest of the compiler sees; static_assert becomes `true` or
 * stops compilation with its message. */
#define _GNU_SOURCE /* name_to_handle_at */
#include "sema_impl.h"

#include "btf.h"
#include "provider.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "lexer.h"

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

/* A copy of expression n whose positional parameters are the literals
 * of their values ($N past the last one: 0), folded as far as literals
 * go; n itself is left alone. */
static struct node *with_params(struct sema *s, const struct node *n)
{
	struct node *c = ast_new(n->kind, &n->loc);
	*c = *n;
	if (n->kind == N_POSPARAM) {
		const struct tt_config *cfg = sema_cfg(s);
		const char *p = n->ival >= 1 && (int64_t)n->ival <=
						cfg->npos_params
					? cfg->pos_params[n->ival - 1] : "";
		char *end;
		errno = 0;
		long long v = *p ? strtoll(p, &end, 0) : 0;
		if (*p && (*end || errno == ERANGE)) {
			c->kind = N_STR;
			c->str = p;
			c->slen = strlen(p);
			return c;
		}
		c->kind = N_INT;
		c->ival = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
		if (v < 0) {
			struct node *neg = ast_new(N_UNOP, &n->loc);
			neg->op = '-';
			neg->a = c;
			return neg;
		}
		return c;
	}
	if (n->kind == N_BINOP || (n->kind == N_UNOP && n->a)) {
		c->a = with_params(s, n->a);
		if (n->kind == N_BINOP)
			c->b = with_params(s, n->b);
		refold(c);
	}
	return c;
}

bool sema_const_truth(struct sema *s, const struct node *n, bool *v)
{
	return fold_literal_truth(with_params(s, n), v);
}

static bool is_literal(const struct node *a)
{
	return a->kind == N_INT || a->kind == N_STR || a->kind == N_BOOL ||
	       (a->kind == N_UNOP && a->op == '-' && a->a->kind == N_INT);
}

/* Appends literal a to out, converted by printf conversion spec (from
 * '%' to the conversion character, length modifiers dropped): strings
 * with %s's flags, integers and bools with the spec's (a %s of an
 * integer prints it in decimal, of a bool true/false). */
static void fmt_literal(struct strbuf *out, const char *spec, size_t len,
			const struct node *a)
{
	char f[64], conv = spec[len - 1];
	size_t n = 0;
	for (size_t i = 0; i + 1 < len && n < sizeof(f) - 8; i++)
		if (!strchr("hljzt", spec[i]))
			f[n++] = spec[i];
	if (a->kind == N_STR || (a->kind == N_BOOL && conv == 's')) {
		f[n++] = 's';
		f[n] = 0;
		sb_printf(out, f, a->kind == N_STR ? a->str
				  : a->ival ? "true" : "false");
		return;
	}
	bool neg = a->kind == N_UNOP;
	uint64_t u = neg ? a->a->ival : a->ival;
	if (conv == 's' || conv == 'i')
		conv = neg ? 'd' : 'u';
	if (conv == 'c') {
		f[n++] = 'c';
		f[n] = 0;
		sb_printf(out, f, (int)(unsigned char)u);
		return;
	}
	if (conv == 'd' && !neg)
		conv = 'u';
	memcpy(f + n, "ll", 2);
	f[n + 2] = conv;
	f[n + 3] = 0;
	if (neg)
		sb_printf(out, f, (long long)(0 - u));
	else
		sb_printf(out, f, (unsigned long long)u);
}

/* fail(fmt, args...): the formatted message as the error at the call,
 * unless the call is in a branch a literal condition never takes. */
static struct type *comptime_fail(struct sema *s, struct node *n)
{
	struct node **args = tt_alloc(sizeof(*args) * n->args.n);
	bool ok = true;
	for (int i = 0; i < n->args.n; i++)
		args[i] = with_params(s, n->args.v[i]);
	struct node *f = args[0];
	for (int i = 0; i < n->args.n; i++)
		if (!is_literal(args[i])) {
			sema_err(s, &n->loc, "fail() arguments need to be "
					     "literals");
			ok = false;
		}
	if (ok && f->kind != N_STR) {
		sema_err(s, &n->loc, "first argument to fail() must be a "
				     "string literal");
		ok = false;
	}
	if (!ok)
		return type_none();
	struct strbuf msg = { 0 };
	int argi = 1;
	for (size_t i = 0; i < f->slen; i++) {
		if (f->str[i] != '%') {
			sb_putc(&msg, f->str[i]);
			continue;
		}
		size_t j = i + 1;
		while (j < f->slen && strchr("-+ #0123456789.hljzt", f->str[j]))
			j++;
		if (j >= f->slen || f->str[j] == '%') {
			sb_putc(&msg, '%');
			i = j;
			continue;
		}
		if (argi < n->args.n)
			fmt_literal(&msg, f->str + i, j - i + 1,
				    args[argi++]);
		i = j;
	}
	sema_err(s, &n->loc, "%s", msg.len ? msg.s : "");
	sb_free(&msg);
	return type_none();
}

struct type *sema_comptime(struct sema *s, struct node *n)
{
	const char *name = n->name;
	struct node *a = n->args.n ? n->args.v[0] : NULL;
	if (!strcmp(name, "fail") && sema_dead_branch(s))
		return become(s, n, true, 1); /* not visited: nothing */
	bool lit = a && is_literal(a);
	struct type *t = NULL;
	for (int i = 0; i < n->args.n; i++)
		if (is_none(t = sema_expr(s, n->args.v[i])) && i == 0)
			return type_none();
	if (a)
		t = a->type ? a->type : sema_expr(s, a);

	if (!strcmp(name, "fail"))
		return comptime_fail(s, n);
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
	if (!strcmp(name, "kfunc_exist") || !strcmp(name, "kfunc_allowed")) {
		/* from kernel BTF; allowed: for this probe's program type,
		   as the verifier answers */
		if (a->kind != N_STR) {
			sema_err(s, &a->loc, "%s() expects a string literal "
					     "(the kfunc's name)",
				 name);
			return type_none();
		}
		if (name[6] == 'e')
			return become(s, n, true, btf_func_exists(a->str));
		struct attach_point *ap = sema_ap(s);
		const struct prov_ops *p = ap ? prov_of(ap) : NULL;
		return become(s, n, true,
			      p && btf_kfunc_allowed(a->str,
						     probes_ap_prog_type(ap)) > 0);
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

/* ---- typeinfo() and `if comptime` ---------------------------------------- */

/* typeinfo's base_type: the family of t. */
static const char *base_type_name(const struct type *t)
{
	switch (t->kind) {
	case TY_INT: return "int";
	case TY_BOOL: return "bool";
	case TY_STR: return "string";
	case TY_PTR: return "pointer";
	case TY_ARRAY: return "array";
	case TY_STRUCT: return t->is_union ? "union" : "struct";
	case TY_TUPLE: return "tuple";
	case TY_RECORD: return "record";
	case TY_BUFFER: return "buffer";
	case TY_VOID: return "void";
	default: return type_name(t);
	}
}

static void record_field(struct node *r, const char *name, struct node *v)
{
	struct node *e = ast_new(N_NAMED, &r->loc);
	e->name = name;
	e->a = v;
	vec_push(&r->args, e);
}

struct type *sema_typeinfo(struct sema *s, struct node *n)
{
	struct node *arg = n->kind == N_RECORD ? n->c
			   : n->args.n == 1 ? n->args.v[0] : NULL;
	if (!arg) {
		sema_err(s, &n->loc, "typeinfo() expects one argument");
		return type_none();
	}
	/* the argument is typed, never run (as sizeof's) */
	struct type *t = arg->kind == N_TYPEID
				 ? sema_resolve_ctype(s, arg->ctype)
				 : sema_expr(s, arg);
	if (is_none(t))
		return type_none();
	struct node *id = ast_new(N_INT, &n->loc);
	struct node *base = ast_new(N_STR, &n->loc);
	base->str = base_type_name(t);
	base->slen = strlen(base->str);
	struct node *full = ast_new(N_STR, &n->loc);
	full->str = type_name(t);
	full->slen = strlen(full->str);
	n->kind = N_RECORD;
	n->name = NULL;
	n->args = (struct node_vec){ 0 };
	record_field(n, "btf_id", id);
	record_field(n, "base_type", base);
	record_field(n, "full_type", full);
	/* typed as the record literal it is; c keeps the argument, so the
	   next walk sees its type again */
	n->c = NULL;
	struct type *rt = sema_expr(s, n);
	n->c = arg;
	return rt;
}

/* A compile-time value: an integer (or truth) or a string. */
struct cval {
	enum { CV_NONE, CV_INT, CV_STR } kind;
	int64_t i;
	const char *str;
};

static struct cval cv_int(int64_t v)
{
	return (struct cval){ .kind = CV_INT, .i = v };
}

static struct cval cv_eval(struct sema *s, struct node *e, bool *types);

static struct cval cv_binop(struct sema *s, struct node *e, bool *types)
{
	struct cval a = cv_eval(s, e->a, types), b = cv_eval(s, e->b, types);
	struct cval none = { .kind = CV_NONE };
	if (a.kind == CV_NONE || b.kind == CV_NONE || a.kind != b.kind)
		return none;
	if (a.kind == CV_STR) {
		int c = strcmp(a.str, b.str);
		if (e->op == OP_EQ)
			return cv_int(c == 0);
		if (e->op == OP_NE)
			return cv_int(c != 0);
		return none;
	}
	switch (e->op) {
	case OP_EQ: return cv_int(a.i == b.i);
	case OP_NE: return cv_int(a.i != b.i);
	case '<': return cv_int(a.i < b.i);
	case '>': return cv_int(a.i > b.i);
	case OP_LE: return cv_int(a.i <= b.i);
	case OP_GE: return cv_int(a.i >= b.i);
	case OP_LAND: return cv_int(a.i && b.i);
	case OP_LOR: return cv_int(a.i || b.i);
	case '+': return cv_int(a.i + b.i);
	case '-': return cv_int(a.i - b.i);
	case '*': return cv_int(a.i * b.i);
	default: return none;
	}
}

/* The value of e, typed already, when the compiler knows it: literals,
 * typeinfo(x).field, sizeof, and operators on them.  *types is set when
 * the value depends on a type the walk may still widen. */
static struct cval cv_eval(struct sema *s, struct node *e, bool *types)
{
	struct cval none = { .kind = CV_NONE };
	switch (e->kind) {
	case N_INT:
		return cv_int((int64_t)e->ival);
	case N_BOOL:
		return cv_int(e->ival != 0);
	case N_STR:
		return (struct cval){ .kind = CV_STR, .str = e->str };
	case N_UNOP: {
		struct cval a = cv_eval(s, e->a, types);
		if (a.kind != CV_INT)
			return none;
		return e->op == '!' ? cv_int(!a.i)
		       : e->op == '-' ? cv_int(-a.i) : none;
	}
	case N_BINOP:
		return cv_binop(s, e, types);
	case N_SIZEOF: {
		struct type *t = e->ctype ? sema_resolve_ctype(s, e->ctype)
					  : e->a ? e->a->type : NULL;
		*types = true;
		return is_none(t) ? none : cv_int(t->size);
	}
	case N_FIELD: {
		struct node *r = e->a;
		if (r->kind != N_RECORD)
			return none;
		*types |= r->c != NULL; /* typeinfo() */
		for (int i = 0; i < r->args.n; i++)
			if (!strcmp(r->args.v[i]->name, e->name))
				return cv_eval(s, r->args.v[i]->a, types);
		return none;
	}
	default:
		return none;
	}
}

int sema_comptime_truth(struct sema *s, struct node *e, bool *types)
{
	*types = false;
	struct cval v = cv_eval(s, e, types);
	if (v.kind == CV_INT)
		return v.i != 0;
	return -1;
}

/* Locks the types of the variables and maps whose types condition e read
 * (typeinfo(x), sizeof(x)): the branch it picked may not change them. */
static void lock_read(struct node *x)
{
	if (x->kind == N_VAR && sema_var_of(x))
		sema_var_of(x)->locked = sema_var_of(x)->type;
	else if (x->kind == N_MAP && sema_map_of(x))
		sema_map_of(x)->locked = sema_map_of(x)->value;
}

void sema_comptime_lock(struct node *e)
{
	if (!e)
		return;
	if (e->kind == N_RECORD && e->c)
		lock_read(e->c);
	else if (e->kind == N_SIZEOF && e->a)
		lock_read(e->a);
	sema_comptime_lock(e->a);
	sema_comptime_lock(e->b);
	if (e->kind != N_RECORD)
		sema_comptime_lock(e->c);
	for (int i = 0; i < e->args.n; i++)
		sema_comptime_lock(e->args.v[i]);
}
