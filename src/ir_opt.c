/* ir_opt.c — IR clean-up: constant folding, dead code, CFG clean-up.
 *
 * Takes and produces an ir_func (in place).  First, once:
 *   once   — bpf_get_current_pid_tgid/uid_gid called more than once
 *            become one call at entry (hoist_task_ids).
 * Then small passes, repeated until nothing changes:
 *   fold   — per block, registers known to hold a constant (registers are
 *            not SSA, so knowledge starts empty at each block and ends at
 *            each redefinition); constants that fit an immediate replace
 *            register operands; operations on constants become MOV, a BR on
 *            constants a JMP; x+0, x*1, x*0, ... simplify; a store of the
 *            low bytes of a zero/sign extension stores its source.
 *            Folding follows BPF semantics (x/0 = 0, x%0 = x, shifts
 *            modulo 64).
 *   clean  — BR with equal targets becomes JMP; jumps to blocks that only
 *            jump are threaded; a block reached only by a JMP from its
 *            single predecessor is merged into it; unreachable blocks go.
 *   dse    — a write into a slot whose bytes are all written again
 *            before the slot is read (same block) goes; a MEMZERO partly
 *            overwritten that way keeps only the bytes still needed.
 *   zmerge — a MEMZERO that touches an earlier one of the same slot in
 *            the same block, nothing in between using its bytes, joins
 *            it (one run of stores).
 *   dce    — instructions without side effects whose result is dead
 *            (register liveness), and writes into slots that nothing
 *            reads afterwards (slot liveness), are removed.
 * requires: ir_check() clean.  keeps it clean.  Leaves ir_cfg() current. */
#include <limits.h>
#include <linux/bpf.h>
#include <string.h>

#include "ir.h"
#include "liveness.h"

/* ---- fold ---- */

static bool fits32(int64_t v) { return v >= INT32_MIN && v <= INT32_MAX; }

/* a op b with BPF's semantics; false if op is not a pure binary op. */
static bool eval_bin(enum ir_op op, int64_t a, int64_t b, int64_t *r)
{
	uint64_t ua = (uint64_t)a, ub = (uint64_t)b;
	switch (op) {
	case IR_ADD: *r = (int64_t)(ua + ub); return true;
	case IR_SUB: *r = (int64_t)(ua - ub); return true;
	case IR_MUL: *r = (int64_t)(ua * ub); return true;
	case IR_UDIV: *r = ub ? (int64_t)(ua / ub) : 0; return true;
	case IR_UMOD: *r = ub ? (int64_t)(ua % ub) : a; return true;
	case IR_SDIV:
		*r = !b ? 0 : (a == INT64_MIN && b == -1) ? a : a / b;
		return true;
	case IR_SMOD:
		*r = !b ? a : b == -1 ? 0 : a % b;
		return true;
	case IR_AND: *r = a & b; return true;
	case IR_OR: *r = a | b; return true;
	case IR_XOR: *r = a ^ b; return true;
	case IR_SHL: *r = (int64_t)(ua << (ub & 63)); return true;
	case IR_LSHR: *r = (int64_t)(ua >> (ub & 63)); return true;
	case IR_ASHR: *r = a >> (ub & 63); return true;
	default: return false;
	}
}

static bool eval_un(const struct ir_insn *in, int64_t a, int64_t *r)
{
	switch (in->op) {
	case IR_MOV: *r = a; return true;
	case IR_NEG: *r = (int64_t)(0 - (uint64_t)a); return true;
	case IR_NOT: *r = ~a; return true;
	case IR_ZEXT:
		*r = in->size == 1 ? (uint8_t)a : in->size == 2 ? (uint16_t)a
								: (int64_t)(uint32_t)a;
		return true;
	case IR_SEXT:
		*r = in->size == 1 ? (int8_t)a : in->size == 2 ? (int16_t)a
							       : (int32_t)a;
		return true;
	default:
		return false;
	}
}

