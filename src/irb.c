/* irb.c — the IR builder (irb.h): blocks, registers, calls, slots and
 * stores, ring buffer records, map updates, variable homes and
 * subprograms of the function being built.
 *
 * Takes: requests from the lowerings (ir_build.c's walker, ir_loops.c,
 * usdt.c, builtins_lower*.c).  Produces: IR in the current function
 * (ir.h) and maps and actions in the tt_prog, following ir_build.h's
 * conventions.  It walks no AST: what evaluates an expression or runs a
 * statement is the walker's (irb.h, last section). */
#include "irb_impl.h"

#include <linux/bpf.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "types.h"

/* A subprogram being built (irb_sub_begin). */
struct irb_sub {
	const struct irb_sub_ops *ops;
	void *data;
	int index;                  /* among the caller's subprograms */
	/* the caller's state, back at irb_sub_end */
	struct ir_func *f;
	int cur, entry, body, ctx_reg;
	bool uses_scratch;
	struct irb_sub *up;
	VEC(struct var_home) vars;
};

/* ---- small helpers ------------------------------------------------------- */

struct irval irb_unsupported(struct irb *b, const struct srcloc *loc,
			     const char *what)
{
	diag_error(loc, "%s is not supported yet", what);
	b->errors++;
	struct irval v = { type_none(), ref_imm(0) };
	return v;
}

struct irval irb_error(struct irb *b, const struct srcloc *loc,
		       const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = tt_alloc(1024);
	vsnprintf(msg, 1024, fmt, ap);
	va_end(ap);
	diag_error(loc, "%s", msg);
	b->errors++;
	struct irval v = { type_int(8, true), ref_imm(0) };
	return v;
}

struct ir_insn *irb_emit(struct irb *b, enum ir_op op, const struct srcloc *loc)
{
	struct ir_insn *in = ir_append(b->f, b->cur, op);
	if (loc)
		in->loc = *loc;
	return in;
}

int irb_reg(struct irb *b, const char *name)
{
	return ir_reg_new(b->f, name);
}

int irb_slot_sized(struct irb *b, int size, int align, const char *name)
{
	enum slot_space sp = SPACE_STACK;
	if (size > b->prog->cfg.on_stack_limit) {
		sp = SPACE_SCRATCH;
		b->uses_scratch = true;
	}
	if (size <= 0)
		size = 1;
	return ir_slot_new(b->f, size, align > 8 ? 8 : align, sp, name);
}

int irb_slot(struct irb *b, struct type *t, const char *name)
{
	return irb_slot_sized(b, t->size, t->align, name);
}

/* -k: after a probe_read helper that returned an error, an
 * ACT_HELPER_ERROR with the return code, shown as bpftrace.adoc's -k
 * shows it ("Failed to probe_read_user: Bad address (-14)" at the
 * construct that read; a helper_error object in JSON). */
static void helper_check(struct irb *b, int helper, int r,
			 const struct srcloc *loc)
{
	static const struct { int id; const char *name; } reads[] = {
		{ BPF_FUNC_probe_read, "probe_read" },
		{ BPF_FUNC_probe_read_str, "probe_read_str" },
		{ BPF_FUNC_probe_read_user, "probe_read_user" },
		{ BPF_FUNC_probe_read_kernel, "probe_read_kernel" },
		{ BPF_FUNC_probe_read_user_str, "probe_read_user_str" },
		{ BPF_FUNC_probe_read_kernel_str, "probe_read_kernel_str" },
	};
	const char *name = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(reads); i++)
		if (reads[i].id == helper)
			name = reads[i].name;
	if (!name || !loc || b->prog->cfg.helper_check_level < 1)
		return;
	irb_helper_error(b, name, r, loc);
}

