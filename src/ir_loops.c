/* ir_loops.c — for loops whose body runs as a BPF subprogram (a callback).
 *
 * Takes: a FOR_MAP or FOR_RANGE node while ir_build lowers a function.
 * Produces: a subprogram of the current function holding the loop body
 * (ir.h, "Subprograms"; begun and ended with irb.h's subprogram builder,
 * whose ops say how the body returns) and, in the current function, the
 * helper call that runs it:
 *   for ($kv : @m) b   -> bpf_for_each_map_elem(@m, fn, &lctx, 0); the
 *                         body gets (map, key, value, &lctx)
 *   for ($i : a..c) b  -> bpf_loop(c > a ? c - a : 0, fn, &lctx, 0); the
 *                         body gets (index, &lctx) and $i = a + index
 * (a range of few constant iterations stays ir_build's inline loop, which
 * the verifier walks through; anything else would make it give up).
 *
 * The loop context `lctx` is a stack slot of the caller:
 *   +0   the program's context pointer (args, kstack, ... in the body)
 *   +8   return flag: the body ran `return` or exit()
 *   +16  the range start
 *   +24  the caller's scratch base (the body's too: one lookup per run)
 *   +32  map-full flag: OR of the body's failed map updates, which the
 *        caller ORs into its own (up to the probe, which warns)
 *   +40  frame pointers of the caller, its caller, ... (8 bytes each)
 * The caller fills only what the optimized body still reads.
 *
 * Variables of the probe the body uses ("captured": named inside the body
 * and somewhere else in the probe) keep living in the caller.  An
 * aggregate's slot is reached through an alias slot; a scalar (a register
 * of the caller) is stored into a caller slot around the call, loaded by
 * the body at entry and stored back before it returns when the body
 * assigns it.  That slot is in the scratch map, not on the stack: the
 * verifier tracks exact values on the stack, and a counter the body
 * changes (and compares) would make each iteration a new state, so the
 * callback would never converge; a map value is an unknown number.  The
 * caller marks the captured slots with USE before and after the call, so
 * they stay live across it.
 *
 * In the body, break returns 1 (stop), continue and the end return 0;
 * return and exit() set the flag and return 1, and the caller, seeing the
 * flag, returns in its turn (up to the probe). */
#include "ir_loops.h"

#include <linux/bpf.h>
#include <string.h>

#include "sema.h"
#include "types.h"

#define LCTX_CTX 0
#define LCTX_FLAG 8
#define LCTX_START 16
#define LCTX_SCRATCH 24
#define LCTX_MAPERR 32
#define LCTX_FRAMES 40

/* Constant ranges up to this many iterations stay inline loops. */
#define INLINE_RANGE_MAX 64

struct capture {
	struct sema_var *var;
	bool written;           /* the body assigns it */
	int preg, pslot;        /* its home in the caller */
	int cap;                /* caller slot carrying a scalar, else -1 */
	int reg;                /* scalar: its register in the body */
};

struct irl_sub {
	struct ir_func *f;
	int ctx_ptr;            /* register: &lctx */
	bool returns;           /* the body may set the return flag */
	bool map_err;           /* the body may set the map-full flag */
	bool uses_ctx;          /* the optimized body reads the program ctx */
	bool uses_scratch;      /* the body takes the caller's scratch base */
	bool lends_scratch;     /* a loop in the body takes this one's */
};

static void loop_return(struct irb *b, void *data, const struct srcloc *loc);
static void loop_map_err(struct irb *b, void *data, struct ref err);

/* How a loop body subprogram is left (irb.h, subprograms). */
static const struct irb_sub_ops loop_ops = { loop_return, loop_map_err };

/* ---- emitting into a given function ---------------------------------- */

static struct ir_insn *add(struct ir_func *f, int blk, enum ir_op op, int dst,
			   struct ref a, struct ref b, const struct srcloc *loc)
{
	struct ir_insn *in = ir_append(f, blk, op);
	in->dst = dst;
	in->arg[0] = a;
	in->arg[1] = b;
	if (loc)
		in->loc = *loc;
	return in;
}

static void load8(struct ir_func *f, int blk, int dst, struct ref base,
		  int off, const struct srcloc *loc)
{
	struct ir_insn *in = add(f, blk, IR_LOAD, dst, base, ref_imm(0), loc);
	in->off = off;
	in->size = 8;
}

