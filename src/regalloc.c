/* regalloc.c — register allocation: virtual registers -> r0..r9.
 *
 * Takes: a struct mfunc from isel (virtual registers, physical r0..r5 at
 * calls, r1 at entry, r0 at exit, r10 as frame pointer).  Produces: the same
 * code on physical registers, with spill code where needed and the moves
 * that coalescing made redundant removed.
 *
 * Graph colouring (Chaitin-Briggs), one round at a time:
 *   1. liveness on the machine code (physical registers included);
 *   2. interference: a register written by an instruction interferes with
 *      everything live after it (for a move, except its source); a helper
 *      call writes r0..r5, so whatever is live across a call can only get
 *      r6..r9;
 *   3. coalescing of moves (Briggs' test between virtual registers,
 *      George's test against a physical one), so "v = r0" after a call and
 *      "r1 = v" before one usually vanish;
 *   4. simplify / optimistic select, preferring a move partner's colour;
 *   5. registers left without a colour get an 8-byte stack slot: a load
 *      before each use, a store after each def, through short-lived
 *      registers that are never spilled again; then another round.
 * The target is the data in mir.h (MIR_NALLOC, MIR_CALL_CLOBBERS, ...).
 * Subprograms (mf->subs) are allocated after their caller, each on its
 * own (a BPF subprogram has its own registers and frame).
 * requires: isel_run().  Fails only on the 512-byte stack limit. */
#include "regalloc.h"

#include <string.h>

#include "mir.h"

#define BPF_STACK_LIMIT 512
#define MAX_ROUNDS 32

/* Colour preference for a new value: caller-saved first, r6..r9 last so
 * they stay free for values that live across calls. */
static const int color_order[MIR_NALLOC] = { 1, 2, 3, 4, 5, 0, 6, 7, 8, 9 };

struct ra {
	struct mfunc *mf;
	int n;                 /* registers */
	/* The interference graph: a hash set of edges for the test, and
	 * each register's neighbours as a list (every edge once), so the
	 * work is proportional to the edges, not to n * n. */
	uint64_t *eset;        /* edge keys (a << 32 | b, a < b); 0 empty */
	size_t ecap, nedges;   /* ecap a power of two */
	int **nb;              /* neighbours of r (any register, root or not) */
	int *nnb, *capnb;
	int *alias;            /* coalesced into (union-find) */
	int *color;            /* -1 none */
	int *occ;              /* occurrences (spill cost) */
	bool *present;         /* appears in the code */
	int *deg;              /* roots: number of adjacent roots */
	struct minsn **moves;  /* the register moves, in program order */
	int nmoves;
};

static bool is_virt(int r) { return r >= MIR_NPHYS; }

static size_t edge_slot(const struct ra *A, uint64_t key)
{
	uint64_t h = key * 0x9e3779b97f4a7c15ull;
	return (size_t)(h >> 32) & (A->ecap - 1);
}

static uint64_t edge_key(int a, int b)
{
	return a < b ? (uint64_t)a << 32 | (uint32_t)b
		     : (uint64_t)b << 32 | (uint32_t)a;
}

static bool adj_test(struct ra *A, int a, int b)
{
	if (a == b || !A->nedges)
		return false;
	uint64_t key = edge_key(a, b);
	for (size_t i = edge_slot(A, key);; i = (i + 1) & (A->ecap - 1)) {
		if (A->eset[i] == key)
			return true;
		if (!A->eset[i])
			return false;
	}
}

static void edge_put(struct ra *A, uint64_t key)
{
	size_t i = edge_slot(A, key);
	while (A->eset[i])
		i = (i + 1) & (A->ecap - 1);
	A->eset[i] = key;
}

static void nb_push(struct ra *A, int a, int b)
{
	if (A->nnb[a] == A->capnb[a]) {
		A->capnb[a] = A->capnb[a] ? 2 * A->capnb[a] : 4;
		A->nb[a] = xrealloc(A->nb[a], A->capnb[a] * sizeof(int));
	}
	A->nb[a][A->nnb[a]++] = b;
}