void irb_helper_error(struct irb *b, const char *name, int r,
		      const struct srcloc *loc)
{
	if (b->prog->ringbuf_map < 0)
		return;
	struct type *el[1] = { type_int(8, true) };
	int id = irb_action(b, ACT_HELPER_ERROR, name, type_tuple(el, 1), -1,
			    loc);
	int warn = irb_new_block(b), done = irb_new_block(b);
	irb_br(b, CC_SGE, ref_reg(r), ref_imm(0), done, warn);
	irb_set_block(b, warn);
	int s = irb_slot_sized(b, 16, 8, tt_sprintf("helper_error#%d", id));
	irb_store_int(b, ref_slot(s, 0), 0, 8, ref_imm(id), NULL);
	irb_store_int(b, ref_slot(s, 0), 8, 8, ref_reg(r), NULL);
	irb_call(b, BPF_FUNC_ringbuf_output, NULL, 4,
		 ref_map(b->prog->ringbuf_map), ref_slot(s, 0), ref_imm(16),
		 ref_imm(0));
	irb_jmp(b, done);
	irb_set_block(b, done);
}

int irb_call(struct irb *b, int helper, const struct srcloc *loc, int nargs,
	     ...)
{
	int d = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, IR_CALL, loc);
	in->dst = d;
	in->imm = helper;
	in->nargs = nargs;
	va_list ap;
	va_start(ap, nargs);
	for (int i = 0; i < nargs; i++)
		in->arg[i] = va_arg(ap, struct ref);
	va_end(ap);
	helper_check(b, helper, d, loc);
	return d;
}

int irb_kcall(struct irb *b, const char *name, int btf_id,
	      const struct srcloc *loc, int nargs, ...)
{
	int d = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, IR_CALL, loc);
	in->dst = d;
	in->imm = btf_id;
	in->kfunc = name;
	in->nargs = nargs;
	va_list ap;
	va_start(ap, nargs);
	for (int i = 0; i < nargs; i++)
		in->arg[i] = va_arg(ap, struct ref);
	va_end(ap);
	return d;
}

int irb_ctx(struct irb *b) { return b->ctx_reg; }
struct attach_point *irb_ap(struct irb *b) { return b->sp->ap; }
const struct tt_config *irb_cfg(struct irb *b) { return &b->prog->cfg; }
/* the probe being built is pushed when its body is done */
int irb_probe_id(struct irb *b) { return b->prog->probes.n; }

int irb_internal_map(struct irb *b, const char *name, uint32_t type,
		     uint32_t key_size, uint32_t value_size,
		     uint32_t max_entries)
{
	struct tt_prog *p = b->prog;
	for (int i = 0; i < p->maps.n; i++)
		if (p->maps.v[i].kind == MAPK_INTERNAL &&
		    !strcmp(p->maps.v[i].name, name))
			return i;
	struct tt_map m = { .name = name, .kind = MAPK_INTERNAL, .type = type,
			    .key_size = key_size, .value_size = value_size,
			    .max_entries = max_entries };
	return irb_add_map(b, m);
}

int irb_new_block(struct irb *b)
{
	return ir_block_new(b->f);
}

void irb_set_block(struct irb *b, int block)
{
	b->cur = block;
}

void irb_jmp(struct irb *b, int target)
{
	struct ir_insn *in = irb_emit(b, IR_JMP, NULL);
	in->t = target;
}

void irb_br(struct irb *b, enum ir_cc cc, struct ref x, struct ref y, int t,
	    int f)
{
	if (x.kind == REF_IMM && y.kind != REF_IMM) {
		struct ref tmp = x;
		x = y;
		y = tmp;
		cc = ir_cc_swap(cc);
	}
	struct ir_insn *in = irb_emit(b, IR_BR, NULL);
	in->cc = cc;
	in->arg[0] = x;
	in->arg[1] = y;
	in->t = t;
	in->f = f;
}

void irb_return(struct irb *b, const struct srcloc *loc)
{
	if (b->sub) {   /* inside a subprogram: its own way out */
		b->sub->ops->ret(b, b->sub->data, loc);
		return;
	}
	/* every way out of a probe goes through its exit block, which
	 * reports lost records and failed map updates */
	irb_jmp(b, b->exit_block);
	b->cur = irb_new_block(b);
}

struct ref irb_to_reg(struct irb *b, struct irval v, const struct srcloc *loc)
{
	if (v.r.kind == REF_REG)
		return v.r;
	int d = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, IR_MOV, loc);
	in->dst = d;
	in->arg[0] = v.r.kind == REF_NONE ? ref_imm(0) : v.r;
	return ref_reg(d);
}

static struct irval val(struct type *t, struct ref r)
{
	struct irval v = { t, r };
	return v;
}