static void store8(struct ir_func *f, int blk, struct ref base, int off,
		   struct ref v, const struct srcloc *loc)
{
	struct ir_insn *in = add(f, blk, IR_STORE, -1, base, v, loc);
	in->off = off;
	in->size = 8;
}

static void ret(struct ir_func *f, int blk, int v)
{
	add(f, blk, IR_RET, -1, ref_imm(v), ref_imm(0), NULL);
}

/* Does any instruction of f write register r? */
static bool has_def(const struct ir_func *f, int r)
{
	for (int b = 0; b < f->nblocks; b++)
		for (int i = 0; i < f->blocks[b]->ninsns; i++) {
			const struct ir_insn *in = &f->blocks[b]->insns[i];
			if (ir_insn_has_dst(in) && in->dst == r)
				return true;
		}
	return false;
}

/* ---- captured variables ------------------------------------------------ */

struct refs {
	VEC(struct capture) v;  /* every variable named in the probe */
	VEC(int) all, inside;   /* per entry: references, inside the body */
};

static int ref_index(struct refs *R, struct sema_var *var)
{
	for (int i = 0; i < R->v.n; i++)
		if (R->v.v[i].var == var)
			return i;
	struct capture c = { .var = var, .preg = -1, .pslot = -1, .cap = -1,
			     .reg = -1 };
	vec_push(&R->v, c);
	vec_push(&R->all, 0);
	vec_push(&R->inside, 0);
	return R->v.n - 1;
}

static void walk(struct refs *R, struct node *n, const struct node *body,
		 bool inside)
{
	if (!n)
		return;
	if (n == body)
		inside = true;
	/* VAR, LET, FOR_MAP and FOR_RANGE name a variable */
	if (sema_var_of(n)) {
		int i = ref_index(R, n->sym.var);
		R->all.v[i]++;
		if (inside) {
			R->inside.v[i]++;
			if (n->kind != N_VAR)
				R->v.v[i].written = true;
		}
	}
	if (inside && (n->kind == N_ASSIGN || n->kind == N_INCDEC) && n->a &&
	    n->a->kind == N_VAR && sema_var_of(n->a)) {
		int i = ref_index(R, n->a->sym.var); /* may move R->v.v */
		R->v.v[i].written = true;
	}
	for (int i = 0; i < n->args.n; i++)
		walk(R, n->args.v[i], body, inside);
	walk(R, n->a, body, inside);
	walk(R, n->b, body, inside);
	walk(R, n->c, body, inside);
}

/* The variables the body of loop n captures, in order of appearance. */
static void find_captures(struct irb *b, struct node *n, struct capture **out,
			  int *nout)
{
	struct refs R = { 0 };
	walk(&R, irb_probe(b), n->b, false);
	*out = tt_alloc((R.v.n + 1) * sizeof(**out));
	*nout = 0;
	for (int i = 0; i < R.v.n; i++)
		if (R.inside.v[i] && R.all.v[i] > R.inside.v[i] &&
		    R.v.v[i].var != sema_var_of(n))
			(*out)[(*nout)++] = R.v.v[i];
	vec_free(&R.v);
	vec_free(&R.all);
	vec_free(&R.inside);
}

/* ---- the body ------------------------------------------------------------ */

/* Inserts a copy of in before the first instruction of block blk. */
static void insert_first(struct ir_func *f, int blk, struct ir_insn in)
{
	ir_append(f, blk, IR_NOP);   /* room for one more */
	struct ir_block *bl = f->blocks[blk];
	memmove(&bl->insns[1], &bl->insns[0],
		(bl->ninsns - 1) * sizeof(*bl->insns));
	bl->insns[0] = in;
}

/* The subprogram's entry read its arguments; its scratch base, when its
 * slots need one (or a loop in it borrows it), comes from the caller
 * through lctx; then the body. */
static void finish_entry(struct ir_func *sub, struct irl_sub *L, int entry,
			 int body, const struct srcloc *loc)
{
	bool scratch = L->lends_scratch;
	for (int s = 0; s < sub->nslots; s++)
		scratch |= sub->slots[s].space == SPACE_SCRATCH;
	if (scratch) {
		int r = ir_reg_new(sub, "scratch");
		struct ir_insn in = { .op = IR_LOAD, .dst = r, .size = 8,
				      .off = LCTX_SCRATCH,
				      .arg = { ref_reg(L->ctx_ptr) }, .loc = *loc };
		insert_first(sub, body, in);
		sub->scratch_reg = r;
		L->uses_scratch = true;
	}
	add(sub, entry, IR_JMP, -1, ref_imm(0), ref_imm(0), NULL)->t = body;
}

