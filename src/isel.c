/* isel.c — instruction selection: IR -> machine IR (mir.h).
 *
 * Takes: an ir_func after stack_alloc (slot offsets known).  Produces: a
 * struct mfunc of BPF instructions on virtual registers (IR register i is
 * virtual register MIR_NPHYS + i), where
 *   - ALU operations are 64-bit, two-address (d = a; d op= b), with a
 *     32-bit signed immediate when the constant fits (a 32-bit move for
 *     2^31..2^32-1), else ld_imm64 to a
 *     temporary; "and 0xffffffff" is a 32-bit move;
 *   - signed division and modulo (no sdiv/smod before cpu v4) become
 *     unsigned ones on absolute values with the sign fixed up, branch-free:
 *     BPF semantics x/0 = 0, x%0 = x, INT64_MIN / -1 = INT64_MIN;
 *   - SETCC becomes "d = 1; if (a cc b) goto L; d = 0; L:" (new blocks);
 *   - BR becomes one conditional jump with the immediate on the right,
 *     inverted when the true block comes next, and no jump to the next
 *     block; a branch on two constants is a jump or nothing, and the
 *     blocks it no longer reaches get no code;
 *   - slot operands become r10 + offset (stack) or scratch base + offset;
 *   - MEMZERO/MEMCPY become 8/4/2/1-byte moves;
 *   - CALL arguments are moved into r1..r5, the result taken from r0; CTX
 *     reads r1 at entry, ARG r1..r5, FRAME r10; RET moves to r0 and
 *     exits; USE makes no code;
 *   - a subprogram's address (REF_FUNC) is an ld_imm64 with src_reg
 *     BPF_PSEUDO_FUNC that emit turns into an instruction offset; alias
 *     slots are addressed from the frame register of their level.
 * Subprograms get their own mfunc (mf->subs).
 * The register allocator removes the moves it can.  This file also holds
 * the machine IR utilities (effects, successors, the printer).
 * requires: stack_alloc(). */
#include "isel.h"

#include <limits.h>
#include <string.h>

#include "mir.h"

/* ---- machine IR utilities ------------------------------------------------ */

int mir_block_new(struct mfunc *mf)
{
	if (mf->nblocks == mf->cap_blocks) {
		mf->cap_blocks = mf->cap_blocks ? 2 * mf->cap_blocks : 8;
		mf->blocks = xrealloc(mf->blocks,
				      mf->cap_blocks * sizeof(*mf->blocks));
	}
	memset(&mf->blocks[mf->nblocks], 0, sizeof(struct mblock));
	return mf->nblocks++;
}

int mir_reg_new(struct mfunc *mf)
{
	int n = mf->nregs++;
	mf->nospill = xrealloc(mf->nospill, mf->nregs * sizeof(bool));
	mf->nospill[n] = false;
	return n;
}

struct minsn *mir_insert(struct mfunc *mf, int b, int at,
			 const struct minsn *in)
{
	struct mblock *bl = &mf->blocks[b];
	if (bl->n == bl->cap) {
		bl->cap = bl->cap ? 2 * bl->cap : 16;
		bl->v = xrealloc(bl->v, bl->cap * sizeof(*bl->v));
	}
	memmove(&bl->v[at + 1], &bl->v[at], (bl->n - at) * sizeof(*bl->v));
	bl->v[at] = *in;
	bl->n++;
	return &bl->v[at];
}

struct minsn *mir_append(struct mfunc *mf, int b, const struct minsn *in)
{
	return mir_insert(mf, b, mf->blocks[b].n, in);
}

bool mir_is_move(const struct minsn *in)
{
	return in->code == (BPF_ALU64 | BPF_MOV | BPF_X) && in->off == 0;
}

void mir_effect(const struct minsn *in, struct mir_effect *e)
{
	e->nuses = e->ndefs = 0;
	int cls = BPF_CLASS(in->code), op = BPF_OP(in->code);
	bool x = BPF_SRC(in->code) == BPF_X;
	switch (cls) {
	case BPF_ALU:
	case BPF_ALU64:
		if (op != BPF_MOV)
			e->uses[e->nuses++] = in->dst;
		if (x && op != BPF_NEG && op != BPF_END)
			e->uses[e->nuses++] = in->src;
		e->defs[e->ndefs++] = in->dst;
		break;
	case BPF_LDX:
		e->uses[e->nuses++] = in->src;
		e->defs[e->ndefs++] = in->dst;
		break;
	case BPF_ST:
		e->uses[e->nuses++] = in->dst;
		break;
	case BPF_STX:
		e->uses[e->nuses++] = in->dst;
		e->uses[e->nuses++] = in->src;
		break;
	case BPF_LD:
		e->defs[e->ndefs++] = in->dst;
		break;
	case BPF_JMP:
	case BPF_JMP32:
		if (op == BPF_JA)
			break;
		if (op == BPF_CALL) {
			for (int i = 0; i < in->nargs; i++)
				e->uses[e->nuses++] = MIR_ARG0 + i;
			for (int r = 0; r < MIR_NALLOC; r++)
				if (MIR_CALL_CLOBBERS & (1 << r))
					e->defs[e->ndefs++] = r;
			break;
		}
		if (op == BPF_EXIT) {
			e->uses[e->nuses++] = MIR_RET;
			break;
		}
		e->uses[e->nuses++] = in->dst;
		if (x)
			e->uses[e->nuses++] = in->src;
		break;
	}
}

static bool is_cond_jump(const struct minsn *in)
{
	int cls = BPF_CLASS(in->code), op = BPF_OP(in->code);
	return (cls == BPF_JMP || cls == BPF_JMP32) && op != BPF_JA &&
	       op != BPF_CALL && op != BPF_EXIT;
}

