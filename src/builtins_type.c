/* builtins_type.c — the typing half of the builtins: one hook per entry of
 * builtin_names.h's list, in a table indexed by builtin id
 * (builtins_type.h); sema calls it, ir_build never does.
 *
 * Takes: nodes that name a builtin (N_BUILTIN `pid`) or call one (N_CALL
 * `str(x)`), their argument count checked.  Produces: their types, and the
 * compile-time facts the lowering half (builtins_lower.c) reads from the
 * node.  Types are bpftrace's (see its stdlib documentation):
 * pid/tid/cpu/rand uint32, uid/gid/nsecs/cgroup uint64, comm string[16],
 * str() string[max_strlen]; values userspace resolves (strftime, ntop,
 * ...) have the layouts of types.h's storage contract. */
#include "builtins_type.h"

#include <arpa/inet.h>
#include <bpf/btf.h>
#include <linux/bpf.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>

#include "arch.h"
#include "btf.h"
#include "cdecl.h"
#include "probes.h"
#include "symbols.h"

/* ---- typing hooks ------------------------------------------------------- */

static struct type *ty_u32(struct sema *s, struct node *n) { return type_int(4, false); }
static struct type *ty_u64(struct sema *s, struct node *n) { return type_int(8, false); }
static struct type *ty_comm(struct sema *s, struct node *n);

/* pid, tid, pid(curr_ns), pid(init): the namespace is a bare name */
static struct type *ty_pidns(struct sema *s, struct node *n)
{
	if (n->args.n) {
		struct node *a = n->args.v[0];
		if (a->kind != N_BUILTIN || !a->name ||
		    (strcmp(a->name, "curr_ns") && strcmp(a->name, "init"))) {
			sema_err(s, &a->loc,
				 "%s() only accepts 'curr_ns' or 'init' as "
				 "its argument",
				 n->name);
			return type_none();
		}
	}
	return type_int(4, false);
}

/* curtask: struct task_struct * with BTF, else uint64 */
static struct type *ty_curtask(struct sema *s, struct node *n)
{
	struct type *t = cdecl_lookup("struct task_struct");
	if (!t && sema_is_field_base(s, n) && !btf_available()) {
		sema_err(s, &n->loc, "curtask is a struct task_struct * only "
				     "with kernel BTF, which this kernel lacks; "
				     "define struct task_struct in the script");
		return type_none();
	}
	return t ? type_ptr(t, AS_KERNEL) : type_int(8, false);
}

static bool is_none(const struct type *t)
{
	return !t || t->kind == TY_NONE;
}

/* A kfunc the current probe calls: an error at n when the kernel has no
 * such function or does not let this probe type call it. */
static bool kfunc_usable(struct sema *s, struct node *n, const char *what,
			 const char *kfunc)
{
	struct attach_point *ap = sema_ap(s);
	const struct prov_ops *p = ap ? prov_of(ap) : NULL;
	if (!p || sema_dead_branch(s))
		return true; /* typed again for each attach point; a branch
				never taken is not compiled */
	if (!btf_kfunc_id(kfunc)) {
		sema_err(s, &n->loc, "%s needs the kernel function %s, which "
				     "this kernel's BTF does not have",
			 what, kfunc);
		return false;
	}
	int ok = btf_kfunc_allowed(kfunc, probes_ap_prog_type(sema_ap(s)));
	if (ok <= 0) {
		sema_err(s, &n->loc, "%s needs the kernel function %s, which "
				     "this kernel does not let %s probes call",
			 what, kfunc, p->name);
		return false;
	}
	return true;
}

/* comm: the current thread's name; comm(pid): that process's, through
 * the kfuncs bpf_task_from_pid and bpf_task_release ("" when there is
 * no such process). */
static struct type *ty_comm(struct sema *s, struct node *n)
{
	if (!n->args.n)
		return type_str(16);
	struct type *t = sema_expr(s, n->args.v[0]);
	if (is_none(t))
		return type_str(16);
	if (!type_is_int(t)) {
		sema_err(s, &n->loc, "comm() expects an integer pid (%s "
				     "provided)",
			 sema_kind_name(t));
		return type_none();
	}
	if (!kfunc_usable(s, n, "comm(pid)", "bpf_task_from_pid") ||
	    !kfunc_usable(s, n, "comm(pid)", "bpf_task_release"))
		return type_none();
	return type_str(16);
}

static struct type *ty_args(struct sema *s, struct node *n)
{
	struct attach_point *ap = sema_ap(s);
	const struct prov_ops *p = prov_of(ap);
	if (p && !ap->args_type && !btf_available() &&
	    (p->args == ARGS_SLOTS || p->btf_func)) {
		sema_err(s, &n->loc, "%s args come from kernel BTF "
				     "(/sys/kernel/btf/vmlinux), which this "
				     "kernel lacks; set BPFTRACE_BTF to a BTF "
				     "file of this kernel%s",
			 probes_provider_name(ap->prov),
			 p->args == ARGS_SLOTS ? " or use arg0, arg1, ..." : "");
		return type_none();
	}
	if (!ap || !ap->args_type) {
		sema_err(s, &n->loc,
			 "The args builtin can only be used with "
			 "tracepoint/fentry/uprobe probes (%s used here)",
			 ap ? probes_provider_name(ap->prov) : "none");
		return type_none();
	}
	if (ap->args_type->is_ctx && !sema_is_field_base(s, n)) {
		/* the whole value (print(args), @m = args): the arguments or
		   the tracepoint's fields copied into a struct */
		return probes_args_value(ap);
	}
	return ap->args_type;
}

/* The first argument must be a string literal: the format. */
static struct type *ty_printf(struct sema *s, struct node *n)
{
	struct node *f = n->args.v[0];
	if (f->kind == N_BLOCK && !f->args.n && f->a && f->a->kind == N_STR)
		n->args.v[0] = f = f->a; /* a macro that is a literal */
	for (int i = 0; i < n->args.n; i++)
		sema_expr(s, n->args.v[i]);
	if (f->kind != N_STR) {
		struct type *t = f->type;
		sema_err(s, &n->loc, "%s() expects a string literal (%s provided)",
			 n->name, sema_kind_name(t));
		return type_void();
	}
	for (int i = 1; i < n->args.n; i++) {
		struct type *t = n->args.v[i]->type;
		if (!is_none(t) && (t->kind == TY_VOID || t->kind == TY_CTX ||
				    t->is_ctx)) {
			sema_err(s, &n->args.v[i]->loc,
				 "%s() cannot print a value of type %s",
				 n->name, type_name(t));
			return type_void();
		}
	}
	sema_check_format(s, n, n->name, 1);
	return type_void();
}

static struct type *ty_exit(struct sema *s, struct node *n)
{
	if (n->args.n) {
		struct type *t = sema_expr(s, n->args.v[0]);
		if (!is_none(t) && !type_is_int(t))
			sema_err(s, &n->loc,
				 "exit() only supports int arguments (%s "
				 "provided)",
				 sema_kind_name(t));
	}
	return type_void();
}

static struct type *ty_str(struct sema *s, struct node *n)
{
	struct node *a = n->args.v[0];
	uint64_t skip = 0;
	if (a->kind == N_BINOP && a->op == '+' && a->a->kind == N_POSPARAM &&
	    a->b->kind == N_INT) {
		/* str($1 + k): the parameter's text from its k-th byte
		 * (language.md), k at most its length */
		skip = a->b->ival;
		n->args.v[0] = a = a->a;
	}
	if (a->kind == N_POSPARAM) {
		/* str($1) is the parameter's text, even when it is a
		 * number: the literal it stands for */
		const struct tt_config *c = sema_cfg(s);
		const char *p = a->ival >= 1 && (int64_t)a->ival <= c->npos_params
					? c->pos_params[a->ival - 1] : "";
		if (skip > strlen(p)) {
			/* now: the node is rewritten in sema's first,
			   quiet walk */
			diag_error(&n->loc,
				 "cannot use offset %llu on a positional "
				 "parameter of length %zu",
				 (unsigned long long)skip, strlen(p));
			skip = strlen(p);
		}
		a->kind = N_STR;
		a->str = p + skip;
		a->slen = strlen(p + skip);
	}
	struct type *t = sema_expr(s, n->args.v[0]);
	if (n->args.n > 1) {
		struct type *l = sema_expr(s, n->args.v[1]);
		if (!is_none(l) && !type_is_int(l))
			sema_err(s, &n->loc,
				 "str() only supports int arguments (%s "
				 "provided)",
				 sema_kind_name(l));
	}
	if (is_none(t))
		return type_none();
	int size = sema_cfg(s)->max_strlen;
	if (n->args.n > 1 && n->args.v[1]->kind == N_INT &&
	    n->args.v[1]->ival < (uint64_t)size)
		size = (int)n->args.v[1]->ival + (n->args.v[1]->ival == 0);
	if (t->kind == TY_STR)
		return t->size < size ? t : type_str(size);
	if (!type_is_int(t) && t->kind != TY_PTR) {
		sema_err(s, &n->loc,
			 "str() expects an integer or a pointer type as first "
			 "argument (%s provided)",
			 type_name(t));
		return type_none();
	}
	return type_str(size);
}

/* count(): no argument. */
static struct type *ty_count(struct sema *s, struct node *n)
{
	return type_agg(AGG_COUNT, type_int(8, false));
}