/* Which operands may be an immediate (and so take a known constant). */
static bool imm_allowed(const struct ir_insn *in, int i)
{
	switch (in->op) {
	case IR_LOAD: case IR_MEMZERO: case IR_MEMCPY:
		return false;
	case IR_STORE: case IR_XADD:
		return i == 1;
	default:
		return true;
	}
}

/* Operands that become one register load whatever the constant (a
 * 64-bit one costs an ld_imm64 in the register or here alike). */
static bool any_imm(const struct ir_insn *in)
{
	return in->op == IR_MOV || in->op == IR_RET || in->op == IR_CALL;
}

static void to_mov(struct ir_insn *in, struct ref r)
{
	in->op = IR_MOV;
	in->arg[0] = r;
	in->arg[1] = (struct ref){ 0 };
}

/* Algebraic identities with one constant operand. */
static void simplify(struct ir_insn *in)
{
	struct ref *a = &in->arg[0], *b = &in->arg[1];
	if (b->kind != REF_IMM) {
		bool comm = in->op == IR_ADD || in->op == IR_MUL ||
			    in->op == IR_AND || in->op == IR_OR || in->op == IR_XOR;
		if (!comm || a->kind != REF_IMM)
			return;
		struct ref t = *a;
		*a = *b;
		*b = t;
	}
	int64_t k = b->imm;
	switch (in->op) {
	case IR_ADD: case IR_SUB: case IR_OR: case IR_XOR:
	case IR_SHL: case IR_LSHR: case IR_ASHR:
		if (k == 0 || ((in->op == IR_SHL || in->op == IR_LSHR ||
				in->op == IR_ASHR) && (k & 63) == 0))
			to_mov(in, *a);
		break;
	case IR_MUL:
		if (k == 1)
			to_mov(in, *a);
		else if (k == 0)
			to_mov(in, ref_imm(0));
		break;
	case IR_UDIV:
		if (k == 1)
			to_mov(in, *a);
		else if (k == 0)
			to_mov(in, ref_imm(0));
		break;
	case IR_SDIV:
		if (k == 1)
			to_mov(in, *a);
		else if (k == 0)
			to_mov(in, ref_imm(0));
		break;
	case IR_UMOD:
	case IR_SMOD:
		if (k == 0)
			to_mov(in, *a);
		else if (k == 1 || (in->op == IR_SMOD && k == -1))
			to_mov(in, ref_imm(0));
		break;
	case IR_AND:
		if (k == 0)
			to_mov(in, ref_imm(0));
		else if (k == -1)
			to_mov(in, *a);
		break;
	default:
		break;
	}
}

/* What fold() knows about the registers within one block, in time
 * proportional to the instructions, not to registers x instructions: a
 * fact about r holds only while its stamp is the block's, and "r is a
 * copy (an extension) of s" only while s has not been written since
 * (ndef). */
struct facts {
	int stamp;              /* the block's: b + 1 */
	int *kst;               /* val[r] known: kst[r] == stamp */
	int64_t *val;
	int *cst, *copy;        /* r == copy[r]: cst[r] == stamp and */
	unsigned *cver;         /* cver[r] == ndef[copy[r]] */
	int *est, *ext, *extw;  /* r = zext/sext of ext[r]'s low extw[r] */
	unsigned *ever;         /* bytes: est[r] == stamp, ever[r] == ndef */
	unsigned *ndef;         /* writes of r so far */
};

static int copy_of(const struct facts *F, int r)
{
	int s = F->copy[r];
	return F->cst[r] == F->stamp && F->cver[r] == F->ndef[s] ? s : -1;
}

static int ext_of(const struct facts *F, int r)
{
	int s = F->ext[r];
	return F->est[r] == F->stamp && F->ever[r] == F->ndef[s] ? s : -1;
}

/* Field by field: a memcmp would also compare padding and the unused
 * bytes of a ref's union, which nothing initialises. */
