/* ir_build.c — the typed AST -> IR, one ir_func per concrete probe.
 *
 * Takes the program annotated by sema and the sema_result; produces a
 * tt_prog with maps, actions and probes (each with its IR).  Conventions
 * are listed in ir_build.h.  Expressions are lowered by irb_expr (builtins
 * through their lowering hook, builtins_lower.h), statements by stmt();
 * conditions branch directly (cond_br) instead of materialising booleans.
 * Every instruction goes through the IR builder (irb.h, irb.c), whose
 * state (src/irb_impl.h) this walker shares.  A construct with no
 * lowering yet is an error with its location. */
#include "ir_build.h"
#include "irb_impl.h"

#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <string.h>
#include <unistd.h>

#include "builtins_lower.h"
#include "lexer.h"
#include "probes.h"
#include "types.h"
#include "ir_loops.h"

static struct irval val(struct type *t, struct ref r)
{
	struct irval v = { t, r };
	return v;
}

bool irb_result_printed(struct irb *b, struct node *n)
{
	return b->want.node == n && n && b->want.output &&
	       type_equal(b->want.t, n->type) && b->want.r.kind == REF_SLOT &&
	       b->f->slots[b->want.r.slot].space == SPACE_SCRATCH;
}

struct ref irb_result(struct irb *b, struct node *n, const char *name)
{
	if (b->want.node == n && b->want.node && type_equal(b->want.t, n->type)) {
		b->want.node = NULL;
		return b->want.r;
	}
	return ref_slot(irb_slot(b, n->type, name), 0);
}


/* Evaluates n and stores it at dst+off as type t.  Leaf producers (string
 * literals, str(), comm, map reads) write straight into the destination
 * instead of a temporary. */
static void store_expr(struct irb *b, struct ref dst, int off, struct type *t,
		       struct node *n, bool output)
{
	if (n->kind == N_STR && t->kind == TY_STR) {
		irb_store_str(b, dst, off, t->size, n->str, n->slen, &n->loc);
		return;
	}
	struct want saved = b->want;
	if (!irb_is_scalar(t) && dst.kind == REF_SLOT) {
		b->want.node = n;
		b->want.r = ref_add(dst, off);
		b->want.t = t;
		b->want.output = output;
	}
	struct irval v = irb_expr(b, n);
	b->want = saved;
	irb_store(b, dst, off, t, v, &n->loc);
}

void irb_store_expr(struct irb *b, struct ref dst, int off, struct type *t,
		    struct node *n)
{
	store_expr(b, dst, off, t, n, false);
}

void irb_store_printed(struct irb *b, struct ref dst, int off, struct type *t,
		       struct node *n)
{
	store_expr(b, dst, off, t, n, true);
}

static void var_assign(struct irb *b, struct sema_var *var, struct irval v,
		       const struct srcloc *loc)
{
	struct var_home *h = irb_var_home(b, var);
	if (h->reg >= 0) {
		struct type *t = var->type;
		struct ir_insn *in;
		if (t->kind == TY_INT && t->size < 8 && v.r.kind == REF_REG &&
		    (v.t->kind != TY_INT || v.t->size > t->size ||
		     v.t->is_signed != t->is_signed)) {
			/* a declared narrower type: convert */
			in = irb_emit(b, t->is_signed ? IR_SEXT : IR_ZEXT, loc);
			in->size = t->size;
		} else {
			in = irb_emit(b, IR_MOV, loc);
		}
		in->dst = h->reg;
		in->arg[0] = v.r.kind == REF_NONE ? ref_imm(0) : v.r;
		return;
	}
	irb_store(b, ref_slot(h->slot, 0), 0, var->type, v, loc);
}

/* ---- maps --------------------------------------------------------------------- */

struct ref irb_map_key(struct irb *b, struct node *map)
{
	struct sema_map *m = sema_map_of(map);
	const struct srcloc *loc = &map->loc;
	if (m->nkeys == 0 || !m->key) {
		int s = irb_slot_sized(b, 8, 8, tt_sprintf("key%s", m->name));
		irb_store_int(b, ref_slot(s, 0), 0, 8, ref_imm(0), loc);
		return ref_slot(s, 0);
	}
	if (map->args.n == 1) {
		struct node *k = map->args.v[0];
		if (k->kind == N_VAR && type_equal(k->type, m->key) &&
		    !irb_is_scalar(m->key)) {
			struct irval v = irb_expr(b, k);
			return v.r; /* the variable's own storage is the key */
		}
		int s = irb_slot(b, m->key, tt_sprintf("key%s", m->name));
		irb_store_expr(b, ref_slot(s, 0), 0, m->key, k);
		return ref_slot(s, 0);
	}
	int s = irb_slot(b, m->key, tt_sprintf("key%s", m->name));
	irb_zero_gaps(b, ref_slot(s, 0), 0, m->key, loc);
	for (int i = 0; i < map->args.n && i < m->key->fields.n; i++)
		irb_store_expr(b, ref_slot(s, 0), m->key->fields.v[i].offset,
			       m->key->fields.v[i].type, map->args.v[i]);
	return ref_slot(s, 0);
}

static struct ir_insn *emit2(struct irb *b, enum ir_op op, int dst,
			      struct ref x, struct ref y,
			      const struct srcloc *loc)
{
	struct ir_insn *in = irb_emit(b, op, loc);
	in->dst = dst;
	in->arg[0] = x;
	in->arg[1] = y;
	return in;
}

/* Number of possible CPUs: the per-CPU values an aggregation read merges. */
static int ncpus(void)
{
	static int n;
	if (!n) {
		n = libbpf_num_possible_cpus();
		if (n <= 0)
			n = 1;
	}
	return n;
}

/* Reading count/sum/min/max/avg @m[k] in an expression: merge this key's
 * per-CPU values with bpf_map_lookup_percpu_elem over every CPU. */
static struct irval agg_read(struct irb *b, struct node *n)
{
	struct sema_map *m = sema_map_of(n);
	struct type *t = m->value;
	const struct srcloc *loc = &n->loc;
	if (t->agg == AGG_STATS || t->agg == AGG_HIST || t->agg == AGG_LHIST ||
	    t->agg == AGG_TSERIES)
		return irb_unsupported(b, loc, "reading this aggregation in an "
					       "expression");
	struct ref key = irb_map_key(b, n);
	int acc = irb_reg(b, NULL), cnt = irb_reg(b, NULL),
	    i = irb_reg(b, NULL);
	emit2(b, IR_MOV, acc, ref_imm(0), ref_imm(0), loc);
	emit2(b, IR_MOV, cnt, ref_imm(0), ref_imm(0), loc);
	emit2(b, IR_MOV, i, ref_imm(0), ref_imm(0), loc);
	int head = irb_new_block(b), body = irb_new_block(b),
	    have = irb_new_block(b), next = irb_new_block(b),
	    done = irb_new_block(b);
	irb_jmp(b, head);
	irb_set_block(b, head);
	irb_br(b, CC_UGE, ref_reg(i), ref_imm(ncpus()), done, body);
	irb_set_block(b, body);
	int p = irb_call(b, BPF_FUNC_map_lookup_percpu_elem, loc, 3,
			 ref_map(m->id), key, ref_reg(i));
	irb_br(b, CC_EQ, ref_reg(p), ref_imm(0), next, have);
	irb_set_block(b, have);
	struct irval v = irb_load(b, ref_reg(p), 0, type_int(8, true), loc);
	switch (t->agg) {
	case AGG_COUNT:
	case AGG_SUM:
		emit2(b, IR_ADD, acc, ref_reg(acc), v.r, loc);
		irb_jmp(b, next);
		break;
	case AGG_AVG: {
		struct irval c = irb_load(b, ref_reg(p), 8, type_int(8, true),
					     loc);
		emit2(b, IR_ADD, acc, ref_reg(acc), v.r, loc);
		emit2(b, IR_ADD, cnt, ref_reg(cnt), c.r, loc);
		irb_jmp(b, next);
		break;
	}
	default: {
		/* min/max over the CPUs that saw a value; cnt: any seen */
		bool sign = t->is_signed;
		enum ir_cc cc = t->agg == AGG_MAX ? (sign ? CC_SGT : CC_UGT)
						  : (sign ? CC_SLT : CC_ULT);
		struct irval set = irb_load(b, ref_reg(p), 8,
					       type_int(8, false), loc);
		int chk = irb_new_block(b), cmp = irb_new_block(b),
		    take = irb_new_block(b);
		irb_br(b, CC_EQ, set.r, ref_imm(0), next, chk);
		irb_set_block(b, chk);
		irb_br(b, CC_EQ, ref_reg(cnt), ref_imm(0), take, cmp);
		irb_set_block(b, cmp);
		irb_br(b, cc, v.r, ref_reg(acc), take, next);
		irb_set_block(b, take);
		emit2(b, IR_MOV, acc, v.r, ref_imm(0), loc);
		emit2(b, IR_MOV, cnt, ref_imm(1), ref_imm(0), loc);
		irb_jmp(b, next);
	}
	}
	irb_set_block(b, next);
	emit2(b, IR_ADD, i, ref_reg(i), ref_imm(1), loc);
	irb_jmp(b, head);
	irb_set_block(b, done);
	if (t->agg == AGG_AVG) {
		/* total / count, 0 when there is no value (x/0 is 0 in BPF) */
		int d = irb_reg(b, NULL);
		emit2(b, t->is_signed ? IR_SDIV : IR_UDIV, d, ref_reg(acc),
		      ref_reg(cnt), loc);
		return val(n->type, ref_reg(d));
	}
	return val(n->type, ref_reg(acc));
}