/* $kv = (key, value) from the callback's key and value pointers; a
 * per-CPU aggregation's value is merged over the CPUs (a map read). */
static void fill_kv(struct irb *b, struct node *n, int key, int value)
{
	struct sema_var *kv = sema_var_of(n);
	struct sema_map *sm = sema_map_of(n->a);
	struct type *t = kv->type;
	const struct srcloc *loc = &n->loc;
	struct ir_func *f = irb_func(b);
	int reg, slot;
	irb_var_get(b, kv, &reg, &slot);
	if (slot < 0 || t->kind != TY_TUPLE || t->fields.n != 2)
		return;
	const struct field *fk = &t->fields.v[0], *fv = &t->fields.v[1];
	struct ir_insn *in = add(f, irb_cur(b), IR_MEMZERO, -1, ref_slot(slot, 0),
				 ref_imm(0), loc);
	in->size = t->size;
	in = add(f, irb_cur(b), IR_MEMCPY, -1, ref_slot(slot, 0), ref_reg(key),
		 loc);
	in->off = fk->offset;
	in->size = fk->type->size;
	if (sm->value && sm->value->kind == TY_AGG) {
		struct node *var = ast_new(N_VAR, loc);
		var->name = kv->name;
		var->sym = (struct sym){ .kind = SYM_VAR, .var = kv };
		var->type = t;
		struct node *k = ast_new(N_FIELD, loc);
		struct sema_field *kf = tt_alloc(sizeof(*kf));
		kf->f = fk;
		kf->offset = fk->offset;
		k->a = var;
		k->name = "0";
		k->sym = (struct sym){ .kind = SYM_FIELD, .field = kf };
		k->type = fk->type;
		struct node *rd = ast_new(N_MAP, &n->a->loc);
		rd->name = sm->name;
		rd->sym = (struct sym){ .kind = SYM_MAP, .map = sm };
		rd->type = fv->type;
		vec_push(&rd->args, k);
		struct irval v = irb_expr(b, rd);
		irb_store(b, ref_slot(slot, 0), fv->offset, fv->type, v, loc);
		return;
	}
	in = add(f, irb_cur(b), IR_MEMCPY, -1, ref_slot(slot, 0), ref_reg(value),
		 loc);
	in->off = fv->offset;
	in->size = fv->type->size;
}

/* Builds the body of loop n into a new subprogram of the current function
 * and returns it; *caps, *ncaps: the captured variables, with their homes
 * in both functions. */