static bool ref_same(const struct ref *a, const struct ref *b)
{
	if (a->kind != b->kind || a->off != b->off)
		return false;
	switch (a->kind) {
	case REF_NONE: return true;
	case REF_REG: return a->reg == b->reg;
	case REF_SLOT: return a->slot == b->slot;
	case REF_MAP: case REF_MAPVAL: return a->map == b->map;
	case REF_FUNC: return a->func == b->func;
	default: return a->imm == b->imm;
	}
}

static bool insn_same(const struct ir_insn *a, const struct ir_insn *b)
{
	if (a->op != b->op || a->cc != b->cc || a->size != b->size ||
	    a->off != b->off || a->dst != b->dst || a->nargs != b->nargs ||
	    a->imm != b->imm || a->kfunc != b->kfunc || a->t != b->t ||
	    a->f != b->f)
		return false;
	for (int i = 0; i < 5; i++)
		if (!ref_same(&a->arg[i], &b->arg[i]))
			return false;
	return true;
}

static bool fold(struct ir_func *f)
{
	bool changed = false;
	size_t n1 = f->nregs + 1;
	struct facts F = {
		.kst = xcalloc(n1, sizeof(int)), .val = xcalloc(n1, sizeof(int64_t)),
		.cst = xcalloc(n1, sizeof(int)), .copy = xcalloc(n1, sizeof(int)),
		.cver = xcalloc(n1, sizeof(unsigned)),
		.est = xcalloc(n1, sizeof(int)), .ext = xcalloc(n1, sizeof(int)),
		.extw = xcalloc(n1, sizeof(int)), .ever = xcalloc(n1, sizeof(unsigned)),
		.ndef = xcalloc(n1, sizeof(unsigned)),
	};
	for (int b = 0; b < f->nblocks; b++) {
		struct ir_block *bl = f->blocks[b];
		F.stamp = b + 1;
		for (int i = 0; i < bl->ninsns; i++) {
			struct ir_insn *in = &bl->insns[i];
			struct ir_insn old = *in;
			/* a store of no more bytes than an extension kept
			 * stores its source (the extension may die) */
			if (in->op == IR_STORE && in->arg[1].kind == REF_REG &&
			    ext_of(&F, in->arg[1].reg) >= 0 &&
			    in->size <= F.extw[in->arg[1].reg])
				in->arg[1].reg = F.ext[in->arg[1].reg];
			int n = ir_insn_nrefs(in);
			/* operands: substitute known constants */
			bool all_const = n > 0;
			int64_t c[5] = { 0 };
			for (int k = 0; k < n; k++) {
				struct ref *r = &in->arg[k];
				int s = r->kind == REF_REG ? copy_of(&F, r->reg) : -1;
				if (s >= 0)
					r->reg = s;
				if (r->kind == REF_REG && F.kst[r->reg] == F.stamp) {
					c[k] = F.val[r->reg];
					if (imm_allowed(in, k) &&
					    (fits32(c[k]) || any_imm(in)))
						*r = ref_imm(c[k]);
				} else if (r->kind == REF_IMM) {
					c[k] = r->imm;
				} else {
					all_const = false;
				}
			}
			int64_t res;
			if (all_const && n == 2 && in->op == IR_SETCC) {
				to_mov(in, ref_imm(ir_cc_eval(in->cc, c[0], c[1])));
			} else if (all_const && n == 2 && eval_bin(in->op, c[0], c[1], &res)) {
				to_mov(in, ref_imm(res));
			} else if (all_const && n == 1 && eval_un(in, c[0], &res)) {
				to_mov(in, ref_imm(res));
			} else if (all_const && in->op == IR_BR) {
				int t = ir_cc_eval(in->cc, c[0], c[1]) ? in->t : in->f;
				memset(in->arg, 0, sizeof(in->arg));
				in->op = IR_JMP;
				in->t = t;
				in->f = 0;
			} else if (n == 2 && in->op != IR_BR && in->op != IR_SETCC &&
				   in->op != IR_STORE && in->op != IR_XADD &&
				   in->op != IR_MEMCPY &&
				   in->op != IR_CALL) {
				simplify(in);
			}
			if (in->op == IR_MOV && in->arg[0].kind == REF_REG &&
			    in->arg[0].reg == in->dst) {
				in->op = IR_NOP;
				in->dst = -1;
			}
			if (!insn_same(&old, in))
				changed = true;
			/* what this instruction leaves known */
			if (ir_insn_has_dst(in)) {
				int d = in->dst;
				F.kst[d] = F.cst[d] = F.est[d] = 0;
				F.ndef[d]++; /* every copy or extension of d is stale */
				if ((in->op == IR_ZEXT || in->op == IR_SEXT) &&
				    in->arg[0].kind == REF_REG &&
				    in->arg[0].reg != d) {
					int s = in->arg[0].reg;
					F.ext[d] = s;
					F.extw[d] = in->size;
					F.ever[d] = F.ndef[s];
					F.est[d] = F.stamp;
				}
				if (in->op == IR_MOV && in->arg[0].kind == REF_REG) {
					int s = in->arg[0].reg;
					F.copy[d] = s;
					F.cver[d] = F.ndef[s];
					F.cst[d] = F.stamp;
				}
				if (in->op == IR_MOV && in->arg[0].kind == REF_IMM) {
					F.kst[d] = F.stamp;
					F.val[d] = in->arg[0].imm;
				} else if (in->op == IR_MOV && in->arg[0].kind == REF_REG &&
					   F.kst[in->arg[0].reg] == F.stamp) {
					F.kst[d] = F.stamp;
					F.val[d] = F.val[in->arg[0].reg];
				}
			}
		}
	}
	free(F.kst);
	free(F.val);
	free(F.cst);
	free(F.copy);
	free(F.cver);
	free(F.est);
	free(F.ext);
	free(F.extw);
	free(F.ever);
	free(F.ndef);
	return changed;
}

