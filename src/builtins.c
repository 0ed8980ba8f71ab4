/* builtins.c — the table of builtins and functions: one entry each, with a
 * typing hook (sema) and a lowering hook (ir_build), as in ply.
 *
 * Takes: nodes that name a builtin (N_BUILTIN `pid`) or call one (N_CALL
 * `str(x)`), from sema and ir_build.  Produces: their types, and their IR
 * through the irb_* helpers of ir_build.h.  Types are bpftrace's (see its
 * stdlib documentation): pid/tid/cpu/rand uint32, uid/gid/nsecs/cgroup
 * uint64, comm string[16], str() string[max_strlen]. */
#include "builtins.h"
#include "symbols.h"
#include "builtins_values.h"

#include <arpa/inet.h>
#include <elf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "builtin_names.h"
#include "cdecl.h"
#include "elf_syms.h"
#include "probes.h"
#include "types.h"
#include "usdt.h"

/* ---- typing hooks ------------------------------------------------------- */

static struct type *ty_u32(struct sema *s, struct node *n) { return type_int(4, false); }
static struct type *ty_u64(struct sema *s, struct node *n) { return type_int(8, false); }
static struct type *ty_comm(struct sema *s, struct node *n) { return type_str(16); }

/* curtask: struct task_struct * with BTF, else uint64 */
static struct type *ty_curtask(struct sema *s, struct node *n)
{
	struct type *t = cdecl_lookup("struct task_struct");
	return t ? type_ptr(t, AS_KERNEL) : type_int(8, false);
}

static bool is_none(const struct type *t)
{
	return !t || t->kind == TY_NONE;
}