/* @m[k] in an expression: the value, or zero when the key is absent. */
static struct irval map_read(struct irb *b, struct node *n)
{
	struct sema_map *m = sema_map_of(n);
	struct type *t = m->value;
	if (t->kind == TY_AGG)
		return agg_read(b, n);
	struct ref key = irb_map_key(b, n);
	int p = irb_call(b, BPF_FUNC_map_lookup_elem, &n->loc, 2,
			 ref_map(m->id), key);
	int have = irb_new_block(b), none = irb_new_block(b),
	    done = irb_new_block(b);
	struct irval res;
	if (irb_is_scalar(t)) {
		/* r = 0; if (p) r = *p: one instruction less than a
		 * branch for each case */
		int r = irb_reg(b, NULL);
		struct ir_insn *in = irb_emit(b, IR_MOV, &n->loc);
		in->dst = r;
		in->arg[0] = ref_imm(0);
		irb_br(b, CC_EQ, ref_reg(p), ref_imm(0), done, have);
		irb_set_block(b, have);
		struct irval lv = irb_load(b, ref_reg(p), 0, t, &n->loc);
		in = irb_emit(b, IR_MOV, &n->loc);
		in->dst = r;
		in->arg[0] = lv.r;
		irb_jmp(b, done);
		irb_set_block(b, none);
		irb_jmp(b, done);
		res = val(t, ref_reg(r));
	} else {
		struct ref s = irb_result(b, n, tt_sprintf("val%s", m->name));
		irb_br(b, CC_EQ, ref_reg(p), ref_imm(0), none, have);
		irb_set_block(b, have);
		irb_copy(b, s, 0, ref_reg(p), t->size, &n->loc);
		irb_jmp(b, done);
		irb_set_block(b, none);
		irb_zero(b, s, 0, t->size, &n->loc);
		irb_jmp(b, done);
		res = val(t, s);
	}
	irb_set_block(b, done);
	return res;
}

static void map_write(struct irb *b, struct node *map, struct irval v,
		      const struct srcloc *loc)
{
	struct sema_map *m = sema_map_of(map);
	struct ref key = irb_map_key(b, map);
	struct ref vr;
	if (v.r.kind == REF_SLOT && type_equal(v.t, m->value)) {
		vr = v.r;
	} else {
		int s = irb_slot(b, m->value, tt_sprintf("val%s", m->name));
		irb_store(b, ref_slot(s, 0), 0, m->value, v, loc);
		vr = ref_slot(s, 0);
	}
	irb_map_update(b, m->id, key, vr, loc);
}

/* ---- expressions ---------------------------------------------------------------- */

static void cond_br(struct irb *b, struct node *c, int t, int f);
static void stmt(struct irb *b, struct node *n);
static struct irval read_mem(struct irb *b, struct node *n, struct ref ptr,
			     int off, struct type *t, enum addrspace as,
			     const struct field *bf);
static enum addrspace as_of(struct irb *b, const struct type *p);

static enum ir_cc cmp_cc(int op, bool sign)
{
	switch (op) {
	case OP_EQ: return CC_EQ;
	case OP_NE: return CC_NE;
	case '<': return sign ? CC_SLT : CC_ULT;
	case '>': return sign ? CC_SGT : CC_UGT;
	case OP_LE: return sign ? CC_SLE : CC_ULE;
	case OP_GE: return sign ? CC_SGE : CC_UGE;
	}
	return CC_EQ;
}

static bool is_unsigned(const struct type *t)
{
	return t->kind != TY_INT || !t->is_signed;
}

/* Signed comparison unless both sides are unsigned, or one is uint64. */
static bool cmp_signed(const struct type *a, const struct type *b)
{
	if (is_unsigned(a) && is_unsigned(b))
		return false;
	if ((is_unsigned(a) && a->size == 8) || (is_unsigned(b) && b->size == 8))
		return false;
	return true;
}

/* A string literal's value. */
static struct irval str_literal(struct irb *b, struct node *n, struct type *t)
{
	struct ref r = irb_result(b, n, "str");
	irb_store_str(b, r, 0, t->size, n->str, n->slen, &n->loc);
	return val(t, r);
}

static void str_eq_refs(struct irb *b, struct ref ar, int an, struct ref cr,
			int cn, int t, int f, const struct srcloc *loc);

/* String (in)equality: jumps to t when equal, f when not.  Compares byte
 * by byte up to the shorter size, stopping after a common NUL.  A literal
 * side is compared in 8/4/2/1-byte chunks against immediates. */
static void str_eq_br(struct irb *b, struct node *x, struct node *y, int t,
		      int f, const struct srcloc *loc)
{
	struct node *lit = y->kind == N_STR ? y : x->kind == N_STR ? x : NULL;
	struct node *other = lit == y ? x : y;
	if (lit && other->kind != N_STR) {
		struct irval o = irb_expr(b, other);
		int n = (int)lit->slen + 1; /* with the NUL */
		bool trunc = false;
		if (n > o.t->size) {
			n = o.t->size;
			trunc = true;
		}
		/* a literal with an embedded NUL compares only up to it */
		for (int i = 0; i < n; i++)
			if (i < (int)lit->slen && lit->str[i] == 0) {
				n = i + 1;
				trunc = false;
				break;
			}
		(void)trunc;
		for (int off = 0; off < n;) {
			int w = n - off >= 8 ? 8 : n - off >= 4 ? 4
				: n - off >= 2 ? 2 : 1;
			uint64_t v = 0;
			for (int i = 0; i < w; i++) {
				size_t k = (size_t)off + i;
				unsigned char c = k < lit->slen
					? (unsigned char)lit->str[k] : 0;
				v |= (uint64_t)c << (8 * i);
			}
			int r = irb_reg(b, NULL);
			struct ir_insn *in = irb_emit(b, IR_LOAD, loc);
			in->dst = r;
			in->arg[0] = o.r;
			in->off = off;
			in->size = w;
			struct ref im = ref_imm((int64_t)v);
			if (w == 8 && ((int64_t)v < INT32_MIN ||
				       (int64_t)v > INT32_MAX))
				im = irb_to_reg(b, val(type_int(8, false), im),
						loc);
			off += w;
			if (off >= n) {
				irb_br(b, CC_EQ, ref_reg(r), im, t, f);
			} else {
				int next = irb_new_block(b);
				irb_br(b, CC_EQ, ref_reg(r), im, next, f);
				irb_set_block(b, next);
			}
		}
		return;
	}
	struct irval a = irb_expr(b, x), c = irb_expr(b, y);
	str_eq_refs(b, a.r, a.t->size, c.r, c.t->size, t, f, loc);
}

/* Strings longer than this compare in a bpf_loop callback (one body for
 * the verifier), shorter ones in a loop the verifier walks byte by byte. */
#define STR_EQ_INLINE 64

/* The callback of a long string comparison, a subprogram of the current
 * function (returns its index): body(i, ctx), ctx = { a, c, equal }:
 * past n bytes: stop; bytes differ: equal = 0, stop; a common NUL:
 * stop (equal stays 1). */
static int str_eq_callback(struct irb *b, int n, const struct srcloc *loc)
{
	struct irb_sub *sub = irb_sub_begin(b, "streq", loc, NULL, NULL);
	int e = irb_cur(b);
	int i = irb_sub_arg(b, 0, "i", NULL), c = irb_sub_arg(b, 1, "ctx", NULL);
	int body = irb_new_block(b), stop = irb_new_block(b),
	    cont = irb_new_block(b), diff = irb_new_block(b),
	    same = irb_new_block(b);
	irb_set_block(b, e);
	irb_br(b, CC_UGE, ref_reg(i), ref_imm(n), stop, body);
	irb_set_block(b, stop);
	irb_emit(b, IR_RET, NULL)->arg[0] = ref_imm(1);
	irb_set_block(b, cont);
	irb_emit(b, IR_RET, NULL)->arg[0] = ref_imm(0);
	irb_set_block(b, body);
	int ch[2];
	for (int k = 0; k < 2; k++) {
		int base = irb_reg(b, NULL), p = irb_reg(b, NULL);
		struct ir_insn *in = irb_emit(b, IR_LOAD, loc);
		in->dst = base;
		in->arg[0] = ref_reg(c);
		in->off = 8 * k;
		in->size = 8;
		in = irb_emit(b, IR_ADD, loc);
		in->dst = p;
		in->arg[0] = ref_reg(base);
		in->arg[1] = ref_reg(i);
		ch[k] = irb_reg(b, NULL);
		in = irb_emit(b, IR_LOAD, loc);
		in->dst = ch[k];
		in->arg[0] = ref_reg(p);
		in->size = 1;
	}
	irb_br(b, CC_NE, ref_reg(ch[0]), ref_reg(ch[1]), diff, same);
	irb_set_block(b, same);
	irb_br(b, CC_EQ, ref_reg(ch[0]), ref_imm(0), stop, cont);
	irb_set_block(b, diff);
	struct ir_insn *in = irb_emit(b, IR_STORE, loc);
	in->arg[0] = ref_reg(c);
	in->arg[1] = ref_imm(0);
	in->off = 16;
	in->size = 8;
	irb_emit(b, IR_RET, NULL)->arg[0] = ref_imm(1);
	return irb_sub_end(b, sub);
}

/* A long string comparison: ctx = { a, c, 1 } on the stack,
 * bpf_loop(n, the callback, &ctx), then equal ? t : f. */
static void str_eq_loop(struct irb *b, struct ref ar, struct ref cr, int n,
			int t, int f, const struct srcloc *loc)
{
	int fn = str_eq_callback(b, n, loc);
	int ctx = irb_slot_sized(b, 24, 8, "streq_ctx");
	struct ref addr[2] = { ar, cr };
	struct ir_insn *in;
	for (int k = 0; k < 2; k++) {
		int r = irb_reg(b, NULL);
		in = irb_emit(b, IR_MOV, loc);
		in->dst = r;
		in->arg[0] = addr[k];
		in = irb_emit(b, IR_STORE, loc);
		in->arg[0] = ref_slot(ctx, 0);
		in->arg[1] = ref_reg(r);
		in->off = 8 * k;
		in->size = 8;
	}
	in = irb_emit(b, IR_STORE, loc);
	in->arg[0] = ref_slot(ctx, 0);
	in->arg[1] = ref_imm(1);
	in->off = 16;
	in->size = 8;
	/* the callback reads the strings: live across the call */
	for (int k = 0; k < 2; k++)
		if (addr[k].kind == REF_SLOT)
			irb_emit(b, IR_USE, loc)->arg[0] = addr[k];
	irb_call(b, BPF_FUNC_loop, loc, 4, ref_imm(n), ref_func(fn),
		 ref_slot(ctx, 0), ref_imm(0));
	for (int k = 0; k < 2; k++)
		if (addr[k].kind == REF_SLOT)
			irb_emit(b, IR_USE, loc)->arg[0] = addr[k];
	int r = irb_reg(b, NULL);
	in = irb_emit(b, IR_LOAD, loc);
	in->dst = r;
	in->arg[0] = ref_slot(ctx, 0);
	in->off = 16;
	in->size = 8;
	irb_br(b, CC_NE, ref_reg(r), ref_imm(0), t, f);
}