/* ---- CFG clean-up ---- */

/* Follow blocks that are only "jmp x" (at most nblocks steps: cycles). */
static int thread(const struct ir_func *f, int b)
{
	for (int steps = 0; steps < f->nblocks; steps++) {
		const struct ir_block *bl = f->blocks[b];
		if (b == 0 || bl->ninsns != 1 || bl->insns[0].op != IR_JMP ||
		    bl->insns[0].t == b)
			break;
		b = bl->insns[0].t;
	}
	return b;
}

/* Drop blocks unreachable from the entry and renumber the rest. */
static bool remove_unreachable(struct ir_func *f)
{
	int nb = f->nblocks;
	bool *seen = xcalloc(nb, 1);
	int *work = xmalloc(nb * sizeof(int)), nw = 0;
	seen[0] = true;
	work[nw++] = 0;
	while (nw) {
		struct ir_block *bl = f->blocks[work[--nw]];
		for (int k = 0; k < bl->nsucc; k++)
			if (!seen[bl->succ[k]]) {
				seen[bl->succ[k]] = true;
				work[nw++] = bl->succ[k];
			}
	}
	int *newid = xmalloc(nb * sizeof(int)), n = 0;
	for (int b = 0; b < nb; b++) {
		newid[b] = seen[b] ? n : -1;
		if (seen[b])
			f->blocks[n++] = f->blocks[b];
	}
	bool changed = n != nb;
	f->nblocks = n;
	for (int b = 0; changed && b < n; b++) {
		struct ir_block *bl = f->blocks[b];
		bl->id = b;
		struct ir_insn *t = &bl->insns[bl->ninsns - 1];
		if (t->op == IR_BR) {
			t->t = newid[t->t];
			t->f = newid[t->f];
		} else if (t->op == IR_JMP) {
			t->t = newid[t->t];
		}
	}
	free(seen);
	free(work);
	free(newid);
	return changed;
}