int mir_succs(const struct mfunc *mf, int b, int succ[2])
{
	const struct mblock *bl = &mf->blocks[b];
	int n = 0;
	bool falls = true;
	for (int i = 0; i < bl->n; i++) {
		const struct minsn *in = &bl->v[i];
		if (is_cond_jump(in))
			succ[n++] = in->target;
		else if (in->code == (BPF_JMP | BPF_JA)) {
			if (!n || succ[0] != in->target)
				succ[n++] = in->target;
			falls = false;
		} else if (in->code == (BPF_JMP | BPF_EXIT))
			falls = false;
	}
	if (falls && b + 1 < mf->nblocks && (!n || succ[0] != b + 1))
		succ[n++] = b + 1;
	return n;
}

static void fmt_reg(struct strbuf *sb, int r, bool w)
{
	if (r < MIR_NPHYS)
		sb_printf(sb, "%c%d", w ? 'w' : 'r', r);
	else
		sb_printf(sb, "%c%d", w ? 'u' : 'v', r);
}

static const char *size_name(int code)
{
	switch (BPF_SIZE(code)) {
	case BPF_B: return "u8";
	case BPF_H: return "u16";
	case BPF_W: return "u32";
	default: return "u64";
	}
}

static void fmt_mem(struct strbuf *sb, const struct minsn *in, int base)
{
	sb_printf(sb, "*(%s *)(", size_name(in->code));
	fmt_reg(sb, base, false);
	sb_printf(sb, " %+d)", in->off);
}

static const char *alu_op(int op)
{
	switch (op) {
	case BPF_ADD: return "+=";
	case BPF_SUB: return "-=";
	case BPF_MUL: return "*=";
	case BPF_DIV: return "/=";
	case BPF_MOD: return "%=";
	case BPF_OR: return "|=";
	case BPF_AND: return "&=";
	case BPF_XOR: return "^=";
	case BPF_LSH: return "<<=";
	case BPF_RSH: return ">>=";
	case BPF_ARSH: return "s>>=";
	case BPF_MOV: return "=";
	default: return "?=";
	}
}

static const char *jmp_op(int op)
{
	switch (op) {
	case BPF_JEQ: return "==";
	case BPF_JNE: return "!=";
	case BPF_JGT: return ">";
	case BPF_JGE: return ">=";
	case BPF_JLT: return "<";
	case BPF_JLE: return "<=";
	case BPF_JSGT: return "s>";
	case BPF_JSGE: return "s>=";
	case BPF_JSLT: return "s<";
	case BPF_JSLE: return "s<=";
	case BPF_JSET: return "&";
	default: return "?";
	}
}

static void fmt_imm(struct strbuf *sb, int64_t v)
{
	if (v < 0)
		sb_printf(sb, "%lld", (long long)v);
	else
		sb_printf(sb, "%lld", (long long)v);
}

static void fmt_target(struct strbuf *sb, const struct minsn *in, bool use_pc,
		       int pc_off)
{
	if (use_pc)
		sb_printf(sb, "pc%+d", pc_off);
	else
		sb_printf(sb, ".b%d", in->target);
}

void mir_format(struct strbuf *sb, const struct minsn *in, bool use_pc,
		int pc_off)
{
	int cls = BPF_CLASS(in->code), op = BPF_OP(in->code);
	bool x = BPF_SRC(in->code) == BPF_X;
	switch (cls) {
	case BPF_ALU:
	case BPF_ALU64: {
		bool w = cls == BPF_ALU;
		fmt_reg(sb, in->dst, w);
		if (op == BPF_NEG) {
			sb_puts(sb, " = -");
			fmt_reg(sb, in->dst, w);
			return;
		}
		sb_printf(sb, " %s ", alu_op(op));
		if (x)
			fmt_reg(sb, in->src, w);
		else
			fmt_imm(sb, in->imm);
		return;
	}
	case BPF_LDX:
		fmt_reg(sb, in->dst, false);
		sb_puts(sb, " = ");
		fmt_mem(sb, in, in->src);
		return;
	case BPF_ST:
	case BPF_STX:
		if (BPF_MODE(in->code) == BPF_ATOMIC) { /* BPF_ADD only */
			sb_puts(sb, "lock ");
			fmt_mem(sb, in, in->dst);
			sb_puts(sb, " += ");
			fmt_reg(sb, in->src, false);
			return;
		}
		fmt_mem(sb, in, in->dst);
		sb_puts(sb, " = ");
		if (cls == BPF_STX)
			fmt_reg(sb, in->src, false);
		else
			fmt_imm(sb, in->imm);
		return;
	case BPF_LD:
		fmt_reg(sb, in->dst, false);
		if (in->pseudo == BPF_PSEUDO_MAP_FD)
			sb_printf(sb, " = map[%lld] ll", (long long)in->imm);
		else if (in->pseudo == BPF_PSEUDO_MAP_VALUE)
			sb_printf(sb, " = map_value[%d]%+d ll",
				  (int)(uint32_t)in->imm, (int)(in->imm >> 32));
		else if (in->pseudo == BPF_PSEUDO_FUNC && use_pc)
			sb_printf(sb, " = func pc%+lld ll", (long long)in->imm);
		else if (in->pseudo == BPF_PSEUDO_FUNC)
			sb_printf(sb, " = fn%lld ll", (long long)in->imm);
		else if (in->pseudo == BPF_PSEUDO_BTF_ID)
			sb_printf(sb, " = ksym[%lld] ll", (long long)in->imm);
		else
			sb_printf(sb, " = %#llx ll", (unsigned long long)in->imm);
		return;
	case BPF_JMP:
	case BPF_JMP32:
		if (op == BPF_JA) {
			sb_puts(sb, "goto ");
			fmt_target(sb, in, use_pc, pc_off);
		} else if (op == BPF_CALL) {
			extern const char *ir_helper_name(int64_t id);
			if (in->pseudo == BPF_PSEUDO_KFUNC_CALL)
				sb_printf(sb, "call kfunc#%lld",
					  (long long)in->imm);
			else
				sb_printf(sb, "call %s#%lld",
					  ir_helper_name(in->imm),
					  (long long)in->imm);
		} else if (op == BPF_EXIT) {
			sb_puts(sb, "exit");
		} else {
			sb_puts(sb, "if ");
			fmt_reg(sb, in->dst, cls == BPF_JMP32);
			sb_printf(sb, " %s ", jmp_op(op));
			if (x)
				fmt_reg(sb, in->src, cls == BPF_JMP32);
			else
				fmt_imm(sb, in->imm);
			sb_puts(sb, " goto ");
			fmt_target(sb, in, use_pc, pc_off);
		}
		return;
	}
	sb_printf(sb, "(code %#x)", in->code);
}