static struct ir_func *build_body(struct irb *b, struct node *n, bool is_map,
				  struct irl_sub **lp, struct capture **caps,
				  int *ncaps)
{
	struct ir_func *pf = irb_func(b);
	int depth = ir_depth(pf) + 1;
	const struct srcloc *loc = &n->loc;

	find_captures(b, n, caps, ncaps);
	for (int i = 0; i < *ncaps; i++) {
		struct capture *c = &(*caps)[i];
		irb_var_get(b, c->var, &c->preg, &c->pslot);
		if (c->preg >= 0)
			c->cap = ir_slot_new(pf, 8, 8, SPACE_SCRATCH,
					     tt_sprintf("cap%s", c->var->name));
	}

	struct irl_sub *L = tt_alloc(sizeof(*L));
	*lp = L;
	struct irb_sub *S = irb_sub_begin(b, "loop", loc, &loop_ops, L);
	struct ir_func *sub = L->f = irb_func(b);
	int entry = irb_cur(b), body = irb_new_block(b);
	int cont = irb_new_block(b), brk = irb_new_block(b);
	/* arguments: (map, key, value, ctx) or (index, ctx) */
	int key = -1, value = -1, index = -1;
	if (is_map) {
		key = irb_sub_arg(b, 1, "key", loc);
		value = irb_sub_arg(b, 2, "value", loc);
	} else {
		index = irb_sub_arg(b, 0, "index", loc);
	}
	L->ctx_ptr = irb_sub_arg(b, is_map ? 3 : 1, "lctx", loc);
	int ctx = ir_reg_new(sub, "ctx");
	load8(sub, body, ctx, ref_reg(L->ctx_ptr), LCTX_CTX, loc);
	for (int k = 1; k <= depth; k++) {
		sub->frame_reg[k] = ir_reg_new(sub, tt_sprintf("frame%d", k));
		load8(sub, body, sub->frame_reg[k], ref_reg(L->ctx_ptr),
		      LCTX_FRAMES + 8 * (k - 1), loc);
	}

	irb_set_block(b, body);
	irb_sub_set_ctx(b, ctx);
	for (int i = 0; i < *ncaps; i++) {
		struct capture *c = &(*caps)[i];
		int alias = ir_alias_slot_new(sub, 1, c->cap >= 0 ? c->cap
								 : c->pslot);
		if (c->cap >= 0) {
			c->reg = ir_reg_new(sub, c->var->name);
			load8(sub, body, c->reg, ref_slot(alias, 0), 0, loc);
			irb_var_bind(b, c->var, c->reg, -1);
		} else {
			irb_var_bind(b, c->var, -1, alias);
		}
		c->pslot = c->cap >= 0 ? c->cap : c->pslot;
		c->cap = alias;   /* from here on: the body's alias */
	}
	if (is_map) {
		fill_kv(b, n, key, value);
	} else {
		struct sema_var *iv = sema_var_of(n);
		int reg, slot;
		irb_var_get(b, iv, &reg, &slot);
		int start = ir_reg_new(sub, NULL);
		load8(sub, irb_cur(b), start, ref_reg(L->ctx_ptr), LCTX_START, loc);
		if (reg >= 0)
			add(sub, irb_cur(b), IR_ADD, reg, ref_reg(start),
			    ref_reg(index), loc);
	}
	irb_loop_push(b, brk, cont);
	irb_stmts(b, n->b);
	irb_loop_pop(b);
	irb_jmp(b, cont);
	irb_sub_end(b, S);

	/* leaving the body: written scalars go back to the caller */
	for (int blk = cont; blk <= brk; blk++) {
		for (int i = 0; i < *ncaps; i++) {
			struct capture *c = &(*caps)[i];
			if (c->reg >= 0 && c->written)
				store8(sub, blk, ref_slot(c->cap, 0), 0,
				       ref_reg(c->reg), loc);
		}
		ret(sub, blk, blk == brk);
	}
	finish_entry(sub, L, entry, body, loc);

	ir_cfg(sub);
	if (ir_check(sub) == 0)
		ir_optimize(sub);
	for (int k = 1; k <= depth; k++)
		if (sub->frame_reg[k] >= 0 && !has_def(sub, sub->frame_reg[k]))
			sub->frame_reg[k] = -1;
	L->uses_ctx = has_def(sub, ctx);
	return sub;
}

/* In the caller: fill the loop context, mark the captured slots, run the
 * helper `helper`(args with fn = the body and &lctx filled in), bring
 * written scalars back and return if the body returned. */