static bool clean(struct ir_func *f)
{
	bool changed = false;
	for (int b = 0; b < f->nblocks; b++) {
		struct ir_block *bl = f->blocks[b];
		struct ir_insn *t = &bl->insns[bl->ninsns - 1];
		if (t->op == IR_BR) {
			int nt = thread(f, t->t), nf = thread(f, t->f);
			if (nt != t->t || nf != t->f)
				changed = true;
			t->t = nt;
			t->f = nf;
			if (t->t == t->f) {
				memset(t->arg, 0, sizeof(t->arg));
				t->op = IR_JMP;
				changed = true;
			}
		} else if (t->op == IR_JMP) {
			int nt = thread(f, t->t);
			if (nt != t->t)
				changed = true;
			t->t = nt;
		}
	}
	ir_cfg(f);
	/* Merge b into its only predecessor p when p ends in "jmp b". */
	for (int b = 1; b < f->nblocks; b++) {
		struct ir_block *bl = f->blocks[b];
		if (bl->npreds != 1 || bl->preds[0] == b)
			continue;
		struct ir_block *p = f->blocks[bl->preds[0]];
		if (p->insns[p->ninsns - 1].op != IR_JMP || p->nsucc != 1)
			continue;
		p->ninsns--;
		for (int i = 0; i < bl->ninsns; i++) {
			struct ir_insn copy = bl->insns[i];
			*ir_append(f, p->id, copy.op) = copy;
		}
		/* b is now unreachable: leave it a self-contained stub */
		bl->ninsns = 1;
		bl->insns[0] = (struct ir_insn){ .op = IR_RET, .dst = -1,
						 .arg = { ref_imm(0) } };
		changed = true;
		ir_cfg(f);
	}
	if (remove_unreachable(f))
		changed = true;
	ir_cfg(f);
	return changed;
}

/* ---- dead code ---- */

static bool pure(enum ir_op op)
{
	switch (op) {
	case IR_STORE: case IR_XADD: case IR_MEMZERO: case IR_MEMCPY:
	case IR_CALL: case IR_BR: case IR_JMP: case IR_RET:
		return false;
	default:
		return true;
	}
}

struct dce {
	struct ir_func *f;
	bool **dead;     /* per block, per insn */
	bool changed;
};

static void mark_dead(void *ctx, int b, int i, const struct bitset *regs,
		      const struct bitset *slots)
{
	struct dce *D = ctx;
	const struct ir_insn *in = &D->f->blocks[b]->insns[i];
	bool slot_store = (in->op == IR_STORE || in->op == IR_MEMZERO ||
			   in->op == IR_MEMCPY) && in->arg[0].kind == REF_SLOT;
	if (in->op == IR_NOP ||
	    (slot_store && !bitset_test(slots, in->arg[0].slot)) ||
	    (pure(in->op) && ir_insn_has_dst(in) && !bitset_test(regs, in->dst) &&
	     in->dst != D->f->scratch_reg)) {
		D->dead[b][i] = true;
		D->changed = true;
	}
}

static bool dce(struct ir_func *f)
{
	bool any = false;
	for (int round = 0; round < 100; round++) {
		struct liveness *lv = live_compute(f);
		struct dce D = { .f = f };
		D.dead = xcalloc(f->nblocks, sizeof(bool *));
		for (int b = 0; b < f->nblocks; b++) {
			D.dead[b] = xcalloc(f->blocks[b]->ninsns, 1);
			live_walk_block(lv, b, mark_dead, &D);
		}
		for (int b = 0; b < f->nblocks; b++) {
			struct ir_block *bl = f->blocks[b];
			int o = 0;
			for (int i = 0; i < bl->ninsns; i++)
				if (!D.dead[b][i])
					bl->insns[o++] = bl->insns[i];
			bl->ninsns = o;
			free(D.dead[b]);
		}
		free(D.dead);
		live_free(lv);
		if (!D.changed)
			break;
		any = true;
	}
	return any;
}

/* ---- dead stores into slots ---- */

/* Bytes [lo, hi) of slot s written by in (STORE, MEMZERO, MEMCPY dest);
 * false if in does not write a slot. */