void mfunc_dump(FILE *out, const struct mfunc *mf)
{
	fprintf(out, "func %s stack %d\n", mf->name, mf->stack_size);
	struct strbuf sb = { 0 };
	for (int b = 0; b < mf->nblocks; b++) {
		fprintf(out, ".b%d:\n", b);
		for (int i = 0; i < mf->blocks[b].n; i++) {
			sb.len = 0;
			mir_format(&sb, &mf->blocks[b].v[i], false, 0);
			fprintf(out, "  %.*s\n", (int)sb.len, sb.s);
		}
	}
	sb_free(&sb);
	for (int i = 0; i < mf->nsubs; i++)
		if (mf->subs[i])
			mfunc_dump(out, mf->subs[i]);
}

void mfunc_free(struct mfunc *mf)
{
	if (!mf)
		return;
	for (int i = 0; i < mf->nsubs; i++)
		mfunc_free(mf->subs[i]);
	free(mf->subs);
	for (int b = 0; b < mf->nblocks; b++)
		free(mf->blocks[b].v);
	free(mf->blocks);
	free(mf->nospill);
	free(mf);
}

/* ---- selection ----------------------------------------------------------- */

struct fixup { int b, i; };

struct isel {
	const struct ir_func *f;
	struct mfunc *mf;
	int cur;               /* current MIR block */
	int irb;               /* IR block being selected */
	int next;              /* IR block laid out after it, -1 none */
	struct srcloc loc;     /* of the IR insn being selected */
	int *ir2m;             /* IR block -> first MIR block */
	/* jumps whose target is still an IR block id */
	VEC(struct fixup) fix;
};

static int vreg(int irreg) { return MIR_NPHYS + irreg; }

static struct minsn *emit(struct isel *S, struct minsn in)
{
	in.loc = S->loc;
	return mir_append(S->mf, S->cur, &in);
}

/* The last instruction emitted jumps to an IR block id: fix it up. */
static void note_fixup(struct isel *S)
{
	struct fixup x = { S->cur, S->mf->blocks[S->cur].n - 1 };
	vec_push(&S->fix, x);
}

static bool fits32(int64_t v) { return v >= INT32_MIN && v <= INT32_MAX; }

static int tmp(struct isel *S) { return mir_reg_new(S->mf); }

static void mov_imm(struct isel *S, int d, int64_t v)
{
	if (fits32(v))
		emit(S, (struct minsn){ .code = BPF_ALU64 | BPF_MOV | BPF_K,
					.dst = d, .src = -1, .imm = v });
	else if (v > 0 && v <= (int64_t)UINT32_MAX)
		/* 2^31..2^32-1: a 32-bit move zero-extends (one slot, not
		   ld_imm64's two) */
		emit(S, (struct minsn){ .code = BPF_ALU | BPF_MOV | BPF_K,
					.dst = d, .src = -1,
					.imm = (int32_t)(uint32_t)v });
	else
		emit(S, (struct minsn){ .code = BPF_LD | BPF_DW | BPF_IMM,
					.dst = d, .src = -1, .imm = v });
}

static void mov_reg(struct isel *S, int d, int s)
{
	if (d == s)
		return;  /* d = op(d, ...) needs no copy */
	emit(S, (struct minsn){ .code = BPF_ALU64 | BPF_MOV | BPF_X, .dst = d,
				.src = s });
}

static void alu_imm(struct isel *S, int op, int d, int64_t v)
{
	emit(S, (struct minsn){ .code = BPF_ALU64 | op | BPF_K, .dst = d,
				.src = -1, .imm = v });
}

static void alu_reg(struct isel *S, int op, int d, int s)
{
	emit(S, (struct minsn){ .code = BPF_ALU64 | op | BPF_X, .dst = d,
				.src = s });
}

/* Where a slot operand lives: base register and displacement. */
static void slot_addr(struct isel *S, const struct ref *r, int32_t extra,
		      int *base, int *off)
{
	const struct ir_slot *sl = &S->f->slots[r->slot];
	*base = sl->space == SPACE_SCRATCH ? vreg(S->f->scratch_reg)
		: sl->up ? vreg(S->f->frame_reg[sl->up]) : MIR_FP;
	*off = sl->offset + r->off + extra;
}