/* The general string (in)equality: a loop over min(size) bytes of the
 * strings at a and c, equal at a common NUL. */
static void str_eq_refs(struct irb *b, struct ref ar, int an, struct ref cr,
			int cn, int t, int f, const struct srcloc *loc)
{
	struct irval a = val(type_str(an), ar), c = val(type_str(cn), cr);
	int n = an < cn ? an : cn;
	if (n > STR_EQ_INLINE) {
		str_eq_loop(b, ar, cr, n, t, f, loc);
		return;
	}
	int i = irb_reg(b, "i");
	struct ir_insn *in = irb_emit(b, IR_MOV, loc);
	in->dst = i;
	in->arg[0] = ref_imm(0);
	int head = irb_new_block(b), body = irb_new_block(b),
	    next = irb_new_block(b);
	irb_jmp(b, head);
	irb_set_block(b, head);
	irb_br(b, CC_UGE, ref_reg(i), ref_imm(n), t, body);
	irb_set_block(b, body);
	/* pointers to the bytes: slot address + i */
	int pa = irb_reg(b, NULL), pc = irb_reg(b, NULL);
	int ca = irb_reg(b, NULL), cc = irb_reg(b, NULL);
	in = irb_emit(b, IR_MOV, loc);
	in->dst = pa;
	in->arg[0] = a.r;
	in = irb_emit(b, IR_ADD, loc);
	in->dst = pa;
	in->arg[0] = ref_reg(pa);
	in->arg[1] = ref_reg(i);
	in = irb_emit(b, IR_LOAD, loc);
	in->dst = ca;
	in->arg[0] = ref_reg(pa);
	in->size = 1;
	in = irb_emit(b, IR_MOV, loc);
	in->dst = pc;
	in->arg[0] = c.r;
	in = irb_emit(b, IR_ADD, loc);
	in->dst = pc;
	in->arg[0] = ref_reg(pc);
	in->arg[1] = ref_reg(i);
	in = irb_emit(b, IR_LOAD, loc);
	in->dst = cc;
	in->arg[0] = ref_reg(pc);
	in->size = 1;
	int same = irb_new_block(b);
	irb_br(b, CC_NE, ref_reg(ca), ref_reg(cc), f, same);
	irb_set_block(b, same);
	irb_br(b, CC_EQ, ref_reg(ca), ref_imm(0), t, next);
	irb_set_block(b, next);
	in = irb_emit(b, IR_ADD, loc);
	in->dst = i;
	in->arg[0] = ref_reg(i);
	in->arg[1] = ref_imm(1);
	irb_jmp(b, head);
}

/* Equality of two values of compatible types held in memory (tuples,
 * records, arrays, strings, and the scalars inside them): jumps to t when
 * every element is equal, else to f.  Integers compare by value (each read
 * with its own width and sign), strings up to their NUL, integer arrays of
 * the same type byte by byte, nested aggregates element by element. */
static void mem_eq_br(struct irb *b, struct ref x, struct type *xt,
		      struct ref y, struct type *yt, int t, int f,
		      const struct srcloc *loc)
{
	if (xt->kind == TY_STR && yt->kind == TY_STR) {
		str_eq_refs(b, x, xt->size, y, yt->size, t, f, loc);
		return;
	}
	if (irb_is_scalar(xt) && irb_is_scalar(yt)) {
		struct irval a = irb_load(b, x, 0, xt, loc);
		struct irval c = irb_load(b, y, 0, yt, loc);
		irb_br(b, CC_EQ, a.r, c.r, t, f);
		return;
	}
	if (xt->kind == TY_BUFFER && yt->kind == TY_BUFFER) {
		/* buf(): the same uint32 length, then that many equal bytes */
		struct type *u32 = type_int(4, false), *u8 = type_int(1, false);
		struct irval len = irb_load(b, x, 0, u32, loc);
		struct irval ylen = irb_load(b, y, 0, u32, loc);
		int cap = (xt->size < yt->size ? xt->size : yt->size) - 4;
		int next = irb_new_block(b);
		irb_br(b, CC_EQ, len.r, ylen.r, next, f);
		irb_set_block(b, next);
		for (int o = 0; o < cap; o++) {
			int more = irb_new_block(b), same = irb_new_block(b);
			irb_br(b, CC_ULE, len.r, ref_imm(o), t, more);
			irb_set_block(b, more);
			struct irval a = irb_load(b, x, 4 + o, u8, loc);
			struct irval c = irb_load(b, y, 4 + o, u8, loc);
			irb_br(b, CC_EQ, a.r, c.r, same, f);
			irb_set_block(b, same);
		}
		irb_jmp(b, t);
		return;
	}
	if (xt->kind == TY_ARRAY && yt->kind == TY_ARRAY &&
	    irb_is_scalar(xt->elem) && type_equal(xt, yt)) {
		for (int o = 0; o < xt->size;) {
			int w = xt->size - o >= 8 ? 8 : xt->size - o >= 4 ? 4
				: xt->size - o >= 2 ? 2 : 1;
			struct type *wt = type_int(w, false);
			struct irval a = irb_load(b, x, o, wt, loc);
			struct irval c = irb_load(b, y, o, wt, loc);
			o += w;
			int next = o < xt->size ? irb_new_block(b) : t;
			irb_br(b, CC_EQ, a.r, c.r, next, f);
			if (next != t)
				irb_set_block(b, next);
		}
		return;
	}
	int n = xt->kind == TY_ARRAY ? xt->nelem : xt->fields.n;
	for (int i = 0; i < n; i++) {
		struct type *ft, *gt;
		int fo, go;
		if (xt->kind == TY_ARRAY) {
			ft = xt->elem;
			gt = yt->elem;
			fo = i * ft->size;
			go = i * gt->size;
		} else {
			ft = xt->fields.v[i].type;
			gt = yt->fields.v[i].type;
			fo = xt->fields.v[i].offset;
			go = yt->fields.v[i].offset;
		}
		int next = i + 1 < n ? irb_new_block(b) : t;
		mem_eq_br(b, irb_ref_at(b, x, fo, loc), ft, irb_ref_at(b, y, go, loc),
			  gt, next, f, loc);
		if (next != t)
			irb_set_block(b, next);
	}
	if (!n)
		irb_jmp(b, t);
}

/* Materialises a condition as 0/1 in a register. */
static struct irval bool_value(struct irb *b, struct node *n)
{
	int r = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, IR_MOV, &n->loc);
	in->dst = r;
	in->arg[0] = ref_imm(0);
	int t = irb_new_block(b), done = irb_new_block(b);
	cond_br(b, n, t, done);
	irb_set_block(b, t);
	in = irb_emit(b, IR_MOV, &n->loc);
	in->dst = r;
	in->arg[0] = ref_imm(1);
	irb_jmp(b, done);
	irb_set_block(b, done);
	return val(n->type, ref_reg(r));
}

/* bpftrace's integer operators (doc/integers.md): 64-bit two's complement;
 * / and % are unsigned and >> is logical whatever the operands' signs. */
static enum ir_op arith_op(int op)
{
	switch (op) {
	case '+': return IR_ADD;
	case '-': return IR_SUB;
	case '*': return IR_MUL;
	case '/': return IR_UDIV;
	case '%': return IR_UMOD;
	case '&': return IR_AND;
	case '|': return IR_OR;
	case '^': return IR_XOR;
	case OP_SHL: return IR_SHL;
	case OP_SHR: return IR_LSHR;
	}
	return IR_NOP;
}

static bool is_cmp(int op)
{
	return op == OP_EQ || op == OP_NE || op == '<' || op == '>' ||
	       op == OP_LE || op == OP_GE;
}

/* bpftrace's run-time warning when a divisor is 0, at the operator: an
 * ACT_WARNF record sent from the current block. */
static void div_zero_warning(struct irb *b, const struct srcloc *loc)
{
	if (b->prog->ringbuf_map < 0)
		return;
	int id = irb_action(b, ACT_WARNF, "Divide or modulo by 0 detected. "
			    "This can lead to unexpected results. 1 is being "
			    "used as the result.", NULL, -1, loc);
	int s = irb_slot_sized(b, 8, 8, tt_sprintf("warnf#%d", id));
	irb_store_int(b, ref_slot(s, 0), 0, 8, ref_imm(id), NULL);
	irb_call(b, BPF_FUNC_ringbuf_output, NULL, 4,
		 ref_map(b->prog->ringbuf_map), ref_slot(s, 0), ref_imm(8),
		 ref_imm(0));
}

/* d = x op y.  x / 0 and x % 0 are 1, as in bpftrace (BPF itself gives 0
 * and x), with bpftrace's run-time warning: a divisor that may be zero is
 * tested first. */
static struct irval arith(struct irb *b, int op, struct type *t, struct ref x,
			  struct ref y, const struct srcloc *loc)
{
	int d = irb_reg(b, NULL);
	struct ir_insn *in;
	int done = -1;
	if ((op == '/' || op == '%') && !(y.kind == REF_IMM && y.imm != 0)) {
		in = irb_emit(b, IR_MOV, loc);
		in->dst = d;
		in->arg[0] = ref_imm(1);
		if (y.kind == REF_IMM) {
			div_zero_warning(b, loc);
			return val(t, ref_reg(d));
		}
		int calc = irb_new_block(b), zero = irb_new_block(b);
		done = irb_new_block(b);
		irb_br(b, CC_EQ, y, ref_imm(0), zero, calc);
		irb_set_block(b, zero);
		div_zero_warning(b, loc);
		irb_jmp(b, done);
		irb_set_block(b, calc);
	}
	in = irb_emit(b, arith_op(op), loc);
	in->dst = d;
	in->arg[0] = x;
	in->arg[1] = y;
	if (done >= 0) {
		irb_jmp(b, done);
		irb_set_block(b, done);
	}
	return val(t, ref_reg(d));
}

/* p + i or p - i (op) for a pointer p: i elements of p's pointee.  Always
 * an addition (of -i for -): the verifier refuses any subtraction from a
 * stack pointer. */
static struct irval ptr_offset(struct irb *b, struct irval p, struct ref i,
			       int op, const struct srcloc *loc)
{
	int64_t esz = p.t->elem && p.t->elem->size > 0 ? p.t->elem->size : 1;
	if (op == '-')
		esz = -esz;
	if (i.kind == REF_IMM)
		i = ref_imm((int64_t)i.imm * esz);
	else if (esz != 1)
		i = arith(b, '*', type_int(8, true), i, ref_imm(esz), loc).r;
	struct ref pr = irb_to_reg(b, p, loc);
	return arith(b, '+', type_int(8, false), pr, i, loc);
}