static void adj_add(struct ra *A, int a, int b)
{
	if (a == b || a == MIR_FP || b == MIR_FP || adj_test(A, a, b))
		return;
	if (2 * (A->nedges + 1) > A->ecap) {
		uint64_t *old = A->eset;
		size_t oldcap = A->ecap;
		A->ecap = oldcap ? 2 * oldcap : 64;
		A->eset = xcalloc(A->ecap, sizeof(uint64_t));
		for (size_t i = 0; i < oldcap; i++)
			if (old[i])
				edge_put(A, old[i]);
		free(old);
	}
	/* a key is never 0: a != b, so the larger one is at least 1 */
	edge_put(A, edge_key(a, b));
	A->nedges++;
	nb_push(A, a, b);
	nb_push(A, b, a);
}

static int find(struct ra *A, int r)
{
	while (A->alias[r] != r)
		r = A->alias[r] = A->alias[A->alias[r]];
	return r;
}

/* ---- liveness on machine code ---- */

struct mlive {
	uint64_t **in, **out;
	int words;
};

static void bs_set(uint64_t *w, int i) { w[i / 64] |= 1ull << (i % 64); }
static void bs_clr(uint64_t *w, int i) { w[i / 64] &= ~(1ull << (i % 64)); }

static void mlive_compute(struct mfunc *mf, struct mlive *L)
{
	int nb = mf->nblocks, words = (mf->nregs + 63) / 64;
	L->words = words;
	L->in = xcalloc(nb + 1, sizeof(*L->in));
	L->out = xcalloc(nb + 1, sizeof(*L->out));
	uint64_t **gen = xcalloc(nb + 1, sizeof(*gen));
	uint64_t **kill = xcalloc(nb + 1, sizeof(*kill));
	for (int b = 0; b < nb; b++) {
		L->in[b] = xcalloc(words, 8);
		L->out[b] = xcalloc(words, 8);
		gen[b] = xcalloc(words, 8);
		kill[b] = xcalloc(words, 8);
		struct mblock *bl = &mf->blocks[b];
		for (int i = bl->n - 1; i >= 0; i--) {
			struct mir_effect e;
			mir_effect(&bl->v[i], &e);
			for (int k = 0; k < e.ndefs; k++) {
				bs_clr(gen[b], e.defs[k]);
				bs_set(kill[b], e.defs[k]);
			}
			for (int k = 0; k < e.nuses; k++)
				bs_set(gen[b], e.uses[k]);
		}
	}
	uint64_t *t = xcalloc(words, 8);
	for (bool changed = true; changed;) {
		changed = false;
		for (int b = nb - 1; b >= 0; b--) {
			int succ[2], ns = mir_succs(mf, b, succ);
			for (int k = 0; k < ns; k++)
				for (int w = 0; w < words; w++)
					L->out[b][w] |= L->in[succ[k]][w];
			for (int w = 0; w < words; w++) {
				t[w] = gen[b][w] | (L->out[b][w] & ~kill[b][w]);
				if (t[w] != L->in[b][w]) {
					L->in[b][w] = t[w];
					changed = true;
				}
			}
		}
	}
	free(t);
	for (int b = 0; b < nb; b++) {
		free(gen[b]);
		free(kill[b]);
	}
	free(gen);
	free(kill);
}

static void mlive_free(struct mfunc *mf, struct mlive *L)
{
	for (int b = 0; b < mf->nblocks; b++) {
		free(L->in[b]);
		free(L->out[b]);
	}
	free(L->in);
	free(L->out);
}

/* ---- interference ---- */