static void call_body(struct irb *b, struct node *n, struct ir_func *sub,
		      struct irl_sub *L, struct capture *caps, int ncaps,
		      int helper, struct ref first, struct ref start)
{
	struct ir_func *f = irb_func(b);
	const struct srcloc *loc = &n->loc;
	int depth = ir_depth(sub), frames = 0;
	for (int k = 1; k <= depth; k++)
		if (sub->frame_reg[k] >= 0)
			frames = k;   /* the body reads frame pointers 1..k */
	int lctx = ir_slot_new(f, LCTX_FRAMES + 8 * frames, 8, SPACE_STACK,
			       "loop_ctx");
	f->slots[lctx].loc = *loc;
	if (L->uses_ctx)
		store8(f, irb_cur(b), ref_slot(lctx, 0), LCTX_CTX,
		       ref_reg(irb_ctx(b)), loc);
	if (L->returns)
		store8(f, irb_cur(b), ref_slot(lctx, 0), LCTX_FLAG, ref_imm(0),
		       loc);
	if (L->map_err)
		store8(f, irb_cur(b), ref_slot(lctx, 0), LCTX_MAPERR,
		       ref_imm(0), loc);
	if (start.kind != REF_NONE)
		store8(f, irb_cur(b), ref_slot(lctx, 0), LCTX_START, start, loc);
	bool scratch = L->uses_scratch;
	for (int i = 0; i < f->nslots; i++)
		scratch |= f->slots[i].space == SPACE_SCRATCH;
	if (scratch) {
		/* this function looks up (or borrows) a scratch base */
		struct irl_sub *up = irb_sub_data(b);
		if (up)
			up->lends_scratch = true;
		else
			irb_need_scratch(b);
	}
	if (L->uses_scratch) {
		int r = ir_reg_new(f, NULL);
		add(f, irb_cur(b), IR_SCRATCHBASE, r, ref_imm(0), ref_imm(0), loc);
		store8(f, irb_cur(b), ref_slot(lctx, 0), LCTX_SCRATCH, ref_reg(r),
		       loc);
	}
	for (int k = 1; k <= frames; k++) {
		if (sub->frame_reg[k] < 0)
			continue;
		struct ref fp;
		if (k == 1) {
			int r = ir_reg_new(f, NULL);
			add(f, irb_cur(b), IR_FRAME, r, ref_imm(0), ref_imm(0), loc);
			fp = ref_reg(r);
		} else {
			fp = ref_reg(f->frame_reg[k - 1]);
		}
		store8(f, irb_cur(b), ref_slot(lctx, 0),
		       LCTX_FRAMES + 8 * (k - 1), fp, loc);
	}
	for (int i = 0; i < ncaps; i++) {
		if (caps[i].preg >= 0)
			store8(f, irb_cur(b), ref_slot(caps[i].pslot, 0), 0,
			       ref_reg(caps[i].preg), loc);
		add(f, irb_cur(b), IR_USE, -1, ref_slot(caps[i].pslot, 0),
		    ref_imm(0), loc);
	}
	int fn = 0;
	while (f->subs[fn] != sub)
		fn++;
	struct ref args[4] = { first, ref_func(fn), ref_slot(lctx, 0),
			       ref_imm(0) };
	irb_call(b, helper, loc, 4, args[0], args[1], args[2], args[3]);
	for (int i = 0; i < ncaps; i++) {
		add(f, irb_cur(b), IR_USE, -1, ref_slot(caps[i].pslot, 0),
		    ref_imm(0), loc);
		if (caps[i].preg >= 0 && caps[i].written)
			load8(f, irb_cur(b), caps[i].preg,
			      ref_slot(caps[i].pslot, 0), 0, loc);
	}
	if (L->map_err) {
		int e = ir_reg_new(f, NULL);
		load8(f, irb_cur(b), e, ref_slot(lctx, 0), LCTX_MAPERR, loc);
		irb_map_err(b, ref_reg(e), NULL);
	}
	if (L->returns) {
		int flag = ir_reg_new(f, NULL);
		load8(f, irb_cur(b), flag, ref_slot(lctx, 0), LCTX_FLAG, loc);
		int out = irb_new_block(b), done = irb_new_block(b);
		irb_br(b, CC_NE, ref_reg(flag), ref_imm(0), out, done);
		irb_set_block(b, out);
		irb_return(b, loc);
		irb_jmp(b, done);
		irb_set_block(b, done);
	}
}

static void emit2(struct irb *b, enum ir_op op, int dst, struct ref x,
		  struct ref y, const struct srcloc *loc)
{
	add(irb_func(b), irb_cur(b), op, dst, x, y, loc);
}

/* Loops nest as subprograms, and the kernel allows 8 frames. */
static bool depth_ok(struct irb *b, struct node *n)
{
	int depth = ir_depth(irb_func(b)) + 1;
	if (depth <= IR_MAX_DEPTH)
		return true;
	diag_error(&n->loc, "for loops nested %d deep (limit is %d)", depth,
		   IR_MAX_DEPTH);
	irb_fail(b);
	return false;
}

void irl_for_map(struct irb *b, struct node *n)
{
	struct sema_map *sm = sema_map_of(n->a);
	if (!sm || sm->id < 0 || !depth_ok(b, n))
		return;
	struct irl_sub *L;
	struct capture *caps;
	int ncaps;
	struct ir_func *sub = build_body(b, n, true, &L, &caps, &ncaps);
	call_body(b, n, sub, L, caps, ncaps, BPF_FUNC_for_each_map_elem,
		  ref_map(irb_map_index(b, n->a)), (struct ref){ 0 });
}

/* The value of a constant integer expression made of literals, unary
 * minus and + - *, if n is one. */
static bool const_int(const struct node *n, int64_t *v)
{
	int64_t x, y;
	switch (n->kind) {
	case N_INT:
		*v = (int64_t)n->ival;
		return true;
	case N_UNOP:
		if (n->op != '-' || !const_int(n->a, &x))
			return false;
		*v = (int64_t)(0 - (uint64_t)x);
		return true;
	case N_BINOP:
		if (!const_int(n->a, &x) || !const_int(n->b, &y))
			return false;
		switch (n->op) {
		case '+': *v = (int64_t)((uint64_t)x + (uint64_t)y); return true;
		case '-': *v = (int64_t)((uint64_t)x - (uint64_t)y); return true;
		case '*': *v = (int64_t)((uint64_t)x * (uint64_t)y); return true;
		default: return false;
		}
	default:
		return false;
	}
}