static struct irval binop(struct irb *b, struct node *n)
{
	int op = n->op;
	if (op == OP_LAND || op == OP_LOR || is_cmp(op))
		return bool_value(b, n);
	struct irval x = irb_expr(b, n->a), y = irb_expr(b, n->b);
	if (x.t->kind == TY_PTR || y.t->kind == TY_PTR) {
		/* pointer +/- integer scales by the pointee size */
		struct irval p = x.t->kind == TY_PTR ? x : y;
		struct irval i = x.t->kind == TY_PTR ? y : x;
		struct irval r = ptr_offset(b, p, i.r, op, &n->loc);
		r.t = n->type;
		return r;
	}
	if (x.r.kind == REF_IMM && y.r.kind == REF_IMM) {
		/* leave folding to ir_optimize, but keep operand 0 a reg */
		x.r = irb_to_reg(b, x, &n->loc);
	}
	if (x.r.kind == REF_IMM)
		x.r = irb_to_reg(b, x, &n->loc);
	return arith(b, op, n->type, x.r, y.r, &n->loc);
}

/* Marks the slots of this function's variables whose address was taken
 * (&$x) as read here: memory a pointer may reach is about to be read
 * through it, so earlier writes must stay. */
static void use_addressed(struct irb *b, const struct srcloc *loc)
{
	for (int i = 0; i < b->vars.n; i++) {
		struct var_home *h = &b->vars.v[i];
		if (h->var->addr_taken && h->slot >= 0) {
			struct ir_insn *in = irb_emit(b, IR_USE, loc);
			in->arg[0] = ref_slot(h->slot, 0);
		}
	}
}

/* Before every return of f: a USE of each variable slot whose address was
 * taken, so the slot lives (and is not shared) until the program ends. */
static void pin_addressed(struct irb *b)
{
	struct ir_func *f = b->f;
	for (int i = 0; i < b->vars.n; i++) {
		struct var_home *h = &b->vars.v[i];
		if (!h->var->addr_taken || h->slot < 0 || f->slots[h->slot].up)
			continue;
		for (int k = 0; k < f->nblocks; k++) {
			struct ir_block *bl = f->blocks[k];
			if (!bl->ninsns || bl->insns[bl->ninsns - 1].op != IR_RET)
				continue;
			struct ir_insn *u = ir_append(f, k, IR_USE);
			u->arg[0] = ref_slot(h->slot, 0);
			struct ir_insn ret = bl->insns[bl->ninsns - 2];
			u->loc = ret.loc;
			bl->insns[bl->ninsns - 2] = *u;
			bl->insns[bl->ninsns - 1] = ret;
		}
	}
}

/* &e: the address of a variable (which then lives in a slot), of what a
 * pointer points to, or of a field or element of those. */
static struct irval addr_of(struct irb *b, struct node *n, struct type *pt)
{
	const struct srcloc *loc = &n->loc;
	struct type *at = n->a ? n->a->type : NULL;
	struct ref base;
	int off = 0;
	struct ref idx = ref_imm(0);
	int esz = 0;
	switch (n->kind) {
	case N_VAR: {
		struct var_home *h = irb_var_home(b, sema_var_of(n));
		int d = irb_reg(b, NULL);
		struct ir_insn *in = irb_emit(b, IR_MOV, loc);
		in->dst = d;
		in->arg[0] = ref_slot(h->slot, 0);
		return val(pt, ref_reg(d));
	}
	case N_UNOP: /* &*p */
		return val(pt, irb_to_reg(b, irb_expr(b, n->a), loc));
	case N_MAP: {
		/* the value's place in the map, 0 when the key is absent */
		struct sema_map *m = sema_map_of(n);
		int p = irb_call(b, BPF_FUNC_map_lookup_elem, loc, 2,
				 ref_map(m->id), irb_map_key(b, n));
		int d = irb_reg(b, NULL);
		int have = irb_new_block(b), none = irb_new_block(b),
		    done = irb_new_block(b);
		irb_br(b, CC_EQ, ref_reg(p), ref_imm(0), none, have);
		irb_set_block(b, have);
		emit2(b, IR_MOV, d, ref_reg(p), ref_imm(0), loc);
		irb_jmp(b, done);
		irb_set_block(b, none);
		emit2(b, IR_MOV, d, ref_imm(0), ref_imm(0), loc);
		irb_jmp(b, done);
		irb_set_block(b, done);
		return val(pt, ref_reg(d));
	}
	case N_FIELD:
		off = sema_field_of(n)->offset;
		break;
	case N_INDEX: {
		/* (a string's elements are bytes) */
		esz = at->kind == TY_STR ? 1 : at->elem->size;
		struct irval i = irb_expr(b, n->b);
		if (i.r.kind == REF_IMM)
			off = (int)(i.r.imm * esz);
		else
			idx = i.r;
		break;
	}
	default:
		return irb_unsupported(b, loc, "taking this address");
	}
	if (at->kind == TY_PTR)
		base = irb_to_reg(b, irb_expr(b, n->a), loc);
	else
		base = addr_of(b, n->a, pt).r;
	int d = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, IR_ADD, loc);
	in->dst = d;
	in->arg[0] = base;
	in->arg[1] = ref_imm(off);
	if (idx.kind != REF_IMM) {
		int m = irb_reg(b, NULL);
		in = irb_emit(b, IR_MUL, loc);
		in->dst = m;
		in->arg[0] = idx;
		in->arg[1] = ref_imm(esz);
		in = irb_emit(b, IR_ADD, loc);
		in->dst = d;
		in->arg[0] = ref_reg(d);
		in->arg[1] = ref_reg(m);
	}
	return val(pt, ref_reg(d));
}

static struct irval unop(struct irb *b, struct node *n)
{
	if (n->op == '-' && n->a->kind == N_INT)
		return val(n->type, ref_imm((int64_t)-(uint64_t)n->a->ival));
	if (n->op == '!')
		return bool_value(b, n);
	if (n->op == '*') {
		/* an integer address: in the probe's address space */
		struct irval p = irb_expr(b, n->a);
		struct type *pt = n->a->type;
		if (type_is_int(pt))
			pt = type_ptr(n->type, AS_NONE);
		return read_mem(b, n, p.r, 0, n->type, as_of(b, pt), NULL);
	}
	if (n->op == '&')
		return addr_of(b, n->a, n->type);
	struct irval a = irb_expr(b, n->a);
	int d = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, n->op == '-' ? IR_NEG : IR_NOT,
				      &n->loc);
	in->dst = d;
	in->arg[0] = a.r;
	return val(n->type, ref_reg(d));
}

static struct irval cast(struct irb *b, struct node *n)
{
	struct irval a = irb_expr(b, n->a);
	struct type *t = n->type;
	if (a.t->kind == TY_AGG)
		return irb_unsupported(b, &n->loc, "casting an aggregation");
	if (t->kind == TY_STR) {
		/* (string[N]) of a string or char array: cut or padded */
		struct ref s = irb_result(b, n, "cast");
		irb_store(b, s, 0, t, a, &n->loc);
		return val(t, s);
	}
	if (t->kind == TY_ARRAY) {
		if (!irb_is_scalar(a.t))
			return val(t, a.r); /* the same bytes, read as t */
		/* an integer's bytes (little-endian) as an array */
		struct ref s = irb_result(b, n, "cast");
		irb_store_int(b, s, 0, t->size, a.r, &n->loc);
		return val(t, s);
	}
	if (a.t->kind == TY_ARRAY)
		return irb_load(b, a.r, 0, t, &n->loc);
	if (t->kind == TY_BOOL && a.t->kind == TY_STR) /* "" is false */
		a = irb_load(b, a.r, 0, type_int(1, false), &n->loc);
	if (t->kind == TY_BOOL) {
		/* the operand first: irb_to_reg may emit (a constant's mov) */
		struct ref x = irb_to_reg(b, a, &n->loc);
		int d = irb_reg(b, NULL);
		struct ir_insn *in = irb_emit(b, IR_SETCC, &n->loc);
		in->dst = d;
		in->cc = CC_NE;
		in->arg[0] = x;
		in->arg[1] = ref_imm(0);
		return val(t, ref_reg(d));
	}
	if (t->kind == TY_PTR && a.t->kind == TY_INT && a.t->size < 8) {
		/* an integer narrower than a pointer is zero-extended into
		 * one (as LLVM's inttoptr in bpftrace): (uint8 *)-1 is 0xff */
		if (a.r.kind == REF_IMM)
			return val(t, ref_imm((int64_t)((uint64_t)a.r.imm &
					      ((1ull << (8 * a.t->size)) - 1))));
		int d = irb_reg(b, NULL);
		struct ir_insn *in = irb_emit(b, IR_ZEXT, &n->loc);
		in->dst = d;
		in->arg[0] = a.r;
		in->size = a.t->size;
		return val(t, ref_reg(d));
	}
	if (t->size == 8)
		return val(t, a.r);
	if (a.r.kind == REF_IMM) {
		int64_t v = a.r.imm;
		int bits = t->size * 8;
		uint64_t mask = (1ull << bits) - 1;
		uint64_t u = (uint64_t)v & mask;
		if (t->is_signed && (u >> (bits - 1)))
			u |= ~mask;
		return val(t, ref_imm((int64_t)u));
	}
	int d = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, t->is_signed ? IR_SEXT : IR_ZEXT,
				      &n->loc);
	in->dst = d;
	in->arg[0] = a.r;
	in->size = t->size;
	return val(t, ref_reg(d));
}