/* Put the value of a ref into register d. */
static void ref_to_reg(struct isel *S, int d, const struct ref *r)
{
	switch (r->kind) {
	case REF_REG:
		mov_reg(S, d, vreg(r->reg));
		break;
	case REF_IMM:
		mov_imm(S, d, r->imm);
		break;
	case REF_MAP:
		emit(S, (struct minsn){ .code = BPF_LD | BPF_DW | BPF_IMM,
					.pseudo = BPF_PSEUDO_MAP_FD, .dst = d,
					.src = -1, .imm = r->map });
		break;
	case REF_FUNC:
		emit(S, (struct minsn){ .code = BPF_LD | BPF_DW | BPF_IMM,
					.pseudo = BPF_PSEUDO_FUNC, .dst = d,
					.src = -1, .imm = r->func });
		break;
	case REF_MAPVAL: /* imm: the map in the low half, off in the high */
		emit(S, (struct minsn){ .code = BPF_LD | BPF_DW | BPF_IMM,
					.pseudo = BPF_PSEUDO_MAP_VALUE, .dst = d,
					.src = -1,
					.imm = (int64_t)(((uint64_t)(uint32_t)r->off << 32) |
							 (uint32_t)r->map) });
		break;
	case REF_KSYM:
		emit(S, (struct minsn){ .code = BPF_LD | BPF_DW | BPF_IMM,
					.pseudo = BPF_PSEUDO_BTF_ID, .dst = d,
					.src = -1, .imm = r->imm });
		break;
	case REF_SLOT: {
		int base, off;
		slot_addr(S, r, 0, &base, &off);
		mov_reg(S, d, base);
		if (off)
			alu_imm(S, BPF_ADD, d, off);
		break;
	}
	case REF_NONE:
		mov_imm(S, d, 0);
		break;
	}
}

/* A register holding the ref's value: the vreg itself, or a temporary. */
static int ref_reg_or_tmp(struct isel *S, const struct ref *r)
{
	if (r->kind == REF_REG)
		return vreg(r->reg);
	int t = tmp(S);
	ref_to_reg(S, t, r);
	return t;
}

static int bpf_alu_op(enum ir_op op)
{
	switch (op) {
	case IR_ADD: return BPF_ADD;
	case IR_SUB: return BPF_SUB;
	case IR_MUL: return BPF_MUL;
	case IR_UDIV: return BPF_DIV;
	case IR_UMOD: return BPF_MOD;
	case IR_AND: return BPF_AND;
	case IR_OR: return BPF_OR;
	case IR_XOR: return BPF_XOR;
	case IR_SHL: return BPF_LSH;
	case IR_LSHR: return BPF_RSH;
	case IR_ASHR: return BPF_ARSH;
	default: return -1;
	}
}

static bool commutative(enum ir_op op)
{
	return op == IR_ADD || op == IR_MUL || op == IR_AND || op == IR_OR ||
	       op == IR_XOR;
}

static bool is_shift(enum ir_op op)
{
	return op == IR_SHL || op == IR_LSHR || op == IR_ASHR;
}

/* Can `v` be the immediate of this ALU operation? */
static bool imm_ok(enum ir_op op, int64_t v)
{
	if (op == IR_UDIV || op == IR_UMOD)
		return v > 0 && v <= INT32_MAX; /* sign extension and the
						   verifier's "div by zero" */
	return fits32(v);
}

/* d = a op b for the BPF-native operations. */
static void sel_alu(struct isel *S, enum ir_op op, int d, struct ref a,
		    struct ref b)
{
	int bop = bpf_alu_op(op);
	if (is_shift(op) && b.kind == REF_IMM)
		b.imm &= 63;
	/* Constant divisor 0: x/0 = 0, x%0 = x. */
	if ((op == IR_UDIV || op == IR_UMOD) && b.kind == REF_IMM && b.imm == 0) {
		if (op == IR_UDIV)
			mov_imm(S, d, 0);
		else
			ref_to_reg(S, d, &a);
		return;
	}
	/* Keep the constant on the right. */
	if (commutative(op) && a.kind == REF_IMM && b.kind != REF_IMM) {
		struct ref t = a;
		a = b;
		b = t;
	}
	/* d = a & 0xffffffff: a 32-bit move zero-extends (no ld_imm64). */
	if (op == IR_AND && b.kind == REF_IMM && b.imm == 0xffffffff) {
		int s = ref_reg_or_tmp(S, &a);
		emit(S, (struct minsn){ .code = BPF_ALU | BPF_MOV | BPF_X,
					.dst = d, .src = s });
		return;
	}
	/* d = k - d: negate and add. */
	if (op == IR_SUB && b.kind == REF_REG && vreg(b.reg) == d &&
	    a.kind == REF_IMM && fits32(a.imm)) {
		emit(S, (struct minsn){ .code = BPF_ALU64 | BPF_NEG, .dst = d,
					.src = -1 });
		if (a.imm)
			alu_imm(S, BPF_ADD, d, a.imm);
		return;
	}
	/* If d is also b (d = a - d), compute into a temporary. */
	int dd = d;
	if (b.kind == REF_REG && vreg(b.reg) == d &&
	    !(a.kind == REF_REG && vreg(a.reg) == d))
		dd = tmp(S);
	if (b.kind == REF_IMM && imm_ok(op, b.imm)) {
		ref_to_reg(S, dd, &a);
		alu_imm(S, bop, dd, b.imm);
	} else {
		int rb = ref_reg_or_tmp(S, &b);
		ref_to_reg(S, dd, &a);
		alu_reg(S, bop, dd, rb);
	}
	if (dd != d)
		mov_reg(S, d, dd);
}

/* Signed division and modulo from unsigned ones:
 *   sa = a s>> 63; ua = (a ^ sa) - sa           |a|
 *   sb = b s>> 63; ub = (b ^ sb) - sb           |b|
 *   sdiv: s = sa ^ sb; d = ((ua / ub) ^ s) - s   (x/0 = 0 stays 0)
 *   smod:              d = ((ua % ub) ^ sa) - sa (x%0 = x)
 * A constant divisor has a known sign: divide by |b| and negate the
 * quotient when b < 0 (the remainder takes the dividend's sign only). */