static struct type *ty_args(struct sema *s, struct node *n)
{
	struct attach_point *ap = sema_ap(s);
	if (!ap || !ap->args_type) {
		sema_err(s, &n->loc,
			 "The args builtin can only be used with "
			 "tracepoint/fentry/uprobe probes (%s used here)",
			 ap ? probes_provider_name(ap->prov) : "none");
		return type_none();
	}
	if (prov_has(ap, PF_ARGS_IN_REGS) && ap->args_type->is_ctx &&
	    !sema_is_field_base(s, n)) {
		/* the whole value: the parameters copied into a struct */
		if (!ap->args_value) {
			const struct type *c = ap->args_type;
			struct type *t = type_struct(c->name, false);
			for (int i = 0; i < c->fields.n; i++)
				type_add_field(t, c->fields.v[i].name,
					       c->fields.v[i].type, -1);
			ap->args_value = t;
		}
		return ap->args_value;
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
	if (a->kind == N_POSPARAM) {
		/* str($1) is the parameter's text, even when it is a
		 * number: the literal it stands for */
		const struct tt_config *c = sema_cfg(s);
		const char *p = a->ival >= 1 && (int64_t)a->ival <= c->npos_params
					? c->pos_params[a->ival - 1] : "";
		a->kind = N_STR;
		a->str = p;
		a->slen = strlen(p);
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
	const struct builtin *bi = builtin_lookup(n->name);
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
	return type_agg(bi->agg, type_int(8, sign));
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
	if (!sm->nkeys && (k->args.n || !strcmp(n->name, "has_key"))) {
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

static struct type *ty_strlen(struct sema *s, struct node *n)
{
	struct type *t = sema_expr(s, n->args.v[0]);
	if (!is_none(t) && t->kind != TY_STR)
		sema_err(s, &n->loc, "%s() expects a string argument (%s "
				     "provided)",
			 n->name, type_name(t));
	return type_int(8, false);
}

static struct type *ty_strncmp(struct sema *s, struct node *n)
{
	struct type *a = sema_expr(s, n->args.v[0]);
	struct type *b = sema_expr(s, n->args.v[1]);
	struct type *c = sema_expr(s, n->args.v[2]);
	struct type *bad = !is_none(a) && a->kind != TY_STR ? a
			   : !is_none(b) && b->kind != TY_STR ? b : NULL;
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

static struct irval stack_len(struct irb *b, struct node *n);

static struct irval lo_len(struct irb *b, struct node *n, struct node *m)
{
	struct node *map = n->args.v[0];
	if (map->kind != N_MAP)
		return stack_len(b, n);
	struct irval v = irb_map_len(b, irb_map_index(b, map), &n->loc);
	v.t = n->type;
	return v;
}

/* arg0..arg5, retval: kprobe/uprobe registers; usdt arg0..arg11: the
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
	int na = usdt ? usdt_nargs(ap, &err) : 6;
	if (na >= 0 && idx >= na) {
		if (usdt)
			sema_err(s, &n->loc, "%s has %d argument%s: there is "
					     "no %s", probes_ap_name(ap), na,
				 na == 1 ? "" : "s", n->name);
		else
			sema_err(s, &n->loc, "%s is not available in %s "
					     "probes (arg0-arg5 are)", n->name,
				 p->name);
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


/* ---- lowering hooks --------------------------------------------------- */

static struct irval scalar(struct type *t, int reg)
{
	struct irval v = { t, ref_reg(reg) };
	return v;
}

static struct irval void_val(void)
{
	struct irval v = { type_void(), { .kind = REF_NONE } };
	return v;
}

static struct irval op_imm(struct irb *b, enum ir_op op, int src, int64_t imm,
			   struct type *t, const struct srcloc *loc)
{
	int d = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, op, loc);
	in->dst = d;
	in->arg[0] = ref_reg(src);
	in->arg[1] = ref_imm(imm);
	return scalar(t, d);
}

static struct irval lo_pid(struct irb *b, struct node *n, struct node *m)
{
	int r = irb_call(b, BPF_FUNC_get_current_pid_tgid, &n->loc, 0);
	return op_imm(b, IR_LSHR, r, 32, n->type, &n->loc);
}

static struct irval lo_tid(struct irb *b, struct node *n, struct node *m)
{
	int r = irb_call(b, BPF_FUNC_get_current_pid_tgid, &n->loc, 0);
	int d = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, IR_ZEXT, &n->loc);
	in->dst = d;
	in->arg[0] = ref_reg(r);
	in->size = 4;
	return scalar(n->type, d);
}

static struct irval lo_uid(struct irb *b, struct node *n, struct node *m)
{
	int r = irb_call(b, BPF_FUNC_get_current_uid_gid, &n->loc, 0);
	int d = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, IR_ZEXT, &n->loc);
	in->dst = d;
	in->arg[0] = ref_reg(r);
	in->size = 4;
	return scalar(n->type, d);
}

static struct irval lo_gid(struct irb *b, struct node *n, struct node *m)
{
	int r = irb_call(b, BPF_FUNC_get_current_uid_gid, &n->loc, 0);
	return op_imm(b, IR_LSHR, r, 32, n->type, &n->loc);
}

/* Builtins that are one helper call returning the value. */
static struct irval lo_helper(struct irb *b, struct node *n, struct node *m)
{
	static const struct { const char *name; int helper; } h[] = {
		{ "nsecs", BPF_FUNC_ktime_get_boot_ns },
		{ "cpu", BPF_FUNC_get_smp_processor_id },
		{ "rand", BPF_FUNC_get_prandom_u32 },
		{ "cgroup", BPF_FUNC_get_current_cgroup_id },
		{ "curtask", BPF_FUNC_get_current_task },
		{ "jiffies", BPF_FUNC_jiffies64 },
		{ "numaid", BPF_FUNC_get_numa_node_id },
	};
	for (size_t i = 0; i < ARRAY_SIZE(h); i++)
		if (!strcmp(n->name, h[i].name))
			return scalar(n->type,
				      irb_call(b, h[i].helper, &n->loc, 0));
	return irb_unsupported(b, &n->loc, n->name);
}

static struct irval lo_comm(struct irb *b, struct node *n, struct node *m)
{
	struct ref s = irb_result(b, n, "comm");
	irb_call(b, BPF_FUNC_get_current_comm, &n->loc, 2, s, ref_imm(16));
	struct irval v = { n->type, s };
	return v;
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

static struct irval lo_ctx(struct irb *b, struct node *n, struct node *m)
{
	struct irval v = { n->type, ref_reg(irb_ctx(b)) };
	return v;
}

static struct irval lo_args(struct irb *b, struct node *n, struct node *m)
{
	const struct type *c = irb_ap(b)->args_type;
	struct type *t = n->type;
	if (t->is_ctx || !c || !c->is_ctx)
		return irb_unsupported(b, &n->loc, "using args as a whole value");
	/* uprobe: each parameter from its register into a zeroed struct */
	int slot = irb_slot(b, t, "args");
	irb_zero_gaps(b, ref_slot(slot, 0), 0, t, &n->loc);
	for (int i = 0; i < t->fields.n; i++) {
		const struct field *f = &t->fields.v[i];
		const struct field *cf = type_field(c, f->name);
		if (!cf || !type_equal(cf->type, f->type))
			return irb_error(b, &n->loc, "args has different types in "
						     "the probes of this block");
		int d = irb_reg(b, NULL);
		struct ir_insn *in = irb_emit(b, IR_LOAD, &n->loc);
		in->dst = d;
		in->arg[0] = ref_reg(irb_ctx(b));
		in->off = cf->offset;
		in->size = f->type->size;
		irb_store(b, ref_slot(slot, 0), f->offset, f->type,
			  scalar(f->type, d), &n->loc);
	}
	struct irval v = { t, ref_slot(slot, 0) };
	return v;
}

/* str(p [, n]): zero the buffer, then probe_read_{user,kernel}_str. */
static struct irval lo_str(struct irb *b, struct node *n, struct node *m)
{
	struct irval p = irb_expr(b, n->args.v[0]);
	if (p.t->kind == TY_STR) {
		struct irval v = { n->type, p.r };
		if (p.t->size == n->type->size)
			return v;
		int s = irb_slot(b, n->type, "str");
		irb_store(b, ref_slot(s, 0), 0, n->type, p, &n->loc);
		v.r = ref_slot(s, 0);
		return v;
	}
	struct ref len = ref_imm(n->type->size);
	if (n->args.n > 1 && n->args.v[1]->kind != N_INT) {
		/* runtime length: min(len, size), at least 1 */
		struct irval l = irb_expr(b, n->args.v[1]);
		struct ref lr = irb_to_reg(b, l, &n->loc);
		int d = irb_reg(b, NULL);
		struct ir_insn *in = irb_emit(b, IR_MOV, &n->loc);
		in->dst = d;
		in->arg[0] = lr;
		int big = irb_new_block(b), done = irb_new_block(b);
		irb_br(b, CC_UGT, ref_reg(d), ref_imm(n->type->size), big, done);
		irb_set_block(b, big);
		in = irb_emit(b, IR_MOV, &n->loc);
		in->dst = d;
		in->arg[0] = ref_imm(n->type->size);
		irb_jmp(b, done);
		irb_set_block(b, done);
		len = ref_reg(d);
	}
	struct ref pr = irb_to_reg(b, p, &n->loc);
	/* zeroed first so that keys and comparisons see no stale bytes after
	 * the NUL; a string that is only printed from scratch space needs no
	 * zeroing (the verifier does not check scratch contents) */
	bool printed = irb_result_printed(b, n);
	struct ref s = irb_result(b, n, "str");
	if (!printed)
		irb_zero(b, s, 0, n->type->size, &n->loc);
	bool user = p.t->kind == TY_PTR ? p.t->as == AS_USER : false;
	struct attach_point *ap = irb_ap(b);
	if (p.t->kind != TY_PTR && prov_has(ap, PF_USER))
		user = true;
	irb_call(b, user ? BPF_FUNC_probe_read_user_str
			 : BPF_FUNC_probe_read_kernel_str,
		 &n->loc, 3, s, len, pr);
	struct irval v = { n->type, s };
	return v;
}

/* printf(fmt, args...): [u64 id][args as a tuple] to the ring buffer. */
static struct irval lo_printf(struct irb *b, struct node *n, struct node *m)
{
	int na = n->args.n - 1;
	struct type **el = tt_alloc(sizeof(*el) * (na + 1));
	for (int i = 0; i < na; i++)
		el[i] = n->args.v[i + 1]->type;
	struct type *tup = na ? type_tuple(el, na) : NULL;
	struct node *f = n->args.v[0];
	int id = irb_action(b, ACT_PRINTF, tt_strndup(f->str, f->slen), tup, -1,
			    &n->loc);
	int size = 8 + (tup ? tup->size : 0);
	int s = irb_slot_sized(b, size, 8, tt_sprintf("printf#%d", id));
	if (tup)
		irb_zero_gaps(b, ref_slot(s, 0), 8, tup, &n->loc);
	struct ir_insn *in = irb_emit(b, IR_STORE, &n->loc);
	in->arg[0] = ref_slot(s, 0);
	in->arg[1] = ref_imm(id);
	in->size = 8;
	for (int i = 0; i < na; i++)
		irb_store_printed(b, ref_slot(s, 0),
				  8 + tup->fields.v[i].offset, el[i],
				  n->args.v[i + 1]);
	irb_output(b, s, size, &n->loc);
	return void_val();
}

/* A record that is only an action id. */
static void id_record(struct irb *b, int id, const struct srcloc *loc)
{
	int s = irb_slot_sized(b, 8, 8, tt_sprintf("action#%d", id));
	struct ir_insn *in = irb_emit(b, IR_STORE, loc);
	in->arg[0] = ref_slot(s, 0);
	in->arg[1] = ref_imm(id);
	in->size = 8;
	irb_output(b, s, 8, loc);
}

/* exit() also sets the internal "exit" map ([u64 1][int64 code]): its ring
 * buffer record is lost when the buffer is full, and the run must end all
 * the same (runtime.c reads the map).  After the record, so that the
 * record is in the buffer by the time the map says exit. */
static void exit_flag(struct irb *b, struct type *ct, const struct irval *code,
		      const struct srcloc *loc)
{
	int map = irb_internal_map(b, "exit", BPF_MAP_TYPE_ARRAY, 4, 16, 1);
	int k = irb_slot_sized(b, 4, 4, "exit_key");
	int v = irb_slot_sized(b, 16, 8, "exit_flag");
	struct ir_insn *in = irb_emit(b, IR_STORE, loc);
	in->arg[0] = ref_slot(k, 0);
	in->arg[1] = ref_imm(0);
	in->size = 4;
	in = irb_emit(b, IR_STORE, loc);
	in->arg[0] = ref_slot(v, 0);
	in->arg[1] = ref_imm(1);
	in->size = 8;
	if (code) {
		irb_store(b, ref_slot(v, 0), 8, ct, *code, loc);
	} else {
		in = irb_emit(b, IR_STORE, loc);
		in->arg[0] = ref_slot(v, 0);
		in->arg[1] = ref_imm(0);
		in->off = 8;
		in->size = 8;
	}
	irb_call(b, BPF_FUNC_map_update_elem, loc, 4, ref_map(map),
		 ref_slot(k, 0), ref_slot(v, 0), ref_imm(BPF_ANY));
}

static struct irval lo_exit(struct irb *b, struct node *n, struct node *m)
{
	if (n->args.n) {
		/* [id][int64 code] */
		struct type *ct = type_int(8, true);
		struct type *tup = type_tuple(&ct, 1);
		struct irval c = irb_expr(b, n->args.v[0]);
		int id = irb_action(b, ACT_EXIT, NULL, tup, -1, &n->loc);
		int s = irb_slot_sized(b, 16, 8, tt_sprintf("exit#%d", id));
		struct ir_insn *in = irb_emit(b, IR_STORE, &n->loc);
		in->arg[0] = ref_slot(s, 0);
		in->arg[1] = ref_imm(id);
		in->size = 8;
		irb_store(b, ref_slot(s, 0), 8, ct, c, &n->loc);
		irb_output(b, s, 16, &n->loc);
		exit_flag(b, ct, &c, &n->loc);
	} else {
		int id = irb_action(b, ACT_EXIT, NULL, NULL, -1, &n->loc);
		id_record(b, id, &n->loc);
		exit_flag(b, NULL, NULL, &n->loc);
	}
	irb_return(b, &n->loc);
	return void_val();
}

static struct irval lo_mapop(struct irb *b, struct node *n, struct node *m)
{
	struct node *a = n->args.v[0];
	enum action_kind k = !strcmp(n->name, "clear") ? ACT_CLEAR
			     : !strcmp(n->name, "zero") ? ACT_ZERO
							: ACT_PRINT_MAP;
	if (k == ACT_PRINT_MAP && (a->kind != N_MAP || a->args.n)) {
		/* print(value) */
		struct type *tup = type_tuple(&a->type, 1);
		int id = irb_action(b, ACT_PRINT_VALUE, NULL, tup, -1, &n->loc);
		int size = 8 + tup->size;
		int s = irb_slot_sized(b, size, 8, tt_sprintf("print#%d", id));
		irb_zero_gaps(b, ref_slot(s, 0), 8, tup, &n->loc);
		struct ir_insn *in = irb_emit(b, IR_STORE, &n->loc);
		in->arg[0] = ref_slot(s, 0);
		in->arg[1] = ref_imm(id);
		in->size = 8;
		irb_store_printed(b, ref_slot(s, 0), 8, a->type, a);
		irb_output(b, s, size, &n->loc);
		return void_val();
	}
	if (n->args.n > 1) {
		/* print(@m, top[, div]): [id][uint64 top][uint64 div] */
		struct type *u = type_int(8, false);
		struct type *el[2] = { u, u };
		struct type *tup = type_tuple(el, n->args.n - 1);
		int id = irb_action(b, k, NULL, tup, irb_map_index(b, a),
				    &n->loc);
		int size = 8 + tup->size;
		int s = irb_slot_sized(b, size, 8, tt_sprintf("print#%d", id));
		struct ir_insn *in = irb_emit(b, IR_STORE, &n->loc);
		in->arg[0] = ref_slot(s, 0);
		in->arg[1] = ref_imm(id);
		in->size = 8;
		for (int i = 1; i < n->args.n; i++)
			irb_store_expr(b, ref_slot(s, 0), 8 * i, u, n->args.v[i]);
		irb_output(b, s, size, &n->loc);
		return void_val();
	}
	int id = irb_action(b, k, NULL, NULL, irb_map_index(b, a), &n->loc);
	id_record(b, id, &n->loc);
	return void_val();
}

/* Aggregations on a per-CPU hash (value layouts in types.h):
 *   p = lookup(map, key)
 *   if (p) update *p in place, else map_update_elem(map, key, &first, ANY)
 * count/sum: *p += x; min/max: store x (and is_set) when *p is unset or x
 * beats it; avg/stats: total += x, count += 1. */
static void st8(struct irb *b, struct ref base, int off, struct ref v,
		const struct srcloc *loc)
{
	struct ir_insn *in = irb_emit(b, IR_STORE, loc);
	in->arg[0] = base;
	in->arg[1] = v;
	in->off = off;
	in->size = 8;
}

static int ld8(struct irb *b, struct ref base, int off,
	       const struct srcloc *loc)
{
	int r = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, IR_LOAD, loc);
	in->dst = r;
	in->arg[0] = base;
	in->off = off;
	in->size = 8;
	return r;
}

static int add_to(struct irb *b, int r, struct ref x, const struct srcloc *loc)
{
	int d = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, IR_ADD, loc);
	in->dst = d;
	in->arg[0] = ref_reg(r);
	in->arg[1] = x;
	return d;
}

static struct irval lo_agg(struct irb *b, struct node *n, struct node *map)
{
	const struct builtin *bi = builtin_lookup(n->name);
	const struct srcloc *loc = &n->loc;
	struct ref x = ref_imm(1);
	if (bi->agg != AGG_COUNT) {
		struct irval v = irb_expr(b, n->args.v[0]);
		x = irb_to_reg(b, v, loc);
	}
	struct ref key = irb_map_key(b, map);
	int mi = irb_map_index(b, map);
	int p = irb_call(b, BPF_FUNC_map_lookup_elem, loc, 2, ref_map(mi), key);
	int have = irb_new_block(b), fresh = irb_new_block(b),
	    done = irb_new_block(b);
	irb_br(b, CC_EQ, ref_reg(p), ref_imm(0), fresh, have);
	struct ref pr = ref_reg(p);