static struct irval field(struct irb *b, struct node *n)
{
	struct type *at = n->a->type;
	if (at->kind == TY_STRUCT && at->is_ctx) {
		/* args.x of a tracepoint: read the record in place; the field
		 * is looked up in this probe's own format */
		struct attach_point *ap = b->sp->ap;
		const struct field *f =
			ap->args_type ? type_field(ap->args_type, n->name) : NULL;
		if (!f) {
			diag_error(&n->loc, "Can't find field %s in args of %s",
				   n->name, probes_ap_name(ap));
			b->errors++;
			return val(type_none(), ref_imm(0));
		}
		if (!type_equal(f->type, n->type) &&
		    !(irb_is_scalar(f->type) && irb_is_scalar(n->type))) {
			diag_error(&n->loc, "args.%s has different types in the "
					    "probes of this block (%s and %s)",
				   n->name, type_name(f->type),
				   type_name(n->type));
			b->errors++;
		}
		int ctx = b->ctx_reg;
		if (f->data_loc) {
			struct irval dl = irb_load(b, ref_reg(ctx), f->offset,
						      type_int(4, false),
						      &n->loc);
			int d = irb_reg(b, NULL);
			struct ir_insn *in = irb_emit(b, IR_AND, &n->loc);
			in->dst = d;
			in->arg[0] = dl.r;
			in->arg[1] = ref_imm(0xffff);
			in = irb_emit(b, IR_ADD, &n->loc);
			in->dst = d;
			in->arg[0] = ref_reg(ctx);
			in->arg[1] = ref_reg(d);
			return val(f->type, ref_reg(d));
		}
		if (irb_is_scalar(f->type))
			return irb_load(b, ref_reg(ctx), f->offset, f->type,
					   &n->loc);
		struct ref s = irb_result(b, n, n->name);
		int p = irb_reg(b, NULL);
		struct ir_insn *in = irb_emit(b, IR_ADD, &n->loc);
		in->dst = p;
		in->arg[0] = ref_reg(ctx);
		in->arg[1] = ref_imm(f->offset);
		irb_call(b, BPF_FUNC_probe_read_kernel, &n->loc, 3, s,
			 ref_imm(f->type->size), ref_reg(p));
		return val(f->type, s);
	}
	const struct sema_field *sf = sema_field_of(n);
	if (!sf)
		return irb_unsupported(b, &n->loc, "this field access");
	const struct field *f = sf->f;
	int off = sf->offset;
	if (at->kind == TY_TUPLE || at->kind == TY_RECORD) {
		struct irval a = irb_expr(b, n->a);
		if (irb_is_scalar(f->type))
			return irb_load(b, a.r, off, f->type, &n->loc);
		return val(f->type, ref_add(a.r, off));
	}
	if (at->kind == TY_PTR) {
		struct irval p = irb_expr(b, n->a);
		return read_mem(b, n, p.r, off, n->type, as_of(b, at), f);
	}
	if (at->kind == TY_STRUCT) {
		struct irval a = irb_expr(b, n->a);
		if (!irb_is_scalar(f->type))
			return val(f->type, ref_add(a.r, off));
		struct irval v = irb_load(b, a.r, off, f->type, &n->loc);
		if (f->bit_width) {
			int d = irb_reg(b, NULL);
			struct ir_insn *in = irb_emit(b, IR_LSHR, &n->loc);
			in->dst = d;
			in->arg[0] = v.r;
			in->arg[1] = ref_imm(f->bit_offset);
			in = irb_emit(b, IR_AND, &n->loc);
			in->dst = d;
			in->arg[0] = ref_reg(d);
			in->arg[1] = ref_imm((int64_t)((1ull << f->bit_width) - 1));
			return val(f->type, ref_reg(d));
		}
		return v;
	}
	return irb_unsupported(b, &n->loc, "this field access");
}

/* Reads a value of type t at ptr+off from kernel or user memory with
 * bpf_probe_read_{kernel,user}: scalars through a temporary slot (then
 * loaded and extended, bitfields shifted and masked), aggregates into
 * their result slot. */
static struct irval read_mem(struct irb *b, struct node *n, struct ref ptr,
			     int off, struct type *t, enum addrspace as,
			     const struct field *bf)
{
	const struct srcloc *loc = &n->loc;
	struct ref addr = ptr;
	if (off) {
		struct ref pr = irb_to_reg(b, val(type_int(8, false), ptr), loc);
		int d = irb_reg(b, NULL);
		struct ir_insn *in = irb_emit(b, IR_ADD, loc);
		in->dst = d;
		in->arg[0] = pr;
		in->arg[1] = ref_imm(off);
		addr = ref_reg(d);
	} else if (addr.kind != REF_REG) {
		addr = irb_to_reg(b, val(type_int(8, false), ptr), loc);
	}
	int helper = as == AS_USER ? BPF_FUNC_probe_read_user
				   : BPF_FUNC_probe_read_kernel;
	use_addressed(b, loc);
	if (!irb_is_scalar(t)) {
		struct ref r = irb_result(b, n, "deref");
		irb_call(b, helper, loc, 3, r, ref_imm(t->size), addr);
		return val(t, r);
	}
	int s = irb_slot_sized(b, t->size, t->size, "deref");
	irb_call(b, helper, loc, 3, ref_slot(s, 0), ref_imm(t->size), addr);
	if (bf && bf->bit_width) {
		/* bitfield: the containing bytes, shifted and masked */
		struct irval v = irb_load(b, ref_slot(s, 0), 0,
					     type_int(t->size, false), loc);
		int d = irb_reg(b, NULL);
		struct ir_insn *in = irb_emit(b, IR_LSHR, loc);
		in->dst = d;
		in->arg[0] = v.r;
		in->arg[1] = ref_imm(bf->bit_offset);
		if (bf->bit_width < 64) {
			in = irb_emit(b, IR_AND, loc);
			in->dst = d;
			in->arg[0] = ref_reg(d);
			in->arg[1] = ref_imm((int64_t)((1ull << bf->bit_width) - 1));
		}
		return val(t, ref_reg(d));
	}
	return irb_load(b, ref_slot(s, 0), 0, t, loc);
}

/* The address space of memory reached through pointer type p; a pointer
 * of no declared space (a script struct's field) points where the probe's
 * own data lives: user memory in uprobes and USDT, else the kernel's. */
static enum addrspace as_of(struct irb *b, const struct type *p)
{
	if (!p || p->kind != TY_PTR)
		return AS_KERNEL;
	if (p->as != AS_NONE)
		return p->as;
	return prov_has(b->sp->ap, PF_USER) ? AS_USER : AS_KERNEL;
}

/* a[i] for pointers, arrays and strings. */
/* A variable index past an array's end: bpftrace's runtime warning (the
 * read still happens for a pointer's array, and reads 0 for one held in a
 * slot). */
static void oob_warning(struct irb *b, struct ref idx, int nelem,
			const struct srcloc *loc)
{
	if (b->prog->ringbuf_map < 0)
		return;
	int id = irb_action(b, ACT_WARNF, "Array access out of bounds. This "
			    "can lead to unexpected results.", NULL, -1, loc);
	int warn = irb_new_block(b), done = irb_new_block(b);
	irb_br(b, CC_ULT, idx, ref_imm(nelem), done, warn);
	irb_set_block(b, warn);
	int s = irb_slot_sized(b, 8, 8, tt_sprintf("warnf#%d", id));
	irb_store_int(b, ref_slot(s, 0), 0, 8, ref_imm(id), NULL);
	irb_call(b, BPF_FUNC_ringbuf_output, NULL, 4,
		 ref_map(b->prog->ringbuf_map), ref_slot(s, 0), ref_imm(8),
		 ref_imm(0));
	irb_jmp(b, done);
	irb_set_block(b, done);
}

static struct irval index_expr(struct irb *b, struct node *n)
{
	struct type *at = n->a->type, *et = n->type;
	struct irval a, i;
	int esz = et->size;
	struct node *fa = n->a;
	if (fa->kind == N_FIELD && at->kind == TY_ARRAY &&
	    fa->a->type->kind == TY_PTR) {
		/* p->arr[i]: read the one element at p + offset + i * size
		 * (not the whole array; a flexible arr[0] has no size) */
		int off = sema_field_of(fa)->offset;
		struct irval p = irb_expr(b, fa->a);
		a = val(type_ptr(et, as_of(b, fa->a->type)),
			irb_ref_at(b, irb_to_reg(b, p, &n->loc), off, &n->loc));
		at = a.t;
	} else {
		a = irb_expr(b, n->a);
	}
	i = irb_expr(b, n->b);
	if (i.r.kind != REF_IMM && n->a->type->kind == TY_ARRAY &&
	    n->a->type->nelem > 0)
		oob_warning(b, i.r, n->a->type->nelem, &n->loc);
	if (at->kind == TY_PTR) {
		if (i.r.kind == REF_IMM)
			return read_mem(b, n, a.r, (int)(i.r.imm * esz), et,
					as_of(b, at), NULL);
		int d = irb_reg(b, NULL);
		struct ir_insn *in = irb_emit(b, IR_MUL, &n->loc);
		in->dst = d;
		in->arg[0] = i.r;
		in->arg[1] = ref_imm(esz);
		struct ref ar = irb_to_reg(b, a, &n->loc);
		in = irb_emit(b, IR_ADD, &n->loc);
		in->dst = d;
		in->arg[0] = ref_reg(d);
		in->arg[1] = ar;
		return read_mem(b, n, ref_reg(d), 0, et, as_of(b, at), NULL);
	}
	/* an array or string held in a slot */
	int nelem = at->kind == TY_STR ? at->size : at->nelem;
	if (i.r.kind == REF_IMM) {
		int off = (int)i.r.imm * esz;
		if (irb_is_scalar(et))
			return irb_load(b, a.r, off, et, &n->loc);
		return val(et, ref_add(a.r, off));
	}
	if (!irb_is_scalar(et))
		return irb_unsupported(b, &n->loc,
				       "a variable index into an array of "
				       "aggregates");
	/* bounds-checked: out of range reads 0 */
	int r = irb_reg(b, NULL), p = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, IR_MOV, &n->loc);
	in->dst = r;
	in->arg[0] = ref_imm(0);
	int ok = irb_new_block(b), done = irb_new_block(b);
	irb_br(b, CC_ULT, i.r, ref_imm(nelem), ok, done);
	irb_set_block(b, ok);
	in = irb_emit(b, IR_MUL, &n->loc);
	in->dst = p;
	in->arg[0] = i.r;
	in->arg[1] = ref_imm(esz);
	int base = irb_reg(b, NULL);
	in = irb_emit(b, IR_MOV, &n->loc);
	in->dst = base;
	in->arg[0] = a.r;
	in = irb_emit(b, IR_ADD, &n->loc);
	in->dst = p;
	in->arg[0] = ref_reg(base);
	in->arg[1] = ref_reg(p);
	struct irval v = irb_load(b, ref_reg(p), 0, et, &n->loc);
	in = irb_emit(b, IR_MOV, &n->loc);
	in->dst = r;
	in->arg[0] = v.r;
	irb_jmp(b, done);
	irb_set_block(b, done);
	return val(et, ref_reg(r));
}