/* sum(x), min(x), max(x), avg(x), stats(x): one integer. */
static struct type *ty_agg1(struct sema *s, struct node *n)
{
		struct type *t = sema_expr(s, n->args.v[0]);
	if (is_none(t))
		return type_none();
	if (!type_is_int(t)) {
		sema_err(s, &n->loc,
			 "%s() only supports int arguments (%s provided)",
			 n->name, sema_kind_name(t));
		return type_none();
	}
	bool sign = t->kind == TY_INT && t->is_signed;
	return type_agg(builtin_typing_of(builtin_id_of(n->name))->agg,
			type_int(8, sign));
}

/* An integer literal argument (N or -N, after sema folded it): *v. */
static bool int_literal(const struct node *n, int64_t *v)
{
	if (n->kind == N_INT) {
		*v = (int64_t)n->ival;
		return true;
	}
	if (n->kind == N_UNOP && n->op == '-' && n->a->kind == N_INT) {
		*v = (int64_t)((uint64_t)0 - n->a->ival);
		return true;
	}
	return false;
}

/* Types argument i of n, which must be an integer literal. */
static bool int_literal_arg(struct sema *s, struct node *n, int i, int64_t *v)
{
	struct type *t = sema_expr(s, n->args.v[i]);
	if (is_none(t))
		return false;
	if (!type_is_int(t) || !int_literal(n->args.v[i], v)) {
		sema_err(s, &n->loc, "%s() expects a int literal (%s provided)",
			 n->name, sema_kind_name(t));
		return false;
	}
	return true;
}

/* The value argument of hist/lhist: any integer. */
static bool agg_int_arg(struct sema *s, struct node *n)
{
	struct type *t = sema_expr(s, n->args.v[0]);
	if (is_none(t))
		return false;
	if (!type_is_int(t)) {
		sema_err(s, &n->loc,
			 "%s() only supports int arguments (%s provided)",
			 n->name, sema_kind_name(t));
		return false;
	}
	return true;
}

/* hist(x) / hist(x, k): log2 buckets, each power of two split in 2^k;
 * the map value is one per-CPU count per bucket (types.h). */
static struct type *ty_hist(struct sema *s, struct node *n)
{
	int64_t k = 0;
	bool ok = agg_int_arg(s, n);
	if (n->args.n > 1 && !int_literal_arg(s, n, 1, &k))
		return type_none();
	if (k < 0 || k > 5) {
		sema_err(s, &n->loc, "hist: bits %lld must be 0..5",
			 (long long)k);
		return type_none();
	}
	if (!ok)
		return type_none();
	struct type *t = type_agg(AGG_HIST, type_int(8, true));
	t->size = 8;
	t->hist_bits = (int)k;
	return t;
}

/* lhist(x, min, max, step): linear buckets of `step` from min to max, one
 * below min and one above max. */
static struct type *ty_lhist(struct sema *s, struct node *n)
{
	int64_t a[3];
	bool ok = agg_int_arg(s, n);
	for (int i = 0; i < 3; i++)
		if (!int_literal_arg(s, n, i + 1, &a[i]))
			return type_none();
	int64_t min = a[0], max = a[1], step = a[2];
	if (min < 0 || max < 0) {
		sema_err(s, &n->loc, "lhist: invalid %s value (must be "
				     "non-negative literal)",
			 min < 0 ? "min" : "max");
		return type_none();
	}
	bool bad = false;
	if (step <= 0) {
		sema_err(s, &n->loc, "lhist() step must be >= 1 (%lld provided)",
			 (long long)step);
		bad = true;
	} else if ((max - min) / step > 1000) {
		sema_err(s, &n->loc,
			 "lhist() too many buckets, must be <= 1000 (would need "
			 "%lld)",
			 (long long)((max - min) / step));
		bad = true;
	}
	if (min > max) {
		sema_err(s, &n->loc,
			 "lhist() min must be less than max (provided min %lld "
			 "and max %lld)",
			 (long long)min, (long long)max);
		bad = true;
	}
	if (step > 0 && max - min < step) {
		sema_err(s, &n->loc,
			 "lhist() step is too large for the given range "
			 "(provided step %lld for range %lld)",
			 (long long)step, (long long)(max - min));
		bad = true;
	}
	if (!ok || bad)
		return type_none();
	struct type *t = type_agg(AGG_LHIST, type_int(8, true));
	t->size = 8;
	t->lhist_min = min;
	t->lhist_max = max;
	t->lhist_step = step;
	return t;
}

/* tseries(x, interval, n[, "avg"|"max"|"min"|"sum"]): the last n
 * intervals of x, one value per interval (the last one written, or the
 * aggregate).  With BPFTRACE_DUMMY_TS_MAP=@m set, "now" is @m's value
 * (bpftrace's test hook): the map is kept in n->c for the lowering. */
static struct type *ty_tseries(struct sema *s, struct node *n)
{
	int64_t iv, cnt;
	bool ok = agg_int_arg(s, n);
	struct type *vt = n->args.v[0]->type;
	if (!int_literal_arg(s, n, 1, &iv) || !int_literal_arg(s, n, 2, &cnt))
		return type_none();
	enum agg_kind agg = AGG_NONE;
	if (n->args.n > 3) {
		struct node *a = n->args.v[3];
		sema_expr(s, a);
		static const struct { const char *name; enum agg_kind agg; }
			aggs[] = { { "avg", AGG_AVG }, { "max", AGG_MAX },
				   { "min", AGG_MIN }, { "sum", AGG_SUM } };
		bool found = false;
		for (int i = 0; a->kind == N_STR && i < 4; i++)
			if (!strcmp(a->str, aggs[i].name)) {
				agg = aggs[i].agg;
				found = true;
			}
		if (!found) {
			sema_err(s, &n->loc,
				 "tseries() expects one of the following "
				 "aggregation functions: avg, max, min, sum "
				 "(\"%s\" provided)",
				 a->kind == N_STR ? a->str : "");
			return type_none();
		}
	}
	if (iv <= 0) {
		sema_err(s, &n->loc, "tseries() interval_ns must be >= 1 (%lld "
				     "provided)",
			 (long long)iv);
		return type_none();
	}
	if (cnt <= 0) {
		sema_err(s, &n->loc, "tseries() num_intervals must be >= 1 "
				     "(%lld provided)",
			 (long long)cnt);
		return type_none();
	}
	if (cnt > 1000000) {
		sema_err(s, &n->loc, "tseries() num_intervals must be < 1000000 "
				     "(%lld provided)",
			 (long long)cnt);
		return type_none();
	}
	const char *dummy = getenv("BPFTRACE_DUMMY_TS_MAP");
	if (dummy && *dummy) {
		struct node *m = ast_new(N_MAP, &n->loc);
		m->name = tt_strdup(dummy);
		sema_map_ref(s, m);
		n->c = m;
	}
	if (!ok)
		return type_none();
	bool sgn = vt && vt->kind == TY_INT && vt->is_signed;
	struct type *t = type_agg(AGG_TSERIES, type_int(8, sgn));
	t->size = 24;
	t->tseries_interval = iv;
	t->tseries_n = (int)cnt;
	t->tseries_agg = agg;
	return t;
}

/* print(@m), clear(@m), zero(@m): the argument is a whole map. */
static struct type *ty_mapop(struct sema *s, struct node *n)
{
	struct node *m = n->args.v[0];
	if (m->kind != N_MAP || m->args.n) {
		if (!strcmp(n->name, "print")) {
			if (n->args.n > 1) {
				sema_err(s, &n->loc, "Non-map print() only takes "
						     "1 argument, %d found",
					 n->args.n);
				return type_void();
			}
			struct type *t = sema_expr(s, m);
			if (!is_none(t) && t->kind == TY_AGG &&
			    (t->agg == AGG_HIST || t->agg == AGG_LHIST ||
			     t->agg == AGG_TSERIES)) {
				sema_err(s, &n->loc,
					 "Map type %s cannot print the value of "
					 "individual keys. You must print the "
					 "whole map.",
					 type_name(t));
				return type_void();
			}
			if (!is_none(t) && (t->kind == TY_VOID ||
					    t->kind == TY_CTX || t->is_ctx ||
					    t->kind == TY_AGG))
				sema_err(s, &m->loc,
					 "print() cannot print a value of type %s",
					 type_name(t));
			return type_void();
		}
		sema_err(s, &m->loc, "%s() expects a map argument", n->name);
		return type_void();
	}
	struct type *mt = sema_map_ref(s, m);
	for (int i = 1; i < n->args.n; i++) {
		struct type *a = sema_expr(s, n->args.v[i]);
		if (!is_none(a) && (!type_is_int(a) ||
				    n->args.v[i]->kind != N_INT))
			sema_err(s, &n->loc,
				 "%s() expects a int literal (%s provided)",
				 n->name, sema_kind_name(a));
	}
	if (n->args.n > 1 && mt && mt->kind == TY_AGG && mt->agg == AGG_STATS)
		sema_warn(s, &n->loc, "print()'s top and div arguments are "
				      "ignored when used on stats() maps.");
	return type_void();
}

/* delete(@m, key) / delete(@m[key]) / delete(@m), has_key(@m, key):
 * the keyed access is typed as a MAP node kept in n->c. */
