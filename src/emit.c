/* emit.c — machine IR on physical registers -> struct bpf_insn[].
 *
 * Takes: a struct mfunc after ra_run.  Produces: a struct bpf_code (heap
 * arrays, owned by the caller): blocks laid out in order, jump offsets
 * resolved, ld_imm64 as two instructions (a map reference keeps
 * src_reg = BPF_PSEUDO_MAP_FD and imm = the map's index in tt_prog.maps for
 * the loader to patch), and per instruction the source location of the IR
 * instruction it came from.  emit_dump prints the `-d asm` listing.
 *
 * Subprograms (mf->subs, loop bodies) are laid out after the program in
 * preorder; a reference to one (ld_imm64 src_reg = BPF_PSEUDO_FUNC) gets
 * imm = its first instruction - (this instruction + 1), as the kernel
 * wants.  The functions' starts and names go into bpf_code for the
 * loader's BTF func_info.  The kernel limits the stack of a whole call
 * chain (each frame rounded up to 32 bytes) to 512 bytes: exceeding it
 * is a diagnostic here, where every frame size is final.
 *
 * A jump's offset has 16 bits.  A jump too far for them whose target
 * starts a short run of blocks that only ends the program (after a failed
 * lookup at the top of a 30,000-instruction body: add the lost records,
 * return 0) gets a copy of those blocks in place instead: a conditional
 * jump is inverted to skip the copy, an unconditional one is replaced by
 * it.  Any other jump too far is a diagnostic.
 * requires: ra_run(). */
#include "emit.h"

#include <linux/bpf.h>
#include <string.h>

#include "mir.h"

static bool is_ld_imm64(uint8_t code)
{
	return code == (BPF_LD | BPF_DW | BPF_IMM);
}

static bool is_jump(const struct minsn *in)
{
	int cls = BPF_CLASS(in->code), op = BPF_OP(in->code);
	return (cls == BPF_JMP || cls == BPF_JMP32) && op != BPF_CALL &&
	       op != BPF_EXIT;
}

#define STACK_LIMIT 512

/* The program's functions in layout order (preorder). */
struct layout {
	VEC(const struct mfunc *) fn;
	VEC(int) parent;   /* index of the caller, -1 for the program */
	VEC(int) start;    /* first instruction */
};

static void collect(struct layout *L, const struct mfunc *mf, int parent)
{
	vec_push(&L->fn, mf);
	vec_push(&L->parent, parent);
	int me = L->fn.n - 1;
	for (int i = 0; i < mf->nsubs; i++)
		if (mf->subs[i])   /* NULL: no longer referred to */
			collect(L, mf->subs[i], me);
}

static int insn_slots(const struct minsn *in)
{
	return is_ld_imm64(in->code) ? 2 : 1;
}

#define COPY_MAX 16 /* instruction slots copied to a far jump */

/* When blocks b..e (in layout order) only end the program, their slots
 * (at most COPY_MAX), with *last = e; else 0.  They end with an exit,
 * their jumps go forward within them, and they neither call nor refer to
 * a subprogram: a copy of them elsewhere runs the same, jump offsets and
 * all. */
static int exit_run_slots(const struct mfunc *mf, int b, int *last)
{
	int n = 0, reach = b;
	for (int k = b; k < mf->nblocks; k++) {
		const struct mblock *bl = &mf->blocks[k];
		for (int i = 0; i < bl->n; i++) {
			const struct minsn *in = &bl->v[i];
			if (in->pseudo == BPF_PSEUDO_FUNC ||
			    (in->code == (BPF_JMP | BPF_CALL) &&
			     in->pseudo == BPF_PSEUDO_CALL))
				return 0;
			if (is_jump(in)) {
				if (in->target <= k)
					return 0;
				if (in->target > reach)
					reach = in->target;
			}
			n += insn_slots(in);
			if (n > COPY_MAX)
				return 0;
		}
		if (bl->n && bl->v[bl->n - 1].code == (BPF_JMP | BPF_EXIT) &&
		    reach <= k) {
			if (last)
				*last = k;
			return n;
		}
	}
	return 0;
}

static int exit_block_slots(const struct mfunc *mf, int b)
{
	return exit_run_slots(mf, b, NULL);
}