int irb_map_index(struct irb *b, struct node *map)
{
	return sema_map_of(map)->id;
}

struct tt_action *irb_action_at(struct irb *b, int id)
{
	return &b->prog->actions.v[id];
}

int irb_action(struct irb *b, enum action_kind kind, const char *fmt,
	       struct type *args, int map, const struct srcloc *loc)
{
	struct tt_action a = { .kind = kind, .fmt = fmt, .args = args,
			       .map = map };
	if (loc)
		a.loc = *loc;
	vec_push(&b->prog->actions, a);
	return b->prog->actions.n - 1;
}

void irb_action_konst(struct irb *b, int id, const uint8_t *konst,
		      const int *from)
{
	b->prog->actions.v[id].konst = konst;
	b->prog->actions.v[id].from = from;
}

/* ---- stores ---------------------------------------------------------------- */

void irb_store_int(struct irb *b, struct ref dst, int off, int size,
			 struct ref v, const struct srcloc *loc)
{
	if (v.kind == REF_IMM && size == 8 &&
	    (v.imm < INT32_MIN || v.imm > INT32_MAX))
		v = irb_to_reg(b, val(type_int(8, true), v), loc);
	if (v.kind == REF_NONE)
		v = ref_imm(0);
	struct ir_insn *in = irb_emit(b, IR_STORE, loc);
	in->arg[0] = dst;
	in->arg[1] = v;
	in->off = off;
	in->size = size;
}

/* base + off as an operand: a slot reference moves its offset, a pointer
 * register gets a new register. */
struct ref irb_ref_at(struct irb *b, struct ref base, int off,
			 const struct srcloc *loc)
{
	if (!off || base.kind == REF_SLOT)
		return ref_add(base, off);
	int d = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, IR_ADD, loc);
	in->dst = d;
	in->arg[0] = base;
	in->arg[1] = ref_imm(off);
	return ref_reg(d);
}

/* Copies and zeroings of at least this many bytes are one helper call
 * instead of size/8 loads and stores (a 1 KiB string would be 256
 * instructions): bpf_probe_read_kernel(dst, n, src) copies, and with a
 * NULL source it fails and fills dst with zeros. */
#define BIG_MEM 128

void irb_zero(struct irb *b, struct ref dst, int off, int size,
		    const struct srcloc *loc)
{
	if (size <= 0)
		return;
	if (size >= BIG_MEM) {
		irb_call(b, BPF_FUNC_probe_read_kernel, loc, 3,
			 irb_ref_at(b, dst, off, loc), ref_imm(size), ref_imm(0));
		return;
	}
	struct ir_insn *in = irb_emit(b, IR_MEMZERO, loc);
	in->arg[0] = dst;
	in->off = off;
	in->size = size;
}

void irb_copy(struct irb *b, struct ref dst, int off, struct ref src,
		    int size, const struct srcloc *loc)
{
	if (size <= 0)
		return;
	if (dst.kind == REF_SLOT && src.kind == REF_SLOT &&
	    dst.slot == src.slot && dst.off + off == src.off)
		return;
	if (size >= BIG_MEM) {
		irb_call(b, BPF_FUNC_probe_read_kernel, loc, 3,
			 irb_ref_at(b, dst, off, loc), ref_imm(size), src);
		return;
	}
	struct ir_insn *in = irb_emit(b, IR_MEMCPY, loc);
	in->arg[0] = dst;
	in->arg[1] = src;
	in->off = off;
	in->size = size;
}

/* Zeroes the bytes of a tuple/record/struct of type t at dst+off that no
 * field covers (padding), so keys and records are deterministic; the
 * fields are written by the caller. */
void irb_zero_gaps(struct irb *b, struct ref dst, int off, struct type *t,
		   const struct srcloc *loc)
{
	int at = 0;
	for (int i = 0; i < t->fields.n; i++) {
		const struct field *f = &t->fields.v[i];
		if (f->offset > at)
			irb_zero(b, dst, off + at, f->offset - at, loc);
		if (f->offset + f->type->size > at)
			at = f->offset + f->type->size;
	}
	if (t->size > at)
		irb_zero(b, dst, off + at, t->size - at, loc);
}