	irb_set_block(b, have);
	switch (bi->agg) {
	case AGG_COUNT:
	case AGG_SUM:
		st8(b, pr, 0, ref_reg(add_to(b, ld8(b, pr, 0, loc), x, loc)), loc);
		irb_jmp(b, done);
		break;
	case AGG_AVG:
	case AGG_STATS:
		st8(b, pr, 0, ref_reg(add_to(b, ld8(b, pr, 0, loc), x, loc)), loc);
		st8(b, pr, 8, ref_reg(add_to(b, ld8(b, pr, 8, loc), ref_imm(1),
					      loc)), loc);
		irb_jmp(b, done);
		break;
	default: {
		/* min/max: store when this CPU has no value yet or x wins */
		bool sign = n->args.v[0]->type->kind == TY_INT &&
			    n->args.v[0]->type->is_signed;
		enum ir_cc cc = bi->agg == AGG_MAX ? (sign ? CC_SGT : CC_UGT)
						   : (sign ? CC_SLT : CC_ULT);
		int st = irb_new_block(b), cmp = irb_new_block(b);
		int set = ld8(b, pr, 8, loc);
		irb_br(b, CC_EQ, ref_reg(set), ref_imm(0), st, cmp);
		irb_set_block(b, cmp);
		int old = ld8(b, pr, 0, loc);
		irb_br(b, cc, x, ref_reg(old), st, done);
		irb_set_block(b, st);
		st8(b, pr, 0, x, loc);
		st8(b, pr, 8, ref_imm(1), loc);
		irb_jmp(b, done);
	}
	}

	irb_set_block(b, fresh);
	int size = map->type && map->type->kind == TY_AGG ? map->type->size : 8;
	int vs = irb_slot_sized(b, size, 8, tt_sprintf("val%s", map->name));
	st8(b, ref_slot(vs, 0), 0, x, loc);
	if (size == 16)
		st8(b, ref_slot(vs, 0), 8, ref_imm(1), loc);
	irb_map_update(b, mi, key, ref_slot(vs, 0), loc);
	irb_jmp(b, done);
	irb_set_block(b, done);
	return void_val();
}


/* ---- hist() and lhist() ---------------------------------------------------
 * A per-CPU hash keyed by (script key padded to 8 bytes, uint64 bucket)
 * holding one count per bucket (types.h):
 *   bucket = f(x); p = lookup(map, key + bucket)
 *   if (p) *p += 1 else map_update_elem(map, key + bucket, &1, ANY)
 * Only buckets that saw a value exist; output.c gathers a key's buckets. */

/* d = x op y in a new register (y may be an immediate). */
static int alu(struct irb *b, enum ir_op op, struct ref x, struct ref y,
	       const struct srcloc *loc)
{
	int d = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, op, loc);
	in->dst = d;
	in->arg[0] = x;
	in->arg[1] = y;
	return d;
}

static void mov(struct irb *b, int d, struct ref x, const struct srcloc *loc)
{
	struct ir_insn *in = irb_emit(b, IR_MOV, loc);
	in->dst = d;
	in->arg[0] = x;
}

/* The bucket of constant x in hist(x, k) / lhist(x, min, max, step). */
static uint64_t hist_bucket_of(int64_t x, int k)
{
	if (x < 0)
		return 0;
	if (x < (2 << k))
		return (uint64_t)x + 1;
	int p = 63 - __builtin_clzll((uint64_t)x), sh = p - k;
	return ((uint64_t)sh << k) + (1u << k) + 1 +
	       (((uint64_t)x >> sh) & ((1u << k) - 1));
}

static uint64_t lhist_bucket_of(int64_t x, const struct type *t)
{
	if (x < t->lhist_min)
		return 0;
	if (x > t->lhist_max)
		return 1 + (uint64_t)(t->lhist_max - t->lhist_min) /
				   (uint64_t)t->lhist_step;
	return 1 + (uint64_t)(x - t->lhist_min) / (uint64_t)t->lhist_step;
}

/* hist(x, k) in registers: two branches (x < 0, x < 2^(k+1)) and a
 * branch-free floor(log2 x) by halving: each step shifts v right by S
 * when v > 2^S - 1, with (2^S - 1 - v) >> 63 as the condition (v < 2^63,
 * so the difference cannot overflow). */
static struct ref hist_bucket(struct irb *b, struct ref x, int k,
			      const struct srcloc *loc)
{
	static const int steps[] = { 32, 16, 8, 4, 2 };
	int r = irb_reg(b, "bucket");
	int pos = irb_new_block(b), big = irb_new_block(b),
	    done = irb_new_block(b);
	mov(b, r, ref_imm(0), loc);
	irb_br(b, CC_SLT, x, ref_imm(0), done, pos);
	irb_set_block(b, pos);
	struct ir_insn *in = irb_emit(b, IR_ADD, loc);
	in->dst = r;
	in->arg[0] = x;
	in->arg[1] = ref_imm(1);
	irb_br(b, CC_SLT, x, ref_imm(2 << k), done, big);

	irb_set_block(b, big);
	int v = irb_reg(b, NULL), p = irb_reg(b, NULL);
	mov(b, v, x, loc);
	mov(b, p, ref_imm(0), loc);
	for (int i = 0; i < 5; i++) {
		int t = irb_reg(b, NULL);
		mov(b, t, ref_imm(((int64_t)1 << steps[i]) - 1), loc);
		in = irb_emit(b, IR_SUB, loc);
		in->dst = t;
		in->arg[0] = ref_reg(t);
		in->arg[1] = ref_reg(v);
		t = alu(b, IR_LSHR, ref_reg(t), ref_imm(63), loc);
		t = alu(b, IR_SHL, ref_reg(t), ref_imm(__builtin_ctz(steps[i])),
			loc);
		v = alu(b, IR_LSHR, ref_reg(v), ref_reg(t), loc);
		p = alu(b, IR_OR, ref_reg(p), ref_reg(t), loc);
	}
	/* v is 1, 2 or 3 now */
	p = alu(b, IR_OR, ref_reg(p), ref_reg(alu(b, IR_LSHR, ref_reg(v),
						   ref_imm(1), loc)), loc);
	/* bucket = ((p - k) << k) + 2^k + 1 + ((x >> (p - k)) & (2^k - 1)) */
	int sh = k ? alu(b, IR_SUB, ref_reg(p), ref_imm(k), loc) : p;
	int hi = k ? alu(b, IR_SHL, ref_reg(sh), ref_imm(k), loc) : sh;
	if (k) {
		int lo = alu(b, IR_LSHR, x, ref_reg(sh), loc);
		lo = alu(b, IR_AND, ref_reg(lo), ref_imm((1 << k) - 1), loc);
		hi = alu(b, IR_ADD, ref_reg(hi), ref_reg(lo), loc);
	}
	in = irb_emit(b, IR_ADD, loc);
	in->dst = r;
	in->arg[0] = ref_reg(hi);
	in->arg[1] = ref_imm((1 << k) + 1);
	irb_jmp(b, done);
	irb_set_block(b, done);
	return ref_reg(r);
}