static void build(struct ra *A)
{
	struct mfunc *mf = A->mf;
	struct mlive L;
	mlive_compute(mf, &L);
	uint64_t *live = xcalloc(L.words, 8);
	for (int b = 0; b < mf->nblocks; b++) {
		struct mblock *bl = &mf->blocks[b];
		memcpy(live, L.out[b], L.words * 8);
		for (int i = bl->n - 1; i >= 0; i--) {
			struct minsn *in = &bl->v[i];
			struct mir_effect e;
			mir_effect(in, &e);
			bool mv = mir_is_move(in);
			if (mv)
				bs_clr(live, in->src);
			for (int k = 0; k < e.ndefs; k++) {
				int d = e.defs[k];
				for (int w = 0; w < L.words; w++)
					for (uint64_t bits = live[w]; bits; bits &= bits - 1) {
						int r = w * 64 + __builtin_ctzll(bits);
						adj_add(A, d, r);
					}
			}
			for (int k = 0; k < e.ndefs; k++)
				bs_clr(live, e.defs[k]);
			for (int k = 0; k < e.nuses; k++)
				bs_set(live, e.uses[k]);
			for (int k = 0; k < e.ndefs; k++)
				A->occ[e.defs[k]]++, A->present[e.defs[k]] = true;
			for (int k = 0; k < e.nuses; k++)
				A->occ[e.uses[k]]++, A->present[e.uses[k]] = true;
		}
	}
	free(live);
	mlive_free(mf, &L);
}

/* Degree of root r counting only roots (merged nodes appear once: a root
 * that took in a neighbour of r was given its own edge to r). */
static int degree(struct ra *A, int r)
{
	int d = 0;
	for (int k = 0; k < A->nnb[r]; k++)
		d += find(A, A->nb[r][k]) == A->nb[r][k];
	return d;
}

/* Merge root b into root a (a keeps its identity, e.g. a physical
 * register), keeping the degrees of roots right. */
static void merge(struct ra *A, int a, int b)
{
	A->alias[b] = a;
	for (int k = 0; k < A->nnb[b]; k++) {
		int t = A->nb[b][k];
		if (t == a || find(A, t) != t)
			continue;
		if (!adj_test(A, a, t)) {
			adj_add(A, a, t);
			A->deg[a]++;
		} else {
			A->deg[t]--;
		}
	}
	A->occ[a] += A->occ[b];
	A->mf->nospill[a] |= A->mf->nospill[b];
}

static bool significant(struct ra *A, int t)
{
	return !is_virt(t) || A->deg[t] >= MIR_NALLOC;
}

/* Briggs: the merged node has fewer than K significant neighbours. */
static bool briggs_ok(struct ra *A, int a, int b)
{
	int k = 0;
	for (int i = 0; i < A->nnb[a] && k < MIR_NALLOC; i++) {
		int t = A->nb[a][i];
		k += find(A, t) == t && significant(A, t);
	}
	for (int i = 0; i < A->nnb[b] && k < MIR_NALLOC; i++) {
		int t = A->nb[b][i];
		k += find(A, t) == t && !adj_test(A, a, t) && significant(A, t);
	}
	return k < MIR_NALLOC;
}

/* George: every neighbour of v already interferes with p or is
 * insignificant (physical neighbours have other colours anyway). */
static bool george_ok(struct ra *A, int p, int v)
{
	for (int i = 0; i < A->nnb[v]; i++) {
		int t = A->nb[v][i];
		if (find(A, t) == t && is_virt(t) && !adj_test(A, t, p) &&
		    A->deg[t] >= MIR_NALLOC)
			return false;
	}
	return true;
}

static void coalesce(struct ra *A)
{
	struct mfunc *mf = A->mf;
	for (bool changed = true; changed;) {
		changed = false;
		for (int m = 0; m < A->nmoves; m++) {
			struct minsn *in = A->moves[m];
			int x = find(A, in->dst), y = find(A, in->src);
			if (x == y || x == MIR_FP || y == MIR_FP)
				continue;
			if (!is_virt(x) && !is_virt(y))
				continue;
			if (adj_test(A, x, y))
				continue;
			if (!is_virt(y) || (is_virt(x) && mf->nospill[y])) {
				int t = x;
				x = y;
				y = t;
			}
			/* now y is virtual; x physical or virtual */
			if (!is_virt(x)) {
				if (!george_ok(A, x, y))
					continue;
			} else {
				if (mf->nospill[x] || mf->nospill[y])
					continue;
				if (!briggs_ok(A, x, y))
					continue;
			}
			merge(A, x, y);
			changed = true;
		}
	}
}