static struct node *keyed_map(struct sema *s, struct node *n)
{
	struct node *m = n->args.v[0];
	if (m->kind != N_MAP) {
		sema_err(s, &m->loc, "%s() expects a map argument", n->name);
		return NULL;
	}
	struct node *k = m;
	if (n->args.n > 1) {
		if (m->args.n) {
			sema_err(s, &n->loc, "%s() expects a map without keys "
					     "and a key",
				 n->name);
			return NULL;
		}
		k = ast_new(N_MAP, &m->loc);
		k->name = m->name;
		vec_push(&k->args, n->args.v[1]);
	}
	sema_map_ref(s, m);
	struct sema_map *sm = sema_map_of(m);
	if (!sm || !sm->value)
		return NULL;
	if (sm->value->kind == TY_AGG && (sm->value->agg == AGG_HIST ||
					  sm->value->agg == AGG_LHIST ||
					  sm->value->agg == AGG_TSERIES)) {
		/* one histogram is many map entries (types.h) */
		sema_err(s, &n->loc, "%s() cannot be used on a %s map; use "
				     "clear() or zero() on the whole map",
			 n->name, type_name(sm->value));
		return NULL;
	}
	if (!sm->nkeys && (k->args.n || !strcmp(n->name, "has_key") ||
			   !strcmp(n->name, "find"))) {
		sema_err(s, &m->loc, "call to %s() expects a map with explicit "
				     "keys (non-scalar map)",
			 n->name);
		return NULL;
	}
	if (sm->nkeys && !k->args.n) {
		sema_err(s, &m->loc, "call to %s() expects a map without "
				     "explicit keys (scalar map)",
			 n->name);
		return NULL;
	}
	if (is_none(sema_expr(s, k)))
		return NULL;
	n->c = k;
	return k;
}

static struct type *ty_delete(struct sema *s, struct node *n)
{
	keyed_map(s, n);
	return type_bool();
}

/* find(@m, key, $v): whether @m has key, and then $v = @m[key] (the
 * hidden assignment, n->b, in a block for the lowering). */
static struct type *ty_find(struct sema *s, struct node *n)
{
	struct node *v = n->args.v[2];
	if (v->kind != N_VAR) {
		sema_err(s, &v->loc, "find() expects a scratch variable as its "
				     "third argument (the result)");
		return type_bool();
	}
	struct node *k = keyed_map(s, n);
	if (!k)
		return type_bool();
	struct node *as = ast_new(N_ASSIGN, &n->loc);
	as->op = '=';
	as->a = v;
	as->b = k;
	sema_assign(s, as);
	n->b = ast_new(N_BLOCK, &n->loc);
	vec_push(&n->b->args, as);
	return type_bool();
}

/* printf-like: a literal format and its arguments (cat, system, errorf,
 * warnf, time). */
static struct type *ty_fmt(struct sema *s, struct node *n)
{
	if (!strcmp(n->name, "system") && !sema_cfg(s)->unsafe)
		sema_err(s, &n->loc, "system() is unsafe. To use you need the "
				     "--unsafe flag");
	ty_printf(s, n);
	return type_void();
}

static bool is_byte_array(const struct type *t)
{
	return t->kind == TY_ARRAY && t->elem && t->elem->kind == TY_INT &&
	       t->elem->size == 1;
}

/* Types argument i of a string function: a string or a byte array as it
 * is, a char pointer (stdlib.md's int8 * signatures of strlen and strncmp)
 * becomes str() of it, read up to max_strlen. */
static struct type *str_like_arg(struct sema *s, struct node *n, int i)
{
	struct node *a = n->args.v[i];
	struct type *t = sema_expr(s, a);
	if (is_none(t) || t->kind != TY_PTR || !t->elem ||
	    t->elem->kind != TY_INT || t->elem->size != 1)
		return t;
	struct node *c = ast_new(N_CALL, &a->loc);
	c->name = "str";
	vec_push(&c->args, a);
	n->args.v[i] = c;
	return sema_expr(s, c);
}

static struct type *ty_strlen(struct sema *s, struct node *n)
{
	struct type *t = str_like_arg(s, n, 0);
	if (!is_none(t) && t->kind != TY_STR && !is_byte_array(t))
		sema_err(s, &n->loc, "%s() expects a string argument (%s "
				     "provided)",
			 n->name, type_name(t));
	return type_int(8, false);
}

static struct type *ty_strncmp(struct sema *s, struct node *n)
{
	struct type *a = str_like_arg(s, n, 0);
	struct type *b = str_like_arg(s, n, 1);
	struct type *c = sema_expr(s, n->args.v[2]);
	struct type *bad =
		!is_none(a) && a->kind != TY_STR && !is_byte_array(a) ? a
		: !is_none(b) && b->kind != TY_STR && !is_byte_array(b) ? b
									: NULL;
	if (bad)
		sema_err(s, &n->loc,
			 "strncmp() only supports string arguments (%s "
			 "provided)",
			 sema_kind_name(bad));
	else if (!is_none(c) && n->args.v[2]->kind != N_INT)
		sema_err(s, &n->loc,
			 "strncmp() expects a int literal (%s provided)",
			 sema_kind_name(c));
	return type_int(8, true);
}

static bool memcmp_operand(const struct type *t)
{
	return t->kind == TY_STR || t->kind == TY_ARRAY ||
	       t->kind == TY_TUPLE || t->kind == TY_RECORD;
}

/* memcmp(left, right, count): two values held by the program (strings,
 * arrays, tuples, records), count a literal, clamped to the smaller. */
static struct type *ty_memcmp(struct sema *s, struct node *n)
{
	struct type *a = sema_expr(s, n->args.v[0]);
	struct type *b = sema_expr(s, n->args.v[1]);
	struct type *c = sema_expr(s, n->args.v[2]);
	if (is_none(a) || is_none(b) || is_none(c))
		return type_none();
	struct type *bad = !memcmp_operand(a) ? a : !memcmp_operand(b) ? b
									: NULL;
	if (bad) {
		sema_err(s, &n->loc, "memcmp() expects strings, arrays, tuples "
				     "or records (%s provided)",
			 type_name(bad));
		return type_none();
	}
	if (n->args.v[2]->kind != N_INT) {
		sema_err(s, &n->loc, "memcmp() expects an integer literal as "
				     "its count (%s provided)",
			 sema_kind_name(c));
		return type_none();
	}
	return type_int(8, true);
}

/* len(@m): the number of elements of a keyed map */
static struct type *ty_len(struct sema *s, struct node *n)
{
	struct node *m = n->args.v[0];
	if (m->kind != N_MAP || m->args.n) {
		struct type *t = sema_expr(s, m);
		if (!is_none(t) && t->kind != TY_USTACK && t->kind != TY_KSTACK)
			sema_err(s, &n->loc, "len() expects a map or a stack");
		return type_int(8, true);
	}
	sema_map_ref(s, m);
	struct sema_map *sm = sema_map_of(m);
	if (sm && sm->value && !sm->nkeys)
		sema_err(s, &m->loc, "call to len() expects a map with explicit "
				     "keys (non-scalar map)");
	return type_int(8, true);
}

/* arg0..arg5 (x86-64; aarch64 to arg7), retval: kprobe/uprobe registers; usdt arg0..arg11: the
 * probe's argument specs (usdt.c) */
static struct type *ty_reg_arg(struct sema *s, struct node *n)
{
	struct attach_point *ap = sema_ap(s);
	const struct prov_ops *p = prov_of(ap);
	bool ret = !strcmp(n->name, "retval");
	int idx = ret ? -1 : atoi(n->name + 3);
	bool ok = p && (ret ? p->retval != RETVAL_NONE : p->args != ARGS_NONE);
	if (!ok) {
		sema_err(s, &n->loc, "The %s builtin can only be used with "
				     "%s probes",
			 n->name, ret ? "kretprobe and uretprobe"
				      : "kprobe, uprobe and usdt");
		return type_none();
	}
	/* fexit: the function's own return type (BTF) */
	if (ret && p->retval == RETVAL_SLOT) {
		struct type *t = ap->ret_type;
		return t && (t->kind == TY_INT || t->kind == TY_PTR ||
			     t->kind == TY_BOOL) ? t : type_int(8, true);
	}
	/* raw tracepoints: the ctx is the arguments' u64 slots */
	if (!ret && p->args == ARGS_SLOTS) {
		int na = ap->args_type ? ap->args_type->size / 8 : 12;
		if (idx >= na) {
			sema_err(s, &n->loc, "%s has %d argument%s: there is "
					     "no %s", probes_ap_name(ap), na,
				 na == 1 ? "" : "s", n->name);
			return type_none();
		}
		return type_int(8, true);
	}
	const char *err;
	bool usdt = !ret && p->args == ARGS_USDT;
	int na = usdt ? usdt_nargs(ap, &err) : arch_current()->nargs;
	if (na >= 0 && idx >= na) {
		if (usdt)
			sema_err(s, &n->loc, "%s has %d argument%s: there is "
					     "no %s", probes_ap_name(ap), na,
				 na == 1 ? "" : "s", n->name);
		else
			sema_err(s, &n->loc, "%s is not available in %s "
					     "probes (arg0-arg%d are)", n->name,
				 p->name, na - 1);
		return type_none();
	}
	return ret ? type_int(8, false) : type_int(8, true);
}