static void sel_sdivmod(struct isel *S, enum ir_op op, int d, struct ref a,
			struct ref b)
{
	int bop = op == IR_SDIV ? BPF_DIV : BPF_MOD;
	if (b.kind == REF_IMM && b.imm == 0) {
		if (op == IR_SDIV)
			mov_imm(S, d, 0);
		else
			ref_to_reg(S, d, &a);
		return;
	}
	int sa = tmp(S), ua = tmp(S);
	ref_to_reg(S, sa, &a);
	alu_imm(S, BPF_ARSH, sa, 63);
	ref_to_reg(S, ua, &a);
	alu_reg(S, BPF_XOR, ua, sa);
	alu_reg(S, BPF_SUB, ua, sa);
	int sign = sa;
	bool negate = false;
	if (b.kind == REF_IMM) {
		/* |b| as unsigned: 2^63 for INT64_MIN */
		uint64_t k = b.imm < 0 ? -(uint64_t)b.imm : (uint64_t)b.imm;
		negate = op == IR_SDIV && b.imm < 0;
		if (k <= INT32_MAX) {
			alu_imm(S, bop, ua, (int64_t)k);
		} else {
			int t = tmp(S);
			mov_imm(S, t, (int64_t)k);
			alu_reg(S, bop, ua, t);
		}
	} else {
		int sb = tmp(S), ub = tmp(S);
		ref_to_reg(S, sb, &b);
		alu_imm(S, BPF_ARSH, sb, 63);
		ref_to_reg(S, ub, &b);
		alu_reg(S, BPF_XOR, ub, sb);
		alu_reg(S, BPF_SUB, ub, sb);
		alu_reg(S, bop, ua, ub);
		if (op == IR_SDIV) {
			alu_reg(S, BPF_XOR, sb, sa);
			sign = sb;
		}
	}
	alu_reg(S, BPF_XOR, ua, sign);
	alu_reg(S, BPF_SUB, ua, sign);
	if (negate)
		emit(S, (struct minsn){ .code = BPF_ALU64 | BPF_NEG, .dst = ua,
					.src = -1 });
	mov_reg(S, d, ua);
}

static int bpf_jmp_op(enum ir_cc cc)
{
	switch (cc) {
	case CC_EQ: return BPF_JEQ;
	case CC_NE: return BPF_JNE;
	case CC_ULT: return BPF_JLT;
	case CC_ULE: return BPF_JLE;
	case CC_UGT: return BPF_JGT;
	case CC_UGE: return BPF_JGE;
	case CC_SLT: return BPF_JSLT;
	case CC_SLE: return BPF_JSLE;
	case CC_SGT: return BPF_JSGT;
	case CC_SGE: return BPF_JSGE;
	case CC_SET: return BPF_JSET;
	}
	return BPF_JEQ;
}

/* Emit "if (a cc b) goto target" with the immediate on the right.  If
 * target_is_ir, target is an IR block to fix up later.  Both constant:
 * returns 1 (always), 0 (never) and emits nothing; else -1. */
static int sel_cjump(struct isel *S, enum ir_cc cc, struct ref a,
		     struct ref b, int target, bool target_is_ir)
{
	if (a.kind == REF_IMM && b.kind == REF_IMM)
		return ir_cc_eval(cc, a.imm, b.imm);
	if (a.kind == REF_IMM) {
		struct ref t = a;
		a = b;
		b = t;
		cc = ir_cc_swap(cc);
	}
	int ra = ref_reg_or_tmp(S, &a);
	struct minsn in = { .code = BPF_JMP | bpf_jmp_op(cc), .dst = ra,
			    .target = target };
	if (b.kind == REF_IMM && fits32(b.imm)) {
		in.code |= BPF_K;
		in.src = -1;
		in.imm = b.imm;
	} else {
		in.code |= BPF_X;
		in.src = ref_reg_or_tmp(S, &b);
	}
	emit(S, in);
	if (target_is_ir)
		note_fixup(S);
	return -1;
}

static void sel_ja_ir(struct isel *S, int irtarget)
{
	if (irtarget == S->next)
		return;  /* falls through */
	emit(S, (struct minsn){ .code = BPF_JMP | BPF_JA, .dst = -1, .src = -1,
				.target = irtarget });
	note_fixup(S);
}

static void sel_br(struct isel *S, const struct ir_insn *in)
{
	int t = in->t, f = in->f;
	enum ir_cc cc = in->cc;
	if (t == f) {
		sel_ja_ir(S, t);
		return;
	}
	/* Jump on the condition that leaves the next block to fall through. */
	if (t == S->next && ir_cc_invert(cc) >= 0) {
		cc = ir_cc_invert(cc);
		int x = t;
		t = f;
		f = x;
	}
	int k = sel_cjump(S, cc, in->arg[0], in->arg[1], t, true);
	if (k == 1)
		sel_ja_ir(S, t);
	else
		sel_ja_ir(S, f);
}

static void sel_setcc(struct isel *S, const struct ir_insn *in)
{
	int d = vreg(in->dst);
	struct ref a = in->arg[0], b = in->arg[1];
	if (a.kind == REF_IMM && b.kind == REF_IMM) {
		mov_imm(S, d, ir_cc_eval(in->cc, a.imm, b.imm));
		return;
	}
	/* d may be one of the operands: compute into a temporary then. */
	bool clash = (a.kind == REF_REG && vreg(a.reg) == d) ||
		     (b.kind == REF_REG && vreg(b.reg) == d);
	int r = clash ? tmp(S) : d;
	/* Materialise operands before r is set, so r's def does not sit
	 * between their defs and the jump. */
	if (a.kind != REF_REG && a.kind != REF_IMM)
		a = ref_reg(ref_reg_or_tmp(S, &a) - MIR_NPHYS);
	if (b.kind != REF_REG && !(b.kind == REF_IMM && fits32(b.imm)))
		b = ref_reg(ref_reg_or_tmp(S, &b) - MIR_NPHYS);
	if (a.kind == REF_IMM && !fits32(a.imm))
		a = ref_reg(ref_reg_or_tmp(S, &a) - MIR_NPHYS);
	mov_imm(S, r, 1);
	int join = mir_block_new(S->mf), zero_b = join;
	/* Blocks are laid out in creation order: zero block, then join. */
	zero_b = join;
	join = mir_block_new(S->mf);
	sel_cjump(S, in->cc, a, b, join, false);
	S->cur = zero_b;
	mov_imm(S, r, 0);
	S->cur = join;
	if (r != d)
		mov_reg(S, d, r);
}