static bool slot_write(const struct ir_insn *in, int *s, int *lo, int *hi)
{
	if ((in->op != IR_STORE && in->op != IR_MEMZERO && in->op != IR_MEMCPY) ||
	    in->arg[0].kind != REF_SLOT)
		return false;
	*s = in->arg[0].slot;
	*lo = in->arg[0].off + in->off;
	*hi = *lo + in->size;
	return true;
}

/* Per slot, for the backward walk of one block (dse): where each byte is
 * next written (mark, valid when stamp == the block's) and where the slot
 * is next read (rd, valid when rd_stamp == the block's). */
struct dse_slot {
	int *mark, *stamp;
	int rd, rd_stamp;
};

/* Shrinks the MEMZERO at bl->insns[i] to the runs of bytes [lo, hi) that
 * cov does not mark (one MEMZERO per run, inserted after it). */
static void dse_shrink(struct ir_func *f, int b, int i, int lo, int hi,
		       const bool *cov)
{
	struct ir_block *bl = f->blocks[b];
	struct ir_insn w = bl->insns[i];
	int n = hi - lo, at = i + 1;
	bl->insns[i].op = IR_NOP;
	for (int x = 0; x < n;) {
		if (cov[x]) {
			x++;
			continue;
		}
		int y = x;
		while (y < n && !cov[y])
			y++;
		struct ir_insn z = w;
		z.arg[0].off = 0;
		z.off = lo + x;
		z.size = y - x;
		ir_append(f, b, IR_NOP); /* grow by one */
		bl = f->blocks[b];
		memmove(&bl->insns[at + 1], &bl->insns[at],
			(bl->ninsns - 1 - at) * sizeof(*bl->insns));
		bl->insns[at++] = z;
		x = y;
	}
}

/* A write to a slot whose bytes are all written again, in the same block,
 * before anything reads the slot is dead; a MEMZERO partly overwritten
 * that way shrinks to the bytes still needed (one MEMZERO per run).  One
 * backward walk per block, so linear in the bytes written (a 70 KB string
 * is ~9,000 stores into one slot). */
static bool dse(struct ir_func *f)
{
	bool changed = false;
	struct dse_slot *S = xcalloc(f->nslots ? f->nslots : 1, sizeof(*S));
	for (int b = 0; b < f->nblocks; b++) {
		int stamp = b + 1;
		for (int i = f->blocks[b]->ninsns - 1; i >= 0; i--) {
			struct ir_insn *in = &f->blocks[b]->insns[i];
			int s, lo, hi;
			if (slot_write(in, &s, &lo, &hi) && hi > lo && lo >= 0 &&
			    hi <= f->slots[s].size) {
				struct dse_slot *d = &S[s];
				if (!d->mark) {
					d->mark = xcalloc(f->slots[s].size, sizeof(int));
					d->stamp = xcalloc(f->slots[s].size, sizeof(int));
				}
				int rd = d->rd_stamp == stamp ? d->rd : INT_MAX;
				bool *cov = xcalloc(hi - lo, 1);
				int left = 0;
				for (int x = lo; x < hi; x++) {
					cov[x - lo] = d->stamp[x] == stamp && d->mark[x] < rd;
					left += !cov[x - lo];
					d->mark[x] = i;
					d->stamp[x] = stamp;
				}
				if (left == 0) {
					in->op = IR_NOP;
					in->dst = -1;
					changed = true;
				} else if (left < hi - lo && in->op == IR_MEMZERO) {
					dse_shrink(f, b, i, lo, hi, cov);
					changed = true;
				}
				free(cov);
				in = &f->blocks[b]->insns[i];
			}
			/* what this instruction reads: earlier writes are live */
			int n = ir_insn_nrefs(in);
			bool writes = in->op == IR_STORE || in->op == IR_MEMZERO ||
				      in->op == IR_MEMCPY;
			for (int k = writes ? 1 : 0; k < n; k++)
				if (in->arg[k].kind == REF_SLOT) {
					S[in->arg[k].slot].rd = i;
					S[in->arg[k].slot].rd_stamp = stamp;
				}
		}
	}
	for (int i = 0; i < f->nslots; i++) {
		free(S[i].mark);
		free(S[i].stamp);
	}
	free(S);
	return changed;
}

