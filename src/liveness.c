/* liveness.c — per block live-in/live-out of virtual registers and slots.
 *
 * Takes: an ir_func with ir_cfg() done.  Produces: struct liveness (heap,
 * live_free).  Registers: classic backward dataflow to a fixed point.
 * Slots (DESIGN.md invariant 1): every operand naming a slot is a use at
 * that instruction — loads, stores, addresses passed to helpers, MOV of the
 * address, MEMCPY/MEMZERO — except that a write covering the whole slot
 * kills it (nothing older can be read afterwards).  That backward set is
 * intersected with the forward "named on some path from the entry" set, so
 * a slot is live from its first access to its last use on every path, and
 * around loop back edges.  In a subprogram, alias slots (the caller's
 * variables, ir.h) are live everywhere: the caller reads them after the
 * call, so no write to them is dead.
 * requires: ir_cfg().  invalidated by: any change to the IR. */
#include "liveness.h"

#include <string.h>

/* ---- bit sets ---- */

static int nwords(int nbits) { return (nbits + 63) / 64; }

struct bitset bitset_new(int nbits)
{
	struct bitset s = { .nbits = nbits };
	s.w = xcalloc(nwords(nbits) + 1, sizeof(uint64_t));
	return s;
}

void bitset_free(struct bitset *s)
{
	free(s->w);
	s->w = NULL;
}

bool bitset_test(const struct bitset *s, int i)
{
	return i >= 0 && i < s->nbits && (s->w[i / 64] >> (i % 64)) & 1;
}

void bitset_set(struct bitset *s, int i) { s->w[i / 64] |= 1ull << (i % 64); }
void bitset_clear(struct bitset *s, int i) { s->w[i / 64] &= ~(1ull << (i % 64)); }

static void bs_copy(struct bitset *d, const struct bitset *s)
{
	memcpy(d->w, s->w, nwords(s->nbits) * sizeof(uint64_t));
}

/* d |= s; returns whether d changed. */
static bool bs_or(struct bitset *d, const struct bitset *s)
{
	bool changed = false;
	for (int i = 0; i < nwords(d->nbits); i++) {
		uint64_t n = d->w[i] | s->w[i];
		changed |= n != d->w[i];
		d->w[i] = n;
	}
	return changed;
}

static void bs_and(struct bitset *d, const struct bitset *s)
{
	for (int i = 0; i < nwords(d->nbits); i++)
		d->w[i] &= s->w[i];
}

static bool bs_eq(const struct bitset *a, const struct bitset *b)
{
	return !memcmp(a->w, b->w, nwords(a->nbits) * sizeof(uint64_t));
}

/* ---- per instruction ---- */

static void add_use(struct insn_effect *e, int r)
{
	for (int i = 0; i < e->nuses; i++)
		if (e->uses[i] == r)
			return;
	if (e->nuses < (int)ARRAY_SIZE(e->uses))
		e->uses[e->nuses++] = r;
}

static void add_slot(struct insn_effect *e, int s)
{
	for (int i = 0; i < e->nslots; i++)
		if (e->slots[i] == s)
			return;
	e->slots[e->nslots++] = s;
}

void live_insn_effect(const struct ir_func *f, const struct ir_insn *in,
		      struct insn_effect *e)
{
	memset(e, 0, sizeof(*e));
	e->def = ir_insn_has_dst(in) ? in->dst : -1;
	e->kill_slot = -1;
	int n = ir_insn_nrefs(in);
	for (int i = 0; i < n; i++) {
		const struct ref *r = &in->arg[i];
		if (r->kind == REF_REG) {
			add_use(e, r->reg);
		} else if (r->kind == REF_SLOT) {
			const struct ir_slot *sl = &f->slots[r->slot];
			add_slot(e, r->slot);
			if (sl->space == SPACE_SCRATCH && f->scratch_reg >= 0)
				add_use(e, f->scratch_reg);
			else if (sl->up && sl->space == SPACE_STACK &&
				 f->frame_reg[sl->up] >= 0)
				add_use(e, f->frame_reg[sl->up]);
		}
	}
	if (in->op == IR_SCRATCHBASE && f->scratch_reg >= 0)
		add_use(e, f->scratch_reg);
	/* A write covering the whole destination slot kills it. */
	const struct ref *a = &in->arg[0];
	if ((in->op == IR_STORE || in->op == IR_MEMZERO || in->op == IR_MEMCPY) &&
	    a->kind == REF_SLOT && a->off + in->off == 0 &&
	    in->size == f->slots[a->slot].size &&
	    !(in->op == IR_MEMCPY && in->arg[1].kind == REF_SLOT &&
	      in->arg[1].slot == a->slot))
		e->kill_slot = a->slot;
}