/* lhist: 0 below min, the last bucket above max, else 1 + (x - min) /
 * step (x - min is then in [0, max - min]: an unsigned divide). */
static struct ref lhist_bucket(struct irb *b, struct ref x,
			       const struct type *t, const struct srcloc *loc)
{
	int r = irb_reg(b, "bucket");
	int ge = irb_new_block(b), in_range = irb_new_block(b),
	    done = irb_new_block(b);
	mov(b, r, ref_imm(0), loc);
	irb_br(b, CC_SLT, x, ref_imm(t->lhist_min), done, ge);
	irb_set_block(b, ge);
	mov(b, r, ref_imm((int64_t)lhist_bucket_of(t->lhist_max + 1, t)), loc);
	irb_br(b, CC_SGT, x, ref_imm(t->lhist_max), done, in_range);
	irb_set_block(b, in_range);
	int d = t->lhist_min ? alu(b, IR_SUB, x, ref_imm(t->lhist_min), loc)
			     : -1;
	struct ref off = d >= 0 ? ref_reg(d) : x;
	if (t->lhist_step > 1)
		off = ref_reg(alu(b, IR_UDIV, off, ref_imm(t->lhist_step), loc));
	struct ir_insn *in = irb_emit(b, IR_ADD, loc);
	in->dst = r;
	in->arg[0] = off;
	in->arg[1] = ref_imm(1);
	irb_jmp(b, done);
	irb_set_block(b, done);
	return ref_reg(r);
}

/* The key of a hist/lhist/tseries map as its layout says (prog.h): the
 * script key (none for a scalar map), zero-padded, then the bucket. */
static struct ref hist_key(struct irb *b, struct node *map, struct ref bucket,
			   const struct srcloc *loc)
{
	struct sema_map *m = sema_map_of(map);
	struct type *kt = m->nkeys ? m->key : NULL;
	int ks = m->layout.bucket_off;
	int s = irb_slot_sized(b, (int)m->layout.key_size, 8,
			       tt_sprintf("key%s", m->name));
	struct ref k = ref_slot(s, 0);
	if (kt && map->args.n == 1) {
		irb_store_expr(b, k, 0, kt, map->args.v[0]);
	} else if (kt) {
		irb_zero_gaps(b, k, 0, kt, loc);
		for (int i = 0; i < map->args.n && i < kt->fields.n; i++)
			irb_store_expr(b, k, kt->fields.v[i].offset,
				       kt->fields.v[i].type, map->args.v[i]);
	}
	if (kt && ks > kt->size)
		irb_zero(b, k, kt->size, ks - kt->size, loc);
	st8(b, k, ks, bucket, loc);
	return k;
}

static struct irval lo_hist(struct irb *b, struct node *n, struct node *map)
{
	const struct srcloc *loc = &n->loc;
	struct type *t = sema_map_of(map) ? map->sym.map->value : NULL;
	if (!t || t->kind != TY_AGG)
		return void_val();
	bool lin = t->agg == AGG_LHIST;
	struct irval v = irb_expr(b, n->args.v[0]);
	struct ref bucket;
	if (v.r.kind == REF_IMM)
		bucket = ref_imm((int64_t)(lin ? lhist_bucket_of(v.r.imm, t)
					       : hist_bucket_of(v.r.imm,
								t->hist_bits)));
	else if (lin)
		bucket = lhist_bucket(b, irb_to_reg(b, v, loc), t, loc);
	else
		bucket = hist_bucket(b, irb_to_reg(b, v, loc), t->hist_bits,
				     loc);
	struct ref key = hist_key(b, map, bucket, loc);
	int mi = irb_map_index(b, map);
	int p = irb_call(b, BPF_FUNC_map_lookup_elem, loc, 2, ref_map(mi), key);
	int have = irb_new_block(b), fresh = irb_new_block(b),
	    done = irb_new_block(b);
	irb_br(b, CC_EQ, ref_reg(p), ref_imm(0), fresh, have);
	irb_set_block(b, have);
	st8(b, ref_reg(p), 0,
	    ref_reg(add_to(b, ld8(b, ref_reg(p), 0, loc), ref_imm(1), loc)), loc);
	irb_jmp(b, done);
	irb_set_block(b, fresh);
	int vs = irb_slot_sized(b, 8, 8, tt_sprintf("val%s", map->name));
	st8(b, ref_slot(vs, 0), 0, ref_imm(1), loc);
	irb_call(b, BPF_FUNC_map_update_elem, loc, 4, ref_map(mi), key,
		 ref_slot(vs, 0), ref_imm(BPF_ANY));
	irb_jmp(b, done);
	irb_set_block(b, done);
	return void_val();
}

/* tseries: "now" in TAI nanoseconds is the boot clock plus TAI - BOOTTIME
 * measured when the program is built (bpftrace's software TAI, for kernels
 * without bpf_ktime_get_tai_ns), or the dummy map's value.
 *   epoch = now / interval; key = (key, epoch % n); p = lookup(key)
 *   p: when agg and p->epoch != epoch, start over (value = meta = 0);
 *      update value/meta; p->epoch = epoch
 *   !p: map_update_elem(key, { first value, first meta, epoch })
 * value/meta: none: x / now; sum: += x / 0; avg: += x / += 1;
 * min/max: x when meta is 0 or x wins / 1. */
static struct ref tseries_now(struct irb *b, struct node *n,
			      const struct srcloc *loc)
{
	int r = irb_reg(b, "now");
	if (sema_map_of(n->c)) {
		int p = irb_call(b, BPF_FUNC_map_lookup_elem, loc, 2,
				 ref_map(irb_map_index(b, n->c)),
				 irb_map_key(b, n->c));
		int have = irb_new_block(b), done = irb_new_block(b);
		mov(b, r, ref_imm(0), loc);
		irb_br(b, CC_EQ, ref_reg(p), ref_imm(0), done, have);
		irb_set_block(b, have);
		mov(b, r, ref_reg(ld8(b, ref_reg(p), 0, loc)), loc);
		irb_jmp(b, done);
		irb_set_block(b, done);
		return ref_reg(r);
	}
	struct timespec tai, boot;
	clock_gettime(CLOCK_TAI, &tai);
	clock_gettime(CLOCK_BOOTTIME, &boot);
	int64_t delta = (int64_t)(tai.tv_sec - boot.tv_sec) * 1000000000 +
			(tai.tv_nsec - boot.tv_nsec);
	int t = irb_call(b, BPF_FUNC_ktime_get_boot_ns, loc, 0);
	struct ir_insn *in = irb_emit(b, IR_ADD, loc);
	in->dst = r;
	in->arg[0] = ref_reg(t);
	in->arg[1] = ref_imm(delta);
	return ref_reg(r);
}

static struct irval lo_tseries(struct irb *b, struct node *n, struct node *map)
{
	const struct srcloc *loc = &n->loc;
	struct type *t = sema_map_of(map) ? map->sym.map->value : NULL;
	if (!t || t->kind != TY_AGG || t->agg != AGG_TSERIES)
		return void_val();
	enum agg_kind agg = t->tseries_agg;
	struct ref now = tseries_now(b, n, loc);
	int epoch = alu(b, IR_UDIV, now, ref_imm(t->tseries_interval), loc);
	int bucket = alu(b, IR_UMOD, ref_reg(epoch), ref_imm(t->tseries_n),
			 loc);
	struct ref x = irb_to_reg(b, irb_expr(b, n->args.v[0]), loc);
	struct ref key = hist_key(b, map, ref_reg(bucket), loc);
	int mi = irb_map_index(b, map);
	int p = irb_call(b, BPF_FUNC_map_lookup_elem, loc, 2, ref_map(mi), key);
	int have = irb_new_block(b), fresh = irb_new_block(b),
	    update = irb_new_block(b), done = irb_new_block(b);
	irb_br(b, CC_EQ, ref_reg(p), ref_imm(0), fresh, have);
	struct ref pr = ref_reg(p);