/* ---- zmerge: adjacent zeroings of a slot become one ---- */

/* The bytes [lo, hi) of slot s that in reads or writes; false when it
 * does not name the slot; the whole slot when the extent is not known
 * (a helper's buffer, a USE, an address taken). */
static bool slot_touch(const struct ir_func *f, const struct ir_insn *in,
		       int s, int *lo, int *hi)
{
	int n = ir_insn_nrefs(in);
	bool named = false;
	for (int k = 0; k < n; k++)
		if (in->arg[k].kind == REF_SLOT && in->arg[k].slot == s)
			named = true;
	if (!named)
		return false;
	if ((in->op == IR_STORE || in->op == IR_MEMZERO ||
	     in->op == IR_LOAD) && n >= 1 && in->arg[0].kind == REF_SLOT &&
	    (n < 2 || in->arg[1].kind != REF_SLOT || in->arg[1].slot != s)) {
		*lo = in->arg[0].off + in->off;
		*hi = *lo + (in->op == IR_LOAD || in->op == IR_STORE ||
			     in->op == IR_MEMZERO ? in->size : 0);
		return true;
	}
	*lo = 0;
	*hi = f->slots[s].size;
	return true;
}

/* A MEMZERO of a slot and a later one in the same block whose bytes
 * touch or overlap it, with nothing in between reading or writing the
 * later one's bytes, become one MEMZERO at the first: a record's padding
 * zeroed up front and a comm zeroed before bpf_get_current_comm are one
 * run of 8-byte stores (zeroing [12, 32) is 3 stores, [28, 32) and
 * [12, 28) apart are 4).  Slots whose address is taken into a register
 * are left alone. */
static bool zmerge(struct ir_func *f)
{
	bool changed = false;
	bool *escaped = xcalloc(f->nslots ? f->nslots : 1, 1);
	for (int b = 0; b < f->nblocks; b++)
		for (int i = 0; i < f->blocks[b]->ninsns; i++) {
			const struct ir_insn *in = &f->blocks[b]->insns[i];
			if (in->op == IR_MOV || in->op == IR_ADD)
				for (int k = 0; k < ir_insn_nrefs(in); k++)
					if (in->arg[k].kind == REF_SLOT)
						escaped[in->arg[k].slot] = true;
		}
	for (int b = 0; b < f->nblocks; b++) {
		struct ir_block *bl = f->blocks[b];
		for (int i = 0; i < bl->ninsns; i++) {
			struct ir_insn *a = &bl->insns[i];
			if (a->op != IR_MEMZERO || a->arg[0].kind != REF_SLOT ||
			    escaped[a->arg[0].slot])
				continue;
			int s = a->arg[0].slot, size = f->slots[s].size;
			int lo = a->arg[0].off + a->off, hi = lo + a->size;
			if (lo < 0 || hi > size)
				continue;
			/* bytes touched since a */
			bool *t = xcalloc(size ? size : 1, 1);
			for (int j = i + 1; j < bl->ninsns; j++) {
				struct ir_insn *z = &bl->insns[j];
				int zl, zh;
				if (!slot_touch(f, z, s, &zl, &zh))
					continue;
				if (zl < 0 || zh > size) {
					zl = 0;
					zh = size;
				}
				bool clear = true;
				for (int x = zl; x < zh; x++)
					clear &= !t[x];
				if (z->op == IR_MEMZERO && clear &&
				    zl <= hi && zh >= lo && zh > zl) {
					lo = zl < lo ? zl : lo;
					hi = zh > hi ? zh : hi;
					a->arg[0].off = 0;
					a->off = lo;
					a->size = hi - lo;
					z->op = IR_NOP;
					z->dst = -1;
					changed = true;
					continue;
				}
				for (int x = zl; x < zh; x++)
					t[x] = true;
			}
			free(t);
		}
	}
	free(escaped);
	return changed;
}