static struct irval tuple(struct irb *b, struct node *n)
{
	struct type *t = n->type;
	struct ref r = irb_result(b, n, "tuple");
	irb_zero_gaps(b, r, 0, t, &n->loc);
	for (int i = 0; i < n->args.n; i++) {
		struct node *e = n->args.v[i];
		if (e->kind == N_NAMED)
			e = e->a;
		irb_store_expr(b, r, t->fields.v[i].offset,
			       t->fields.v[i].type, e);
	}
	return val(t, r);
}

static struct irval ternary(struct irb *b, struct node *n)
{
	struct type *t = n->type;
	int tb = irb_new_block(b), fb = irb_new_block(b), done = irb_new_block(b);
	int r = -1;
	struct ref sr = { .kind = REF_NONE };
	bool printed = false;
	if (t->kind == TY_VOID) {
		/* c ? f() : g() run for their effects */
		cond_br(b, n->a, tb, fb);
		irb_set_block(b, tb);
		irb_expr(b, n->b);
		irb_jmp(b, done);
		irb_set_block(b, fb);
		irb_expr(b, n->c);
		irb_jmp(b, done);
		irb_set_block(b, done);
		return val(t, ref_imm(0));
	}
	if (irb_is_scalar(t)) {
		r = irb_reg(b, NULL);
	} else {
		/* each branch writes straight into the destination */
		printed = irb_result_printed(b, n);
		sr = irb_result(b, n, "ternary");
	}
	if (!n->b) {
		/* a ?: c */
		struct irval a = irb_expr(b, n->a);
		struct ref ar = irb_to_reg(b, a, &n->loc);
		struct ir_insn *in = irb_emit(b, IR_MOV, &n->loc);
		in->dst = r;
		in->arg[0] = ar;
		irb_br(b, CC_NE, ar, ref_imm(0), done, fb);
	} else {
		cond_br(b, n->a, tb, fb);
		irb_set_block(b, tb);
		if (r >= 0) {
			struct irval v = irb_expr(b, n->b);
			struct ir_insn *in = irb_emit(b, IR_MOV, &n->loc);
			in->dst = r;
			in->arg[0] = v.r;
		} else {
			store_expr(b, sr, 0, t, n->b, printed);
		}
		irb_jmp(b, done);
	}
	irb_set_block(b, fb);
	if (r >= 0) {
		struct irval v = irb_expr(b, n->c);
		struct ir_insn *in = irb_emit(b, IR_MOV, &n->loc);
		in->dst = r;
		in->arg[0] = v.r;
	} else {
		store_expr(b, sr, 0, t, n->c, printed);
	}
	irb_jmp(b, done);
	irb_set_block(b, done);
	return r >= 0 ? val(t, ref_reg(r)) : val(t, sr);
}

static struct irval posparam(struct irb *b, struct node *n)
{
	const struct tt_config *c = &b->prog->cfg;
	const char *p = n->ival >= 1 && (int64_t)n->ival <= c->npos_params
				? c->pos_params[n->ival - 1] : "";
	if (n->type->kind == TY_STR) {
		struct node lit = *n;
		lit.str = p;
		lit.slen = strlen(p);
		return str_literal(b, &lit, n->type);
	}
	return val(n->type, ref_imm(*p ? strtoll(p, NULL, 0) : 0));
}

static struct irval incdec(struct irb *b, struct node *n)
{
	struct irval old = irb_expr(b, n->a);
	struct ref o = irb_to_reg(b, old, &n->loc);
	if (n->is_post) {
		int keep = irb_reg(b, NULL);
		struct ir_insn *in = irb_emit(b, IR_MOV, &n->loc);
		in->dst = keep;
		in->arg[0] = o;
		o = ref_reg(keep);
	}
	/* a pointer steps by its pointee's size; always an addition (the
	 * verifier refuses subtracting from a stack pointer) */
	struct type *at = n->a->type;
	int64_t step = at->kind == TY_PTR && at->elem && at->elem->size > 0
			       ? at->elem->size : 1;
	struct irval nv = arith(b, '+', type_int(8, true), o,
				ref_imm(n->op == OP_INC ? step : -step),
				&n->loc);
	nv.t = n->a->type;
	if (n->a->kind == N_VAR)
		var_assign(b, sema_var_of(n->a), nv, &n->loc);
	else
		map_write(b, n->a, nv, &n->loc);
	return n->is_post ? val(n->type, o) : val(n->type, nv.r);
}

struct irval irb_expr(struct irb *b, struct node *n)
{
	switch (n->kind) {
	case N_INT:
		return val(n->type, ref_imm((int64_t)n->ival));
	case N_BOOL:
		return val(n->type, ref_imm(n->ival != 0));
	case N_STR:
		return str_literal(b, n, n->type);
	case N_BUILTIN:
	case N_CALL: {
		if (n->sym.kind == SYM_CONSTANT)
			return val(n->type, ref_imm((int64_t)n->ival));
		enum builtin_id id = builtin_id_of(n->name);
		if (id == BI_NONE || !builtin_lowering(id))
			return irb_unsupported(b, &n->loc, n->name);
		return builtin_lowering(id)(b, n, NULL);
	}
	case N_VAR: {
		struct var_home *h = irb_var_home(b, sema_var_of(n));
		struct sema_var *v = sema_var_of(n);
		if (h->reg >= 0)
			return val(v->type, ref_reg(h->reg));
		if (irb_is_scalar(v->type)) /* &$v taken: it lives in memory */
			return irb_load(b, ref_slot(h->slot, 0), 0, v->type,
					   &n->loc);
		return val(v->type, ref_slot(h->slot, 0));
	}
	case N_MAP:
		return map_read(b, n);
	case N_POSPARAM:
		return posparam(b, n);
	case N_POSCOUNT:
		return val(n->type, ref_imm(b->prog->cfg.npos_params));
	case N_SIZEOF:
	case N_OFFSETOF:
		return val(n->type, ref_imm((int64_t)n->ival));
	case N_BINOP:
		return binop(b, n);
	case N_UNOP:
		return unop(b, n);
	case N_INCDEC:
		return incdec(b, n);
	case N_TERNARY:
		return ternary(b, n);
	case N_FIELD:
		return field(b, n);
	case N_CAST:
		return cast(b, n);
	case N_TUPLE:
	case N_RECORD:
		return tuple(b, n);
	case N_INDEX:
		return index_expr(b, n);
	case N_BLOCK: {
		for (int i = 0; i < n->args.n; i++)
			stmt(b, n->args.v[i]);
		if (!n->a)
			return val(type_void(), (struct ref){ .kind = REF_NONE });
		return irb_expr(b, n->a);
	}
	default:
		return irb_unsupported(b, &n->loc, ast_kind_name(n->kind));
	}
}

/* Branches to t when the condition holds, else to f. */
static void cond_br(struct irb *b, struct node *c, int t, int f)
{
	if (c->kind == N_BINOP && (c->op == OP_LAND || c->op == OP_LOR)) {
		int mid = irb_new_block(b);
		if (c->op == OP_LAND)
			cond_br(b, c->a, mid, f);
		else
			cond_br(b, c->a, t, mid);
		irb_set_block(b, mid);
		cond_br(b, c->b, t, f);
		return;
	}
	if (c->kind == N_UNOP && c->op == '!') {
		cond_br(b, c->a, f, t);
		return;
	}
	if (c->kind == N_BINOP && is_cmp(c->op)) {
		struct type *at = c->a->type, *bt = c->b->type;
		if (at->kind == TY_STR && bt->kind == TY_STR) {
			if (c->op == OP_EQ)
				str_eq_br(b, c->a, c->b, t, f, &c->loc);
			else
				str_eq_br(b, c->a, c->b, f, t, &c->loc);
			return;
		}
		if (!irb_is_scalar(at)) {
			/* tuples, records, arrays: == and != */
			struct irval x = irb_expr(b, c->a), y = irb_expr(b, c->b);
			if (c->op == OP_EQ)
				mem_eq_br(b, x.r, x.t, y.r, y.t, t, f, &c->loc);
			else
				mem_eq_br(b, x.r, x.t, y.r, y.t, f, t, &c->loc);
			return;
		}
		struct irval x = irb_expr(b, c->a), y = irb_expr(b, c->b);
		if (x.r.kind == REF_IMM && y.r.kind == REF_IMM)
			x.r = irb_to_reg(b, x, &c->loc);
		irb_br(b, cmp_cc(c->op, cmp_signed(at, bt)), x.r, y.r, t, f);
		return;
	}
	struct irval v = irb_expr(b, c);
	struct ref r = v.r;
	if (r.kind == REF_IMM) {
		irb_jmp(b, r.imm ? t : f);
		return;
	}
	irb_br(b, CC_NE, r, ref_imm(0), t, f);
}

/* ---- statements ------------------------------------------------------------------ */

static void stmt(struct irb *b, struct node *n);

static void stmts(struct irb *b, struct node *blk)
{
	if (!blk)
		return;
	if (blk->kind != N_BLOCK) {
		stmt(b, blk);
		return;
	}
	for (int i = 0; i < blk->args.n; i++)
		stmt(b, blk->args.v[i]);
	if (blk->a)
		irb_expr(b, blk->a);
}

static void assign(struct irb *b, struct node *n)
{
	struct node *lhs = n->a, *rhs = n->b;
	struct irval v;
	if (n->op != '=') {
		struct irval old = irb_expr(b, lhs);
		struct irval r = irb_expr(b, rhs);
		int op = lex_compound_binop(n->op);
		if (lhs->type->kind == TY_PTR) {
			v = ptr_offset(b, old, r.r, op, &n->loc);
		} else {
			struct ref o = irb_to_reg(b, old, &n->loc);
			bool sign = (old.t->kind == TY_INT && old.t->is_signed) ||
				    (r.t->kind == TY_INT && r.t->is_signed);
			v = arith(b, op, type_int(8, sign), o, r.r, &n->loc);
		}
		v.t = lhs->type;
	} else {
		/* @m = count(), also as a block's value: @m = { ...; count() } */
		struct node *val = rhs;
		while (val->kind == N_BLOCK && val->a)
			val = val->a;
		if (lhs->kind == N_MAP && (val->kind == N_CALL ||
					   val->kind == N_BUILTIN)) {
			enum builtin_id id = builtin_id_of(val->name);
			if (id != BI_NONE && (builtin_info(id)->flags & BI_AGG)) {
				for (struct node *k = rhs; k != val; k = k->a)
					for (int i = 0; i < k->args.n; i++)
						stmt(b, k->args.v[i]);
				builtin_lowering(id)(b, val, lhs);
				return;
			}
		}
		v = irb_expr(b, rhs);
	}
	if (lhs->kind == N_BUILTIN) /* `_ = e`: e was evaluated */
		return;
	if (lhs->kind == N_VAR)
		var_assign(b, sema_var_of(lhs), v, &n->loc);
	else if (lhs->kind == N_MAP)
		map_write(b, lhs, v, &n->loc);
	else
		irb_unsupported(b, &n->loc, "this assignment");
}