	irb_set_block(b, have);
	if (agg != AGG_NONE) {
		int clear = irb_new_block(b);
		int old = ld8(b, pr, 16, loc);
		irb_br(b, CC_NE, ref_reg(old), ref_reg(epoch), clear, update);
		irb_set_block(b, clear);
		st8(b, pr, 0, ref_imm(0), loc);
		st8(b, pr, 8, ref_imm(0), loc);
		irb_jmp(b, update);
	} else {
		irb_jmp(b, update);
	}
	irb_set_block(b, update);
	switch (agg) {
	case AGG_NONE:
		st8(b, pr, 0, x, loc);
		st8(b, pr, 8, now, loc);
		break;
	case AGG_AVG:
		st8(b, pr, 8, ref_reg(add_to(b, ld8(b, pr, 8, loc), ref_imm(1),
					      loc)), loc);
		/* fall through */
	case AGG_SUM:
		st8(b, pr, 0, ref_reg(add_to(b, ld8(b, pr, 0, loc), x, loc)), loc);
		break;
	default: {
		bool sign = t->elem && t->elem->is_signed;
		enum ir_cc cc = agg == AGG_MAX ? (sign ? CC_SGT : CC_UGT)
					       : (sign ? CC_SLT : CC_ULT);
		int st = irb_new_block(b), cmp = irb_new_block(b),
		    next = irb_new_block(b);
		int set = ld8(b, pr, 8, loc);
		irb_br(b, CC_EQ, ref_reg(set), ref_imm(0), st, cmp);
		irb_set_block(b, cmp);
		int cur = ld8(b, pr, 0, loc);
		irb_br(b, cc, x, ref_reg(cur), st, next);
		irb_set_block(b, st);
		st8(b, pr, 0, x, loc);
		st8(b, pr, 8, ref_imm(1), loc);
		irb_jmp(b, next);
		irb_set_block(b, next);
	}
	}
	st8(b, pr, 16, ref_reg(epoch), loc);
	irb_jmp(b, done);

	irb_set_block(b, fresh);
	int vs = irb_slot_sized(b, 24, 8, tt_sprintf("val%s", map->name));
	st8(b, ref_slot(vs, 0), 0, agg == AGG_SUM || agg == AGG_AVG ||
					   agg == AGG_NONE || agg == AGG_MIN ||
					   agg == AGG_MAX ? x : ref_imm(0), loc);
	st8(b, ref_slot(vs, 0), 8, agg == AGG_NONE ? now
				   : agg == AGG_SUM ? ref_imm(0) : ref_imm(1),
	    loc);
	st8(b, ref_slot(vs, 0), 16, ref_reg(epoch), loc);
	irb_call(b, BPF_FUNC_map_update_elem, loc, 4, ref_map(mi), key,
		 ref_slot(vs, 0), ref_imm(BPF_ANY));
	irb_jmp(b, done);
	irb_set_block(b, done);
	return void_val();
}

static struct irval lo_delete(struct irb *b, struct node *n, struct node *m)
{
	struct node *k = n->c;
	struct ref key = irb_map_key(b, k);
	int mi = irb_map_index(b, k);
	bool del = !strcmp(n->name, "delete");
	int r = irb_call(b, del ? BPF_FUNC_map_delete_elem
				: BPF_FUNC_map_lookup_elem,
			 &n->loc, 2, ref_map(mi), key);
	/* delete: 0 on success; has_key: a non-NULL pointer */
	int d = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, IR_SETCC, &n->loc);
	in->dst = d;
	in->cc = del ? CC_EQ : CC_NE;
	in->arg[0] = ref_reg(r);
	in->arg[1] = ref_imm(0);
	return scalar(n->type, d);
}

/* cat/system/errorf/warnf/time: a record like printf's */
static struct irval lo_fmt(struct irb *b, struct node *n, struct node *m)
{
	static const struct { const char *name; enum action_kind k; } acts[] = {
		{ "printf", ACT_PRINTF }, { "cat", ACT_CAT },
		{ "system", ACT_SYSTEM }, { "errorf", ACT_ERRORF },
		{ "warnf", ACT_WARNF }, { "time", ACT_TIME },
	};
	enum action_kind k = ACT_PRINTF;
	for (size_t i = 0; i < ARRAY_SIZE(acts); i++)
		if (!strcmp(n->name, acts[i].name))
			k = acts[i].k;
	int na = n->args.n - 1;
	struct type **el = tt_alloc(sizeof(*el) * (na + 1));
	for (int i = 0; i < na; i++)
		el[i] = n->args.v[i + 1]->type;
	struct type *tup = na ? type_tuple(el, na) : NULL;
	struct node *f = n->args.v[0];
	int id = irb_action(b, k, tt_strndup(f->str, f->slen), tup, -1, &n->loc);
	int size = 8 + (tup ? tup->size : 0);
	int s = irb_slot_sized(b, size, 8, tt_sprintf("%s#%d", n->name, id));
	if (tup)
		irb_zero_gaps(b, ref_slot(s, 0), 8, tup, &n->loc);
	struct ir_insn *in = irb_emit(b, IR_STORE, &n->loc);
	in->arg[0] = ref_slot(s, 0);
	in->arg[1] = ref_imm(id);
	in->size = 8;
	for (int i = 0; i < na; i++)
		irb_store_printed(b, ref_slot(s, 0),
				  8 + tup->fields.v[i].offset, el[i],
				  n->args.v[i + 1]);
	irb_output(b, s, size, &n->loc);
	return void_val();
}

/* strlen(s): bytes before the first NUL (at most size - 1). */
static struct irval lo_strlen(struct irb *b, struct node *n, struct node *m)
{
	struct irval v = irb_expr(b, n->args.v[0]);
	int size = v.t->size;
	int i = irb_reg(b, NULL), c = irb_reg(b, NULL), p = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, IR_MOV, &n->loc);
	in->dst = i;
	in->arg[0] = ref_imm(0);
	int head = irb_new_block(b), body = irb_new_block(b),
	    next = irb_new_block(b), done = irb_new_block(b);
	irb_jmp(b, head);
	irb_set_block(b, head);
	irb_br(b, CC_UGE, ref_reg(i), ref_imm(size), done, body);
	irb_set_block(b, body);
	in = irb_emit(b, IR_MOV, &n->loc);
	in->dst = p;
	in->arg[0] = v.r;
	in = irb_emit(b, IR_ADD, &n->loc);
	in->dst = p;
	in->arg[0] = ref_reg(p);
	in->arg[1] = ref_reg(i);
	in = irb_emit(b, IR_LOAD, &n->loc);
	in->dst = c;
	in->arg[0] = ref_reg(p);
	in->size = 1;
	irb_br(b, CC_EQ, ref_reg(c), ref_imm(0), done, next);
	irb_set_block(b, next);
	in = irb_emit(b, IR_ADD, &n->loc);
	in->dst = i;
	in->arg[0] = ref_reg(i);
	in->arg[1] = ref_imm(1);
	irb_jmp(b, head);
	irb_set_block(b, done);
	return scalar(n->type, i);
}

/* strncmp(a, b, n): 0 when the first n bytes (up to a common NUL) are
 * equal, else 1. */
static struct irval lo_strncmp(struct irb *b, struct node *n, struct node *m)
{
	struct irval x = irb_expr(b, n->args.v[0]);
	struct irval y = irb_expr(b, n->args.v[1]);
	int lim = (int)n->args.v[2]->ival;
	if (lim > x.t->size)
		lim = x.t->size;
	if (lim > y.t->size)
		lim = y.t->size;
	int r = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, IR_MOV, &n->loc);
	in->dst = r;
	in->arg[0] = ref_imm(1);
	int done = irb_new_block(b), eq = irb_new_block(b);
	for (int i = 0; i < lim; i++) {
		int ca = irb_reg(b, NULL), cb = irb_reg(b, NULL);
		in = irb_emit(b, IR_LOAD, &n->loc);
		in->dst = ca;
		in->arg[0] = x.r;
		in->off = i;
		in->size = 1;
		in = irb_emit(b, IR_LOAD, &n->loc);
		in->dst = cb;
		in->arg[0] = y.r;
		in->off = i;
		in->size = 1;
		int same = irb_new_block(b), next = irb_new_block(b);
		irb_br(b, CC_NE, ref_reg(ca), ref_reg(cb), done, same);
		irb_set_block(b, same);
		irb_br(b, CC_EQ, ref_reg(ca), ref_imm(0), eq, next);
		irb_set_block(b, next);
	}
	irb_jmp(b, eq);
	irb_set_block(b, eq);
	in = irb_emit(b, IR_MOV, &n->loc);
	in->dst = r;
	in->arg[0] = ref_imm(0);
	irb_jmp(b, done);
	irb_set_block(b, done);
	return scalar(n->type, r);
}