/* Copy or zero `size` bytes in the widest moves both sides' alignment
 * allows (stack accesses must be aligned for the verifier). */
static int chunk(int size, int32_t o1, int32_t o2)
{
	for (int w = 8; w > 1; w /= 2)
		if (size >= w && !(o1 & (w - 1)) && !(o2 & (w - 1)))
			return w;
	return 1;
}

static int bpf_size(int n)
{
	return n == 8 ? BPF_DW : n == 4 ? BPF_W : n == 2 ? BPF_H : BPF_B;
}

/* The base register and displacement of an address operand. */
static bool fits16(long v) { return v >= INT16_MIN && v <= INT16_MAX; }

/* An access of `size` bytes at base+off must have a 16-bit displacement:
 * move a far one into the base (MEMCPY/MEMZERO pass their total size). */
static void addr_of(struct isel *S, const struct ref *r, int32_t extra,
		    int size, int *base, int *off)
{
	if (r->kind == REF_SLOT) {
		slot_addr(S, r, extra, base, off);
	} else {
		*base = ref_reg_or_tmp(S, r);
		*off = extra;
	}
	if (!fits16(*off) || !fits16((long)*off + size)) {
		int t = tmp(S);
		mov_reg(S, t, *base);
		alu_imm(S, BPF_ADD, t, *off);
		*base = t;
		*off = 0;
	}
}

/* The stack must be accessed at offsets aligned to the access size (the
 * verifier's rule; map values may be misaligned).  A misaligned stack
 * LOAD or STORE is split into aligned pieces, little-endian.  A caller's
 * stack reached through an alias slot follows the same rule. */
static bool misaligned(struct isel *S, const struct ref *r, int base, int off,
		       int size)
{
	bool stack = base == MIR_FP ||
		     (r->kind == REF_SLOT && S->f->slots[r->slot].up &&
		      S->f->slots[r->slot].space == SPACE_STACK);
	return stack && (off & (size - 1));
}

static void store_split(struct isel *S, int base, int off, int size,
			const struct ref *v)
{
	int t = -1;
	if (v->kind != REF_IMM) {
		t = tmp(S);
		ref_to_reg(S, t, v);
	}
	for (int done = 0; done < size;) {
		int w = chunk(size - done, off + done, 0);
		if (w > 4)
			w = 4;
		if (t < 0) {
			uint64_t piece = (uint64_t)v->imm >> (8 * done);
			if (w < 4)
				piece &= (1u << (8 * w)) - 1;
			emit(S, (struct minsn){ .code = BPF_ST | BPF_MEM | bpf_size(w),
						.dst = base, .src = -1,
						.off = (int16_t)(off + done),
						.imm = (int32_t)(uint32_t)piece });
		} else {
			emit(S, (struct minsn){ .code = BPF_STX | BPF_MEM | bpf_size(w),
						.dst = base, .src = t,
						.off = (int16_t)(off + done) });
		}
		done += w;
		if (t >= 0 && done < size)
			alu_imm(S, BPF_RSH, t, 8 * w);
	}
}

static void load_split(struct isel *S, int d, int base, int off, int size)
{
	int acc = tmp(S);
	for (int done = 0; done < size;) {
		int w = chunk(size - done, off + done, 0);
		if (w > 4)
			w = 4;
		int t = done ? tmp(S) : acc;
		emit(S, (struct minsn){ .code = BPF_LDX | BPF_MEM | bpf_size(w),
					.dst = t, .src = base,
					.off = (int16_t)(off + done) });
		if (done) {
			alu_imm(S, BPF_LSH, t, 8 * done);
			alu_reg(S, BPF_OR, acc, t);
		}
		done += w;
	}
	mov_reg(S, d, acc);
}