void irb_store(struct irb *b, struct ref dst, int off, struct type *t,
	       struct irval v, const struct srcloc *loc)
{
	if (irb_is_scalar(t)) {
		irb_store_int(b, dst, off, t->size, v.r, loc);
		return;
	}
	if (v.r.kind != REF_SLOT && v.r.kind != REF_REG) {
		irb_zero(b, dst, off, t->size, loc);
		return;
	}
	if (type_equal(t, v.t) || (t->kind != TY_TUPLE && t->kind != TY_STR &&
				   t->kind != TY_RECORD)) {
		int n = v.t->size < t->size ? v.t->size : t->size;
		if (n < t->size)
			irb_zero(b, dst, off + n, t->size - n, loc);
		irb_copy(b, dst, off, v.r, n, loc);
		return;
	}
	if (t->kind == TY_STR) {
		int n = v.t->size;
		if (n >= t->size) {
			/* truncate, keeping the terminating NUL */
			irb_copy(b, dst, off, v.r, t->size - 1, loc);
			irb_store_int(b, dst, off + t->size - 1, 1, ref_imm(0),
				     loc);
		} else {
			irb_zero(b, dst, off + n, t->size - n, loc);
			irb_copy(b, dst, off, v.r, n, loc);
		}
		return;
	}
	/* tuples of different layouts: element by element; a record's
	   fields by name (they may come in another order) */
	irb_zero_gaps(b, dst, off, t, loc);
	for (int i = 0; i < t->fields.n && i < v.t->fields.n; i++) {
		const struct field *tf = &t->fields.v[i], *vf = &v.t->fields.v[i];
		if (t->kind == TY_RECORD && !(vf = type_field(v.t, tf->name)))
			continue;
		struct irval e;
		e.t = vf->type;
		if (irb_is_scalar(vf->type)) {
			int r = irb_reg(b, NULL);
			struct ir_insn *in = irb_emit(b, IR_LOAD, loc);
			in->dst = r;
			in->arg[0] = v.r;
			in->off = vf->offset;
			in->size = vf->type->size;
			if (vf->type->kind == TY_INT && vf->type->is_signed &&
			    vf->type->size < 8) {
				in = irb_emit(b, IR_SEXT, loc);
				in->dst = r;
				in->arg[0] = ref_reg(r);
				in->size = vf->type->size;
			}
			e.r = ref_reg(r);
		} else {
			e.r = ref_add(v.r, vf->offset);
		}
		irb_store(b, dst, off + tf->offset, tf->type, e, loc);
	}
}

/* Loads a scalar of type t from base+off, extended to 64 bits. */
struct irval irb_load(struct irb *b, struct ref base, int off,
				struct type *t, const struct srcloc *loc)
{
	int r = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, IR_LOAD, loc);
	in->dst = r;
	in->arg[0] = base;
	in->off = off;
	in->size = t->size;
	if (t->kind == TY_INT && t->is_signed && t->size < 8) {
		in = irb_emit(b, IR_SEXT, loc);
		in->dst = r;
		in->arg[0] = ref_reg(r);
		in->size = t->size;
	}
	return val(t, ref_reg(r));
}

/* ---- ring buffer ------------------------------------------------------------- */

/* Adds `count` to the lost-records counter: an atomic add to the one value
 * of the MAPK_LOST array, addressed directly (ld_imm64 of the map value:
 * no lookup, no NULL test), so 4 instructions. */
void irb_count_lost(struct irb *b, struct ref count, const struct srcloc *loc)
{
	int ptr = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, IR_MOV, loc);
	in->dst = ptr;
	in->arg[0] = ref_mapval(b->prog->lost_map, 0);
	in = irb_emit(b, IR_XADD, loc);
	in->arg[0] = ref_reg(ptr);
	in->arg[1] = count;
	in->size = 8;
}