/* The longest probe name among the attach points of the current probe:
 * `probe` is one string type for all of them. */
static struct type *ty_probe(struct sema *s, struct node *n)
{
	struct attach_point *ap = sema_ap(s);
	if (!ap)
		return type_none();
	int len = sema_probe_name_max(s) + 1;
	if (len < 64)
		len = 64;
	return type_str(len);
}

static struct type *ty_probetype(struct sema *s, struct node *n)
{
	return type_str(16);
}

/* ctx: the program's context pointer (pt_regs, the tracepoint record,
 * bpf_perf_event_data...), a kernel pointer to cast and read through. */
static struct type *ty_ctx(struct sema *s, struct node *n)
{
	struct attach_point *ap = sema_ap(s);
	const struct prov_ops *p = prov_of(ap);
	if (p && p->ctx_struct && ap->func) {
		/* iter:task: struct bpf_iter__task * (meta, task, ...) */
		struct type *t = cdecl_lookup(tt_sprintf(p->ctx_struct,
							 ap->func));
		if (t)
			return type_ptr(t, AS_KERNEL);
	}
	return type_ptr(type_void(), AS_KERNEL);
}

static struct type *ty_time(struct sema *s, struct node *n)
{
	if (n->args.n && n->args.v[0]->kind != N_STR) {
		struct type *t = sema_expr(s, n->args.v[0]);
		sema_err(s, &n->loc, "time() expects a string literal (%s "
				     "provided)",
			 sema_kind_name(t));
	}
	return type_void();
}

/* pton("1.2.3.4") / pton("::1"): the address's bytes in network order,
 * int8[4] or int8[16]; the argument must be a string literal. */
bool builtin_pton(const char *text, unsigned char out[16], int *len)
{
	if (inet_pton(AF_INET, text, out) == 1) {
		*len = 4;
		return true;
	}
	if (inet_pton(AF_INET6, text, out) == 1) {
		*len = 16;
		return true;
	}
	return false;
}

static struct type *ty_pton(struct sema *s, struct node *n)
{
	struct node *a = n->args.v[0];
	struct type *t = sema_expr(s, a);
	unsigned char buf[16];
	int len;
	if (is_none(t))
		return type_none();
	if (a->kind != N_STR) {
		sema_err(s, &n->loc, "pton() expects a string literal as its "
				     "argument");
		return type_none();
	}
	if (!builtin_pton(a->str, buf, &len)) {
		sema_err(s, &n->loc, "pton() expects a valid IPv4 or IPv6 "
				     "address, got %s", a->str);
		return type_none();
	}
	return type_array(type_int(1, true), len);
}

/* kaddr("sym"): the kernel symbol's address from /proc/kallsyms, found
 * at compile time (ival). */
static struct type *ty_kaddr(struct sema *s, struct node *n)
{
	struct node *a = n->args.v[0];
	struct type *t = sema_expr(s, a);
	if (is_none(t))
		return type_none();
	if (a->kind != N_STR) {
		sema_err(s, &n->loc, "kaddr() expects a string literal as its "
				     "argument");
		return type_none();
	}
	uint64_t addr = ksym_addr(a->str);
	bool found = addr != 0;
	if (!found) {
		sema_err(s, &n->loc, "Failed to resolve kernel symbol: %s",
			 a->str);
		return type_none();
	}
	n->ival = addr;
	return type_int(8, false);
}

/* ---- stacks and symbols ------------------------------------------------
 * kstack/ustack (bare, or (N), (mode), (mode, N)), ksym(x), usym(x), func,
 * uaddr("sym").  Values are laid out as types.h says; symbols.c names
 * them when they are printed.  Stacks are bpf_get_stack's frames stored
 * in the value itself (as current bpftrace does), so a stack is an
 * ordinary map key and len() reads its frame count. */

static const char *const stack_modes[] = {
	[STACK_MODE_BPFTRACE] = "bpftrace", [STACK_MODE_PERF] = "perf",
	[STACK_MODE_RAW] = "raw", [STACK_MODE_BUILD_ID] = "build_id",
};

static int stack_mode_of(const char *s)
{
	for (int i = 0; s && i < (int)ARRAY_SIZE(stack_modes); i++)
		if (!strcmp(s, stack_modes[i]))
			return i;
	return -1;
}

/* Bytes of one frame: an address, or a struct bpf_stack_build_id. */
int builtin_stack_frame_size(bool user, int mode)
{
	return user && mode == STACK_MODE_BUILD_ID
		       ? (int)sizeof(struct bpf_stack_build_id) : 8;
}

static struct type *type_stack(bool user, int mode, int limit)
{
	struct type *t = type_new(user ? TY_USTACK : TY_KSTACK,
				  (user ? 16 : 8) +
					  limit * builtin_stack_frame_size(user, mode),
				  8);
	t->nelem = limit;
	t->stack_mode = mode;
	return t;
}

static struct type *ty_stack(struct sema *s, struct node *n)
{
	bool user = n->name[0] == 'u';
	int mode = stack_mode_of(sema_cfg(s)->stack_mode);
	int limit = 127;
	int na = n->args.n;
	if (mode < 0)
		mode = STACK_MODE_BPFTRACE;
	for (int i = 0; i < na; i++) {
		struct node *a = n->args.v[i];
		if (i == 0 && a->kind == N_BUILTIN) {
			mode = stack_mode_of(a->name);
			if (mode < 0) {
				sema_err(s, &a->loc,
					 "Error parsing stack mode: Invalid "
					 "value for stack_mode: %s", a->name);
				return type_none();
			}
			continue;
		}
		if (i == 0 && na == 2) {
			sema_err(s, &n->loc,
				 "Expected stack mode as first argument");
			return type_none();
		}
		struct type *t = sema_expr(s, a);
		if (is_none(t))
			return type_none();
		if (a->kind != N_INT || !type_is_int(t)) {
			sema_err(s, &n->loc,
				 "%s() expects a int literal (%s provided)",
				 n->name, sema_kind_name(t));
			return type_none();
		}
		if (a->ival > 1024) {
			sema_err(s, &n->loc,
				 "%s([int limit]): limit shouldn't exceed "
				 "1024, %llu given",
				 n->name, (unsigned long long)a->ival);
			return type_none();
		}
		limit = (int)a->ival;
	}
	if (!user && mode == STACK_MODE_BUILD_ID) {
		sema_err(s, &n->loc,
			 "kstack() does not support the build_id stack mode");
		return type_none();
	}
	return type_stack(user, mode, limit);
}

static struct type *type_ksym(void) { return type_new(TY_KSYM, 8, 8); }
static struct type *type_usym(void) { return type_new(TY_USYM, 16, 8); }

/* ksym(addr), usym(addr) */
static struct type *ty_sym(struct sema *s, struct node *n)
{
	struct type *t = sema_expr(s, n->args.v[0]);
	if (is_none(t))
		return type_none();
	if (!type_is_int(t) && t->kind != TY_PTR) {
		sema_err(s, &n->loc,
			 "%s() expects an integer or a pointer argument (%s "
			 "provided)",
			 n->name, sema_kind_name(t));
		return type_none();
	}
	return n->name[0] == 'k' ? type_ksym() : type_usym();
}

/* func: the probed function, a ksym in kernel probes, a usym in user
 * ones. */
static struct type *ty_func(struct sema *s, struct node *n)
{
	struct attach_point *ap = sema_ap(s);
	const struct prov_ops *p = prov_of(ap);
	if (p && p->func == FUNC_KSYM)
		return type_ksym();
	if (p && p->func == FUNC_USYM)
		return type_usym();
	sema_err(s, &n->loc, "The func builtin can not be used with '%s' probes",
		 ap ? probes_provider_name(ap->prov) : "none");
	return type_none();
}

/* uaddr("sym"): the address of a symbol of the probed binary, typed as a
 * pointer to an integer of the symbol's size (1, 2, 4, else 8 bytes).
 * In a position-independent binary the load address is added at run
 * time: a uprobe's or USDT probe's ip minus the probed instruction's
 * virtual address. */
const struct elf_bin *builtin_uaddr_bin(const char *path)
{
	static const char *last_path;
	static struct elf_bin *last;
	if (last_path && !strcmp(last_path, path))
		return last;
	struct elf_bin *bin = NULL;
	if (elf_bin_open(path, &bin) < 0)
		return NULL;
	last_path = tt_strdup(path);
	last = bin;
	return bin;
}

static struct type *ty_uaddr(struct sema *s, struct node *n)
{
	struct node *a = n->args.v[0];
	struct type *t = sema_expr(s, a);
	if (is_none(t))
		return type_none();
	if (a->kind != N_STR) {
		sema_err(s, &n->loc, "uaddr() expects a string literal as its "
				     "argument");
		return type_none();
	}
	struct attach_point *ap = sema_ap(s);
	if (!prov_has(ap, PF_USER)) {
		sema_err(s, &n->loc,
			 "uaddr can only be used with u(ret)probes and usdt "
			 "probes");
		return type_none();
	}
	const char *path = ap->path ? ap->path : ap->target;
	const struct elf_bin *bin = path ? builtin_uaddr_bin(path) : NULL;
	const struct elf_sym *sym = NULL;
	if (bin) {
		sym = elf_obj_find(bin, a->str);
		if (!sym)
			sym = elf_sym_find(bin, a->str);
	}
	if (!sym) {
		sema_err(s, &n->loc, "Could not resolve symbol: %s:%s",
			 ap->target ? ap->target : "", a->str);
		return type_none();
	}
	n->ival = sym->addr;
	int size = sym->size == 1 || sym->size == 2 || sym->size == 4
			   ? (int)sym->size : 8;
	return type_ptr(type_int(size, true), AS_USER);
}