static void sel_mem(struct isel *S, const struct ir_insn *in)
{
	int base, off;
	switch (in->op) {
	case IR_LOAD:
		addr_of(S, &in->arg[0], in->off, in->size, &base, &off);
		if (misaligned(S, &in->arg[0], base, off, in->size)) {
			load_split(S, vreg(in->dst), base, off, in->size);
			break;
		}
		emit(S, (struct minsn){ .code = BPF_LDX | BPF_MEM | bpf_size(in->size),
					.dst = vreg(in->dst), .src = base,
					.off = (int16_t)off });
		break;
	case IR_STORE: {
		addr_of(S, &in->arg[0], in->off, in->size, &base, &off);
		const struct ref *v = &in->arg[1];
		if (misaligned(S, &in->arg[0], base, off, in->size))
			store_split(S, base, off, in->size, v);
		else if (v->kind == REF_IMM && (fits32(v->imm) || in->size < 8))
			emit(S, (struct minsn){ .code = BPF_ST | BPF_MEM | bpf_size(in->size),
						.dst = base, .src = -1, .off = (int16_t)off,
						.imm = in->size < 8 ? (int32_t)(uint32_t)v->imm
								    : v->imm });
		else
			emit(S, (struct minsn){ .code = BPF_STX | BPF_MEM | bpf_size(in->size),
						.dst = base, .src = ref_reg_or_tmp(S, v),
						.off = (int16_t)off });
		break;
	}
	case IR_XADD:
		addr_of(S, &in->arg[0], in->off, in->size, &base, &off);
		emit(S, (struct minsn){ .code = BPF_STX | BPF_ATOMIC | bpf_size(in->size),
					.dst = base, .src = ref_reg_or_tmp(S, &in->arg[1]),
					.off = (int16_t)off, .imm = BPF_ADD });
		break;
	case IR_MEMZERO:
		addr_of(S, &in->arg[0], in->off, in->size, &base, &off);
		for (int done = 0; done < in->size;) {
			int w = chunk(in->size - done, off + done, 0);
			emit(S, (struct minsn){ .code = BPF_ST | BPF_MEM | bpf_size(w),
						.dst = base, .src = -1,
						.off = (int16_t)(off + done) });
			done += w;
		}
		break;
	case IR_MEMCPY: {
		int sbase, soff;
		addr_of(S, &in->arg[0], in->off, in->size, &base, &off);
		addr_of(S, &in->arg[1], 0, in->size, &sbase, &soff);
		int t = tmp(S);
		for (int done = 0; done < in->size;) {
			int w = chunk(in->size - done, off + done, soff + done);
			emit(S, (struct minsn){ .code = BPF_LDX | BPF_MEM | bpf_size(w),
						.dst = t, .src = sbase,
						.off = (int16_t)(soff + done) });
			emit(S, (struct minsn){ .code = BPF_STX | BPF_MEM | bpf_size(w),
						.dst = base, .src = t,
						.off = (int16_t)(off + done) });
			done += w;
		}
		break;
	}
	default:
		break;
	}
}

static void sel_call(struct isel *S, const struct ir_insn *in)
{
	for (int i = 0; i < in->nargs; i++)
		ref_to_reg(S, MIR_ARG0 + i, &in->arg[i]);
	emit(S, (struct minsn){ .code = BPF_JMP | BPF_CALL, .dst = -1, .src = -1,
				.imm = in->imm, .nargs = (uint8_t)in->nargs,
				.pseudo = in->kfunc ? BPF_PSEUDO_KFUNC_CALL
						    : 0 });
	if (in->dst >= 0)
		mov_reg(S, vreg(in->dst), MIR_RET);
}

static void sel_insn(struct isel *S, const struct ir_insn *in)
{
	S->loc = in->loc;
	int d = in->dst >= 0 ? vreg(in->dst) : -1;
	switch (in->op) {
	case IR_NOP:
		break;
	case IR_MOV:
		ref_to_reg(S, d, &in->arg[0]);
		break;
	case IR_ADD: case IR_SUB: case IR_MUL: case IR_UDIV: case IR_UMOD:
	case IR_AND: case IR_OR: case IR_XOR: case IR_SHL: case IR_LSHR:
	case IR_ASHR:
		sel_alu(S, in->op, d, in->arg[0], in->arg[1]);
		break;
	case IR_SDIV:
	case IR_SMOD:
		sel_sdivmod(S, in->op, d, in->arg[0], in->arg[1]);
		break;
	case IR_NEG:
		ref_to_reg(S, d, &in->arg[0]);
		emit(S, (struct minsn){ .code = BPF_ALU64 | BPF_NEG, .dst = d,
					.src = -1 });
		break;
	case IR_NOT:
		ref_to_reg(S, d, &in->arg[0]);
		alu_imm(S, BPF_XOR, d, -1);
		break;
	case IR_ZEXT:
		if (in->size == 4) {
			int s = ref_reg_or_tmp(S, &in->arg[0]);
			emit(S, (struct minsn){ .code = BPF_ALU | BPF_MOV | BPF_X,
						.dst = d, .src = s });
		} else {
			ref_to_reg(S, d, &in->arg[0]);
			alu_imm(S, BPF_AND, d, in->size == 1 ? 0xff : 0xffff);
		}
		break;
	case IR_SEXT:
		ref_to_reg(S, d, &in->arg[0]);
		alu_imm(S, BPF_LSH, d, 64 - 8 * in->size);
		alu_imm(S, BPF_ARSH, d, 64 - 8 * in->size);
		break;
	case IR_SETCC:
		sel_setcc(S, in);
		break;
	case IR_LOAD: case IR_STORE: case IR_XADD: case IR_MEMZERO:
	case IR_MEMCPY:
		sel_mem(S, in);
		break;
	case IR_CALL:
		sel_call(S, in);
		break;
	case IR_CTX:
		mov_reg(S, d, MIR_ARG0);
		break;
	case IR_ARG:
		mov_reg(S, d, MIR_ARG0 + (int)in->imm);
		break;
	case IR_FRAME:
		mov_reg(S, d, MIR_FP);
		break;
	case IR_SCRATCHBASE:
		mov_reg(S, d, vreg(S->f->scratch_reg));
		break;
	case IR_USE:
		break;
	case IR_BR:
		sel_br(S, in);
		break;
	case IR_JMP:
		sel_ja_ir(S, in->t);
		break;
	case IR_RET:
		ref_to_reg(S, MIR_RET, &in->arg[0]);
		emit(S, (struct minsn){ .code = BPF_JMP | BPF_EXIT, .dst = -1,
					.src = -1 });
		break;
	default:
		break;
	}
}

/* Block layout: after a block, place a successor it can fall through to
 * (for a BR the next block in IR order if it is a successor, else the
 * false or true block; a JMP's target) when all the successor's
 * predecessors are placed ("ready"); else a ready successor of the most
 * recently placed blocks; else the first unplaced block in IR order.  So each conditional branch needs one jump,
 * source order is kept where it can be, and early exits ir_build wrote
 * before the body move out of the way.
 * Fills order[0..nblocks-1]; the entry stays first. */