void irb_output(struct irb *b, int slot, int size, const struct srcloc *loc)
{
	struct tt_prog *p = b->prog;
	int e = irb_call(b, BPF_FUNC_ringbuf_output, loc, 4,
			 ref_map(p->ringbuf_map), ref_slot(slot, 0),
			 ref_imm(size), ref_imm(0));
	if (!b->sub) {
		/* a probe counts its lost records in a register and adds
		 * them to the counter once, on its way out (build_probe):
		 * two instructions per record instead of a map update.
		 * Branch-free (lost += (u64)err >> 63, err is 0 or -errno):
		 * a branch adding 1 would give the verifier states that
		 * differ in a known constant, and the final test of `lost`
		 * makes it precise, so paths would double per record. */
		if (b->lost < 0)
			b->lost = irb_reg(b, "lost");
		int neg = irb_reg(b, NULL);
		struct ir_insn *in = irb_emit(b, IR_LSHR, loc);
		in->dst = neg;
		in->arg[0] = ref_reg(e);
		in->arg[1] = ref_imm(63);
		in = irb_emit(b, IR_ADD, loc);
		in->dst = b->lost;
		in->arg[0] = ref_reg(b->lost);
		in->arg[1] = ref_reg(neg);
		return;
	}
	/* a loop callback has no way out through build_probe: it counts
	 * each lost record where it happens (a branch around an atomic add
	 * to memory: the states after it differ in no register) */
	int lost = irb_new_block(b), ok = irb_new_block(b);
	irb_br(b, CC_EQ, ref_reg(e), ref_imm(0), ok, lost);
	irb_set_block(b, lost);
	irb_count_lost(b, ref_imm(1), loc);
	irb_jmp(b, ok);
	irb_set_block(b, ok);
}

/* ---- variables -------------------------------------------------------------- */

struct var_home *irb_var_home(struct irb *b, struct sema_var *v)
{
	for (int i = 0; i < b->vars.n; i++)
		if (b->vars.v[i].var == v)
			return &b->vars.v[i];
	struct var_home h = { v, -1, -1 };
	if (irb_is_scalar(v->type) && !v->addr_taken)
		h.reg = irb_reg(b, v->name);
	else
		h.slot = irb_slot(b, v->type, v->name);
	vec_push(&b->vars, h);
	return &b->vars.v[b->vars.n - 1];
}

/* map_update_elem(map, key, value, BPF_ANY); a failure counts (see
 * irb_map_err). */
void irb_map_update(struct irb *b, int map, struct ref key, struct ref value,
		    const struct srcloc *loc)
{
	int r = irb_call(b, BPF_FUNC_map_update_elem, loc, 4, ref_map(map), key,
			 value, ref_imm(BPF_ANY));
	irb_map_err(b, ref_reg(r), loc);
}

static bool map_err_counter(struct irb *b, const struct srcloc *loc);

/* irb_map_update on a path that runs rarely (an aggregation's first
 * value for a key on this CPU): err is added to the counter without a
 * branch (adding 0 when the update worked): 3 instructions instead of 4,
 * and no second verifier state. */
void irb_map_update_rare(struct irb *b, int map, struct ref key,
			 struct ref value, const struct srcloc *loc)
{
	int r = irb_call(b, BPF_FUNC_map_update_elem, loc, 4, ref_map(map), key,
			 value, ref_imm(BPF_ANY));
	if (b->sub || !map_err_counter(b, loc)) {
		irb_map_err(b, ref_reg(r), loc);
		return;
	}
	irb_map_err_add(b, ref_reg(r), loc);
}

/* The probe's "Map full" counter and its warning, made at its first
 * update; false inside a subprogram (its ops count). */
static bool map_err_counter(struct irb *b, const struct srcloc *loc)
{
	if (loc && !b->map_err_set) {
		b->map_err_loc = *loc;
		b->map_err_set = true;
	}
	if (b->sub)
		return false;
	struct tt_prog *p = b->prog;
	int m = irb_internal_map(b, "mapfull", BPF_MAP_TYPE_ARRAY, 4, 8, 1);
	if (b->map_err < 0) {
		/* the probe's counter and its warning, at its first update */
		b->map_err = b->nwarn++;
		p->maps.v[m].value_size = 8 * (uint32_t)b->nwarn;
		int id = irb_action(b, ACT_WARNF, "Map full; can't update element",
				    NULL, -1, &b->map_err_loc);
		p->actions.v[id].counter = b->map_err + 1;
	}
	return true;
}