/* reg("name"): a register of the probed code, from the pt_regs at the
 * start of the context (kprobes, uprobes, USDT; profile and interval's
 * bpf_perf_event_data begins with it); the names are the architecture's
 * (arch.h). */
static struct type *ty_reg(struct sema *s, struct node *n)
{
	struct node *a = n->args.v[0];
	struct type *t = sema_expr(s, a);
	if (is_none(t))
		return type_none();
	if (a->kind != N_STR) {
		sema_err(s, &n->loc, "reg() expects a string literal as its "
				     "argument");
		return type_none();
	}
	struct attach_point *ap = sema_ap(s);
	if (!prov_has(ap, PF_REG)) {
		sema_err(s, &n->loc, "reg can not be used with \"%s\" probes",
			 probes_provider_name(ap ? ap->prov : PROV_NONE));
		return type_none();
	}
	if (arch_reg_off(a->str) < 0) {
		sema_err(s, &n->loc, "'%s' is not a valid register on this "
				     "architecture (%s)",
			 a->str, arch_current()->name);
		return type_none();
	}
	return type_int(8, false);
}

/* cpid: the -c command's pid, which exists only once the programs are
 * loaded: an internal array map ("cpid", one uint64) the runtime fills
 * before attaching.  Without -c it is 0 with a warning where it runs
 * (stdlib.md; has_cpid guards it). */
static struct type *ty_cpid(struct sema *s, struct node *n)
{
	(void)s;
	(void)n;
	return type_int(4, false);
}

/* ---- values resolved in userspace, special records (builtins_lower_values.c)
 * ---- */

/* Argument i as a string literal (also a macro parameter standing for
 * one), typed; NULL when it is something else. */
static struct node *str_literal_arg(struct sema *s, struct node *n, int i)
{
	struct node *a = n->args.v[i];
	if (a->kind == N_BLOCK && !a->args.n && a->a && a->a->kind == N_STR)
		n->args.v[i] = a = a->a;
	sema_expr(s, a);
	return a->kind == N_STR ? a : NULL;
}

/* Types argument i, which must be an integer; false after an error. */
static bool int_arg(struct sema *s, struct node *n, int i, const char *what)
{
	struct type *t = sema_expr(s, n->args.v[i]);
	if (is_none(t))
		return false;
	if (!type_is_int(t)) {
		sema_err(s, &n->loc, "%s() expects an integer %s (%s provided)",
			 n->name, what, sema_kind_name(t));
		return false;
	}
	return true;
}

/* ---- nsecs(mode), strftime(), elapsed ------------------------------------ */

static const char *const ts_modes[] = {
	[TS_BOOT] = "boot", [TS_MONOTONIC] = "monotonic", [TS_TAI] = "tai",
	[TS_SW_TAI] = "sw_tai",
};

static int ts_mode_of(const char *name)
{
	for (int i = 0; i < (int)ARRAY_SIZE(ts_modes); i++)
		if (!strcmp(name, ts_modes[i]))
			return i;
	return -1;
}

/* nsecs / nsecs(monotonic|boot|tai|sw_tai): uint64; ival = the mode. */
static struct type *ty_nsecs(struct sema *s, struct node *n)
{
	n->ival = TS_BOOT;
	if (n->args.n) {
		struct node *a = n->args.v[0];
		int m = a->kind == N_BUILTIN ? ts_mode_of(a->name) : -1;
		if (m < 0) {
			sema_err(s, &a->loc, "Invalid timestamp mode: %s (expects "
					     "monotonic, boot, tai or sw_tai)",
				 a->kind == N_BUILTIN ? a->name : "an expression");
			return type_none();
		}
		n->ival = (uint64_t)m;
	}
	return type_int(8, false);
}

/* elapsed: nanoseconds since tinytrace started (compiled the script). */
static struct type *ty_elapsed(struct sema *s, struct node *n)
{
	return type_int(8, false);
}

/* strftime("fmt", ns): a timestamp (types.h); ival = the clock of ns, from
 * an nsecs(mode) argument (boot otherwise). */
static struct type *ty_strftime(struct sema *s, struct node *n)
{
	struct node *f = str_literal_arg(s, n, 0);
	bool ok = int_arg(s, n, 1, "timestamp");
	if (!f) {
		sema_err(s, &n->loc, "strftime() expects a string literal as "
				     "its first argument");
		return type_none();
	}
	if (!ok)
		return type_none();
	struct node *a = n->args.v[1];
	int64_t lit;
	if (int_literal(a, &lit) && lit < 0) {
		/* stdlib.md: negative timestamp literals are rejected */
		sema_err(s, &a->loc, "strftime() expects a non-negative "
				     "timestamp (%lld provided)",
			 (long long)lit);
		return type_none();
	}
	n->ival = TS_BOOT;
	if ((a->kind == N_CALL || a->kind == N_BUILTIN) &&
	    !strcmp(a->name, "nsecs"))
		n->ival = a->ival;
	return type_new(TY_TIMESTAMP, 16, 8);
}

/* ---- username, strerror, cgroup_path ---------------------------------- */

static struct type *ty_username(struct sema *s, struct node *n)
{
	return type_new(TY_USERNAME, 8, 8);
}

static struct type *ty_strerror(struct sema *s, struct node *n)
{
	if (!int_arg(s, n, 0, "error number"))
		return type_none();
	return type_new(TY_STRERROR, 8, 8);
}

/* signal_name(n): like strerror(), a number named in userspace; the type
 * is named "signal_name" to tell fmt_values.c which names. */
static struct type *ty_signal_name(struct sema *s, struct node *n)
{
	if (!int_arg(s, n, 0, "signal number"))
		return type_none();
	struct type *t = type_new(TY_STRERROR, 8, 8);
	t->name = "signal_name";
	return t;
}

/* syscall_name(nr): this machine's name of a syscall number, named in
 * userspace as signal_name (fmt_values.c, cheaders.c's table). */
static struct type *ty_syscall_name(struct sema *s, struct node *n)
{
	if (!int_arg(s, n, 0, "syscall number"))
		return type_none();
	struct type *t = type_new(TY_STRERROR, 8, 8);
	t->name = "syscall_name";
	return t;
}

/* cgroup_path(id [, "filter"]) */
static struct type *ty_cgroup_path(struct sema *s, struct node *n)
{
	bool ok = int_arg(s, n, 0, "cgroup id");
	if (n->args.n > 1 && !str_literal_arg(s, n, 1)) {
		sema_err(s, &n->loc, "cgroup_path() expects a string literal "
				     "as its second argument");
		return type_none();
	}
	return ok ? type_new(TY_CGROUP_PATH, 16, 8) : type_none();
}

/* ---- buf, ntop, macaddr ----------------------------------------------- */

/* buf(data [, len]): { uint32 len; uint8 data[cap]; } where cap is the
 * literal length, the array's size, or max_strlen. */
static struct type *ty_buf(struct sema *s, struct node *n)
{
	struct node *a = n->args.v[0];
	struct type *t = sema_expr(s, a);
	if (n->args.n > 1 && !int_arg(s, n, 1, "length"))
		return type_none();
	if (is_none(t))
		return type_none();
	int max = sema_cfg(s)->max_strlen, cap;
	if (t->kind == TY_ARRAY || t->kind == TY_STR)
		cap = t->size;
	else if (t->kind == TY_PTR || type_is_int(t)) {
		if (n->args.n < 2) {
			sema_err(s, &n->loc, "buf() expects a length argument "
					     "when reading from a %s",
				 sema_kind_name(t));
			return type_none();
		}
		cap = max;
	} else {
		sema_err(s, &n->loc, "buf() expects an array, a string or a "
				     "pointer (%s provided)",
			 sema_kind_name(t));
		return type_none();
	}
	int64_t len;
	if (n->args.n > 1 && int_literal(n->args.v[1], &len)) {
		if (len < 0) {
			sema_err(s, &n->args.v[1]->loc,
				 "buf() length must not be negative (%lld "
				 "provided)",
				 (long long)len);
			return type_none();
		}
		if (len < cap)
			cap = (int)len;
	}
	if (cap > max)
		cap = max;
	return type_new(TY_BUFFER, 4 + cap, 4);
}

/* ntop([af,] addr): { int64 af; uint8 addr[16]; }; an integer or a 4-byte
 * array is IPv4, a 16-byte array IPv6, unless af says otherwise. */
static struct type *ty_ntop(struct sema *s, struct node *n)
{
	int ai = n->args.n - 1;
	if (ai && !int_arg(s, n, 0, "address family"))
		return type_none();
	struct type *t = sema_expr(s, n->args.v[ai]);
	if (is_none(t))
		return type_none();
	if (!type_is_int(t) &&
	    !(t->kind == TY_ARRAY && (t->size == 4 || t->size == 16))) {
		sema_err(s, &n->loc, "ntop() expects an integer or an array of "
				     "4 or 16 bytes (%s provided)",
			 type_name(t));
		return type_none();
	}
	return type_new(TY_INET, 24, 8);
}

