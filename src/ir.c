/* ir.c — building IR functions, the CFG, the structural checker and the
 * text dump (`-d ir`).
 *
 * Takes: calls from ir_build (and tests) that create blocks, registers,
 * slots and instructions.  Produces: an ir_func (arena memory) that the
 * passes and the back end read.  See ir.h for the contract. */
#include "ir.h"

#include <linux/bpf.h>
#include <string.h>

/* ---- names ---------------------------------------------------------- */

static const char *const op_names[] = {
#define X(op, n) #op,
	IR_OPS(X)
#undef X
};

static const int op_nrefs[] = {
#define X(op, n) n,
	IR_OPS(X)
#undef X
};

const char *ir_op_name(enum ir_op op)
{
	static char lower[IR__COUNT][16];
	if ((unsigned)op >= IR__COUNT)
		return "?";
	if (!lower[op][0]) {
		const char *s = op_names[op];
		size_t i;
		for (i = 0; s[i] && i < sizeof(lower[op]) - 1; i++)
			lower[op][i] = (char)(s[i] | 0x20);
		lower[op][i] = 0;
	}
	return lower[op];
}

static const char *const cc_names[] = {
	[CC_EQ] = "eq",   [CC_NE] = "ne",   [CC_ULT] = "ult", [CC_ULE] = "ule",
	[CC_UGT] = "ugt", [CC_UGE] = "uge", [CC_SLT] = "slt", [CC_SLE] = "sle",
	[CC_SGT] = "sgt", [CC_SGE] = "sge", [CC_SET] = "set",
};

const char *ir_cc_name(enum ir_cc cc)
{
	return (unsigned)cc < ARRAY_SIZE(cc_names) ? cc_names[cc] : "?";
}

static const char *const helper_names[] = {
#define X(name) #name
	__BPF_FUNC_MAPPER(X)
#undef X
};

const char *ir_helper_name(int64_t id)
{
	if (id > 0 && (uint64_t)id < ARRAY_SIZE(helper_names))
		return helper_names[id];
	return tt_sprintf("helper%lld", (long long)id);
}

bool ir_is_terminator(enum ir_op op)
{
	return op == IR_BR || op == IR_JMP || op == IR_RET;
}

int ir_insn_nrefs(const struct ir_insn *in)
{
	return in->op == IR_CALL ? in->nargs : op_nrefs[in->op];
}

bool ir_insn_has_dst(const struct ir_insn *in)
{
	switch (in->op) {
	case IR_NOP: case IR_STORE: case IR_XADD: case IR_MEMZERO:
	case IR_MEMCPY: case IR_BR: case IR_JMP: case IR_RET: case IR_USE:
		return false;
	case IR_CALL:
		return in->dst >= 0;
	default:
		return true;
	}
}

int ir_cc_invert(enum ir_cc cc)
{
	switch (cc) {
	case CC_EQ: return CC_NE;
	case CC_NE: return CC_EQ;
	case CC_ULT: return CC_UGE;
	case CC_UGE: return CC_ULT;
	case CC_ULE: return CC_UGT;
	case CC_UGT: return CC_ULE;
	case CC_SLT: return CC_SGE;
	case CC_SGE: return CC_SLT;
	case CC_SLE: return CC_SGT;
	case CC_SGT: return CC_SLE;
	case CC_SET: return -1;
	}
	return -1;
}

enum ir_cc ir_cc_swap(enum ir_cc cc)
{
	switch (cc) {
	case CC_ULT: return CC_UGT;
	case CC_UGT: return CC_ULT;
	case CC_ULE: return CC_UGE;
	case CC_UGE: return CC_ULE;
	case CC_SLT: return CC_SGT;
	case CC_SGT: return CC_SLT;
	case CC_SLE: return CC_SGE;
	case CC_SGE: return CC_SLE;
	default: return cc;   /* EQ, NE, SET are symmetric */
	}
}

bool ir_cc_eval(enum ir_cc cc, int64_t a, int64_t b)
{
	uint64_t ua = (uint64_t)a, ub = (uint64_t)b;
	switch (cc) {
	case CC_EQ: return a == b;
	case CC_NE: return a != b;
	case CC_ULT: return ua < ub;
	case CC_ULE: return ua <= ub;
	case CC_UGT: return ua > ub;
	case CC_UGE: return ua >= ub;
	case CC_SLT: return a < b;
	case CC_SLE: return a <= b;
	case CC_SGT: return a > b;
	case CC_SGE: return a >= b;
	case CC_SET: return (ua & ub) != 0;
	}
	return false;
}

/* ---- building --------------------------------------------------------- */

/* Grow an arena array of n elements of size sz to hold at least n+1. */
static void *grow(void *v, int n, int *cap, size_t sz)
{
	if (n < *cap)
		return v;
	int ncap = *cap ? 2 * *cap : 8;
	void *nv = tt_alloc(ncap * sz);
	if (n)
		memcpy(nv, v, n * sz);
	*cap = ncap;
	return nv;
}

struct ir_func *ir_func_new(const char *name)
{
	struct ir_func *f = tt_alloc(sizeof(*f));
	f->name = name ? name : "";
	f->scratch_reg = -1;
	for (int k = 0; k <= IR_MAX_DEPTH; k++)
		f->frame_reg[k] = -1;
	return f;
}

struct ir_func *ir_sub_new(struct ir_func *parent, const char *name)
{
	struct ir_func *f = ir_func_new(name);
	f->parent = parent;
	parent->subs = grow(parent->subs, parent->nsubs, &parent->cap_subs,
			    sizeof(*parent->subs));
	parent->subs[parent->nsubs++] = f;
	return f;
}

int ir_depth(const struct ir_func *f)
{
	int d = 0;
	for (; f->parent; f = f->parent)
		d++;
	return d;
}

