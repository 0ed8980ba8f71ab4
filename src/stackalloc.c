/* stackalloc.c — slots -> offsets in their space.
 *
 * Takes: an ir_func and its liveness.  Produces: slot->offset for every
 * slot (SPACE_STACK: negative, from r10; SPACE_SCRATCH: from the scratch
 * base), f->stack_size and f->scratch_size.
 *
 * Two slots interfere when both are occupied at one instruction: named by
 * it, or live after it (so "defined here while the other is live" counts).
 * Slots are placed largest first at the first aligned position that
 * overlaps no interfering slot already placed; slots whose live ranges
 * never meet share bytes.
 *
 * Subprograms (ir.h) come after their parent, each with its own liveness
 * and frame: an alias slot takes the offset of the slot it names, and a
 * subprogram's own scratch slots start after the parent's scratch slots
 * occupied where the helper that runs it is called (scratch_base).
 * requires: live_compute() on the current IR. */
#include "stackalloc.h"

#include <string.h>

#define BPF_STACK_LIMIT 512

struct interf {
	const struct ir_func *f;
	unsigned char *m;   /* nslots x nslots */
	unsigned char *at_call; /* nsubs x nslots: occupied where fn<i> is
				   called (all slots: named elsewhere) */
};

static void occupied_at(void *ctx, int b, int i, const struct bitset *regs,
			const struct bitset *slots)
{
	(void)regs;
	struct interf *g = ctx;
	const struct ir_func *f = g->f;
	int ns = f->nslots;
	int *occ = xmalloc((ns + 5) * sizeof(int)), n = 0;
	for (int s = 0; s < ns; s++)
		if (bitset_test(slots, s))
			occ[n++] = s;
	struct insn_effect e;
	live_insn_effect(f, &f->blocks[b]->insns[i], &e);
	for (int k = 0; k < e.nslots; k++)
		if (!bitset_test(slots, e.slots[k]))
			occ[n++] = e.slots[k];
	for (int x = 0; x < n; x++)
		for (int y = 0; y < n; y++)
			g->m[occ[x] * ns + occ[y]] = 1;
	/* what a subprogram run by this instruction must not overwrite */
	const struct ir_insn *in = &f->blocks[b]->insns[i];
	for (int k = 0; k < ir_insn_nrefs(in); k++) {
		const struct ref *r = &in->arg[k];
		if (r->kind != REF_FUNC || r->func < 0 || r->func >= f->nsubs)
			continue;
		unsigned char *row = &g->at_call[r->func * ns];
		if (in->op != IR_CALL)
			memset(row, 1, ns);
		for (int x = 0; x < n; x++)
			row[occ[x]] = 1;
	}
	free(occ);
}

/* Alignment a slot gets: its own, at least its natural one up to 8 (the
 * verifier wants stack accesses aligned to their size). */
static int slot_align(const struct ir_slot *s)
{
	int a = s->align > 0 ? s->align : 1;
	int nat = s->size >= 8 ? 8 : s->size >= 4 ? 4 : s->size >= 2 ? 2 : 1;
	if (nat > a)
		a = nat;
	return a;
}

/* Where to blame a slot: its own loc, else the first instruction naming
 * it, else the first instruction of the function that has a location. */
static const struct srcloc *slot_loc(const struct ir_func *f, int s)
{
	if (f->slots[s].loc.src)
		return &f->slots[s].loc;
	const struct srcloc *any = NULL;
	for (int b = 0; b < f->nblocks; b++)
		for (int i = 0; i < f->blocks[b]->ninsns; i++) {
			const struct ir_insn *in = &f->blocks[b]->insns[i];
			if (!in->loc.src)
				continue;
			if (!any)
				any = &in->loc;
			for (int k = 0; k < ir_insn_nrefs(in); k++)
				if (in->arg[k].kind == REF_SLOT &&
				    in->arg[k].slot == s)
					return &in->loc;
		}
	return any;
}

static const struct ir_slot *by_size_slots;
static int by_size_desc(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	int sx = by_size_slots[x].size, sy = by_size_slots[y].size;
	if (sx != sy)
		return sy - sx;
	return x - y;
}

/* Place every slot of one space (slots in `order`, largest first); returns
 * the bytes used.  Scratch slots grow up from 0; stack slots grow down from
 * r10 (a slot at depth d occupies [-d, -d + size)). */