/* The opposite condition of a conditional jump's code, or 0. */
static uint8_t inverted(uint8_t code)
{
	static const uint8_t pairs[][2] = {
		{ BPF_JEQ, BPF_JNE }, { BPF_JGT, BPF_JLE }, { BPF_JGE, BPF_JLT },
		{ BPF_JSGT, BPF_JSLE }, { BPF_JSGE, BPF_JSLT },
	};
	for (size_t k = 0; k < ARRAY_SIZE(pairs); k++)
		for (int j = 0; j < 2; j++)
			if (BPF_OP(code) == pairs[k][j])
				return (uint8_t)(code & ~BPF_OP(code)) |
				       pairs[k][!j];
	return 0;
}

/* Where a function's blocks start (relative to its first instruction)
 * and how long it is, the jumps marked in far[] (by instruction, in
 * block order) each taking their target's copy. */
static int lay_out(const struct mfunc *mf, const bool *far, int *start)
{
	int pc = 0, k = 0;
	for (int b = 0; b < mf->nblocks; b++) {
		start[b] = pc;
		for (int i = 0; i < mf->blocks[b].n; i++, k++) {
			const struct minsn *in = &mf->blocks[b].v[i];
			pc += insn_slots(in);
			if (far && far[k])
				pc += exit_block_slots(mf, in->target) -
				      (BPF_OP(in->code) == BPF_JA);
		}
	}
	start[mf->nblocks] = pc;
	return pc;
}

/* Marks in far[] the jumps that need their target copied: those out of
 * range whose target only ends the program and that can be inverted (or
 * are unconditional).  Copies move code, so until nothing changes. */
static void plan_far(const struct mfunc *mf, bool *far, int *start)
{
	for (bool changed = true; changed;) {
		changed = false;
		lay_out(mf, far, start);
		int pc = 0, k = 0;
		for (int b = 0; b < mf->nblocks; b++)
			for (int i = 0; i < mf->blocks[b].n; i++, k++) {
				const struct minsn *in = &mf->blocks[b].v[i];
				int at = pc;
				pc += insn_slots(in);
				if (far[k]) {
					pc += exit_block_slots(mf, in->target) -
					      (BPF_OP(in->code) == BPF_JA);
					continue;
				}
				if (!is_jump(in))
					continue;
				long off = (long)start[in->target] - (at + 1);
				if (off >= INT16_MIN && off <= INT16_MAX)
					continue;
				if (!exit_block_slots(mf, in->target) ||
				    (BPF_OP(in->code) != BPF_JA &&
				     !inverted(in->code)))
					continue;
				far[k] = true;
				changed = true;
			}
	}
}

static int ninsns_of(const struct mfunc *mf)
{
	int n = 0;
	for (int b = 0; b < mf->nblocks; b++)
		n += mf->blocks[b].n;
	return n;
}

/* The function's size in slots with its far jumps' copies; far: a
 * calloc'ed array by instruction (plan_far's marks). */
static int code_size(const struct mfunc *mf, bool **far)
{
	int *start = xcalloc(mf->nblocks + 1, sizeof(int));
	*far = xcalloc(ninsns_of(mf) + 1, sizeof(bool));
	plan_far(mf, *far, start);
	int n = lay_out(mf, *far, start);
	free(start);
	return n;
}