/* ---- colouring ---- */

/* The colour a move partner of r already has, or -1: r's partners are
 * partners[pstart[r] .. pstart[r + 1]), in program order. */
static int partner_color(struct ra *A, int r, const int *pstart,
			 const int *partners, const uint16_t *forbid_mask)
{
	for (int k = pstart[r]; k < pstart[r + 1]; k++) {
		int o = partners[k];
		int c = is_virt(o) ? A->color[o] : o;
		if (c >= 0 && c < MIR_NALLOC && !(*forbid_mask & (1 << c)))
			return c;
	}
	return -1;
}

/* A min-heap of register numbers: the lowest-numbered node that can be
 * simplified is always taken first. */
struct heap {
	int *v, n;
};

static void heap_push(struct heap *h, int x)
{
	int i = h->n++;
	while (i > 0 && h->v[(i - 1) / 2] > x) {
		h->v[i] = h->v[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h->v[i] = x;
}

static int heap_pop(struct heap *h)
{
	int top = h->v[0], x = h->v[--h->n], i = 0;
	for (;;) {
		int c = 2 * i + 1;
		if (c >= h->n)
			break;
		if (c + 1 < h->n && h->v[c + 1] < h->v[c])
			c++;
		if (h->v[c] >= x)
			break;
		h->v[i] = h->v[c];
		i = c;
	}
	if (h->n)
		h->v[i] = x;
	return top;
}

/* Colour all virtual roots; returns the number left uncoloured (their
 * color is -1). */
static int color_graph(struct ra *A)
{
	int n = A->n;
	int *stack = xmalloc(n * sizeof(int)), sp = 0;
	bool *removed = xcalloc(n, 1);
	int *deg = xcalloc(n, sizeof(int));
	int nodes = 0;
	struct heap low = { xmalloc((n + 1) * sizeof(int)), 0 };
	for (int r = MIR_NPHYS; r < n; r++) {
		A->color[r] = -1;
		if (find(A, r) == r && A->present[r]) {
			deg[r] = degree(A, r);
			nodes++;
			if (deg[r] < MIR_NALLOC)
				heap_push(&low, r);
		} else {
			removed[r] = true;
		}
	}
	while (sp < nodes) {
		/* the lowest-numbered node left with fewer than K neighbours
		 * (one in the heap is never removed: the heap is emptied
		 * before a potential spill is picked) */
		int pick = low.n ? heap_pop(&low) : -1;
		if (pick < 0) {
			/* Potential spill: cheapest per neighbour. */
			double best = 0;
			for (int r = MIR_NPHYS; r < n; r++) {
				if (removed[r])
					continue;
				double cost = A->mf->nospill[r] ? 1e18
					      : (double)A->occ[r] / (deg[r] + 1);
				if (pick < 0 || cost < best) {
					pick = r;
					best = cost;
				}
			}
		}
		removed[pick] = true;
		stack[sp++] = pick;
		for (int k = 0; k < A->nnb[pick]; k++) {
			int t = A->nb[pick][k];
			if (is_virt(t) && !removed[t] && --deg[t] == MIR_NALLOC - 1)
				heap_push(&low, t);
		}
	}
	free(low.v);
	/* move partners per root, in program order (no merges from here) */
	int *pstart = xcalloc(n + 2, sizeof(int));
	int *partners = xmalloc((2 * A->nmoves + 1) * sizeof(int));
	for (int m = 0; m < A->nmoves; m++) {
		int x = find(A, A->moves[m]->dst), y = find(A, A->moves[m]->src);
		if (x != y)
			pstart[x + 2]++, pstart[y + 2]++;
	}
	for (int r = 0; r < n; r++)
		pstart[r + 2] += pstart[r + 1];
	for (int m = 0; m < A->nmoves; m++) {
		int x = find(A, A->moves[m]->dst), y = find(A, A->moves[m]->src);
		if (x != y) {
			partners[pstart[x + 1]++] = y;
			partners[pstart[y + 1]++] = x;
		}
	}
	int uncolored = 0;
	while (sp > 0) {
		int r = stack[--sp];
		uint16_t forbid = 0;
		for (int k = 0; k < A->nnb[r]; k++) {
			int t = A->nb[r][k];
			if (find(A, t) != t)
				continue;
			int c = is_virt(t) ? A->color[t] : t;
			if (c >= 0 && c < MIR_NALLOC)
				forbid |= 1 << c;
		}
		int c = partner_color(A, r, pstart, partners, &forbid);
		for (int k = 0; c < 0 && k < MIR_NALLOC; k++)
			if (!(forbid & (1 << color_order[k])))
				c = color_order[k];
		A->color[r] = c;
		if (c < 0)
			uncolored++;
	}
	free(stack);
	free(removed);
	free(deg);
	free(pstart);
	free(partners);
	return uncolored;
}

/* ---- spilling ---- */

static const struct srcloc *first_loc(struct mfunc *mf)
{
	for (int b = 0; b < mf->nblocks; b++)
		for (int i = 0; i < mf->blocks[b].n; i++)
			if (mf->blocks[b].v[i].loc.src)
				return &mf->blocks[b].v[i].loc;
	return NULL;
}

/* Give every uncoloured root (and the registers merged into it) a stack
 * slot, shared with other uncoloured roots it does not interfere with (a
 * spilled value lives in its slot only while its register would be live);
 * rewrite uses and defs through new short-lived registers. */
static int spill(struct ra *A)
{
	struct mfunc *mf = A->mf;
	int n = A->n;
	int *slot = xmalloc(n * sizeof(int));
	int *mark = xmalloc(n * sizeof(int)); /* slot index -> root taking one */
	int base = mf->stack_size, nslots = 0;
	for (int r = 0; r < n; r++)
		slot[r] = 0;
	for (int r = 0; r < n; r++)
		mark[r] = -1;
	for (int r = MIR_NPHYS; r < n; r++) {
		int root = find(A, r);
		if (!A->present[root] || !is_virt(root) || A->color[root] >= 0)
			continue;
		if (!slot[root]) {
			/* the slots of the roots it interferes with are taken */
			for (int k = 0; k < A->nnb[root]; k++) {
				int t = find(A, A->nb[root][k]);
				if (slot[t])
					mark[(-slot[t] - base) / 8 - 1] = root;
			}
			int i = 0;
			while (i < nslots && mark[i] == root)
				i++;
			if (i == nslots) {
				nslots++;
				mf->stack_size += 8;
				mf->nspills++;
			}
			slot[root] = -(base + 8 * (i + 1));
		}
		slot[r] = slot[root];
	}
	free(mark);
	if (mf->stack_size > BPF_STACK_LIMIT) {
		diag_error(first_loc(mf),
			   "BPF stack limit exceeded: %d bytes needed with "
			   "spilled registers (limit is %d bytes)",
			   mf->stack_size, BPF_STACK_LIMIT);
		free(slot);
		return -1;
	}
	for (int b = 0; b < mf->nblocks; b++) {
		struct mblock *bl = &mf->blocks[b];
		for (int i = 0; i < bl->n; i++) {
			struct minsn in = bl->v[i];
			struct mir_effect e;
			mir_effect(&in, &e);
			int sdst = in.dst >= 0 && in.dst < n ? slot[in.dst] : 0;
			int ssrc = in.src >= 0 && in.src < n ? slot[in.src] : 0;
			if (!sdst && !ssrc)
				continue;
			bool dst_used = false, dst_def = false;
			for (int k = 0; k < e.nuses; k++)
				dst_used |= e.uses[k] == in.dst;
			for (int k = 0; k < e.ndefs; k++)
				dst_def |= e.defs[k] == in.dst;
			int before = 0;
			if (ssrc && in.src != in.dst) {
				int t = mir_reg_new(mf);
				mf->nospill[t] = true;
				struct minsn ld = { .code = BPF_LDX | BPF_MEM | BPF_DW,
						    .dst = t, .src = MIR_FP,
						    .off = (int16_t)ssrc, .loc = in.loc };
				mir_insert(mf, b, i, &ld);
				before++;
				bl->v[i + before].src = t;
			}
			if (sdst) {
				int t = mir_reg_new(mf);
				mf->nospill[t] = true;
				if (dst_used) {
					struct minsn ld = { .code = BPF_LDX | BPF_MEM | BPF_DW,
							    .dst = t, .src = MIR_FP,
							    .off = (int16_t)sdst, .loc = in.loc };
					mir_insert(mf, b, i + before, &ld);
					before++;
				}
				bl->v[i + before].dst = t;
				if (in.src == in.dst)
					bl->v[i + before].src = t;
				if (dst_def) {
					struct minsn st = { .code = BPF_STX | BPF_MEM | BPF_DW,
							    .dst = MIR_FP, .src = t,
							    .off = (int16_t)sdst, .loc = in.loc };
					mir_insert(mf, b, i + before + 1, &st);
					before++;
				}
			}
			i += before;
		}
	}
	free(slot);
	return 0;
}

/* ---- driver ---- */

static void rewrite(struct ra *A)
{
	struct mfunc *mf = A->mf;
	for (int b = 0; b < mf->nblocks; b++) {
		struct mblock *bl = &mf->blocks[b];
		int o = 0;
		for (int i = 0; i < bl->n; i++) {
			struct minsn in = bl->v[i];
			if (in.dst >= MIR_NPHYS)
				in.dst = A->color[find(A, in.dst)];
			if (in.src >= MIR_NPHYS)
				in.src = A->color[find(A, in.src)];
			if (mir_is_move(&in) && in.dst == in.src)
				continue;
			bl->v[o++] = in;
		}
		bl->n = o;
	}
	mf->allocated = true;
}

int ra_run(struct mfunc *mf)
{
	for (int round = 0; round < MAX_ROUNDS; round++) {
		struct ra A = { .mf = mf, .n = mf->nregs };
		A.nb = xcalloc(A.n + 1, sizeof(*A.nb));
		A.nnb = xcalloc(A.n + 1, sizeof(int));
		A.capnb = xcalloc(A.n + 1, sizeof(int));
		for (int b = 0; b < mf->nblocks; b++)
			for (int i = 0; i < mf->blocks[b].n; i++)
				A.nmoves += mir_is_move(&mf->blocks[b].v[i]);
		A.moves = xmalloc((A.nmoves + 1) * sizeof(*A.moves));
		A.nmoves = 0;
		for (int b = 0; b < mf->nblocks; b++)
			for (int i = 0; i < mf->blocks[b].n; i++)
				if (mir_is_move(&mf->blocks[b].v[i]))
					A.moves[A.nmoves++] = &mf->blocks[b].v[i];
		A.alias = xmalloc(A.n * sizeof(int));
		A.color = xmalloc(A.n * sizeof(int));
		A.occ = xcalloc(A.n, sizeof(int));
		A.present = xcalloc(A.n, 1);
		for (int r = 0; r < A.n; r++) {
			A.alias[r] = r;
			A.color[r] = r < MIR_NPHYS ? r : -1;
		}
		build(&A);
		A.deg = xcalloc(A.n, sizeof(int));
		for (int r = 0; r < A.n; r++)
			A.deg[r] = degree(&A, r);
		coalesce(&A);
		int left = color_graph(&A);
		int rc = 0;
		if (left == 0)
			rewrite(&A);
		else
			rc = spill(&A);
		free(A.eset);
		for (int r = 0; r < A.n; r++)
			free(A.nb[r]);
		free(A.nb);
		free(A.nnb);
		free(A.capnb);
		free(A.moves);
		free(A.alias);
		free(A.color);
		free(A.occ);
		free(A.present);
		free(A.deg);
		if (rc < 0)
			return -1;
		if (left == 0) {
			for (int i = 0; i < mf->nsubs; i++)
				if (mf->subs[i] && ra_run(mf->subs[i]) < 0)
					return -1;
			return 0;
		}
	}
	diag_error(first_loc(mf), "register allocation did not converge");
	return -1;
}