/* macaddr(x): 6 bytes from an array, through a pointer, or of an int. */
static struct type *ty_macaddr(struct sema *s, struct node *n)
{
	struct type *t = sema_expr(s, n->args.v[0]);
	if (is_none(t))
		return type_none();
	if (!type_is_int(t) && t->kind != TY_PTR &&
	    !((t->kind == TY_ARRAY || t->kind == TY_STR) && t->size >= 6)) {
		sema_err(s, &n->loc, "macaddr() expects an array of 6 bytes, a "
				     "pointer or an integer (%s provided)",
			 type_name(t));
		return type_none();
	}
	return type_new(TY_MAC, 6, 1);
}

/* ---- bswap ---------------------------------------------------------------- */

static struct type *ty_bswap(struct sema *s, struct node *n)
{
	if (!int_arg(s, n, 0, "argument"))
		return type_none();
	struct type *t = n->args.v[0]->type;
	return type_int(t->kind == TY_BOOL ? 1 : t->size, false);
}

/* ---- join ----------------------------------------------------------------- */

/* join(argv [, "sep"]): the strings of a NULL-terminated array of string
 * pointers, printed by userspace separated by sep (" "). */
static struct type *ty_join(struct sema *s, struct node *n)
{
	struct type *t = sema_expr(s, n->args.v[0]);
	if (n->args.n > 1 && !str_literal_arg(s, n, 1)) {
		sema_err(s, &n->loc, "join() expects a string literal as its "
				     "separator");
		return type_void();
	}
	if (!is_none(t) && t->kind != TY_PTR && !type_is_int(t))
		sema_err(s, &n->loc, "join() expects an array of string "
				     "pointers (%s provided)",
			 type_name(t));
	return type_void();
}

/* ---- signal, kptr/uptr ---------------------------------------------------- */

static int signal_number(const char *name)
{
	static const struct { const char *name; int sig; } sigs[] = {
		{ "HUP", SIGHUP },   { "INT", SIGINT },	  { "QUIT", SIGQUIT },
		{ "ILL", SIGILL },   { "TRAP", SIGTRAP }, { "ABRT", SIGABRT },
		{ "BUS", SIGBUS },   { "FPE", SIGFPE },	  { "KILL", SIGKILL },
		{ "USR1", SIGUSR1 }, { "SEGV", SIGSEGV }, { "USR2", SIGUSR2 },
		{ "PIPE", SIGPIPE }, { "ALRM", SIGALRM }, { "TERM", SIGTERM },
		{ "CHLD", SIGCHLD }, { "CONT", SIGCONT }, { "STOP", SIGSTOP },
		{ "TSTP", SIGTSTP }, { "TTIN", SIGTTIN }, { "TTOU", SIGTTOU },
		{ "URG", SIGURG },   { "XCPU", SIGXCPU }, { "XFSZ", SIGXFSZ },
		{ "VTALRM", SIGVTALRM }, { "PROF", SIGPROF },
		{ "WINCH", SIGWINCH }, { "IO", SIGIO }, { "PWR", SIGPWR },
		{ "SYS", SIGSYS },
	};
	if (!strncmp(name, "SIG", 3))
		name += 3;
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		if (!strcmp(name, sigs[i].name))
			return sigs[i].sig;
	return -1;
}

/* signal("SIGKILL" | N): bpf_send_signal to the current process;
 * signal_thread(): bpf_send_signal_thread to the current thread. */
static struct type *ty_signal(struct sema *s, struct node *n)
{
	if (!sema_cfg(s)->unsafe)
		sema_err(s, &n->loc, "%s() is unsafe. To use you need the "
				     "--unsafe flag", n->name);
	struct attach_point *ap = sema_ap(s);
	if (prov_has(ap, PF_SPECIAL)) {
		sema_err(s, &n->loc, "%s() is not supported in %s probes",
			 n->name, probes_provider_name(ap->prov));
		return type_void();
	}
	struct node *a = n->args.v[0];
	struct type *t = sema_expr(s, a);
	if (a->kind == N_STR) {
		int sig = signal_number(a->str);
		if (sig < 0)
			sema_err(s, &a->loc, "%s is not a valid signal", a->str);
		n->ival = sig;
	} else if (a->kind == N_INT && (a->ival < 1 || a->ival > 64)) {
		sema_err(s, &a->loc, "%d is not a valid signal, allowed range: "
				     "[1,64]", (int)a->ival);
	} else if (!is_none(t) && !type_is_int(t)) {
		sema_err(s, &n->loc, "%s() expects a signal name or number "
				     "(%s provided)",
			 n->name, sema_kind_name(t));
	}
	return type_void();
}

/* write_user(dst, src, len): bpf_probe_write_user of len bytes of src (a
 * value, or a pointer to BPF memory) to the user address dst; true on
 * success. */
static struct type *ty_write_user(struct sema *s, struct node *n)
{
	if (!sema_cfg(s)->unsafe)
		sema_err(s, &n->loc, "write_user() is unsafe. To use you need "
				     "the --unsafe flag");
	struct type *d = sema_expr(s, n->args.v[0]);
	struct type *v = sema_expr(s, n->args.v[1]);
	bool ok = int_arg(s, n, 2, "length");
	if (is_none(d) || is_none(v) || !ok)
		return type_none();
	if (d->kind != TY_PTR && !type_is_int(d)) {
		sema_err(s, &n->loc, "write_user() expects a pointer as its "
				     "destination (%s provided)",
			 sema_kind_name(d));
		return type_none();
	}
	if (v->kind != TY_PTR && v->size <= 0) {
		sema_err(s, &n->loc, "write_user() can not write a value of "
				     "type %s", type_name(v));
		return type_none();
	}
	struct node *l = n->args.v[2];
	if (l->kind == N_INT && l->ival == 0) {
		sema_err(s, &l->loc, "write_user() length must be at least 1");
		return type_none();
	}
	return type_bool();
}

/* kptr(p) / uptr(p): p marked as a kernel / user address-space pointer. */
static struct type *ty_addrspace(struct sema *s, struct node *n)
{
	struct type *t = sema_expr(s, n->args.v[0]);
	if (is_none(t))
		return type_none();
	if (type_is_int(t))
		return t;
	if (t->kind != TY_PTR) {
		sema_err(s, &n->loc, "%s() expects a pointer (%s provided)",
			 n->name, sema_kind_name(t));
		return type_none();
	}
	return type_ptr(t->elem, n->name[0] == 'u' ? AS_USER : AS_KERNEL);
}

/* ---- percpu_kaddr --------------------------------------------------------- */

/* What percpu_var_find found. */
enum percpu_var {
	PERCPU_FOUND,      /* a per-CPU variable: *id is its BTF id */
	PERCPU_NO_VAR,     /* vmlinux BTF has no variable of that name */
	PERCPU_NOT_PERCPU, /* it is not in the .data..percpu section */
	PERCPU_NO_BTF,     /* no kernel BTF */
};

/* Looks name up as a per-CPU variable of vmlinux (a VAR in the
 * .data..percpu section). */
static enum percpu_var percpu_var_find(const char *name, int *id)
{
	static struct btf *vmlinux;
	static bool tried;
	if (!tried) {
		tried = true;
		/* the kernel's own: the program names its BTF id */
		vmlinux = btf_kernel_available() ? btf__load_vmlinux_btf()
						 : NULL;
	}
	if (!vmlinux)
		return PERCPU_NO_BTF;
	*id = btf__find_by_name_kind(vmlinux, name, BTF_KIND_VAR);
	if (*id <= 0)
		return PERCPU_NO_VAR;
	int sec = btf__find_by_name_kind(vmlinux, ".data..percpu",
					 BTF_KIND_DATASEC);
	const struct btf_type *t = sec > 0 ? btf__type_by_id(vmlinux, sec) : NULL;
	const struct btf_var_secinfo *v = t ? btf_var_secinfos(t) : NULL;
	for (int i = 0; t && i < btf_vlen(t); i++)
		if ((int)v[i].type == *id)
			return PERCPU_FOUND;
	return PERCPU_NOT_PERCPU;
}

/* Whether /proc/kallsyms names sym: the kernel resolves a BTF variable's
 * address there (data symbols are listed only with CONFIG_KALLSYMS_ALL). */
static bool in_kallsyms(const char *sym)
{
	return ksym_addr(sym) != 0;
}

/* percpu_kaddr("sym" [, cpu]): sym's address on cpu (NULL when there is
 * no such CPU: bpf_per_cpu_ptr), or on this CPU (bpf_this_cpu_ptr); ival =
 * the variable's BTF id. */