/* ---- the analysis ---- */

/* Alias slots are always live (see the header comment). */
static void set_aliases(const struct ir_func *f, struct bitset *s)
{
	for (int i = 0; i < f->nslots; i++)
		if (f->slots[i].up)
			bitset_set(s, i);
}

struct liveness *live_compute(const struct ir_func *f)
{
	int nb = f->nblocks, nr = f->nregs, ns = f->nslots;
	struct liveness *lv = xcalloc(1, sizeof(*lv));
	lv->f = f;
	lv->b = xcalloc(nb ? nb : 1, sizeof(*lv->b));
	/* Per block summaries: gen (read before any write in the block) and
	 * kill (written). */
	struct bitset *rgen = xcalloc(nb + 1, sizeof(*rgen));
	struct bitset *rkill = xcalloc(nb + 1, sizeof(*rkill));
	struct bitset *sgen = xcalloc(nb + 1, sizeof(*sgen));
	struct bitset *skill = xcalloc(nb + 1, sizeof(*skill));
	struct bitset *named = xcalloc(nb + 1, sizeof(*named));
	for (int b = 0; b < nb; b++) {
		struct block_live *bl = &lv->b[b];
		bl->reg_in = bitset_new(nr);
		bl->reg_out = bitset_new(nr);
		bl->slot_in = bitset_new(ns);
		bl->slot_out = bitset_new(ns);
		bl->touched_in = bitset_new(ns);
		rgen[b] = bitset_new(nr);
		rkill[b] = bitset_new(nr);
		sgen[b] = bitset_new(ns);
		skill[b] = bitset_new(ns);
		named[b] = bitset_new(ns);
		const struct ir_block *blk = f->blocks[b];
		/* Backwards: gen = (gen - def) | use. */
		for (int i = blk->ninsns - 1; i >= 0; i--) {
			struct insn_effect e;
			live_insn_effect(f, &blk->insns[i], &e);
			if (e.def >= 0) {
				bitset_clear(&rgen[b], e.def);
				bitset_set(&rkill[b], e.def);
			}
			for (int k = 0; k < e.nuses; k++)
				bitset_set(&rgen[b], e.uses[k]);
			for (int k = 0; k < e.nslots; k++) {
				bitset_set(&named[b], e.slots[k]);
				if (e.slots[k] == e.kill_slot) {
					bitset_clear(&sgen[b], e.kill_slot);
					bitset_set(&skill[b], e.kill_slot);
				} else {
					bitset_set(&sgen[b], e.slots[k]);
				}
			}
		}
	}

	/* Forward: touched_in = union of preds' (touched_in | named). */
	struct bitset tmp_s = bitset_new(ns);
	for (bool changed = true; changed;) {
		changed = false;
		for (int b = 0; b < nb; b++) {
			const struct ir_block *blk = f->blocks[b];
			for (int k = 0; k < blk->npreds; k++) {
				int p = blk->preds[k];
				bs_copy(&tmp_s, &lv->b[p].touched_in);
				bs_or(&tmp_s, &named[p]);
				changed |= bs_or(&lv->b[b].touched_in, &tmp_s);
			}
		}
	}

	/* Backward: out = union of succs' in; in = gen | (out - kill).
	 * Slots first without the touched intersection. */
	struct bitset tmp_r = bitset_new(nr);
	for (bool changed = true; changed;) {
		changed = false;
		for (int b = nb - 1; b >= 0; b--) {
			struct block_live *bl = &lv->b[b];
			const struct ir_block *blk = f->blocks[b];
			for (int k = 0; k < blk->nsucc; k++) {
				bs_or(&bl->reg_out, &lv->b[blk->succ[k]].reg_in);
				bs_or(&bl->slot_out, &lv->b[blk->succ[k]].slot_in);
			}
			bs_copy(&tmp_r, &bl->reg_out);
			for (int i = 0; i < nwords(nr); i++)
				tmp_r.w[i] = (tmp_r.w[i] & ~rkill[b].w[i]) | rgen[b].w[i];
			if (!bs_eq(&tmp_r, &bl->reg_in)) {
				bs_copy(&bl->reg_in, &tmp_r);
				changed = true;
			}
			bs_copy(&tmp_s, &bl->slot_out);
			for (int i = 0; i < nwords(ns); i++)
				tmp_s.w[i] = (tmp_s.w[i] & ~skill[b].w[i]) | sgen[b].w[i];
			if (!bs_eq(&tmp_s, &bl->slot_in)) {
				bs_copy(&bl->slot_in, &tmp_s);
				changed = true;
			}
		}
	}