bool irl_for_range(struct irb *b, struct node *n)
{
	int64_t lo, hi;
	if (const_int(n->a, &lo) && const_int(n->c, &hi) &&
	    (hi <= lo || (uint64_t)hi - (uint64_t)lo <= INLINE_RANGE_MAX))
		return false;
	if (!depth_ok(b, n))
		return true;
	struct sema_var *iv = sema_var_of(n);
	bool sign = iv && iv->type && iv->type->kind == TY_INT &&
		    iv->type->is_signed;
	const struct srcloc *loc = &n->loc;
	struct ref a = irb_to_reg(b, irb_expr(b, n->a), loc);
	struct irval cv = irb_expr(b, n->c);
	struct ref c = cv.r.kind == REF_IMM ? cv.r : irb_to_reg(b, cv, loc);
	/* nr = c > a ? c - a : 0, without a branch: a conditional jump on
	 * the bounds would make the verifier track their exact values, and
	 * a bound the body changes would then never let it converge. */
	int d = irb_reg(b, NULL), m = irb_reg(b, NULL), nr = irb_reg(b, NULL);
	emit2(b, IR_SUB, d, c, a, loc);
	if (sign) {
		emit2(b, IR_ASHR, m, ref_reg(d), ref_imm(63), loc);  /* d < 0 */
		emit2(b, IR_NOT, m, ref_reg(m), ref_imm(0), loc);
	} else {
		/* borrow of c - a: ((~c & a) | (~(c ^ a) & d)) >> 63 */
		int t = irb_reg(b, NULL), u = irb_reg(b, NULL);
		emit2(b, IR_NOT, t, c, ref_imm(0), loc);
		emit2(b, IR_AND, t, ref_reg(t), a, loc);
		emit2(b, IR_XOR, u, c, a, loc);
		emit2(b, IR_NOT, u, ref_reg(u), ref_imm(0), loc);
		emit2(b, IR_AND, u, ref_reg(u), ref_reg(d), loc);
		emit2(b, IR_OR, t, ref_reg(t), ref_reg(u), loc);
		emit2(b, IR_LSHR, t, ref_reg(t), ref_imm(63), loc);
		emit2(b, IR_SUB, m, ref_reg(t), ref_imm(1), loc);   /* no borrow: ~0 */
	}
	emit2(b, IR_AND, nr, ref_reg(d), ref_reg(m), loc);
	/* No call for no iterations: when the verifier knows nr is 0 it
	 * never looks at the body, and then (kernel 6.18) trips over the
	 * callback reference left in the program. */
	int go = irb_new_block(b), done = irb_new_block(b);
	irb_br(b, CC_EQ, ref_reg(nr), ref_imm(0), done, go);
	irb_set_block(b, go);

	struct irl_sub *L;
	struct capture *caps;
	int ncaps;
	struct ir_func *sub = build_body(b, n, false, &L, &caps, &ncaps);
	call_body(b, n, sub, L, caps, ncaps, BPF_FUNC_loop, ref_reg(nr), a);
	irb_jmp(b, done);
	irb_set_block(b, done);
	return true;
}

/* `return` (and exit()) inside a loop body: set the flag, stop. */
static void loop_return(struct irb *b, void *data, const struct srcloc *loc)
{
	struct irl_sub *L = data;
	struct ir_func *f = irb_func(b);
	L->returns = true;
	store8(f, irb_cur(b), ref_reg(L->ctx_ptr), LCTX_FLAG, ref_imm(1), loc);
	add(f, irb_cur(b), IR_RET, -1, ref_imm(1), ref_imm(0), loc);
	irb_set_block(b, irb_new_block(b));
}

/* A failed map update (err != 0) inside a loop body: ORed into the loop
 * context, which the caller hands on with irb_map_err(). */
static void loop_map_err(struct irb *b, void *data, struct ref err)
{
	struct irl_sub *L = data;
	struct ir_func *f = irb_func(b);
	int e = ir_reg_new(f, NULL);

	L->map_err = true;
	load8(f, irb_cur(b), e, ref_reg(L->ctx_ptr), LCTX_MAPERR, NULL);
	add(f, irb_cur(b), IR_OR, e, ref_reg(e), err, NULL);
	store8(f, irb_cur(b), ref_reg(L->ctx_ptr), LCTX_MAPERR, ref_reg(e), NULL);
}