static struct type *ty_percpu_kaddr(struct sema *s, struct node *n)
{
	struct node *a = str_literal_arg(s, n, 0);
	if (n->args.n > 1 && !int_arg(s, n, 1, "cpu"))
		return type_none();
	if (!a) {
		sema_err(s, &n->loc, "percpu_kaddr() expects a string literal "
				     "as its first argument");
		return type_none();
	}
	int id = 0;
	enum percpu_var found = percpu_var_find(a->str, &id);
	if (found != PERCPU_FOUND) {
		sema_err(s, &n->loc, found == PERCPU_NO_BTF
					     ? "percpu_kaddr() needs kernel BTF "
					       "(/sys/kernel/btf/vmlinux)"
				     : found == PERCPU_NOT_PERCPU
					     ? "%s is not a per-CPU variable"
					     : "Failed to resolve kernel "
					       "variable: %s",
			 a->str);
		return type_none();
	}
	if (!in_kallsyms(a->str)) {
		sema_err(s, &n->loc, "percpu_kaddr(): this kernel cannot resolve "
				     "%s (data symbols are missing from "
				     "/proc/kallsyms: CONFIG_KALLSYMS_ALL is off)",
			 a->str);
		return type_none();
	}
	n->ival = (uint64_t)id;
	return type_ptr(type_int(8, false), AS_KERNEL);
}

/* ---- debugf ---------------------------------------------------------------- */

/* debugf("fmt", args...): the kernel formats it into the trace buffer
 * (/sys/kernel/tracing/trace_pipe): integers, strings and pointers, the
 * conversions of the kernel's printk. */
static struct type *ty_debugf(struct sema *s, struct node *n)
{
	struct node *f = str_literal_arg(s, n, 0);
	for (int i = 1; i < n->args.n; i++) {
		struct type *t = sema_expr(s, n->args.v[i]);
		if (!is_none(t) && !type_is_int(t) && t->kind != TY_STR &&
		    t->kind != TY_PTR)
			sema_err(s, &n->args.v[i]->loc, "debugf() cannot print a "
							"value of type %s",
				 type_name(t));
	}
	if (!f) {
		sema_err(s, &n->loc, "debugf() expects a string literal as "
				     "its first argument");
		return type_void();
	}
	if (n->args.n - 1 > 12)
		sema_err(s, &n->loc, "debugf() takes at most 12 arguments after "
				     "the format (%d given)", n->args.n - 1);
	sema_check_format(s, n, "debugf", 1);
	return type_void();
}

/* ---- usermode ------------------------------------------------------------ */

/* usermode: uint8, 1 when the probe interrupted user code (x86-64: the
 * privilege level in pt_regs->cs is 3; aarch64: PSTATE's mode is EL0).  BEGIN/END count as user mode, as
 * in bpftrace, whose BEGIN/END are uprobes on itself; tracepoints, fentry
 * and the like run in the kernel. */
static struct type *ty_usermode(struct sema *s, struct node *n)
{
	if (arch_current()->mode_off < 0)
		sema_err(s, &n->loc, "'usermode' builtin is not supported on "
				     "%s", arch_current()->name);
	return type_int(1, false);
}

/* ---- strstr, strcontains --------------------------------------------------- */

/* strstr(h, k): int64 index of the first k in h, or -1;
 * strcontains(h, k): whether there is one. */
static struct type *ty_strstr(struct sema *s, struct node *n)
{
	str_literal_arg(s, n, 1);
	struct type *h = sema_expr(s, n->args.v[0]);
	struct type *k = n->args.v[1]->type;
	bool contains = !strcmp(n->name, "strcontains");
	struct type *rt = contains ? type_bool() : type_int(8, true);
	if (is_none(h) || is_none(k))
		return rt;
	if (h->kind != TY_STR || k->kind != TY_STR) {
		sema_err(s, &n->loc, "%s() expects string arguments (%s and %s "
				     "provided)",
			 n->name, sema_kind_name(h), sema_kind_name(k));
		return type_none();
	}
	return rt;
}

/* str_concat(a, b): a string holding a's characters, then b's (the
 * capacity of both, one NUL). */
static struct type *ty_str_concat(struct sema *s, struct node *n)
{
	struct type *a = sema_expr(s, n->args.v[0]);
	struct type *b = sema_expr(s, n->args.v[1]);
	if (is_none(a) || is_none(b))
		return type_none();
	if (a->kind != TY_STR || b->kind != TY_STR) {
		sema_err(s, &n->loc, "str_concat() expects string arguments "
				     "(%s and %s provided)",
			 sema_kind_name(a), sema_kind_name(b));
		return type_none();
	}
	return type_str(a->size + b->size - 1);
}

/* Whether the probe being checked runs as a TRACING program (fentry,
 * fexit, iter, and with raw_tp_too a rawtracepoint on kernel BTF): if
 * not, an error "WHY (not PROVIDER)" at n. */
static bool tracing_only(struct sema *s, struct node *n, bool raw_tp_too,
			 const char *why)
{
	struct attach_point *ap = sema_ap(s);
	const struct prov_ops *p = ap ? prov_of(ap) : NULL;
	if (!p || (raw_tp_too ? probes_ap_prog_type(ap) : p->prog_type) ==
		  BPF_PROG_TYPE_TRACING)
		return true;
	sema_err(s, &n->loc, "%s (not %s)", why, p->name);
	return false;
}

/* socket_cookie(struct sock *sk): uint64 (bpf_get_socket_cookie, which
 * takes a BTF-typed socket: programs of type TRACING only, i.e. fentry,
 * fexit, iter and (with kernel BTF) rawtracepoint probes). */
static struct type *ty_socket_cookie(struct sema *s, struct node *n)
{
	struct type *t = sema_expr(s, n->args.v[0]);
	if (is_none(t))
		return type_int(8, false);
	struct type *e = t->kind == TY_PTR ? t->elem : NULL;
	if (!e || e->kind != TY_STRUCT) {
		sema_err(s, &n->loc, "socket_cookie() only supports 'struct "
				     "sock *' as the argument (%s provided)",
			 sema_kind_name(t));
		return type_none();
	}
	if (!e->name || strcmp(e->name, "sock")) {
		sema_err(s, &n->loc, "socket_cookie() only supports 'struct "
				     "sock *' as the argument ('%s' provided)",
			 type_name(t));
		return type_none();
	}
	if (!tracing_only(s, n, true, "socket_cookie() needs a BTF-typed "
				      "socket pointer, which only fentry, "
				      "fexit, iter and rawtracepoint (with "
				      "kernel BTF) probes have"))
		return type_none();
	return type_int(8, false);
}

/* path(struct path *p [, size]): a string[size] (default max_strlen) of
 * bpf_d_path, which only TRACING programs (fentry/fexit of the kernel's
 * allowed functions, iterators) may call; a struct path field (not a
 * pointer) stands for its address. */
static struct type *ty_path(struct sema *s, struct node *n)
{
	struct type *t = sema_expr(s, n->args.v[0]);
	int size = sema_cfg(s)->max_strlen;
	if (is_none(t))
		return type_str(size);
	struct type *e = t->kind == TY_PTR ? t->elem : t;
	if (!e || e->kind != TY_STRUCT || !e->name || strcmp(e->name, "path")) {
		sema_err(s, &n->loc, "path() only supports 'struct path *' as "
				     "the argument (%s provided)",
			 type_name(t));
		return type_none();
	}
	if (n->args.n > 1) {
		struct node *l = n->args.v[1];
		sema_expr(s, l);
		if (l->kind != N_INT || l->ival < 1 ||
		    l->ival > (uint64_t)size) {
			sema_err(s, &l->loc, "path() size must be an integer "
					     "literal from 1 to %d (max_strlen)",
				 size);
			return type_none();
		}
		size = (int)l->ival;
	}
	if (!tracing_only(s, n, false, "helper bpf_d_path not allowed in "
				       "probe: only fentry, fexit (of the "
				       "functions the kernel allows) and "
				       "iter probes may call it"))
		return type_none();
	return type_str(size);
}

/* override(rc): bpf_override_return, in kprobes only, with --unsafe; the
 * kernel needs CONFIG_BPF_KPROBE_OVERRIDE (else the verifier does not
 * know the helper) and a function tagged ALLOW_ERROR_INJECTION (else
 * attaching fails). */
static struct type *ty_override(struct sema *s, struct node *n)
{
	if (!sema_cfg(s)->unsafe)
		sema_err(s, &n->loc, "override() is unsafe. To use you need "
				     "the --unsafe flag");
	struct attach_point *ap = sema_ap(s);
	const struct prov_ops *p = ap ? prov_of(ap) : NULL;
	if (p && strcmp(p->name, "kprobe")) {
		sema_err(s, &n->loc, "override() can only be used in kprobe "
				     "probes (not %s)",
			 p->name);
		return type_void();
	}
	int_arg(s, n, 0, "return code");
	return type_void();
}

/* skboutput(path, skb, len, offset): uint32, bpf_skb_output's result.
 * The path is a string literal (the pcap file), skb a BTF-typed struct
 * sk_buff pointer (so TRACING programs only: fentry, fexit, rawtracepoint
 * with kernel BTF), len an integer, offset an integer literal. */
static struct type *ty_skboutput(struct sema *s, struct node *n)
{
	struct node **a = n->args.v;
	struct type *t = sema_expr(s, a[1]);
	bool ok = int_arg(s, n, 2, "length") && !is_none(t);
	if (a[0]->kind != N_STR) {
		sema_err(s, &a[0]->loc, "skboutput() expects a string literal "
					"as the file path");
		ok = false;
	}
	if (a[3]->kind != N_INT || a[3]->ival > UINT32_MAX) {
		sema_err(s, &a[3]->loc, "skboutput() expects an integer literal "
					"as the offset");
		ok = false;
	}
	struct type *e = t && t->kind == TY_PTR ? t->elem : NULL;
	if (!is_none(t) && (!e || e->kind != TY_STRUCT || !e->name ||
			    strcmp(e->name, "sk_buff"))) {
		sema_err(s, &a[1]->loc, "skboutput() expects a 'struct sk_buff "
					"*' (%s provided)", type_name(t));
		ok = false;
	}
	if (!tracing_only(s, n, true, "skboutput() needs a BTF-typed struct "
				      "sk_buff pointer, which only fentry, "
				      "fexit and rawtracepoint (with kernel "
				      "BTF) probes have"))
		ok = false;
	return ok ? type_int(4, false) : type_none();
}