struct ir_func *ir_ancestor(const struct ir_func *f, int up)
{
	for (; f && up > 0; up--)
		f = f->parent;
	return (struct ir_func *)f;
}

int ir_alias_slot_new(struct ir_func *f, int up, int slot)
{
	const struct ir_func *a = ir_ancestor(f, up);
	const struct ir_slot *t = &a->slots[slot];
	if (t->up) {
		up += t->up;
		slot = t->target;
		a = ir_ancestor(f, up);
		t = &a->slots[slot];
	}
	int s = ir_slot_new(f, t->size, t->align, t->space, t->name);
	f->slots[s].up = up;
	f->slots[s].target = slot;
	f->slots[s].loc = t->loc;
	return s;
}

void ir_block_release(struct ir_block *b)
{
	free(b->insns);
	free(b->preds);
	b->insns = NULL;
	b->preds = NULL;
	b->ninsns = b->cap = b->npreds = 0;
}

void ir_release(struct ir_func *f)
{
	for (int b = 0; b < f->nblocks; b++)
		ir_block_release(f->blocks[b]);
	f->nblocks = 0;
	for (int i = 0; i < f->nsubs; i++)
		if (f->subs[i])
			ir_release(f->subs[i]);
}

int ir_block_new(struct ir_func *f)
{
	f->blocks = grow(f->blocks, f->nblocks, &f->cap_blocks,
			 sizeof(*f->blocks));
	struct ir_block *b = tt_alloc(sizeof(*b));
	b->id = f->nblocks;
	f->blocks[f->nblocks++] = b;
	return b->id;
}

/* reg_names has no capacity field: its capacity is the smallest power of
 * two (at least 8) >= nregs. */
int ir_reg_new(struct ir_func *f, const char *name)
{
	int n = f->nregs;
	if (n == 0 || (n >= 8 && (n & (n - 1)) == 0)) {
		int ncap = n ? 2 * n : 8;
		const char **nv = tt_alloc(ncap * sizeof(*nv));
		if (n)
			memcpy(nv, f->reg_names, n * sizeof(*nv));
		f->reg_names = nv;
	}
	f->reg_names[n] = name;
	return f->nregs++;
}

int ir_slot_new(struct ir_func *f, int size, int align, enum slot_space sp,
		const char *name)
{
	f->slots = grow(f->slots, f->nslots, &f->cap_slots, sizeof(*f->slots));
	struct ir_slot *s = &f->slots[f->nslots];
	memset(s, 0, sizeof(*s));
	s->size = size;
	s->align = align > 0 ? align : 1;
	s->space = sp;
	s->name = name;
	s->offset = -1;
	return f->nslots++;
}

/* The returned pointer is valid until the next ir_append to that block.
 * A block's instructions are on the heap (the bulk of a program's IR):
 * ir_release() frees them once the function is compiled, so a script of
 * thousands of probes never holds all their IR at once. */
struct ir_insn *ir_append(struct ir_func *f, int block, enum ir_op op)
{
	struct ir_block *b = f->blocks[block];
	if (b->ninsns == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 4;
		b->insns = xrealloc(b->insns, b->cap * sizeof(*b->insns));
	}
	struct ir_insn *in = &b->insns[b->ninsns++];
	memset(in, 0, sizeof(*in));
	in->op = op;
	in->dst = -1;
	return in;
}

/* ---- CFG ---------------------------------------------------------------- */

void ir_cfg(struct ir_func *f)
{
	for (int i = 0; i < f->nblocks; i++) {
		struct ir_block *b = f->blocks[i];
		b->id = i;
		b->nsucc = 0;
		b->npreds = 0;
		if (!b->ninsns)
			continue;
		const struct ir_insn *t = &b->insns[b->ninsns - 1];
		if (t->op == IR_BR) {
			b->succ[b->nsucc++] = t->t;
			if (t->f != t->t)
				b->succ[b->nsucc++] = t->f;
		} else if (t->op == IR_JMP) {
			b->succ[b->nsucc++] = t->t;
		}
	}
	int *count = xcalloc(f->nblocks, sizeof(int));
	for (int i = 0; i < f->nblocks; i++)
		for (int k = 0; k < f->blocks[i]->nsucc; k++) {
			int s = f->blocks[i]->succ[k];
			if (s >= 0 && s < f->nblocks)
				count[s]++;
		}
	for (int i = 0; i < f->nblocks; i++) {
		/* on the heap: ir_cfg runs after every change to the CFG */
		struct ir_block *b = f->blocks[i];
		b->preds = xrealloc(b->preds, (count[i] + 1) * sizeof(int));
	}
	for (int i = 0; i < f->nblocks; i++)
		for (int k = 0; k < f->blocks[i]->nsucc; k++) {
			int s = f->blocks[i]->succ[k];
			if (s >= 0 && s < f->nblocks) {
				struct ir_block *sb = f->blocks[s];
				sb->preds[sb->npreds++] = i;
			}
		}
	free(count);
	for (int i = 0; i < f->nsubs; i++)
		ir_cfg(f->subs[i]);
}

/* ---- checker ------------------------------------------------------------ */

struct checker {
	const struct ir_func *f;
	int bi, ii;
	int errors;
	bool called;          /* a CALL was seen in the entry block */
};