static bool ready(const struct ir_func *f, const bool *placed, int b)
{
	if (placed[b])
		return false;
	for (int k = 0; k < f->blocks[b]->npreds; k++)
		if (!placed[f->blocks[b]->preds[k]])
			return false;
	return true;
}

static void layout(const struct ir_func *f, int *order)
{
	bool *placed = xcalloc(f->nblocks + 1, 1);
	int n = 0, b = 0, scan = 0;
	while (n < f->nblocks) {
		order[n++] = b;
		placed[b] = true;
		const struct ir_block *bl = f->blocks[b];
		const struct ir_insn *t = bl->ninsns ? &bl->insns[bl->ninsns - 1] : NULL;
		int want = -1;
		if (t && t->op == IR_BR && ir_cc_invert(t->cc) < 0 &&
		    t->t != t->f && !placed[t->f])
			want = t->f;  /* no inverse: jump to t, fall to f */
		else if (t && t->op == IR_BR)
			want = (t->t == b + 1 || t->f == b + 1) && ready(f, placed, b + 1) ? b + 1
			       : ready(f, placed, t->f) ? t->f
			       : ready(f, placed, t->t) ? t->t
			       : (t->t == b + 1 || t->f == b + 1) && !placed[b + 1] ? b + 1
			       : ready(f, placed, t->t) ? t->t : -1;
		else if (t && t->op == IR_JMP && ready(f, placed, t->t))
			want = t->t;
		/* else a ready successor of the latest placed blocks */
		for (int k = n - 1; want < 0 && k >= 0; k--) {
			const struct ir_block *p = f->blocks[order[k]];
			for (int j = 0; j < p->nsucc && want < 0; j++)
				if (ready(f, placed, p->succ[j]))
					want = p->succ[j];
		}
		if (want < 0) {
			while (scan < f->nblocks && placed[scan])
				scan++;
			want = scan;
		}
		b = want;
		if (b >= f->nblocks)
			break;
	}
	free(placed);
}

/* Blocks reachable from the entry when branches on two constants go
 * only where they go (sel_br folds them): the others get no code, which
 * the verifier would reject as unreachable. */
static void reachable(const struct ir_func *f, bool *reach)
{
	int *stack = xmalloc((f->nblocks + 1) * sizeof(int)), sp = 0;
	reach[0] = true;
	stack[sp++] = 0;
	while (sp) {
		const struct ir_block *bl = f->blocks[stack[--sp]];
		const struct ir_insn *t = bl->ninsns ? &bl->insns[bl->ninsns - 1] : NULL;
		int succ[2] = { bl->succ[0], bl->succ[1] }, ns = bl->nsucc;
		if (t && t->op == IR_BR && t->arg[0].kind == REF_IMM &&
		    t->arg[1].kind == REF_IMM) {
			succ[0] = ir_cc_eval(t->cc, t->arg[0].imm, t->arg[1].imm)
				  ? t->t : t->f;
			ns = 1;
		}
		for (int k = 0; k < ns; k++)
			if (!reach[succ[k]]) {
				reach[succ[k]] = true;
				stack[sp++] = succ[k];
			}
	}
	free(stack);
}

/* Does any instruction of f use fn<i>? */
static bool refers_to(const struct ir_func *f, int i)
{
	for (int b = 0; b < f->nblocks; b++)
		for (int k = 0; k < f->blocks[b]->ninsns; k++) {
			const struct ir_insn *in = &f->blocks[b]->insns[k];
			for (int a = 0; a < ir_insn_nrefs(in); a++)
				if (in->arg[a].kind == REF_FUNC && in->arg[a].func == i)
					return true;
		}
	return false;
}

struct mfunc *isel_run(const struct ir_func *f)
{
	struct mfunc *mf = xcalloc(1, sizeof(*mf));
	mf->name = f->name;
	mf->loc = f->loc;
	mf->stack_size = f->stack_size;
	for (int r = 0; r < MIR_NPHYS + f->nregs; r++)
		mir_reg_new(mf);
	struct isel S = { .f = f, .mf = mf };
	S.ir2m = xcalloc(f->nblocks + 1, sizeof(int));
	int *order = xcalloc(f->nblocks + 1, sizeof(int));
	layout(f, order);
	bool *reach = xcalloc(f->nblocks + 1, 1);
	reachable(f, reach);
	int n = 0;
	for (int k = 0; k < f->nblocks; k++)
		if (reach[order[k]])
			order[n++] = order[k];
	free(reach);
	for (int k = 0; k < n; k++) {
		int b = order[k];
		S.irb = b;
		S.next = k + 1 < n ? order[k + 1] : -1;
		S.cur = S.ir2m[b] = mir_block_new(mf);
		const struct ir_block *bl = f->blocks[b];
		for (int i = 0; i < bl->ninsns; i++)
			sel_insn(&S, &bl->insns[i]);
	}
	for (int k = 0; k < S.fix.n; k++) {
		struct minsn *in = &mf->blocks[S.fix.v[k].b].v[S.fix.v[k].i];
		in->target = S.ir2m[in->target];
	}
	vec_free(&S.fix);
	free(S.ir2m);
	free(order);
	/* subprograms the code still refers to (optimization may have
	 * removed a loop); mf->subs[i] stays f->subs[i], NULL when dropped */
	if (f->nsubs) {
		mf->subs = xcalloc(f->nsubs, sizeof(*mf->subs));
		mf->nsubs = f->nsubs;
		for (int i = 0; i < f->nsubs; i++)
			if (refers_to(f, i))
				mf->subs[i] = isel_run(f->subs[i]);
	}
	return mf;
}