void irb_map_err(struct irb *b, struct ref err, const struct srcloc *loc)
{
	if (loc && !b->map_err_set) {
		b->map_err_loc = *loc;
		b->map_err_set = true;
	}
	if (b->sub) {   /* inside a subprogram */
		b->sub->ops->map_err(b, b->sub->data, err);
		return;
	}
	map_err_counter(b, loc);
	/* a failure adds err (not 0: -errno, or an OR of those) to the
	 * counter, addressed directly, so it changes with every failure;
	 * a branch around a write to memory: the verifier's states after
	 * it differ in no register and are pruned at the join */
	int add = irb_new_block(b), ok = irb_new_block(b);
	struct map_err_site site = { b->cur, ok, err };
	vec_push(&b->map_err_sites, site);
	irb_br(b, CC_EQ, err, ref_imm(0), ok, add);
	irb_set_block(b, add);
	irb_map_err_add(b, err, loc);
	irb_jmp(b, ok);
	irb_set_block(b, ok);
}

/* Adds err to this probe's "Map full" counter: an atomic add to its u64
 * in the "mapfull" array, addressed directly. */
void irb_map_err_add(struct irb *b, struct ref err, const struct srcloc *loc)
{
	int m = irb_internal_map(b, "mapfull", BPF_MAP_TYPE_ARRAY, 4, 8, 1);
	int ptr = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, IR_MOV, loc);
	in->dst = ptr;
	in->arg[0] = ref_mapval(m, 8 * b->map_err);
	in = irb_emit(b, IR_XADD, loc);
	in->arg[0] = ref_reg(ptr);
	in->arg[1] = err;
	in->size = 8;
}

/* Writes the bytes of a string literal at dst+off, NUL-padded (and
 * truncated, keeping a final NUL) to size. */
static void bytes_into(struct irb *b, struct ref dst, int off, int size,
		       const char *str, size_t slen, bool nul,
		       const struct srcloc *loc)
{
	for (int o = 0; o < size;) {
		int w = size - o >= 8 ? 8 : size - o >= 4 ? 4
			: size - o >= 2 ? 2 : 1;
		uint64_t v = 0;
		for (int i = 0; i < w; i++) {
			size_t k = (size_t)o + i;
			unsigned char c = k < slen && (!nul || (int)k < size - 1)
				? (unsigned char)str[k] : 0;
			v |= (uint64_t)c << (8 * i);
		}
		int64_t sv = (int64_t)v;
		if (w == 4)
			sv = (int32_t)(uint32_t)v;
		irb_store_int(b, dst, off + o, w, ref_imm(sv), loc);
		o += w;
	}
}

void irb_store_str(struct irb *b, struct ref dst, int off, int size,
			 const char *str, size_t slen, const struct srcloc *loc)
{
	bytes_into(b, dst, off, size, str, slen, true, loc);
}

void irb_store_bytes(struct irb *b, struct ref dst, int off, const void *data,
		     int n, const struct srcloc *loc)
{
	bytes_into(b, dst, off, n, data, (size_t)n, false, loc);
}

int irb_add_map(struct irb *b, struct tt_map m)
{
	struct tt_prog *p = b->prog;
	m.fd = -1;
	vec_push(&p->maps, m);
	return p->maps.n - 1;
}

/* len(@m): bpf_for_each_map_elem with a callback that adds one to a
 * counter in the caller's stack (its callback context) for every key. */
struct irval irb_map_len(struct irb *b, int map, const struct srcloc *loc)
{
	struct irb_sub *sub = irb_sub_begin(b, "len", loc, NULL, NULL);
	/* (map, key, value, ctx) */
	int cnt = irb_sub_arg(b, 3, "count", NULL), v = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, IR_LOAD, NULL);
	in->dst = v;
	in->arg[0] = ref_reg(cnt);
	in->size = 8;
	in = irb_emit(b, IR_ADD, NULL);
	in->dst = v;
	in->arg[0] = ref_reg(v);
	in->arg[1] = ref_imm(1);
	in = irb_emit(b, IR_STORE, NULL);
	in->arg[0] = ref_reg(cnt);
	in->arg[1] = ref_reg(v);
	in->size = 8;
	irb_emit(b, IR_RET, NULL)->arg[0] = ref_imm(0);
	int fn = irb_sub_end(b, sub);

	/* The callback context must be on the stack.  The counter starts
	 * at a value the verifier cannot know (the clock) and the length is
	 * the difference: with a known start it would follow every count
	 * separately through the callback and give up ("program too
	 * large") when the result is compared. */
	int s = ir_slot_new(b->f, 8, 8, SPACE_STACK, "len");
	int start = irb_call(b, BPF_FUNC_ktime_get_ns, loc, 0);
	irb_store_int(b, ref_slot(s, 0), 0, 8, ref_reg(start), loc);
	irb_call(b, BPF_FUNC_for_each_map_elem, loc, 4, ref_map(map),
		 ref_func(fn), ref_slot(s, 0), ref_imm(0));
	struct irval end = irb_load(b, ref_slot(s, 0), 0, type_int(8, true),
				    loc);
	in = irb_emit(b, IR_SUB, loc);
	in->dst = end.r.reg;
	in->arg[0] = end.r;
	in->arg[1] = ref_reg(start);
	return end;
}