/* dw_ustack([mode,] [limit]): its arguments are typed, then a
 * compile-time error says what tinytrace lacks for it (doc/compat.md). */
static struct type *ty_unsupported(struct sema *s, struct node *n)
{
	for (int i = 0; i < n->args.n; i++)
		if (n->args.v[i]->kind != N_BUILTIN)
			sema_expr(s, n->args.v[i]);
	sema_err(s, &n->loc, "dw_ustack is not supported: it needs a DWARF "
			     "(.eh_frame) unwinder in BPF and the target's "
			     "unwind tables loaded into maps; use ustack "
			     "(frame pointers)");
	return type_none();
}

/* unwatch(addr): async, the watchpoints at addr stop firing. */
static struct type *ty_unwatch(struct sema *s, struct node *n)
{
	int_arg(s, n, 0, "address");
	return type_void();
}

/* ---- the table ----------------------------------------------------------
 * One entry per BUILTINS name (builtin_names.h); test_macro checks that
 * none is missing. */

static const struct builtin_typing typings[BI_COUNT] = {
	[BI_pid] = { AGG_NONE, ty_pidns },
	[BI_tid] = { AGG_NONE, ty_pidns },
	[BI_uid] = { AGG_NONE, ty_u64 },
	[BI_gid] = { AGG_NONE, ty_u64 },
	[BI_nsecs] = { AGG_NONE, ty_nsecs },
	[BI_cpu] = { AGG_NONE, ty_u32 },
	[BI_rand] = { AGG_NONE, ty_u32 },
	[BI_cgroup] = { AGG_NONE, ty_u64 },
	[BI_curtask] = { AGG_NONE, ty_curtask },
	[BI_jiffies] = { AGG_NONE, ty_u64 },
	[BI_numaid] = { AGG_NONE, ty_u32 },
	[BI_comm] = { AGG_NONE, ty_comm },
	[BI_args] = { AGG_NONE, ty_args },
	[BI_ctx] = { AGG_NONE, ty_ctx },
	[BI_printf] = { AGG_NONE, ty_printf },
	[BI_cat] = { AGG_NONE, ty_fmt },
	[BI_system] = { AGG_NONE, ty_fmt },
	[BI_errorf] = { AGG_NONE, ty_fmt },
	[BI_warnf] = { AGG_NONE, ty_fmt },
	[BI_time] = { AGG_NONE, ty_time },
	[BI_delete] = { AGG_NONE, ty_delete },
	[BI_has_key] = { AGG_NONE, ty_delete },
	[BI_find] = { AGG_NONE, ty_find },
	[BI_strlen] = { AGG_NONE, ty_strlen },
	[BI_len] = { AGG_NONE, ty_len },
	[BI_strncmp] = { AGG_NONE, ty_strncmp },
	[BI_memcmp] = { AGG_NONE, ty_memcmp },
	[BI_strftime] = { AGG_NONE, ty_strftime },
	[BI_elapsed] = { AGG_NONE, ty_elapsed },
	[BI_username] = { AGG_NONE, ty_username },
	[BI_buf] = { AGG_NONE, ty_buf },
	[BI_ntop] = { AGG_NONE, ty_ntop },
	[BI_macaddr] = { AGG_NONE, ty_macaddr },
	[BI_bswap] = { AGG_NONE, ty_bswap },
	[BI_cgroup_path] = { AGG_NONE, ty_cgroup_path },
	[BI_strerror] = { AGG_NONE, ty_strerror },
	[BI_join] = { AGG_NONE, ty_join },
	[BI_signal] = { AGG_NONE, ty_signal },
	[BI_kptr] = { AGG_NONE, ty_addrspace },
	[BI_uptr] = { AGG_NONE, ty_addrspace },
	[BI_percpu_kaddr] = { AGG_NONE, ty_percpu_kaddr },
	[BI_debugf] = { AGG_NONE, ty_debugf },
	[BI_usermode] = { AGG_NONE, ty_usermode },
	[BI_signal_name] = { AGG_NONE, ty_signal_name },
	[BI_signal_thread] = { AGG_NONE, ty_signal },
	[BI_write_user] = { AGG_NONE, ty_write_user },
	[BI_syscall_name] = { AGG_NONE, ty_syscall_name },
	[BI_strstr] = { AGG_NONE, ty_strstr },
	[BI_strcontains] = { AGG_NONE, ty_strstr },
	[BI_str_concat] = { AGG_NONE, ty_str_concat },
	[BI_socket_cookie] = { AGG_NONE, ty_socket_cookie },
	[BI_path] = { AGG_NONE, ty_path },
	[BI_override] = { AGG_NONE, ty_override },
	[BI_unwatch] = { AGG_NONE, ty_unwatch },
	[BI_skboutput] = { AGG_NONE, ty_skboutput },
	[BI_dw_ustack] = { AGG_NONE, ty_unsupported },
	[BI_arg0] = { AGG_NONE, ty_reg_arg },
	[BI_arg1] = { AGG_NONE, ty_reg_arg },
	[BI_arg2] = { AGG_NONE, ty_reg_arg },
	[BI_arg3] = { AGG_NONE, ty_reg_arg },
	[BI_arg4] = { AGG_NONE, ty_reg_arg },
	[BI_arg5] = { AGG_NONE, ty_reg_arg },
	[BI_arg6] = { AGG_NONE, ty_reg_arg },
	[BI_arg7] = { AGG_NONE, ty_reg_arg },
	[BI_arg8] = { AGG_NONE, ty_reg_arg },
	[BI_arg9] = { AGG_NONE, ty_reg_arg },
	[BI_arg10] = { AGG_NONE, ty_reg_arg },
	[BI_arg11] = { AGG_NONE, ty_reg_arg },
	[BI_retval] = { AGG_NONE, ty_reg_arg },
	[BI_probe] = { AGG_NONE, ty_probe },
	[BI_probetype] = { AGG_NONE, ty_probetype },
	[BI_ncpus] = { AGG_NONE, ty_u64 },
	[BI_exit] = { AGG_NONE, ty_exit },
	[BI_str] = { AGG_NONE, ty_str },
	[BI_pton] = { AGG_NONE, ty_pton },
	[BI_kaddr] = { AGG_NONE, ty_kaddr },
	[BI_getopt] = { AGG_NONE, sema_getopt },
	[BI_config] = { AGG_NONE, sema_config },
	[BI_is_array] = { AGG_NONE, sema_comptime },
	[BI_is_integer] = { AGG_NONE, sema_comptime },
	[BI_is_literal] = { AGG_NONE, sema_comptime },
	[BI_is_ptr] = { AGG_NONE, sema_comptime },
	[BI_is_str] = { AGG_NONE, sema_comptime },
	[BI_is_unsigned_integer] = { AGG_NONE, sema_comptime },
	[BI_static_assert] = { AGG_NONE, sema_comptime },
	[BI_fail] = { AGG_NONE, sema_comptime },
	[BI_kfunc_exist] = { AGG_NONE, sema_comptime },
	[BI_kfunc_allowed] = { AGG_NONE, sema_comptime },
	[BI_has_cpid] = { AGG_NONE, sema_comptime },
	[BI_default_str_length] = { AGG_NONE, sema_comptime },
	[BI_strcap] = { AGG_NONE, sema_comptime },
	[BI_cgroupid] = { AGG_NONE, sema_comptime },
	[BI_uaddr] = { AGG_NONE, ty_uaddr },
	[BI_reg] = { AGG_NONE, ty_reg },
	[BI_kstack] = { AGG_NONE, ty_stack },
	[BI_ustack] = { AGG_NONE, ty_stack },
	[BI_ksym] = { AGG_NONE, ty_sym },
	[BI_usym] = { AGG_NONE, ty_sym },
	[BI_func] = { AGG_NONE, ty_func },
	[BI_cpid] = { AGG_NONE, ty_cpid },
	[BI_print] = { AGG_NONE, ty_mapop },
	[BI_clear] = { AGG_NONE, ty_mapop },
	[BI_zero] = { AGG_NONE, ty_mapop },
	[BI_count] = { AGG_COUNT, ty_count },
	[BI_sum] = { AGG_SUM, ty_agg1 },
	[BI_min] = { AGG_MIN, ty_agg1 },
	[BI_max] = { AGG_MAX, ty_agg1 },
	[BI_avg] = { AGG_AVG, ty_agg1 },
	[BI_stats] = { AGG_STATS, ty_agg1 },
	[BI_hist] = { AGG_HIST, ty_hist },
	[BI_lhist] = { AGG_LHIST, ty_lhist },
	[BI_tseries] = { AGG_TSERIES, ty_tseries },
};

const struct builtin_typing *builtin_typing_of(enum builtin_id id)
{
	return &typings[id];
}