	/* Intersect: in with touched_in (a slot used in this block is named
	 * in it, so it is not lost), out with touched_in | named. */
	for (int b = 0; b < nb; b++) {
		struct block_live *bl = &lv->b[b];
		bs_copy(&tmp_s, &bl->touched_in);
		bs_and(&bl->slot_in, &tmp_s);
		bs_or(&tmp_s, &named[b]);
		bs_and(&bl->slot_out, &tmp_s);
		set_aliases(f, &bl->slot_in);
		set_aliases(f, &bl->slot_out);
		set_aliases(f, &bl->touched_in);
	}

	for (int b = 0; b < nb; b++) {
		bitset_free(&rgen[b]);
		bitset_free(&rkill[b]);
		bitset_free(&sgen[b]);
		bitset_free(&skill[b]);
		bitset_free(&named[b]);
	}
	free(rgen);
	free(rkill);
	free(sgen);
	free(skill);
	free(named);
	bitset_free(&tmp_r);
	bitset_free(&tmp_s);
	return lv;
}

void live_free(struct liveness *lv)
{
	if (!lv)
		return;
	for (int b = 0; b < lv->f->nblocks; b++) {
		bitset_free(&lv->b[b].reg_in);
		bitset_free(&lv->b[b].reg_out);
		bitset_free(&lv->b[b].slot_in);
		bitset_free(&lv->b[b].slot_out);
		bitset_free(&lv->b[b].touched_in);
	}
	free(lv->b);
	free(lv);
}

void live_walk_block(const struct liveness *lv, int b, live_walk_fn *fn,
		     void *ctx)
{
	const struct ir_func *f = lv->f;
	const struct ir_block *blk = f->blocks[b];
	struct bitset regs = bitset_new(f->nregs);
	struct bitset slots = bitset_new(f->nslots);
	/* first[s]: index of the first instruction in b naming slot s. */
	int *first = xmalloc((f->nslots + 1) * sizeof(int));
	for (int s = 0; s < f->nslots; s++)
		first[s] = bitset_test(&lv->b[b].touched_in, s) ? -1 : blk->ninsns;
	for (int i = 0; i < blk->ninsns; i++) {
		struct insn_effect e;
		live_insn_effect(f, &blk->insns[i], &e);
		for (int k = 0; k < e.nslots; k++)
			if (first[e.slots[k]] > i)
				first[e.slots[k]] = i;
	}
	bs_copy(&regs, &lv->b[b].reg_out);
	bs_copy(&slots, &lv->b[b].slot_out);
	for (int i = blk->ninsns - 1; i >= 0; i--) {
		fn(ctx, b, i, &regs, &slots);
		struct insn_effect e;
		live_insn_effect(f, &blk->insns[i], &e);
		if (e.def >= 0)
			bitset_clear(&regs, e.def);
		for (int k = 0; k < e.nuses; k++)
			bitset_set(&regs, e.uses[k]);
		for (int k = 0; k < e.nslots; k++)
			if (e.slots[k] == e.kill_slot)
				bitset_clear(&slots, e.slots[k]);
			else
				bitset_set(&slots, e.slots[k]);
		/* Before insn i only slots touched before i stay live. */
		for (int s = 0; s < f->nslots; s++)
			if (first[s] >= i)
				bitset_clear(&slots, s);
		set_aliases(f, &slots);
	}
	free(first);
	bitset_free(&regs);
	bitset_free(&slots);
}

static void dump_set(FILE *out, const char *what, const struct bitset *s,
		     char prefix)
{
	fprintf(out, " %s {", what);
	bool sep = false;
	for (int i = 0; i < s->nbits; i++)
		if (bitset_test(s, i)) {
			fprintf(out, "%s%c%d", sep ? " " : "", prefix, i);
			sep = true;
		}
	fputc('}', out);
}

void live_dump(FILE *out, const struct liveness *lv)
{
	fprintf(out, "func %s\n", lv->f->name);
	for (int b = 0; b < lv->f->nblocks; b++) {
		const struct block_live *bl = &lv->b[b];
		fprintf(out, "b%d: in", b);
		dump_set(out, "regs", &bl->reg_in, '%');
		dump_set(out, "slots", &bl->slot_in, 's');
		fputs(" out", out);
		dump_set(out, "regs", &bl->reg_out, '%');
		dump_set(out, "slots", &bl->slot_out, 's');
		fputc('\n', out);
	}
	/* subprograms follow, each with its own liveness */
	for (int i = 0; i < lv->f->nsubs; i++) {
		struct liveness *sub = live_compute(lv->f->subs[i]);
		live_dump(out, sub);
		live_free(sub);
	}
}