/* A BTF name for a function: a C identifier. */
static const char *c_name(const char *name)
{
	char *s = tt_strdup(name && *name ? name : "prog");
	for (char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_'))
			*p = '_';
	if (*s >= '0' && *s <= '9')
		s = tt_sprintf("_%s", s);
	return s;
}

static const struct srcloc *first_loc(const struct mfunc *mf)
{
	for (int b = 0; b < mf->nblocks; b++)
		for (int i = 0; i < mf->blocks[b].n; i++)
			if (mf->blocks[b].v[i].loc.src)
				return &mf->blocks[b].v[i].loc;
	return NULL;
}

/* Each function's frame plus its callers' must fit the kernel's combined
 * stack limit. */
static int check_chain_stack(const struct layout *L)
{
	for (int k = 1; k < L->fn.n; k++) {
		int total = 0;
		for (int j = k; j >= 0; j = L->parent.v[j]) {
			int d = L->fn.v[j]->stack_size;
			total += (d > 0 ? d + 31 : 32) & ~31;
		}
		if (total > STACK_LIMIT) {
			const struct mfunc *mf = L->fn.v[k];
			diag_error(mf->loc.src ? &mf->loc : first_loc(mf),
				   "BPF stack limit exceeded: this loop body "
				   "and the code around it need %d bytes of "
				   "stack together (limit is %d bytes)", total,
				   STACK_LIMIT);
			return -1;
		}
	}
	return 0;
}

/* Emits block b of function fn at code[pc], a block starting at
 * start[t] + shift (shift: 0, or where a copy is); returns the next pc.  A
 * jump marked in far[] gets a copy of the blocks it jumps to
 * (exit_run_slots), emitted with far NULL. */
static int emit_block(const struct layout *L, int fn, int b, const bool *far,
		      const int *start, int shift, int pc,
		      struct bpf_insn *code, struct srcloc *locs, int *rc)
{
	const struct mfunc *mf = L->fn.v[fn];
	for (int i = 0; i < mf->blocks[b].n; i++) {
		const struct minsn *in = &mf->blocks[b].v[i];
		struct bpf_insn *o = &code[pc];
		o->code = in->code;
		o->dst_reg = in->dst >= 0 ? (uint8_t)in->dst : 0;
		o->src_reg = in->src >= 0 ? (uint8_t)in->src : 0;
		o->off = in->off;
		o->imm = (int32_t)in->imm;
		if (in->code == (BPF_JMP | BPF_CALL))
			o->src_reg = in->pseudo;
		locs[pc] = in->loc;
		if (in->dst >= MIR_NPHYS || in->src >= MIR_NPHYS) {
			diag_error(&in->loc, "internal error: virtual "
				   "register left after allocation");
			*rc = -1;
		}
		if (is_ld_imm64(in->code)) {
			o->src_reg = in->pseudo;
			o[1].imm = (int32_t)((uint64_t)in->imm >> 32);
			if (in->pseudo == BPF_PSEUDO_FUNC) {
				/* the callee's index in L: walk the
				 * preorder to mf->subs[imm] */
				int t = -1;
				for (int k = fn + 1; k < L->fn.n && t < 0; k++)
					if (L->fn.v[k] == mf->subs[in->imm])
						t = k;
				o->imm = L->start.v[t] - (pc + 1);
				o[1].imm = 0;
			}
			locs[pc + 1] = in->loc;
			pc += 2;
			continue;
		}
		if (far && far[i]) {
			/* the target's copy in place: skipped by the
			 * inverted jump, or instead of a JA */
			int last, t = in->target;
			int n = exit_run_slots(mf, t, &last);
			if (BPF_OP(in->code) != BPF_JA) {
				o->code = inverted(in->code);
				o->off = (int16_t)n;
				pc++;
			}
			int at = pc - start[t];
			for (int c = t; c <= last; c++)
				pc = emit_block(L, fn, c, NULL, start, at,
						pc, code, locs, rc);
			continue;
		}
		if (is_jump(in)) {
			long off = (long)start[in->target] + shift - (pc + 1);
			if (off < INT16_MIN || off > INT16_MAX) {
				diag_error(&in->loc,
					   "branch too far: %ld instructions "
					   "(limit is %d)", off, INT16_MAX);
				*rc = -1;
			}
			o->off = (int16_t)off;
		}
		pc++;
	}
	return pc;
}

/* Emits one function at out[pc0..]; fn: the index of mf in L; far: its
 * jumps that take a copy of their target (code_size). */
static int emit_func(const struct layout *L, int fn, const bool *far,
		     struct bpf_insn *code, struct srcloc *locs)
{
	const struct mfunc *mf = L->fn.v[fn];
	int nb = mf->nblocks;
	int *start = xcalloc(nb + 1, sizeof(int));
	int pc0 = L->start.v[fn];
	lay_out(mf, far, start);
	for (int b = 0; b <= nb; b++)
		start[b] += pc0;
	int rc = 0, k = 0;
	for (int b = 0; b < nb; b++) {
		emit_block(L, fn, b, far + k, start, 0, start[b], code, locs,
			   &rc);
		k += mf->blocks[b].n;
	}
	free(start);
	return rc;
}

int emit_run(const struct mfunc *mf, struct bpf_code *out)
{
	struct layout L = { 0 };
	collect(&L, mf, -1);
	int pc = 0;
	bool **far = xcalloc(L.fn.n + 1, sizeof(*far));
	for (int k = 0; k < L.fn.n; k++) {
		vec_push(&L.start, pc);
		pc += code_size(L.fn.v[k], &far[k]);
	}
	struct bpf_insn *code = xcalloc(pc + 1, sizeof(*code));
	struct srcloc *locs = xcalloc(pc + 1, sizeof(*locs));
	int rc = check_chain_stack(&L);
	for (int k = 0; k < L.fn.n; k++) {
		if (emit_func(&L, k, far[k], code, locs) < 0)
			rc = -1;
		free(far[k]);
	}
	free(far);
	out->insns = code;
	out->ninsns = pc;
	out->locs = locs;
	out->nfuncs = 0;
	out->func_start = NULL;
	out->func_name = NULL;
	if (L.fn.n > 1) {
		out->nfuncs = L.fn.n;
		out->func_start = tt_alloc(L.fn.n * sizeof(int));
		out->func_name = tt_alloc(L.fn.n * sizeof(char *));
		for (int k = 0; k < L.fn.n; k++) {
			out->func_start[k] = L.start.v[k];
			out->func_name[k] = c_name(L.fn.v[k]->name);
		}
	}
	vec_free(&L.fn);
	vec_free(&L.parent);
	vec_free(&L.start);
	return rc;
}

/* The text of a location's source line, without surrounding blanks. */
static void put_line(FILE *out, const struct srcloc *loc)
{
	const char *p = loc->src->text, *end = p + loc->src->len;
	for (int l = 1; l < loc->line && p < end; p++)
		if (*p == '\n')
			l++;
	const char *e = p;
	while (e < end && *e != '\n')
		e++;
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	fprintf(out, "; %.*s\n", (int)(e - p), p);
}

/* The function starting at pc, or -1. */
static int func_at(const struct bpf_code *code, int pc)
{
	for (int k = 0; k < code->nfuncs; k++)
		if (code->func_start[k] == pc)
			return k;
	return -1;
}

void emit_dump(FILE *out, const struct bpf_code *code)
{
	struct strbuf sb = { 0 };
	const struct srcloc *last = NULL;
	for (int pc = 0; pc < code->ninsns; pc++) {
		const struct bpf_insn *b = &code->insns[pc];
		int fk = pc ? func_at(code, pc) : -1;
		if (fk > 0) {
			fprintf(out, "%s:\n", code->func_name[fk]);
			last = NULL;
		}
		if (code->locs && code->locs[pc].src &&
		    (!last || last->src != code->locs[pc].src ||
		     last->line != code->locs[pc].line)) {
			last = &code->locs[pc];
			put_line(out, last);
		}
		struct minsn in = { .code = b->code, .dst = b->dst_reg,
				    .src = b->src_reg, .off = b->off,
				    .imm = b->imm };
		bool wide = is_ld_imm64(b->code) && pc + 1 < code->ninsns;
		if (b->code == (BPF_JMP | BPF_CALL))
			in.pseudo = b->src_reg, in.src = -1;
		if (wide) {
			in.pseudo = b->src_reg;
			in.imm = (int64_t)(((uint64_t)(uint32_t)code->insns[pc + 1].imm << 32) |
					   (uint32_t)b->imm);
		}
		sb.len = 0;
		mir_format(&sb, &in, true, b->off);
		if (wide && b->src_reg == BPF_PSEUDO_FUNC &&
		    (fk = func_at(code, pc + 1 + b->imm)) >= 0) {
			sb.len = 0;
			sb_printf(&sb, "r%d = %s ll", b->dst_reg,
				  code->func_name[fk]);
		}
		fprintf(out, "%4d: (%02x) %.*s\n", pc, b->code, (int)sb.len, sb.s);
		if (wide)
			pc++;
	}
	sb_free(&sb);
}