static void bad(struct checker *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void bad(struct checker *c, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "ir_check: %s", c->f->name);
	if (c->bi >= 0)
		fprintf(stderr, ": b%d", c->bi);
	if (c->ii >= 0)
		fprintf(stderr, " insn %d", c->ii);
	fputs(": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	c->errors++;
}

enum { K_REG = 1 << REF_REG, K_IMM = 1 << REF_IMM, K_SLOT = 1 << REF_SLOT,
       K_MAP = 1 << REF_MAP, K_FUNC = 1 << REF_FUNC, K_KSYM = 1 << REF_KSYM,
       K_MAPVAL = 1 << REF_MAPVAL };

static void check_ref(struct checker *c, const struct ref *r, int allowed,
		      int which)
{
	if (!(allowed & (1 << r->kind))) {
		bad(c, "operand %d: kind %d not allowed here", which, r->kind);
		return;
	}
	if (r->kind == REF_REG && (r->reg < 0 || r->reg >= c->f->nregs))
		bad(c, "operand %d: register %%%d out of range", which, r->reg);
	if (r->kind == REF_SLOT) {
		if (r->slot < 0 || r->slot >= c->f->nslots)
			bad(c, "operand %d: slot s%d out of range", which,
			    r->slot);
		else if (r->off < 0 || r->off > c->f->slots[r->slot].size)
			bad(c, "operand %d: offset %d outside s%d (size %d)",
			    which, r->off, r->slot, c->f->slots[r->slot].size);
		else if (c->f->slots[r->slot].up &&
			 (c->f->slots[r->slot].space == SPACE_SCRATCH
				  ? c->f->scratch_reg
				  : c->f->frame_reg[c->f->slots[r->slot].up]) < 0)
			bad(c, "operand %d: alias s%d has no base register",
			    which, r->slot);
	}
	if (r->kind == REF_FUNC && (r->func < 0 || r->func >= c->f->nsubs))
		bad(c, "operand %d: subprogram fn%d does not exist", which,
		    r->func);
	if ((r->kind == REF_MAP || r->kind == REF_MAPVAL) && r->map < 0)
		bad(c, "operand %d: bad map %d", which, r->map);
}

/* An access of `size` bytes at r + off must stay inside a slot. */
static void check_access(struct checker *c, const struct ref *r, int off,
			 int size)
{
	if (r->kind != REF_SLOT || r->slot < 0 || r->slot >= c->f->nslots)
		return;
	long lo = (long)r->off + off;
	if (lo < 0 || lo + size > c->f->slots[r->slot].size)
		bad(c, "access of %d bytes at s%d%+ld outside the slot (size %d)",
		    size, r->slot, lo, c->f->slots[r->slot].size);
}

/* Helpers that read or write `size` bytes at a pointer argument: which
 * argument is the buffer and which its length.  The verifier checks only
 * that those bytes are on the stack or in the map value, not that they
 * stay inside the slot meant: a length larger than the slot makes the
 * kernel read or overwrite its neighbours. */
static const struct helper_buf {
	int64_t id;
	int buf, len;
} helper_bufs[] = {
	{ BPF_FUNC_probe_read, 0, 1 },
	{ BPF_FUNC_probe_read_str, 0, 1 },
	{ BPF_FUNC_probe_read_user, 0, 1 },
	{ BPF_FUNC_probe_read_kernel, 0, 1 },
	{ BPF_FUNC_probe_read_user_str, 0, 1 },
	{ BPF_FUNC_probe_read_kernel_str, 0, 1 },
	{ BPF_FUNC_get_current_comm, 0, 1 },
	{ BPF_FUNC_trace_printk, 0, 1 },
	{ BPF_FUNC_trace_vprintk, 0, 1 },
	{ BPF_FUNC_trace_vprintk, 2, 3 },
	{ BPF_FUNC_snprintf, 0, 1 },
	{ BPF_FUNC_snprintf, 3, 4 },
	{ BPF_FUNC_strncmp, 0, 1 },
	{ BPF_FUNC_get_stack, 1, 2 },
	{ BPF_FUNC_ringbuf_output, 1, 2 },
	{ BPF_FUNC_d_path, 1, 2 },
};

static void check_helper_bufs(struct checker *c, const struct ir_insn *in)
{
	for (size_t i = 0; i < ARRAY_SIZE(helper_bufs); i++) {
		const struct helper_buf *h = &helper_bufs[i];
		if (in->kfunc || h->id != in->imm || h->buf >= in->nargs ||
		    h->len >= in->nargs || in->arg[h->len].kind != REF_IMM)
			continue;
		int64_t n = in->arg[h->len].imm;
		if (n < 0 || n > INT32_MAX)
			bad(c, "call %s: length %lld", ir_helper_name(in->imm),
			    (long long)n);
		else
			check_access(c, &in->arg[h->buf], 0, (int)n);
	}
}

/* Helpers that read memory through addresses stored in a buffer argument:
 * bpf_trace_vprintk's and bpf_snprintf's argument arrays (%s), and the
 * context a bpf_loop or for_each_map_elem callback reads its caller's
 * memory through. */
static bool reads_through_args(int64_t id)
{
	return id == BPF_FUNC_trace_vprintk || id == BPF_FUNC_snprintf ||
	       id == BPF_FUNC_loop || id == BPF_FUNC_for_each_map_elem;
}

/* A slot's address stored into another slot that such a helper is given
 * is read by the kernel (or the callback) where liveness cannot see it:
 * the slot must be marked read there with USE (ir.h), or a later slot may
 * take its bytes before they are read.  (An address stored where nothing
 * reads through it, a map key say, needs no USE.) */
static void check_escapes(struct checker *c)
{
	const struct ir_func *f = c->f;
	bool *used = xcalloc(f->nslots + 1, sizeof(bool));
	int *addr = xmalloc((f->nregs + 1) * sizeof(int));
	/* (t, s): the address of slot s was stored into slot t */
	struct stored { int t, s; };
	VEC(struct stored) into = { 0 };

	for (int bi = 0; bi < f->nblocks; bi++)
		for (int ii = 0; ii < f->blocks[bi]->ninsns; ii++) {
			const struct ir_insn *in = &f->blocks[bi]->insns[ii];
			if (in->op == IR_USE && in->arg[0].kind == REF_SLOT &&
			    in->arg[0].slot >= 0 && in->arg[0].slot < f->nslots)
				used[in->arg[0].slot] = true;
		}
	for (int bi = 0; bi < f->nblocks; bi++) {
		const struct ir_block *b = f->blocks[bi];
		for (int r = 0; r < f->nregs; r++)
			addr[r] = -1; /* the slot whose address r holds */
		for (int ii = 0; ii < b->ninsns; ii++) {
			const struct ir_insn *in = &b->insns[ii];
			const struct ref *t = &in->arg[0], *v = &in->arg[1];
			if (in->op == IR_STORE && t->kind == REF_SLOT &&
			    t->slot >= 0 && t->slot < f->nslots &&
			    v->kind == REF_REG && v->reg >= 0 &&
			    v->reg < f->nregs && addr[v->reg] >= 0)
				vec_push(&into, ((struct stored){ t->slot,
								  addr[v->reg] }));
			if (!ir_insn_has_dst(in) || in->dst < 0 ||
			    in->dst >= f->nregs)
				continue;
			addr[in->dst] = in->op == IR_MOV &&
						in->arg[0].kind == REF_SLOT &&
						in->arg[0].slot >= 0 &&
						in->arg[0].slot < f->nslots
					? in->arg[0].slot : -1;
		}
	}
	for (int bi = 0; bi < f->nblocks; bi++) {
		const struct ir_block *b = f->blocks[bi];
		c->bi = bi;
		for (int ii = 0; ii < b->ninsns; ii++) {
			const struct ir_insn *in = &b->insns[ii];
			c->ii = ii;
			if (in->op != IR_CALL || in->kfunc ||
			    !reads_through_args(in->imm))
				continue;
			for (int k = 0; k < in->nargs && k < 5; k++) {
				const struct ref *t = &in->arg[k];
				if (t->kind != REF_SLOT || t->slot < 0 ||
				    t->slot >= f->nslots)
					continue;
				for (int e = 0; e < into.n; e++) {
					int sl = into.v[e].s;
					if (into.v[e].t == t->slot && !used[sl] &&
					    !f->slots[sl].up)
						bad(c, "%s reads s%d through its "
						    "address in s%d, but no use "
						    "marks that read",
						    ir_helper_name(in->imm), sl,
						    t->slot);
				}
			}
		}
	}
	vec_free(&into);
	free(addr);
	free(used);
}

static void check_dst(struct checker *c, const struct ir_insn *in)
{
	if (in->dst < 0 || in->dst >= c->f->nregs)
		bad(c, "%s: destination %%%d out of range", ir_op_name(in->op),
		    in->dst);
}

static void check_block_id(struct checker *c, int id)
{
	if (id < 0 || id >= c->f->nblocks)
		bad(c, "branch target b%d does not exist", id);
}

static void check_insn(struct checker *c, const struct ir_insn *in)
{
	const int val = K_REG | K_IMM;
	switch (in->op) {
	case IR_NOP:
		break;
	case IR_MOV:
		check_dst(c, in);
		check_ref(c, &in->arg[0],
			  K_REG | K_IMM | K_SLOT | K_MAP | K_FUNC | K_KSYM |
				  K_MAPVAL, 0);
		break;
	case IR_ADD: case IR_SUB: case IR_MUL: case IR_UDIV: case IR_SDIV:
	case IR_UMOD: case IR_SMOD: case IR_AND: case IR_OR: case IR_XOR:
	case IR_SHL: case IR_LSHR: case IR_ASHR: case IR_SETCC:
		check_dst(c, in);
		check_ref(c, &in->arg[0], val, 0);
		check_ref(c, &in->arg[1], val, 1);
		if (in->op == IR_SETCC && (unsigned)in->cc > CC_SET)
			bad(c, "bad condition %d", in->cc);
		break;
	case IR_NEG: case IR_NOT:
		check_dst(c, in);
		check_ref(c, &in->arg[0], val, 0);
		break;
	case IR_ZEXT: case IR_SEXT:
		check_dst(c, in);
		check_ref(c, &in->arg[0], val, 0);
		if (in->size != 1 && in->size != 2 && in->size != 4)
			bad(c, "%s: size %d (want 1, 2 or 4)",
			    ir_op_name(in->op), in->size);
		break;
	case IR_LOAD:
	case IR_STORE:
		if (in->op == IR_LOAD)
			check_dst(c, in);
		check_ref(c, &in->arg[0], K_REG | K_SLOT, 0);
		if (in->op == IR_STORE)
			check_ref(c, &in->arg[1], val, 1);
		if (in->size != 1 && in->size != 2 && in->size != 4 &&
		    in->size != 8)
			bad(c, "%s: size %d", ir_op_name(in->op), in->size);
		else
			check_access(c, &in->arg[0], in->off, in->size);
		break;
	case IR_XADD:
		check_ref(c, &in->arg[0], K_REG, 0);
		check_ref(c, &in->arg[1], val, 1);
		if (in->size != 4 && in->size != 8)
			bad(c, "xadd: size %d (want 4 or 8)", in->size);
		break;
	case IR_MEMZERO:
	case IR_MEMCPY:
		check_ref(c, &in->arg[0], K_REG | K_SLOT, 0);
		if (in->op == IR_MEMCPY)
			check_ref(c, &in->arg[1], K_REG | K_SLOT, 1);
		if (in->size < 0)
			bad(c, "%s: size %d", ir_op_name(in->op), in->size);
		check_access(c, &in->arg[0], in->off, in->size);
		if (in->op == IR_MEMCPY)
			check_access(c, &in->arg[1], 0, in->size);
		break;
	case IR_CALL:
		if (in->dst != -1)
			check_dst(c, in);
		if (in->nargs < 0 || in->nargs > 5) {
			bad(c, "call with %d arguments (limit is 5)", in->nargs);
			break;
		}
		for (int i = 0; i < in->nargs; i++)
			check_ref(c, &in->arg[i],
				  K_REG | K_IMM | K_SLOT | K_MAP | K_FUNC | K_KSYM,
				  i);
		check_helper_bufs(c, in);
		if (c->bi == 0)
			c->called = true;
		break;
	case IR_CTX:
		check_dst(c, in);
		if (c->bi != 0 || c->ii != 0)
			bad(c, "ctx must be the first instruction of the entry block");
		break;
	case IR_ARG:
		check_dst(c, in);
		if (in->imm < 0 || in->imm > 4)
			bad(c, "arg %lld (a function has arguments 0..4)",
			    (long long)in->imm);
		if (c->bi != 0 || c->called)
			bad(c, "arg must be in the entry block, before any call");
		break;
	case IR_FRAME:
		check_dst(c, in);
		break;
	case IR_SCRATCHBASE:
		check_dst(c, in);
		if (c->f->scratch_reg < 0)
			bad(c, "scratchbase in a function without a scratch base");
		break;
	case IR_USE:
		check_ref(c, &in->arg[0], K_SLOT, 0);
		break;
	case IR_BR:
		check_ref(c, &in->arg[0], val, 0);
		check_ref(c, &in->arg[1], val, 1);
		if ((unsigned)in->cc > CC_SET)
			bad(c, "bad condition %d", in->cc);
		check_block_id(c, in->t);
		check_block_id(c, in->f);
		break;
	case IR_JMP:
		check_block_id(c, in->t);
		break;
	case IR_RET:
		check_ref(c, &in->arg[0], val, 0);
		break;
	default:
		bad(c, "unknown opcode %d", in->op);
	}
}

/* Subprograms, frame registers and alias slots. */
static void check_subs(struct checker *c)
{
	const struct ir_func *f = c->f;
	int depth = ir_depth(f);
	c->bi = -1;   /* not about a block */
	for (int k = 0; k <= IR_MAX_DEPTH; k++)
		if (f->frame_reg[k] >= f->nregs ||
		    (f->frame_reg[k] >= 0 && (k == 0 || k > depth)))
			bad(c, "frame %d %%%d: bad register or level", k,
			    f->frame_reg[k]);
	for (int s = 0; s < f->nslots; s++) {
		const struct ir_slot *sl = &f->slots[s];
		if (!sl->up)
			continue;
		const struct ir_func *a = sl->up > 0 && sl->up <= depth
						  ? ir_ancestor(f, sl->up) : NULL;
		if (!a || sl->target < 0 || sl->target >= a->nslots)
			bad(c, "alias s%d: no slot s%d %d levels up", s,
			    sl->target, sl->up);
		else if (a->slots[sl->target].up ||
			 a->slots[sl->target].size != sl->size ||
			 a->slots[sl->target].space != sl->space)
			bad(c, "alias s%d does not match s%d %d levels up", s,
			    sl->target, sl->up);
	}
	for (int i = 0; i < f->nsubs; i++)
		if (!f->subs[i] || f->subs[i]->parent != f)
			bad(c, "subprogram fn%d is not this function's", i);
	if (depth > IR_MAX_DEPTH)
		bad(c, "subprograms nested %d deep (limit is %d)", depth,
		    IR_MAX_DEPTH);
	c->bi = 0;
}

int ir_check(const struct ir_func *f)
{
	struct checker c = { .f = f, .ii = -1 };
	if (f->nblocks == 0) {
		fprintf(stderr, "ir_check: %s: no blocks\n", f->name);
		return -1;
	}
	if (f->scratch_reg >= f->nregs)
		bad(&c, "scratch_reg %%%d out of range", f->scratch_reg);
	check_subs(&c);
	for (int bi = 0; bi < f->nblocks; bi++) {
		const struct ir_block *b = f->blocks[bi];
		c.bi = bi;
		c.ii = -1;
		/* The scratch base cannot address its own lookup's key. */
		for (int ii = 0; ii < b->ninsns; ii++) {
			const struct ir_insn *in = &b->insns[ii];
			if (f->scratch_reg < 0 || !ir_insn_has_dst(in) ||
			    in->dst != f->scratch_reg)
				continue;
			for (int k = 0; k < ir_insn_nrefs(in); k++)
				if (in->arg[k].kind == REF_SLOT &&
				    in->arg[k].slot >= 0 && in->arg[k].slot < f->nslots &&
				    f->slots[in->arg[k].slot].space == SPACE_SCRATCH) {
					c.ii = ii;
					bad(&c, "the instruction setting the scratch "
					    "base %%%d names scratch slot s%d",
					    f->scratch_reg, in->arg[k].slot);
				}
		}
		c.ii = -1;
		if (b->id != bi)
			bad(&c, "block id %d at index %d", b->id, bi);
		if (b->ninsns == 0) {
			bad(&c, "empty block (no terminator)");
			continue;
		}
		for (int ii = 0; ii < b->ninsns; ii++) {
			const struct ir_insn *in = &b->insns[ii];
			c.ii = ii;
			bool last = ii == b->ninsns - 1;
			if ((unsigned)in->op >= IR__COUNT) {
				bad(&c, "unknown opcode %d", in->op);
				continue;
			}
			if (ir_is_terminator(in->op) && !last)
				bad(&c, "%s before the end of the block",
				    ir_op_name(in->op));
			if (last && !ir_is_terminator(in->op))
				bad(&c, "block does not end in br/jmp/ret");
			check_insn(&c, in);
		}
	}
	check_escapes(&c);
	for (int i = 0; i < f->nsubs; i++)
		if (f->subs[i] && f->subs[i]->parent == f && ir_check(f->subs[i]) < 0)
			c.errors++;
	return c.errors ? -1 : 0;
}

/* ---- dump --------------------------------------------------------------- */

static void dump_ref(FILE *out, const struct ref *r)
{
	switch (r->kind) {
	case REF_NONE: fputs("_", out); break;
	case REF_REG: fprintf(out, "%%%d", r->reg); break;
	case REF_IMM: fprintf(out, "%lld", (long long)r->imm); break;
	case REF_MAP: fprintf(out, "map%d", r->map); break;
	case REF_FUNC: fprintf(out, "fn%d", r->func); break;
	case REF_KSYM: fprintf(out, "ksym%lld", (long long)r->imm); break;
	case REF_MAPVAL: fprintf(out, "mapval%d%+d", r->map, r->off); break;
	case REF_SLOT:
		if (r->off)
			fprintf(out, "s%d%+d", r->slot, r->off);
		else
			fprintf(out, "s%d", r->slot);
		break;
	}
}

/* An address operand with the instruction's displacement folded in:
 * "s0+8", "%3+0". */
static void dump_addr(FILE *out, const struct ref *r, int32_t off)
{
	if (r->kind == REF_SLOT)
		fprintf(out, "s%d%+d", r->slot, r->off + off);
	else {
		dump_ref(out, r);
		fprintf(out, "%+d", off);
	}
}

static void dump_insn(FILE *out, const struct ir_insn *in)
{
	fputs("  ", out);
	if (ir_insn_has_dst(in))
		fprintf(out, "%%%d = ", in->dst);
	switch (in->op) {
	case IR_LOAD:
		fprintf(out, "load%d ", in->size);
		dump_addr(out, &in->arg[0], in->off);
		break;
	case IR_STORE:
	case IR_XADD:
		fprintf(out, "%s%d ", in->op == IR_XADD ? "xadd" : "store",
			in->size);
		dump_addr(out, &in->arg[0], in->off);
		fputs(", ", out);
		dump_ref(out, &in->arg[1]);
		break;
	case IR_MEMZERO:
		fputs("memzero ", out);
		dump_addr(out, &in->arg[0], in->off);
		fprintf(out, ", %d", in->size);
		break;
	case IR_MEMCPY:
		fputs("memcpy ", out);
		dump_addr(out, &in->arg[0], in->off);
		fputs(", ", out);
		dump_ref(out, &in->arg[1]);
		fprintf(out, ", %d", in->size);
		break;
	case IR_ZEXT: case IR_SEXT:
		fprintf(out, "%s%d ", ir_op_name(in->op), in->size);
		dump_ref(out, &in->arg[0]);
		break;
	case IR_SETCC:
		fprintf(out, "set.%s ", ir_cc_name(in->cc));
		dump_ref(out, &in->arg[0]);
		fputs(", ", out);
		dump_ref(out, &in->arg[1]);
		break;
	case IR_CALL:
		if (in->kfunc)
			fprintf(out, "call kfunc %s(", in->kfunc);
		else
			fprintf(out, "call %s(", ir_helper_name(in->imm));
		for (int i = 0; i < in->nargs; i++) {
			if (i)
				fputs(", ", out);
			dump_ref(out, &in->arg[i]);
		}
		fputc(')', out);
		break;
	case IR_BR:
		fprintf(out, "br.%s ", ir_cc_name(in->cc));
		dump_ref(out, &in->arg[0]);
		fputs(", ", out);
		dump_ref(out, &in->arg[1]);
		fprintf(out, ", b%d, b%d", in->t, in->f);
		break;
	case IR_JMP:
		fprintf(out, "jmp b%d", in->t);
		break;
	case IR_ARG:
		fprintf(out, "arg %lld", (long long)in->imm);
		break;
	default:
		fputs(ir_op_name(in->op), out);
		for (int i = 0; i < op_nrefs[in->op]; i++) {
			fputs(i ? ", " : " ", out);
			dump_ref(out, &in->arg[i]);
		}
	}
	fputc('\n', out);
}

static const char *space_name(enum slot_space sp)
{
	return sp == SPACE_SCRATCH ? "scratch" : "stack";
}

void ir_dump(FILE *out, const struct ir_func *f)
{
	fprintf(out, "func %s", f->name);
	if (f->parent)
		fprintf(out, " in %s", f->parent->name);
	fputc('\n', out);
	for (int i = 0; i < f->nslots; i++) {
		const struct ir_slot *s = &f->slots[i];
		fprintf(out, "slot s%d %d %s", i, s->size, space_name(s->space));
		if (s->name)
			fprintf(out, " \"%s\"", s->name);
		if (s->up)
			fprintf(out, " up %d s%d", s->up, s->target);
		fputc('\n', out);
	}
	for (int i = 0; i < f->nregs; i++)
		if (f->reg_names && f->reg_names[i])
			fprintf(out, "reg %%%d \"%s\"\n", i, f->reg_names[i]);
	if (f->scratch_reg >= 0)
		fprintf(out, "scratch %%%d\n", f->scratch_reg);
	for (int k = 1; k <= IR_MAX_DEPTH; k++)
		if (f->frame_reg[k] >= 0)
			fprintf(out, "frame %d %%%d\n", k, f->frame_reg[k]);
	for (int bi = 0; bi < f->nblocks; bi++) {
		const struct ir_block *b = f->blocks[bi];
		fprintf(out, "b%d:\n", bi);
		for (int ii = 0; ii < b->ninsns; ii++)
			dump_insn(out, &b->insns[ii]);
	}
	for (int i = 0; i < f->nsubs; i++)
		ir_dump(out, f->subs[i]);
}

/* ---- parsing the dump format (tests, golden files) ------------------------
 * The inverse of ir_dump, so tests can be written as text:
 *   func NAME [in PARENT] / slot sN SIZE stack|scratch ["name"] [up K sM] /
 *   reg %N "name" / scratch %N / frame K %N / bN: / instructions as
 *   ir_dump prints them.  "func X in P" starts a subprogram of the
 *   function named P read earlier (the next fn<i> of P).
 * Lines may carry a "# comment".  Slots get their natural alignment
 * (up to 8).  Returns NULL (and prints the line) on a syntax error. */

struct irp {
	const char *p;
	int line;
	bool err;
	struct ir_func *f;
};

static void irp_ws(struct irp *P)
{
	while (*P->p == ' ' || *P->p == '\t')
		P->p++;
}

static bool irp_lit(struct irp *P, const char *s)
{
	irp_ws(P);
	size_t n = strlen(s);
	if (strncmp(P->p, s, n))
		return false;
	P->p += n;
	return true;
}

static long long irp_int(struct irp *P)
{
	irp_ws(P);
	char *end;
	long long v = strtoll(P->p, &end, 0);
	if (end == P->p)
		P->err = true;
	P->p = end;
	return v;
}

static const char *irp_word(struct irp *P)
{
	irp_ws(P);
	const char *s = P->p;
	while (*P->p && (*P->p == '_' || *P->p == '.' ||
			 (*P->p >= 'a' && *P->p <= 'z') ||
			 (*P->p >= 'A' && *P->p <= 'Z') ||
			 (*P->p >= '0' && *P->p <= '9')))
		P->p++;
	return tt_strndup(s, P->p - s);
}

static void irp_need_reg(struct irp *P, int r)
{
	while (P->f->nregs <= r)
		ir_reg_new(P->f, NULL);
}

static int irp_block(struct irp *P)
{
	if (!irp_lit(P, "b")) {
		P->err = true;
		return 0;
	}
	int b = (int)irp_int(P);
	if (b < 0 || b > 100000) {
		P->err = true;
		return 0;
	}
	while (P->f->nblocks <= b)
		ir_block_new(P->f);
	return b;
}

static struct ref irp_ref(struct irp *P)
{
	irp_ws(P);
	if (irp_lit(P, "%")) {
		int r = (int)irp_int(P);
		if (r < 0)
			P->err = true;
		else
			irp_need_reg(P, r);
		return ref_reg(r);
	}
	if (irp_lit(P, "mapval")) {
		int m = (int)irp_int(P);
		return ref_mapval(m, (int32_t)irp_int(P));
	}
	if (irp_lit(P, "map"))
		return ref_map((int)irp_int(P));
	if (irp_lit(P, "fn"))
		return ref_func((int)irp_int(P));
	if (*P->p == 's' && P->p[1] >= '0' && P->p[1] <= '9') {
		P->p++;
		int s = (int)irp_int(P);
		int off = 0;
		if (*P->p == '+' || *P->p == '-')
			off = (int)irp_int(P);
		return ref_slot(s, off);
	}
	return ref_imm(irp_int(P));
}

/* ADDR: sN+off or %r+off: the displacement goes to *off. */
static struct ref irp_addr(struct irp *P, int32_t *off)
{
	struct ref r = irp_ref(P);
	if (r.kind == REF_SLOT) {
		*off = r.off;
		r.off = 0;
	} else if (*P->p == '+' || *P->p == '-') {
		*off = (int32_t)irp_int(P);
	}
	return r;
}

static int irp_cc(struct irp *P, const char *w)
{
	for (unsigned i = 0; i < ARRAY_SIZE(cc_names); i++)
		if (!strcmp(w, cc_names[i]))
			return (int)i;
	P->err = true;
	return 0;
}

static int64_t irp_helper(struct irp *P, const char *w)
{
	for (unsigned i = 1; i < ARRAY_SIZE(helper_names); i++)
		if (!strcmp(w, helper_names[i]))
			return i;
	if (!strncmp(w, "helper", 6))
		return atoll(w + 6);
	P->err = true;
	return 0;
}

static void irp_insn(struct irp *P, int b)
{
	int dst = -1;
	if (irp_lit(P, "%")) {
		dst = (int)irp_int(P);
		if (dst < 0 || !irp_lit(P, "=")) {
			P->err = true;
			return;
		}
		irp_need_reg(P, dst);
	}
	const char *w = irp_word(P);
	int size = 0;
	char base[16];
	size_t bl = 0;
	while (w[bl] && !(w[bl] >= '0' && w[bl] <= '9') && w[bl] != '.' &&
	       bl < sizeof(base) - 1) {
		base[bl] = w[bl];
		bl++;
	}
	base[bl] = 0;
	if (w[bl] >= '0' && w[bl] <= '9')
		size = atoi(w + bl);
	int op = -1;
	for (int i = 0; i < IR__COUNT; i++)
		if (!strcmp(base, ir_op_name(i)))
			op = i;
	if (!strcmp(base, "set"))
		op = IR_SETCC;
	if (op < 0) {
		P->err = true;
		return;
	}
	struct ir_insn *in = ir_append(P->f, b, op);
	in->dst = dst;
	in->size = size;
	const char *dot = strchr(w, '.');
	if (dot)
		in->cc = irp_cc(P, dot + 1);
	switch (op) {
	case IR_LOAD:
		in->arg[0] = irp_addr(P, &in->off);
		break;
	case IR_STORE:
	case IR_XADD:
		in->arg[0] = irp_addr(P, &in->off);
		P->err |= !irp_lit(P, ",");
		in->arg[1] = irp_ref(P);
		break;
	case IR_MEMZERO:
		in->arg[0] = irp_addr(P, &in->off);
		P->err |= !irp_lit(P, ",");
		in->size = (int)irp_int(P);
		break;
	case IR_MEMCPY:
		in->arg[0] = irp_addr(P, &in->off);
		P->err |= !irp_lit(P, ",");
		in->arg[1] = irp_ref(P);
		P->err |= !irp_lit(P, ",");
		in->size = (int)irp_int(P);
		break;
	case IR_CALL:
		in->imm = irp_helper(P, irp_word(P));
		P->err |= !irp_lit(P, "(");
		while (!P->err && !irp_lit(P, ")")) {
			if (in->nargs && !irp_lit(P, ",")) {
				P->err = true;
				break;
			}
			if (in->nargs == 5) {
				P->err = true;
				break;
			}
			in->arg[in->nargs++] = irp_ref(P);
		}
		break;
	case IR_BR: {
		in->arg[0] = irp_ref(P);
		P->err |= !irp_lit(P, ",");
		in->arg[1] = irp_ref(P);
		P->err |= !irp_lit(P, ",");
		int t = irp_block(P);
		P->err |= !irp_lit(P, ",");
		int fb = irp_block(P);
		in = &P->f->blocks[b]->insns[P->f->blocks[b]->ninsns - 1];
		in->t = t;
		in->f = fb;
		break;
	}
	case IR_JMP: {
		int t = irp_block(P);
		in = &P->f->blocks[b]->insns[P->f->blocks[b]->ninsns - 1];
		in->t = t;
		break;
	}
	case IR_ARG:
		in->imm = irp_int(P);
		break;
	default:
		for (int i = 0; i < op_nrefs[op]; i++) {
			if (i)
				P->err |= !irp_lit(P, ",");
			in->arg[i] = irp_ref(P);
		}
	}
}

/* The function named `name` among main and its subprograms, or NULL. */
static struct ir_func *find_func(struct ir_func *f, const char *name)
{
	if (!strcmp(f->name, name))
		return f;
	for (int i = 0; i < f->nsubs; i++) {
		struct ir_func *r = find_func(f->subs[i], name);
		if (r)
			return r;
	}
	return NULL;
}

struct ir_func *ir_parse(const char *text)
{
	struct ir_func *main_f = ir_func_new("f");
	struct irp P = { .p = text, .f = main_f };
	int cur = -1;
	bool named = false;
	while (*P.p && !P.err) {
		P.line++;
		const char *eol = strchr(P.p, '\n');
		if (!eol)
			eol = P.p + strlen(P.p);
		char *line = tt_strndup(P.p, eol - P.p);
		bool quoted = false;
		for (char *c = line; *c; c++) {
			if (*c == '"')
				quoted = !quoted;
			else if (*c == '#' && !quoted) {
				*c = 0;
				break;
			}
		}
		const char *next = *eol ? eol + 1 : eol;
		P.p = line;
		irp_ws(&P);
		if (!*P.p) {
			/* blank */
		} else if (irp_lit(&P, "func ")) {
			irp_ws(&P);
			const char *in = strstr(P.p, " in ");
			if (in) {
				struct ir_func *parent = named ?
					find_func(main_f, in + 4) : NULL;
				P.err |= !parent;
				if (parent) {
					P.f = ir_sub_new(parent,
							 tt_strndup(P.p, in - P.p));
					cur = -1;
				}
			} else {
				P.err |= named;
				P.f->name = tt_strdup(P.p);
			}
			named = true;
			P.p += strlen(P.p);
		} else if (irp_lit(&P, "slot ")) {
			P.err |= !irp_lit(&P, "s");
			int s = (int)irp_int(&P);
			int size = (int)irp_int(&P);
			const char *sp = irp_word(&P);
			enum slot_space space = !strcmp(sp, "scratch") ? SPACE_SCRATCH : SPACE_STACK;
			P.err |= strcmp(sp, "scratch") && strcmp(sp, "stack");
			const char *name = NULL;
			if (irp_lit(&P, "\"")) {
				const char *q = strchr(P.p, '"');
				if (!q)
					q = P.p + strlen(P.p);
				name = tt_strndup(P.p, q - P.p);
				P.p = *q ? q + 1 : q;
			}
			int align = size >= 8 ? 8 : size >= 4 ? 4 : size >= 2 ? 2 : 1;
			P.err |= s != P.f->nslots;
			ir_slot_new(P.f, size, align, space, name);
			if (irp_lit(&P, "up")) {
				P.f->slots[s].up = (int)irp_int(&P);
				P.err |= !irp_lit(&P, "s");
				P.f->slots[s].target = (int)irp_int(&P);
			}
		} else if (irp_lit(&P, "reg ")) {
			P.err |= !irp_lit(&P, "%");
			int r = (int)irp_int(&P);
			irp_need_reg(&P, r);
			if (irp_lit(&P, "\"")) {
				const char *q = strchr(P.p, '"');
				if (!q)
					q = P.p + strlen(P.p);
				P.f->reg_names[r] = tt_strndup(P.p, q - P.p);
				P.p = *q ? q + 1 : q;
			}
		} else if (irp_lit(&P, "scratch ")) {
			P.err |= !irp_lit(&P, "%");
			P.f->scratch_reg = (int)irp_int(&P);
			irp_need_reg(&P, P.f->scratch_reg);
		} else if (irp_lit(&P, "frame ")) {
			int k = (int)irp_int(&P);
			P.err |= !irp_lit(&P, "%") || k < 1 || k > IR_MAX_DEPTH;
			int r = (int)irp_int(&P);
			if (!P.err) {
				irp_need_reg(&P, r);
				P.f->frame_reg[k] = r;
			}
		} else if (*P.p == 'b' && P.p[1] >= '0' && P.p[1] <= '9') {
			cur = irp_block(&P);
			P.err |= !irp_lit(&P, ":");
		} else if (cur < 0) {
			P.err = true;
		} else {
			irp_insn(&P, cur);
		}
		irp_ws(&P);
		if (*P.p)
			P.err = true;
		if (P.err) {
			fprintf(stderr, "ir_parse: line %d: cannot parse: %s\n",
				P.line, line);
			return NULL;
		}
		P.p = next;
	}
	return main_f;
}