/* ---- helpers that return the same value for a whole run ---- */

/* bpf_get_current_pid_tgid and bpf_get_current_uid_gid describe the task
 * the program runs for, which does not change while it runs.  Called
 * more than once (tid as a map key, then pid in a record, ...), they are
 * one call at entry, and every call's register reads its result. */
static bool hoist_task_ids(struct ir_func *f)
{
	static const int64_t ids[] = { BPF_FUNC_get_current_pid_tgid,
				       BPF_FUNC_get_current_uid_gid };
	bool changed = false;
	int *defs = xcalloc(f->nregs + 1, sizeof(int));
	for (int b = 0; b < f->nblocks; b++)
		for (int i = 0; i < f->blocks[b]->ninsns; i++) {
			const struct ir_insn *in = &f->blocks[b]->insns[i];
			if (ir_insn_has_dst(in) && in->dst >= 0)
				defs[in->dst]++;
		}
	for (size_t k = 0; k < ARRAY_SIZE(ids); k++) {
		int n = 0;
		for (int b = 0; b < f->nblocks; b++)
			for (int i = 0; i < f->blocks[b]->ninsns; i++) {
				const struct ir_insn *in = &f->blocks[b]->insns[i];
				if (in->op == IR_CALL && !in->kfunc &&
				    in->imm == ids[k] && in->dst >= 0 &&
				    defs[in->dst] == 1)
					n++;
			}
		if (n < 2)
			continue;
		int t = ir_reg_new(f, NULL);
		int *to = xmalloc((f->nregs + 1) * sizeof(int));
		for (int r = 0; r < f->nregs; r++)
			to[r] = r;
		for (int b = 0; b < f->nblocks; b++)
			for (int i = 0; i < f->blocks[b]->ninsns; i++) {
				struct ir_insn *in = &f->blocks[b]->insns[i];
				if (in->op == IR_CALL && !in->kfunc &&
				    in->imm == ids[k] && in->dst >= 0 &&
				    in->dst < f->nregs - 1 && defs[in->dst] == 1) {
					to[in->dst] = t;
					in->op = IR_NOP;
					in->dst = -1;
					in->nargs = 0;
				}
			}
		for (int b = 0; b < f->nblocks; b++)
			for (int i = 0; i < f->blocks[b]->ninsns; i++) {
				struct ir_insn *in = &f->blocks[b]->insns[i];
				int nr = ir_insn_nrefs(in);
				for (int a = 0; a < nr; a++)
					if (in->arg[a].kind == REF_REG)
						in->arg[a].reg = to[in->arg[a].reg];
			}
		free(to);
		/* the call, after the entry's CTX and ARG instructions */
		struct ir_block *e = f->blocks[0];
		ir_append(f, 0, IR_CALL);
		struct ir_insn call = e->insns[e->ninsns - 1];
		call.dst = t;
		call.imm = ids[k];
		call.nargs = 0;
		int at = 0;
		while (at < e->ninsns - 1 && (e->insns[at].op == IR_CTX ||
					      e->insns[at].op == IR_ARG))
			at++;
		call.loc = e->insns[at].loc;
		memmove(&e->insns[at + 1], &e->insns[at],
			(size_t)(e->ninsns - 1 - at) * sizeof(call));
		e->insns[at] = call;
		changed = true;
	}
	free(defs);
	return changed;
}

void ir_optimize(struct ir_func *f)
{
	ir_cfg(f);
	hoist_task_ids(f);
	for (int round = 0; round < 16; round++) {
		bool changed = fold(f);
		changed |= dse(f);
		changed |= zmerge(f);
		changed |= clean(f);
		changed |= dce(f);
		if (!changed)
			break;
	}
	ir_cfg(f);
}