/* ---- subprograms ------------------------------------------------------------ */

struct irb_sub *irb_sub_begin(struct irb *b, const char *kind,
			      const struct srcloc *loc,
			      const struct irb_sub_ops *ops, void *data)
{
	struct ir_func *pf = b->f;
	struct ir_func *f = ir_sub_new(pf, tt_sprintf("%s.%s%d", pf->name, kind,
						      pf->nsubs));
	f->loc = *loc;
	struct irb_sub *s = xcalloc(1, sizeof(*s));
	s->ops = ops;
	s->data = data;
	s->index = pf->nsubs - 1;
	s->f = b->f;
	s->cur = b->cur;
	s->entry = b->entry;
	s->body = b->body;
	s->ctx_reg = b->ctx_reg;
	s->uses_scratch = b->uses_scratch;
	s->up = b->sub;
	s->vars.v = b->vars.v;
	s->vars.n = b->vars.n;
	s->vars.cap = b->vars.cap;
	b->f = f;
	b->cur = b->entry = b->body = ir_block_new(f);
	b->ctx_reg = -1;
	b->uses_scratch = false;
	b->sub = s;
	memset(&b->vars, 0, sizeof(b->vars));
	return s;
}

int irb_sub_arg(struct irb *b, int i, const char *name,
		const struct srcloc *loc)
{
	int r = irb_reg(b, name);
	struct ir_insn *in = irb_emit(b, IR_ARG, loc);
	in->dst = r;
	in->imm = i;
	return r;
}

void irb_sub_set_ctx(struct irb *b, int ctx_reg)
{
	b->ctx_reg = ctx_reg;
}

int irb_sub_end(struct irb *b, struct irb_sub *s)
{
	int index = s->index;
	vec_free(&b->vars);
	b->f = s->f;
	b->cur = s->cur;
	b->entry = s->entry;
	b->body = s->body;
	b->ctx_reg = s->ctx_reg;
	b->uses_scratch = s->uses_scratch;
	b->sub = s->up;
	b->vars.v = s->vars.v;
	b->vars.n = s->vars.n;
	b->vars.cap = s->vars.cap;
	free(s);
	return index;
}

void *irb_sub_data(struct irb *b)
{
	return b->sub ? b->sub->data : NULL;
}

/* ---- accessors, loop targets -------------------------------------------- */

struct ir_func *irb_func(struct irb *b) { return b->f; }
int irb_cur(struct irb *b) { return b->cur; }
struct node *irb_probe(struct irb *b) { return b->sp->probe; }
void irb_fail(struct irb *b) { b->errors++; }
void irb_need_scratch(struct irb *b) { b->uses_scratch = true; }

void irb_var_get(struct irb *b, struct sema_var *v, int *reg, int *slot)
{
	struct var_home *h = irb_var_home(b, v);
	*reg = h->reg;
	*slot = h->slot;
}

void irb_var_bind(struct irb *b, struct sema_var *v, int reg, int slot)
{
	struct var_home h = { v, reg, slot };
	vec_push(&b->vars, h);
}

void irb_loop_push(struct irb *b, int brk, int cont)
{
	vec_push(&b->brk, brk);
	vec_push(&b->cont, cont);
}

void irb_loop_pop(struct irb *b)
{
	b->brk.n--;
	b->cont.n--;
}

int irb_break_target(struct irb *b)
{
	return b->brk.v[b->brk.n - 1];
}

int irb_continue_target(struct irb *b)
{
	return b->cont.v[b->cont.n - 1];
}