/* Whether expression n reads variable v (then `$v = n` cannot build n in
 * $v's own bytes: `$t = ($t.1, $t.0)`). */
static bool mentions_var(const struct node *n, const struct sema_var *v)
{
	if (!n)
		return false;
	if (n->kind == N_VAR && sema_var_of(n) == v)
		return true;
	if (mentions_var(n->a, v) || mentions_var(n->b, v) ||
	    mentions_var(n->c, v))
		return true;
	for (int i = 0; i < n->args.n; i++)
		if (mentions_var(n->args.v[i], v))
			return true;
	return false;
}

/* `$x = e` for a variable kept in a slot: e is written straight into it
 * when it is a leaf producer. */
static bool assign_in_place(struct irb *b, struct node *n)
{
	struct node *lhs = n->a;
	if (n->op != '=' || lhs->kind != N_VAR)
		return false;
	struct sema_var *var = sema_var_of(lhs);
	if (irb_is_scalar(var->type) || mentions_var(n->b, var))
		return false;
	struct var_home *h = irb_var_home(b, var);
	irb_store_expr(b, ref_slot(h->slot, 0), 0, var->type, n->b);
	return true;
}

/* for ($i : a..c) body: a and c are evaluated once; $i takes a, a+1, ...
 * up to c-1 (a hidden counter drives the loop, so the body may change
 * $i). */
static void for_range(struct irb *b, struct node *n)
{
	struct sema_var *var = sema_var_of(n);
	struct irval a = irb_expr(b, n->a);
	struct ref ar = irb_to_reg(b, a, &n->loc);
	int it = irb_reg(b, NULL), end = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, IR_MOV, &n->loc);
	in->dst = it;
	in->arg[0] = ar;
	struct irval c = irb_expr(b, n->c);
	in = irb_emit(b, IR_MOV, &n->loc);
	in->dst = end;
	in->arg[0] = c.r;
	int head = irb_new_block(b), body = irb_new_block(b),
	    step = irb_new_block(b), done = irb_new_block(b);
	irb_jmp(b, head);
	irb_set_block(b, head);
	bool sign = cmp_signed(n->a->type, n->c->type);
	irb_br(b, sign ? CC_SLT : CC_ULT, ref_reg(it), ref_reg(end), body, done);
	irb_set_block(b, body);
	var_assign(b, var, val(var->type, ref_reg(it)), &n->loc);
	vec_push(&b->brk, done);
	vec_push(&b->cont, step);
	stmts(b, n->b);
	b->brk.n--;
	b->cont.n--;
	irb_jmp(b, step);
	irb_set_block(b, step);
	in = irb_emit(b, IR_ADD, &n->loc);
	in->dst = it;
	in->arg[0] = ref_reg(it);
	in->arg[1] = ref_imm(1);
	irb_jmp(b, head);
	irb_set_block(b, done);
}

static void stmt(struct irb *b, struct node *n)
{
	switch (n->kind) {
	case N_EXPR_STMT:
		irb_expr(b, n->a);
		break;
	case N_ASSIGN:
		if (!assign_in_place(b, n))
			assign(b, n);
		break;
	case N_LET:
		if (n->b) {
			struct irval v = irb_expr(b, n->b);
			var_assign(b, sema_var_of(n), v, &n->loc);
		} else {
			struct var_home *h = irb_var_home(b, sema_var_of(n));
			if (h->reg >= 0) {
				struct ir_insn *in = irb_emit(b, IR_MOV, &n->loc);
				in->dst = h->reg;
				in->arg[0] = ref_imm(0);
			} else {
				struct sema_var *sv = sema_var_of(n);
				irb_zero(b, ref_slot(h->slot, 0), 0,
					sv->type->size, &n->loc);
			}
		}
		break;
	case N_IF: {
		if (n->name && !strcmp(n->name, "comptime")) {
			/* sema picked the branch (ival 1: the first) */
			struct node *br = n->ival == 1 ? n->b : n->c;
			if (br)
				stmts(b, br);
			break;
		}
		int t = irb_new_block(b), f = irb_new_block(b);
		int done = n->c ? irb_new_block(b) : f;
		cond_br(b, n->a, t, f);
		irb_set_block(b, t);
		stmts(b, n->b);
		irb_jmp(b, done);
		if (n->c) {
			irb_set_block(b, f);
			stmts(b, n->c);
			irb_jmp(b, done);
		}
		irb_set_block(b, done);
		break;
	}
	case N_WHILE: {
		int head = irb_new_block(b), body = irb_new_block(b),
		    done = irb_new_block(b);
		irb_jmp(b, head);
		irb_set_block(b, head);
		cond_br(b, n->a, body, done);
		irb_set_block(b, body);
		vec_push(&b->brk, done);
		vec_push(&b->cont, head);
		stmts(b, n->b);
		b->brk.n--;
		b->cont.n--;
		irb_jmp(b, head);
		irb_set_block(b, done);
		break;
	}
	case N_UNROLL: {
		int count = (int)n->a->ival;
		for (int i = 0; i < count; i++) {
			int next = irb_new_block(b);
			vec_push(&b->brk, -1);
			vec_push(&b->cont, next);
			stmts(b, n->b);
			b->brk.n--;
			b->cont.n--;
			irb_jmp(b, next);
			irb_set_block(b, next);
		}
		break;
	}
	case N_FOR_RANGE:
		if (!irl_for_range(b, n))
			for_range(b, n);
		break;
	case N_FOR_MAP:
		irl_for_map(b, n);
		break;
	case N_BREAK:
	case N_CONTINUE: {
		int target = n->kind == N_BREAK ? b->brk.v[b->brk.n - 1]
						: b->cont.v[b->cont.n - 1];
		if (target < 0) {
			irb_unsupported(b, &n->loc, "break inside unroll");
			break;
		}
		irb_jmp(b, target);
		b->cur = irb_new_block(b);
		break;
	}
	case N_RETURN:
		/* the value of a test: probe's return is its verdict */
		if (n->a && !b->sub && b->sp->ap->prov == PROV_TEST) {
			struct ref v = irb_to_reg(b, irb_expr(b, n->a), &n->loc);
			if (b->ret_val < 0)
				b->ret_val = irb_reg(b, "retval");
			struct ir_insn *in = irb_emit(b, IR_MOV, &n->loc);
			in->dst = b->ret_val;
			in->arg[0] = v;
		}
		irb_return(b, &n->loc);
		break;
	case N_BLOCK:
		stmts(b, n);
		break;
	default:
		irb_expr(b, n);
		break;
	}
}

/* ---- programs and maps ------------------------------------------------------------ */


/* Drops blocks no path from the entry reaches (code after exit() or
 * return, the exit block of a program that always exits): the verifier
 * rejects unreachable instructions.  Renumbers the rest in order. */
static void prune_unreachable(struct ir_func *f)
{
	int *map = xcalloc(f->nblocks, sizeof(int));
	int *stack = xcalloc(f->nblocks + 1, sizeof(int));
	for (int i = 0; i < f->nblocks; i++)
		map[i] = -1;
	int sp = 0;
	stack[sp++] = 0;
	map[0] = 0;
	while (sp) {
		struct ir_block *bl = f->blocks[stack[--sp]];
		if (!bl->ninsns)
			continue;
		struct ir_insn *t = &bl->insns[bl->ninsns - 1];
		int succ[2], ns = 0;
		if (t->op == IR_BR) {
			succ[ns++] = t->t;
			succ[ns++] = t->f;
		} else if (t->op == IR_JMP) {
			succ[ns++] = t->t;
		}
		for (int k = 0; k < ns; k++)
			if (map[succ[k]] < 0) {
				map[succ[k]] = 0;
				stack[sp++] = succ[k];
			}
	}
	int n = 0;
	for (int i = 0; i < f->nblocks; i++)
		if (map[i] >= 0) {
			map[i] = n;
			f->blocks[n] = f->blocks[i];
			f->blocks[n]->id = n;
			n++;
		} else {
			ir_block_release(f->blocks[i]);
		}
	f->nblocks = n;
	for (int i = 0; i < n; i++) {
		struct ir_block *bl = f->blocks[i];
		struct ir_insn *t = &bl->insns[bl->ninsns - 1];
		if (t->op == IR_BR) {
			t->t = map[t->t];
			t->f = map[t->f];
		} else if (t->op == IR_JMP) {
			t->t = map[t->t];
		}
	}
	free(map);
	free(stack);
}

/* The probe's way out, at the exit block: the map updates' errors ORed
 * into acc (when >= 0) and the lost-records count, when they were
 * needed. */
static void probe_exit_path(struct irb *b, int acc)
{
	if (acc >= 0) {
		int add = irb_new_block(b), ret = irb_new_block(b);
		irb_br(b, CC_EQ, ref_reg(acc), ref_imm(0), ret, add);
		irb_set_block(b, add);
		irb_map_err_add(b, ref_reg(acc), NULL);
		irb_jmp(b, ret);
		irb_set_block(b, ret);
	}
	if (b->lost >= 0) {
		int add = irb_new_block(b), ret = irb_new_block(b);
		irb_br(b, CC_EQ, ref_reg(b->lost), ref_imm(0), ret, add);
		irb_set_block(b, add);
		irb_count_lost(b, ref_reg(b->lost), NULL);
		irb_jmp(b, ret);
		irb_set_block(b, ret);
	}
}

/* A probe body with two or more map updates checks them together: each
 * site's branch around its counter update (irb_map_err) becomes
 * `acc |= err` and the probe adds acc to the counter on its way out: one
 * instruction per update and 4 per probe instead of 4 per update.  The
 * counter still changes with every run that had a failure.  Returns acc,
 * or -1 when the sites keep their branches. */