/* x86_64 struct pt_regs offsets of the argument registers and ax */
static struct irval lo_reg_arg(struct irb *b, struct node *n, struct node *m)
{
	static const int args[] = { 112, 104, 96, 88, 72, 64 }; /* di si dx cx r8 r9 */
	int off = 80; /* ax */
	const struct prov_ops *p = prov_of(irb_ap(b));
	bool ret = !strcmp(n->name, "retval");
	if (!ret && p->args == ARGS_USDT)
		return usdt_lower_arg(b, n, atoi(n->name + 3));
	if (ret && p->retval == RETVAL_SLOT) {
		/* the ctx is the arguments' u64 slots, then the return value */
		struct type *t = n->type;
		int d = irb_reg(b, NULL);
		struct ir_insn *in = irb_emit(b, IR_LOAD, &n->loc);
		in->dst = d;
		in->arg[0] = ref_reg(irb_ctx(b));
		in->off = irb_ap(b)->args_type ? irb_ap(b)->args_type->size : 0;
		in->size = t->size < 8 ? t->size : 8;
		if (t->kind == TY_INT && t->is_signed && t->size < 8) {
			in = irb_emit(b, IR_SEXT, &n->loc);
			in->dst = d;
			in->arg[0] = ref_reg(d);
			in->size = t->size;
		}
		return scalar(t, d);
	}
	if (!ret && p->args == ARGS_SLOTS)
		off = atoi(n->name + 3) * 8;
	else if (!ret)
		off = args[n->name[3] - '0'];
	int d = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, IR_LOAD, &n->loc);
	in->dst = d;
	in->arg[0] = ref_reg(irb_ctx(b));
	in->off = off;
	in->size = 8;
	return scalar(n->type, d);
}

static struct irval lo_probe(struct irb *b, struct node *n, struct node *m)
{
	const char *name = probes_ap_name(irb_ap(b));
	if (!strcmp(n->name, "probetype"))
		name = prov_has(irb_ap(b), PF_SPECIAL)
			? "special" : probes_provider_name(irb_ap(b)->prov);
	struct node lit = *n;
	lit.kind = N_STR;
	lit.str = name;
	lit.slen = strlen(name);
	struct ref r = irb_result(b, n, "probe");
	irb_store_expr(b, r, 0, n->type, &lit);
	struct irval v = { n->type, r };
	return v;
}

static struct irval lo_ncpus(struct irb *b, struct node *n, struct node *m)
{
	int c = libbpf_num_possible_cpus();
	struct irval v = { n->type, ref_imm(c > 0 ? c : 1) };
	return v;
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

static struct irval lo_time(struct irb *b, struct node *n, struct node *m)
{
	const char *fmt = n->args.n ? tt_strndup(n->args.v[0]->str,
						 n->args.v[0]->slen)
				    : "%H:%M:%S\n";
	int id = irb_action(b, ACT_TIME, fmt, NULL, -1, &n->loc);
	int s = irb_slot_sized(b, 8, 8, tt_sprintf("time#%d", id));
	struct ir_insn *in = irb_emit(b, IR_STORE, &n->loc);
	in->arg[0] = ref_slot(s, 0);
	in->arg[1] = ref_imm(id);
	in->size = 8;
	irb_output(b, s, 8, &n->loc);
	return void_val();
}

/* pton("1.2.3.4") / pton("::1"): the address's bytes in network order,
 * int8[4] or int8[16]; the argument must be a string literal. */
static bool pton_bytes(const char *text, unsigned char *out, int *len)
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
	if (!pton_bytes(a->str, buf, &len)) {
		sema_err(s, &n->loc, "pton() expects a valid IPv4 or IPv6 "
				     "address, got %s", a->str);
		return type_none();
	}
	return type_array(type_int(1, true), len);
}