static int place_space(struct ir_func *f, const unsigned char *m,
		       enum slot_space sp, int *order, int norder)
{
	int ns = f->nslots, used = 0;
	for (int oi = 0; oi < norder; oi++) {
		int s = order[oi];
		struct ir_slot *sl = &f->slots[s];
		int size = sl->size, align = slot_align(sl);
		if (size <= 0) {
			sl->offset = 0;
			continue;
		}
		/* Candidate positions: 0 and just past each interfering
		 * placed slot.  For the stack a position is a depth: the
		 * slot occupies [-(depth), -(depth) + size). */
		int best = -1;
		for (int c = -1; c < oi; c++) {
			int start;
			if (c < 0)
				start = 0;
			else {
				int t = order[c];
				if (!m[s * ns + t] || f->slots[t].size <= 0)
					continue;
				start = sp == SPACE_STACK ? -f->slots[t].offset
							  : f->slots[t].offset + f->slots[t].size;
			}
			int lo, hi; /* byte range in "position" terms */
			if (sp == SPACE_STACK) {
				/* depth d: bytes [-d, -d+size); need d >= start+size */
				int d = start + size;
				d = (d + align - 1) / align * align;
				lo = -d;
				hi = -d + size;
			} else {
				lo = (start + align - 1) / align * align;
				hi = lo + size;
			}
			bool ok = true;
			for (int k = 0; k < oi && ok; k++) {
				int t = order[k];
				if (!m[s * ns + t] || f->slots[t].size <= 0)
					continue;
				int tlo = f->slots[t].offset, thi = tlo + f->slots[t].size;
				if (lo < thi && tlo < hi)
					ok = false;
			}
			if (!ok)
				continue;
			/* Prefer the position closest to r10 / the base. */
			if (best == -1 || (sp == SPACE_STACK ? lo > best : lo < best))
				best = lo;
		}
		sl->offset = best;
		int extent = sp == SPACE_STACK ? -best : best + size;
		if (extent > used)
			used = extent;
	}
	return used;
}

int stack_alloc(struct ir_func *f, const struct liveness *lv)
{
	int ns = f->nslots;
	struct interf g = { .f = f, .m = xcalloc((size_t)ns * ns + 1, 1),
			    .at_call = xcalloc((size_t)f->nsubs * ns + 1, 1) };
	for (int b = 0; b < f->nblocks; b++)
		live_walk_block(lv, b, occupied_at, &g);

	int *order = xmalloc((ns + 1) * sizeof(int));
	int rc = 0;
	f->scratch_base = f->parent ? f->scratch_base : 0;
	for (int sp = SPACE_STACK; sp <= SPACE_SCRATCH; sp++) {
		int n = 0;
		for (int s = 0; s < ns; s++)
			if ((int)f->slots[s].space == sp && !f->slots[s].up)
				order[n++] = s;
		by_size_slots = f->slots;
		qsort(order, n, sizeof(int), by_size_desc);
		int used = place_space(f, g.m, sp, order, n);
		used = (used + 7) & ~7;
		if (sp == SPACE_STACK) {
			f->stack_size = used;
			if (used > BPF_STACK_LIMIT) {
				/* Blame the slot reaching deepest. */
				int worst = order[0];
				for (int k = 0; k < n; k++)
					if (f->slots[order[k]].offset <
					    f->slots[worst].offset)
						worst = order[k];
				diag_error(slot_loc(f, worst),
					   "BPF stack limit exceeded: %d bytes "
					   "needed (limit is %d bytes)",
					   used, BPF_STACK_LIMIT);
				rc = -1;
			}
		} else {
			for (int k = 0; k < n; k++)
				if (f->slots[order[k]].size > 0)
					f->slots[order[k]].offset += f->scratch_base;
			f->scratch_size = used ? f->scratch_base + used : f->scratch_base;
		}
	}
	free(order);
	free(g.m);
	/* aliases: the offset of the ancestor's slot (placed already) */
	for (int s = 0; s < ns; s++) {
		struct ir_slot *sl = &f->slots[s];
		if (sl->up)
			sl->offset = ir_ancestor(f, sl->up)->slots[sl->target].offset;
	}
	for (int i = 0; i < f->nsubs && !rc; i++) {
		struct ir_func *sub = f->subs[i];
		int base = f->scratch_base;
		for (int s = 0; s < ns; s++) {
			const struct ir_slot *sl = &f->slots[s];
			if (g.at_call[i * ns + s] && sl->space == SPACE_SCRATCH &&
			    sl->offset + sl->size > base)
				base = sl->offset + sl->size;
		}
		sub->scratch_base = (base + 7) & ~7;
		struct liveness *slv = live_compute(sub);
		rc = stack_alloc(sub, slv);
		live_free(slv);
		if (sub->scratch_size > f->scratch_size)
			f->scratch_size = sub->scratch_size;
	}
	free(g.at_call);
	return rc;
}

void stack_dump(FILE *out, const struct ir_func *f)
{
	fprintf(out, "func %s stack %d scratch %d\n", f->name, f->stack_size,
		f->scratch_size);
	for (int s = 0; s < f->nslots; s++) {
		const struct ir_slot *sl = &f->slots[s];
		fprintf(out, "s%d %s size %d %s %d\n", s,
			sl->name ? sl->name : "-", sl->size,
			sl->space == SPACE_SCRATCH ? "scratch" : "offset",
			sl->offset);
	}
	for (int i = 0; i < f->nsubs; i++)
		stack_dump(out, f->subs[i]);
}