#define MAP_ERR_FOLD 2
static int map_err_fold(struct irb *b)
{
	if (b->map_err_sites.n < MAP_ERR_FOLD)
		return -1;
	for (int i = 0; i < b->map_err_sites.n; i++) {
		struct map_err_site *s = &b->map_err_sites.v[i];
		struct ir_block *bl = b->f->blocks[s->block];
		if (!bl->ninsns || bl->insns[bl->ninsns - 1].op != IR_BR ||
		    bl->insns[bl->ninsns - 1].t != s->ok)
			return -1;  /* not as irb_map_err left it */
	}
	int acc = irb_reg(b, "maperr");
	for (int i = 0; i < b->map_err_sites.n; i++) {
		struct map_err_site *s = &b->map_err_sites.v[i];
		struct ir_block *bl = b->f->blocks[s->block];
		struct ir_insn *t = &bl->insns[bl->ninsns - 1];
		struct ir_insn br = *t;
		memset(t, 0, sizeof(*t));
		t->op = IR_OR;
		t->dst = acc;
		t->arg[0] = ref_reg(acc);
		t->arg[1] = s->err;
		t->loc = br.loc;
		ir_append(b->f, s->block, IR_JMP)->t = s->ok;
	}
	return acc;
}

/* The checks at a probe's entry, before its body: the scratch space
 * lookup, the -p PID filter and the exit() flag; each goes to the exit
 * block when it fails. */
static void probe_entry_gates(struct irb *b, struct sema_probe *sp)
{
	struct tt_prog *p = b->prog;
	int exit_block = b->exit_block;
	struct ir_insn *in;
	if (b->uses_scratch) {
		int ncpus = libbpf_num_possible_cpus();
		if (p->scratch_map < 0) {
			struct tt_map m = { .name = "scratch",
					    .kind = MAPK_SCRATCH,
					    .type = BPF_MAP_TYPE_PERCPU_ARRAY,
					    .key_size = 4, .value_size = 0,
					    .max_entries = 1 };
			if (p->scratch_by_cpu) {
				m.type = BPF_MAP_TYPE_ARRAY;
				m.max_entries = ncpus > 0 ? (uint32_t)ncpus : 1;
			}
			p->scratch_map = irb_add_map(b, m);
		}
		/* the key that finds the scratch space lives on the stack */
		int k = ir_slot_new(b->f, 4, 4, SPACE_STACK, "scratch_key");
		struct ref key = ref_imm(0);
		if (p->scratch_by_cpu)
			key = ref_reg(irb_call(b, BPF_FUNC_get_smp_processor_id,
					       NULL, 0));
		irb_store_int(b, ref_slot(k, 0), 0, 4, key, NULL);
		int s = irb_call(b, BPF_FUNC_map_lookup_elem, NULL, 2,
				 ref_map(p->scratch_map), ref_slot(k, 0));
		b->f->reg_names[s] = "scratch";
		b->f->scratch_reg = s;
		int gate = irb_new_block(b);
		irb_br(b, CC_EQ, ref_reg(s), ref_imm(0), exit_block, gate);
		irb_set_block(b, gate);
	}
	if (p->cfg.pid > 0 && prov_has(sp->ap, PF_PID_FILTER)) {
		/* -p PID on probes of every process: a predicate */
		int go = irb_new_block(b);
		int t = irb_call(b, BPF_FUNC_get_current_pid_tgid, NULL, 0);
		int h = irb_reg(b, NULL);
		in = irb_emit(b, IR_LSHR, NULL);
		in->dst = h;
		in->arg[0] = ref_reg(t);
		in->arg[1] = ref_imm(32);
		irb_br(b, CC_EQ, ref_reg(h), ref_imm(p->cfg.pid), go,
		       exit_block);
		irb_set_block(b, go);
	}
	if (b->exit_map >= 0 && !prov_has(sp->ap, PF_SPECIAL) &&
	    sp->ap->prov != PROV_ITER) {
		/* once exit() has been called the probes do nothing (a timer
		   may fire again before the runtime stops it): a load from
		   the flag's map value, addressed directly (4 insns).  Not in
		   an iterator: as bpftrace's, it visits every object even
		   after exit() (`iter:task { printf(..); exit(); }` prints
		   every task) */
		int v = irb_reg(b, NULL);
		in = irb_emit(b, IR_MOV, NULL);
		in->dst = v;
		in->arg[0] = ref_mapval(b->exit_map, 0);
		struct irval f = irb_load(b, ref_reg(v), 0, type_int(8, false),
					  NULL);
		int go = irb_new_block(b);
		irb_br(b, CC_EQ, f.r, ref_imm(0), go, exit_block);
		irb_set_block(b, go);
	}
}

static void build_probe(struct irb *b, struct sema_probe *sp)
{
	struct tt_prog *p = b->prog;
	struct node *probe = sp->probe;
	b->sp = sp;
	b->f = ir_func_new(probes_ap_name(sp->ap));
	b->uses_scratch = false;
	b->vars.n = 0;
	b->map_err = -1;
	b->map_err_set = false;
	b->map_err_sites.n = 0;
	b->lost = -1;
	b->ret_val = -1;
	b->entry = irb_new_block(b);
	b->cur = b->entry;
	b->ctx_reg = irb_reg(b, "ctx");
	struct ir_insn *in = irb_emit(b, IR_CTX, &probe->loc);
	in->dst = b->ctx_reg;
	b->body = irb_new_block(b);
	int exit_block = irb_new_block(b);
	b->exit_block = exit_block;
	b->cur = b->body;
	if (probe->a) {
		int go = irb_new_block(b);
		cond_br(b, probe->a, go, exit_block);
		irb_set_block(b, go);
	}
	stmts(b, probe->b);
	irb_jmp(b, exit_block);
	int acc = map_err_fold(b);
	irb_set_block(b, exit_block);
	probe_exit_path(b, acc);
	in = irb_emit(b, IR_RET, NULL);
	in->arg[0] = b->ret_val >= 0 ? ref_reg(b->ret_val) : ref_imm(0);
	pin_addressed(b);

	/* entry: ctx, then the scratch base when big slots are used */
	b->cur = b->entry;
	if (b->lost >= 0) {
		in = irb_emit(b, IR_MOV, NULL);
		in->dst = b->lost;
		in->arg[0] = ref_imm(0);
	}
	if (acc >= 0) {
		in = irb_emit(b, IR_MOV, NULL);
		in->dst = acc;
		in->arg[0] = ref_imm(0);
	}
	if (b->ret_val >= 0) {
		in = irb_emit(b, IR_MOV, NULL);
		in->dst = b->ret_val;
		in->arg[0] = ref_imm(0);
	}
	probe_entry_gates(b, sp);
	irb_jmp(b, b->body);
	prune_unreachable(b->f);

	struct tt_probe tp = { 0 };
	tp.name = probes_ap_name(sp->ap);
	tp.ap = sp->ap;
	tp.index = sp->index;
	tp.ir = b->f;
	tp.prog_type = probes_ap_prog_type(sp->ap);
	tp.prog_fd = -1;
	vec_push(&p->probes, tp);
}

static bool calls_exit(const struct node *n)
{
	if (!n)
		return false;
	if (n->kind == N_CALL && n->name && !strcmp(n->name, "exit"))
		return true;
	for (int i = 0; i < n->args.n; i++)
		if (calls_exit(n->args.v[i]))
			return true;
	return calls_exit(n->a) || calls_exit(n->b) || calls_exit(n->c);
}

int ir_build(struct node *program, struct sema_result *sr, struct tt_prog *out,
	     int (*each)(struct tt_probe *pr, void *arg), void *arg)
{
	struct irb b = { .prog = out, .sr = sr };
	out->ringbuf_map = out->scratch_map = out->lost_map = -1;
	for (int i = 0; i < sr->maps.n; i++) {
		struct sema_map *sm = sr->maps.v[i];
		if (sm->id < 0)
			continue; /* declared, never used */
		struct tt_map m = { .name = sm->name, .kind = MAPK_USER,
				    .type = sm->bpf_type,
				    .key_size = sm->layout.key_size,
				    .value_size = sm->layout.value_size,
				    .bucket_off = sm->layout.bucket_off,
				    .max_entries = sm->max_entries
							   ? sm->max_entries
							   : out->cfg.max_map_keys,
				    .key_type = sm->nkeys ? sm->key : NULL,
				    .value_type = sm->value,
				    .nkeys = sm->nkeys };
		/* the script maps come first, as sema numbered them */
		if (irb_add_map(&b, m) != sm->id) {
			diag_error(&sm->loc, "internal error: map %s is not "
					     "map %d", sm->name, sm->id);
			b.errors++;
		}
	}
	/* perf_rb_pages pages (config_apply checked it is a power of 2) */
	long page = sysconf(_SC_PAGESIZE);
	uint32_t pages = out->cfg.perf_rb_pages > 0
				 ? (uint32_t)out->cfg.perf_rb_pages : 64;
	struct tt_map rb = { .name = "ringbuf", .kind = MAPK_RINGBUF,
			     .type = BPF_MAP_TYPE_RINGBUF,
			     .max_entries = pages *
					    (uint32_t)(page > 0 ? page : 4096) };
	out->ringbuf_map = irb_add_map(&b, rb);
	struct tt_map lost = { .name = "lost", .kind = MAPK_LOST,
			       .type = BPF_MAP_TYPE_ARRAY,
			       .key_size = 4, .value_size = 8,
			       .max_entries = 1 };
	out->lost_map = irb_add_map(&b, lost);

	b.exit_map = calls_exit(program) ? irb_internal_map(&b, "exit",
				BPF_MAP_TYPE_ARRAY, 4, 16, 1) : -1;
	for (int i = 0; i < sr->probes.n; i++) {
		build_probe(&b, &sr->probes.v[i]);
		if (each && !b.errors &&
		    each(&out->probes.v[out->probes.n - 1], arg) < 0) {
			b.errors++;
			break;
		}
	}
	vec_free(&b.vars);
	vec_free(&b.map_err_sites);
	vec_free(&b.brk);
	vec_free(&b.cont);
	return b.errors ? -1 : 0;
}

/* ---- the walker's entry points in irb.h ------------------------------------ */

void irb_stmts(struct irb *b, struct node *blk) { stmts(b, blk); }