static struct irval lo_pton(struct irb *b, struct node *n, struct node *m)
{
	unsigned char buf[16];
	int len = 0;
	pton_bytes(n->args.v[0]->str, buf, &len);
	struct ref r = irb_result(b, n, "pton");
	irb_store_bytes(b, r, 0, buf, len, &n->loc);
	struct irval v = { n->type, r };
	return v;
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

static struct irval lo_kaddr(struct irb *b, struct node *n, struct node *m)
{
	struct irval v = { n->type, ref_imm((int64_t)n->ival) };
	return v;
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
static int stack_frame_size(bool user, int mode)
{
	return user && mode == STACK_MODE_BUILD_ID
		       ? (int)sizeof(struct bpf_stack_build_id) : 8;
}

static struct type *type_stack(bool user, int mode, int limit)
{
	struct type *t = type_new(user ? TY_USTACK : TY_KSTACK,
				  (user ? 16 : 8) +
					  limit * stack_frame_size(user, mode),
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

static void store_at(struct irb *b, struct ref dst, int off, int size,
		     struct ref v, const struct srcloc *loc)
{
	struct ir_insn *in = irb_emit(b, IR_STORE, loc);
	in->arg[0] = dst;
	in->arg[1] = v;
	in->off = off;
	in->size = size;
}

/* The pid namespace tinytrace runs in, when it is not the initial one
 * (whose inode is PROC_PID_INIT_INO): /proc shows that namespace's pids. */
static bool own_pidns(uint64_t *dev, uint64_t *ino)
{
	struct stat st;
	if (stat("/proc/self/ns/pid", &st) < 0 || st.st_ino == 0xEFFFFFFCu)
		return false;
	*dev = st.st_dev;
	*ino = st.st_ino;
	return true;
}

/* ustack/usym values carry the process (its tgid, as this namespace's
 * /proc numbers it) and the probe. */
static void store_pid_probe(struct irb *b, struct ref dst, int off,
			    const struct srcloc *loc)
{
	uint64_t dev, ino;
	int r;
	if (own_pidns(&dev, &ino)) {
		/* struct bpf_pidns_info { u32 pid; u32 tgid; } */
		int s = irb_slot_sized(b, 8, 8, "pidns");
		irb_call(b, BPF_FUNC_get_ns_current_pid_tgid, loc, 4,
			 ref_imm((int64_t)dev), ref_imm((int64_t)ino),
			 ref_slot(s, 0), ref_imm(8));
		r = irb_reg(b, NULL);
		struct ir_insn *in = irb_emit(b, IR_LOAD, loc);
		in->dst = r;
		in->arg[0] = ref_slot(s, 0);
		in->off = 4;
		in->size = 4;
	} else {
		r = irb_call(b, BPF_FUNC_get_current_pid_tgid, loc, 0);
		struct ir_insn *in = irb_emit(b, IR_LSHR, loc);
		in->dst = r;
		in->arg[0] = ref_reg(r);
		in->arg[1] = ref_imm(32);
	}
	store_at(b, dst, off, 4, ref_reg(r), loc);
	store_at(b, dst, off + 4, 4, ref_imm(irb_probe_id(b)), loc);
}

/* bpf_get_stack straight into the value's frames (it zero-fills what it
 * does not use), then the frame count: bytes / frame size, 0 on error. */
static struct irval lo_stack(struct irb *b, struct node *n, struct node *m)
{
	struct type *t = n->type;
	bool user = t->kind == TY_USTACK;
	int esize = stack_frame_size(user, t->stack_mode);
	int hdr = user ? 8 : 0;
	uint64_t flags = user ? BPF_F_USER_STACK : 0;
	if (user && t->stack_mode == STACK_MODE_BUILD_ID)
		flags |= BPF_F_USER_BUILD_ID;
	struct ref r = irb_result(b, n, user ? "ustack" : "kstack");
	if (!t->nelem) { /* kstack(0): no frames to ask for */
		store_at(b, r, hdr, 8, ref_imm(0), &n->loc);
		if (user)
			store_pid_probe(b, r, 0, &n->loc);
		struct irval v = { t, r };
		return v;
	}
	struct ref frames = r;
	frames.off += hdr + 8;
	int ret = irb_call(b, BPF_FUNC_get_stack, &n->loc, 4,
			   ref_reg(irb_ctx(b)), frames,
			   ref_imm((int64_t)t->nelem * esize),
			   ref_imm((int64_t)flags));
	int ok = irb_new_block(b), fail = irb_new_block(b),
	    done = irb_new_block(b);
	irb_br(b, CC_SLT, ref_reg(ret), ref_imm(0), fail, ok);
	irb_set_block(b, fail);
	struct ir_insn *in = irb_emit(b, IR_MOV, &n->loc);
	in->dst = ret;
	in->arg[0] = ref_imm(0);
	irb_jmp(b, done);
	irb_set_block(b, ok);
	irb_jmp(b, done);
	irb_set_block(b, done);
	in = irb_emit(b, IR_LSHR, &n->loc);
	in->dst = ret;
	in->arg[0] = ref_reg(ret);
	in->arg[1] = ref_imm(esize == 8 ? 3 : 5);
	store_at(b, r, hdr, 8, ref_reg(ret), &n->loc);
	if (user)
		store_pid_probe(b, r, 0, &n->loc);
	struct irval v = { t, r };
	return v;
}

/* len(kstack), len($ustack): the frame count stored in the value. */
static struct irval stack_len(struct irb *b, struct node *n)
{
	struct irval s = irb_expr(b, n->args.v[0]);
	int d = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, IR_LOAD, &n->loc);
	in->dst = d;
	in->arg[0] = s.r;
	in->off = s.t->kind == TY_USTACK ? 8 : 0;
	in->size = 8;
	return scalar(n->type, d);
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

/* An address into a ksym/usym value. */
static struct irval sym_value(struct irb *b, struct node *n, struct ref addr)
{
	struct ref r = irb_result(b, n, n->type->kind == TY_KSYM ? "ksym"
								 : "usym");
	store_at(b, r, 0, 8, addr, &n->loc);
	if (n->type->kind == TY_USYM)
		store_pid_probe(b, r, 8, &n->loc);
	struct irval v = { n->type, r };
	return v;
}

static struct irval lo_sym(struct irb *b, struct node *n, struct node *m)
{
	struct irval a = irb_expr(b, n->args.v[0]);
	return sym_value(b, n, irb_to_reg(b, a, &n->loc));
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

/* kprobe/uprobe: the instruction pointer (pt_regs->ip) is the probed
 * address; after a return or in fentry/fexit, bpf_get_func_ip. */
static struct irval lo_func(struct irb *b, struct node *n, struct node *m)
{
	int r;
	if (prov_has(irb_ap(b), PF_IP_AT_PROBE)) {
		r = irb_reg(b, NULL);
		struct ir_insn *in = irb_emit(b, IR_LOAD, &n->loc);
		in->dst = r;
		in->arg[0] = ref_reg(irb_ctx(b));
		in->off = 128; /* x86_64 struct pt_regs: ip */
		in->size = 8;
	} else {
		r = irb_call(b, BPF_FUNC_get_func_ip, &n->loc, 1,
			     ref_reg(irb_ctx(b)));
	}
	struct irval v = sym_value(b, n, ref_reg(r));
	enum provider pv = irb_ap(b)->prov;
	if (pv == PROV_UPROBE || pv == PROV_URETPROBE)
		store_at(b, v.r, 12, 4,
			 ref_imm(irb_probe_id(b) | USYM_AT_PROBE), &n->loc);
	return v;
}

/* uaddr("sym"): the address of a symbol of the probed binary, typed as a
 * pointer to an integer of the symbol's size (1, 2, 4, else 8 bytes).
 * In a position-independent binary the load address is added at run
 * time: a uprobe's or USDT probe's ip minus the probed instruction's
 * virtual address. */
static const struct elf_bin *uaddr_bin(const char *path)
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
	const struct elf_bin *bin = path ? uaddr_bin(path) : NULL;
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

/* reg("name"): a register of the probed code, from the x86_64 struct
 * pt_regs at the start of the context (kprobes, uprobes, USDT; profile
 * and interval's bpf_perf_event_data begins with it). */
static const struct { const char *name; int off; } x86_regs[] = {
	{ "r15", 0 }, { "r14", 8 }, { "r13", 16 }, { "r12", 24 },
	{ "bp", 32 }, { "bx", 40 }, { "r11", 48 }, { "r10", 56 },
	{ "r9", 64 }, { "r8", 72 }, { "ax", 80 }, { "cx", 88 }, { "dx", 96 },
	{ "si", 104 }, { "di", 112 }, { "orig_ax", 120 }, { "ip", 128 },
	{ "pc", 128 }, { "cs", 136 }, { "flags", 144 }, { "sp", 152 },
	{ "ss", 160 },
};

static int x86_reg_off(const char *name)
{
	for (size_t i = 0; i < sizeof(x86_regs) / sizeof(x86_regs[0]); i++)
		if (!strcmp(x86_regs[i].name, name))
			return x86_regs[i].off;
	return -1;
}

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
	if (x86_reg_off(a->str) < 0) {
		sema_err(s, &n->loc, "'%s' is not a valid register on this "
				     "architecture (x86_64)",
			 a->str);
		return type_none();
	}
	return type_int(8, false);
}

static struct irval lo_reg(struct irb *b, struct node *n, struct node *m)
{
	int d = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, IR_LOAD, &n->loc);
	in->dst = d;
	in->arg[0] = ref_reg(irb_ctx(b));
	in->off = x86_reg_off(n->args.v[0]->str);
	in->size = 8;
	return scalar(n->type, d);
}

static struct irval lo_uaddr(struct irb *b, struct node *n, struct node *m)
{
	struct attach_point *ap = irb_ap(b);
	const char *path = ap->path ? ap->path : ap->target;
	const struct elf_bin *bin = path ? uaddr_bin(path) : NULL;
	uint64_t probe_vaddr = 0;
	bool pie = bin && bin->type == ET_DYN && ap->nlocs > 0 &&
		   prov_has(ap, PF_IP_AT_PROBE);
	if (pie) {
		/* the probed instruction's virtual address */
		uint64_t off = ap->locs[0].offset;
		pie = false;
		for (int i = 0; i < bin->nsegs; i++) {
			const struct elf_seg *sg = &bin->segs[i];
			if (off >= sg->offset && off - sg->offset < sg->filesz) {
				probe_vaddr = off - sg->offset + sg->vaddr;
				pie = true;
				break;
			}
		}
	}
	if (!pie) {
		struct irval v = { n->type, ref_imm((int64_t)n->ival) };
		return v;
	}
	struct irval delta = { type_int(8, false),
			       ref_imm((int64_t)(n->ival - probe_vaddr)) };
	struct ref d = irb_to_reg(b, delta, &n->loc);
	int r = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, IR_LOAD, &n->loc);
	in->dst = r;
	in->arg[0] = ref_reg(irb_ctx(b));
	in->off = 128; /* pt_regs->ip: where the probe is, in this process */
	in->size = 8;
	in = irb_emit(b, IR_ADD, &n->loc);
	in->dst = r;
	in->arg[0] = ref_reg(r);
	in->arg[1] = d;
	return scalar(n->type, r);
}

/* cpid: the -c command's pid, which exists only once the programs are
 * loaded: an internal array map ("cpid", one uint64) the runtime fills
 * before attaching. */
static struct type *ty_cpid(struct sema *s, struct node *n)
{
	if (!sema_cfg(s)->cmd) {
		sema_err(s, &n->loc, "cpid cannot be used without child "
				     "command");
		return type_none();
	}
	return type_int(4, false);
}

static struct irval lo_cpid(struct irb *b, struct node *n, struct node *m)
{
	int map = irb_internal_map(b, "cpid", BPF_MAP_TYPE_ARRAY, 4, 8, 1);
	int k = irb_slot_sized(b, 4, 4, "cpid_key");
	store_at(b, ref_slot(k, 0), 0, 4, ref_imm(0), &n->loc);
	int v = irb_call(b, BPF_FUNC_map_lookup_elem, &n->loc, 2, ref_map(map),
			 ref_slot(k, 0));
	int r = irb_reg(b, "cpid");
	struct ir_insn *in = irb_emit(b, IR_MOV, &n->loc);
	in->dst = r;
	in->arg[0] = ref_imm(0);
	int found = irb_new_block(b), done = irb_new_block(b);
	irb_br(b, CC_EQ, ref_reg(v), ref_imm(0), done, found);
	irb_set_block(b, found);
	in = irb_emit(b, IR_LOAD, &n->loc);
	in->dst = r;
	in->arg[0] = ref_reg(v);
	in->size = 4;
	irb_jmp(b, done);
	irb_set_block(b, done);
	return scalar(n->type, r);
}

/* ---- the table ----------------------------------------------------------
 * Every name here is in builtin_names.h's list too (the front end asks
 * that list): a new builtin starts there. */

static const struct builtin builtins[] = {
	/* name      min max flags     agg        type       lower */
	{ "pid",      0, 0, BI_BARE, AGG_NONE, ty_u32, lo_pid },
	{ "tid",      0, 0, BI_BARE, AGG_NONE, ty_u32, lo_tid },
	{ "uid",      0, 0, BI_BARE, AGG_NONE, ty_u64, lo_uid },
	{ "gid",      0, 0, BI_BARE, AGG_NONE, ty_u64, lo_gid },
	{ "nsecs",    0, 1, BI_BARE, AGG_NONE, bv_ty_nsecs, bv_lo_nsecs },
	{ "cpu",      0, 0, BI_BARE, AGG_NONE, ty_u32, lo_helper },
	{ "rand",     0, 0, BI_BARE, AGG_NONE, ty_u32, lo_helper },
	{ "cgroup",   0, 0, BI_BARE, AGG_NONE, ty_u64, lo_helper },
	{ "curtask",  0, 0, BI_BARE, AGG_NONE, ty_curtask, lo_helper },
	{ "jiffies",  0, 0, BI_BARE, AGG_NONE, ty_u64, lo_helper },
	{ "numaid",   0, 0, BI_BARE, AGG_NONE, ty_u32, lo_helper },
	{ "comm",     0, 0, BI_BARE, AGG_NONE, ty_comm, lo_comm },
	{ "args",     0, 0, BI_BARE, AGG_NONE, ty_args, lo_args },
	{ "ctx",      0, 0, BI_BARE, AGG_NONE, ty_ctx, lo_ctx },
	{ "printf",   1, -1, 0, AGG_NONE, ty_printf, lo_printf },
	{ "cat",      1, -1, 0, AGG_NONE, ty_fmt, lo_fmt },
	{ "system",   1, -1, 0, AGG_NONE, ty_fmt, lo_fmt },
	{ "errorf",   1, -1, 0, AGG_NONE, ty_fmt, lo_fmt },
	{ "warnf",    1, -1, 0, AGG_NONE, ty_fmt, lo_fmt },
	{ "time",     0, 1, BI_BARE, AGG_NONE, ty_time, lo_time },
	{ "delete",   1, 2, BI_MAPARG, AGG_NONE, ty_delete, lo_delete },
	{ "has_key",  2, 2, BI_MAPARG, AGG_NONE, ty_delete, lo_delete },
	{ "strlen",   1, 1, 0, AGG_NONE, ty_strlen, lo_strlen },
	{ "len",      1, 1, BI_MAPARG, AGG_NONE, ty_len, lo_len },
	{ "strncmp",  3, 3, 0, AGG_NONE, ty_strncmp, lo_strncmp },
	/* values resolved in userspace, special records (builtins_values.c) */
	{ "strftime", 2, 2, 0, AGG_NONE, bv_ty_strftime, bv_lo_strftime },
	{ "elapsed",  0, 0, BI_BARE, AGG_NONE, bv_ty_elapsed, bv_lo_elapsed },
	{ "username", 0, 0, BI_BARE, AGG_NONE, bv_ty_username, bv_lo_username },
	{ "buf",      1, 2, 0, AGG_NONE, bv_ty_buf, bv_lo_buf },
	{ "ntop",     1, 2, 0, AGG_NONE, bv_ty_ntop, bv_lo_ntop },
	{ "macaddr",  1, 1, 0, AGG_NONE, bv_ty_macaddr, bv_lo_macaddr },
	{ "bswap",    1, 1, 0, AGG_NONE, bv_ty_bswap, bv_lo_bswap },
	{ "cgroup_path", 1, 2, 0, AGG_NONE, bv_ty_cgroup_path, bv_lo_cgroup_path },
	{ "strerror", 1, 1, 0, AGG_NONE, bv_ty_strerror, bv_lo_strerror },
	{ "join",     1, 2, 0, AGG_NONE, bv_ty_join, bv_lo_join },
	{ "signal",   1, 1, 0, AGG_NONE, bv_ty_signal, bv_lo_signal },
	{ "kptr",     1, 1, 0, AGG_NONE, bv_ty_addrspace, bv_lo_addrspace },
	{ "uptr",     1, 1, 0, AGG_NONE, bv_ty_addrspace, bv_lo_addrspace },
	{ "percpu_kaddr", 1, 2, 0, AGG_NONE, bv_ty_percpu_kaddr,
	  bv_lo_percpu_kaddr },
	{ "debugf",   1, -1, 0, AGG_NONE, bv_ty_debugf, bv_lo_debugf },
	{ "usermode", 0, 0, BI_BARE, AGG_NONE, bv_ty_usermode, bv_lo_usermode },
	{ "signal_name", 1, 1, 0, AGG_NONE, bv_ty_signal_name,
	  bv_lo_signal_name },
	{ "strstr",   2, 2, 0, AGG_NONE, bv_ty_strstr, bv_lo_strstr },
	{ "strcontains", 2, 2, 0, AGG_NONE, bv_ty_strstr, bv_lo_strstr },
	{ "arg0",     0, 0, BI_BARE, AGG_NONE, ty_reg_arg, lo_reg_arg },
	{ "arg1",     0, 0, BI_BARE, AGG_NONE, ty_reg_arg, lo_reg_arg },
	{ "arg2",     0, 0, BI_BARE, AGG_NONE, ty_reg_arg, lo_reg_arg },
	{ "arg3",     0, 0, BI_BARE, AGG_NONE, ty_reg_arg, lo_reg_arg },
	{ "arg4",     0, 0, BI_BARE, AGG_NONE, ty_reg_arg, lo_reg_arg },
	{ "arg5",     0, 0, BI_BARE, AGG_NONE, ty_reg_arg, lo_reg_arg },
	{ "arg6",     0, 0, BI_BARE, AGG_NONE, ty_reg_arg, lo_reg_arg },
	{ "arg7",     0, 0, BI_BARE, AGG_NONE, ty_reg_arg, lo_reg_arg },
	{ "arg8",     0, 0, BI_BARE, AGG_NONE, ty_reg_arg, lo_reg_arg },
	{ "arg9",     0, 0, BI_BARE, AGG_NONE, ty_reg_arg, lo_reg_arg },
	{ "arg10",    0, 0, BI_BARE, AGG_NONE, ty_reg_arg, lo_reg_arg },
	{ "arg11",    0, 0, BI_BARE, AGG_NONE, ty_reg_arg, lo_reg_arg },
	{ "retval",   0, 0, BI_BARE, AGG_NONE, ty_reg_arg, lo_reg_arg },
	{ "probe",    0, 0, BI_BARE, AGG_NONE, ty_probe, lo_probe },
	{ "probetype", 0, 0, BI_BARE, AGG_NONE, ty_probetype, lo_probe },
	{ "ncpus",    0, 0, BI_BARE, AGG_NONE, ty_u64, lo_ncpus },
	{ "exit",     0, 1, BI_BARE, AGG_NONE, ty_exit, lo_exit },
	{ "str",      1, 2, 0, AGG_NONE, ty_str, lo_str },
	{ "pton",     1, 1, 0, AGG_NONE, ty_pton, lo_pton },
	{ "kaddr",    1, 1, 0, AGG_NONE, ty_kaddr, lo_kaddr },
	/* folded by its typing hook into the option's literal value */
	{ "getopt",   1, 3, 0, AGG_NONE, sema_getopt, NULL },
	{ "config",   0, 0, BI_BARE, AGG_NONE, sema_config, NULL },
	/* compile-time helpers, folded into literals by sema_comptime */
	{ "is_array", 1, 1, 0, AGG_NONE, sema_comptime, NULL },
	{ "is_integer", 1, 1, 0, AGG_NONE, sema_comptime, NULL },
	{ "is_literal", 1, 1, 0, AGG_NONE, sema_comptime, NULL },
	{ "is_ptr",   1, 1, 0, AGG_NONE, sema_comptime, NULL },
	{ "is_str",   1, 1, 0, AGG_NONE, sema_comptime, NULL },
	{ "is_unsigned_integer", 1, 1, 0, AGG_NONE, sema_comptime, NULL },
	{ "static_assert", 2, 2, 0, AGG_NONE, sema_comptime, NULL },
	{ "has_cpid", 0, 0, BI_BARE, AGG_NONE, sema_comptime, NULL },
	{ "default_str_length", 0, 0, BI_BARE, AGG_NONE, sema_comptime, NULL },
	{ "strcap",   1, 1, 0, AGG_NONE, sema_comptime, NULL },
	{ "uaddr",    1, 1, 0, AGG_NONE, ty_uaddr, lo_uaddr },
	{ "reg",      1, 1, 0, AGG_NONE, ty_reg, lo_reg },
	{ "kstack",   0, 2, BI_BARE, AGG_NONE, ty_stack, lo_stack },
	{ "ustack",   0, 2, BI_BARE, AGG_NONE, ty_stack, lo_stack },
	{ "ksym",     1, 1, 0, AGG_NONE, ty_sym, lo_sym },
	{ "usym",     1, 1, 0, AGG_NONE, ty_sym, lo_sym },
	{ "func",     0, 0, BI_BARE, AGG_NONE, ty_func, lo_func },
	{ "cpid",     0, 0, BI_BARE, AGG_NONE, ty_cpid, lo_cpid },
	{ "print",    1, 3, BI_MAPARG, AGG_NONE, ty_mapop, lo_mapop },
	{ "clear",    1, 1, BI_MAPARG, AGG_NONE, ty_mapop, lo_mapop },
	{ "zero",     1, 1, BI_MAPARG, AGG_NONE, ty_mapop, lo_mapop },
	{ "count",    0, 0, BI_AGG | BI_BARE, AGG_COUNT, ty_count, lo_agg },
	{ "sum",      1, 1, BI_AGG, AGG_SUM, ty_agg1, lo_agg },
	{ "min",      1, 1, BI_AGG, AGG_MIN, ty_agg1, lo_agg },
	{ "max",      1, 1, BI_AGG, AGG_MAX, ty_agg1, lo_agg },
	{ "avg",      1, 1, BI_AGG, AGG_AVG, ty_agg1, lo_agg },
	{ "stats",    1, 1, BI_AGG, AGG_STATS, ty_agg1, lo_agg },
	{ "hist",     1, 2, BI_AGG, AGG_HIST, ty_hist, lo_hist },
	{ "lhist",    4, 4, BI_AGG, AGG_LHIST, ty_lhist, lo_hist },
	{ "tseries",  3, 4, BI_AGG, AGG_TSERIES, ty_tseries, lo_tseries },
};

const struct builtin *builtin_lookup(const char *name)
{
	if (!builtin_name_known(name)) /* the one list of names */
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(builtins); i++)
		if (!strcmp(builtins[i].name, name))
			return &builtins[i];
	return NULL;
}
