/* usdt.c — USDT arguments -> IR (usdt.h).
 *
 * Takes: the current usdt attach point (its locations' parsed specs) and
 * an argument index.  Produces: IR computing the argument as a 64-bit
 * value, extended from the spec's size with the spec's signedness.
 * requires: irb at a point where instructions may be appended. */
#include "usdt.h"

#include <linux/bpf.h>
#include <string.h>

#include "arch.h"
#include "elf_syms.h"
#include "probes.h"
#include "types.h"

static bool same_arg(const struct usdt_arg *a, const struct usdt_arg *b)
{
	return a->kind == b->kind && a->size == b->size &&
	       a->is_signed == b->is_signed && a->reg == b->reg &&
	       a->reg_shift == b->reg_shift && a->idx == b->idx &&
	       a->scale == b->scale && a->val == b->val && a->disp == b->disp;
}

static int emit_op(struct irb *b, enum ir_op op, struct ref x, struct ref y,
		   int size, const struct srcloc *loc)
{
	int d = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, op, loc);
	in->dst = d;
	in->arg[0] = x;
	in->arg[1] = y;
	in->size = size;
	return d;
}

/* d = *(u64 *)(ctx + off): a pt_regs field. */
static int load_reg(struct irb *b, int off, const struct srcloc *loc)
{
	int d = irb_reg(b, NULL);
	struct ir_insn *in = irb_emit(b, IR_LOAD, loc);
	in->dst = d;
	in->arg[0] = ref_reg(irb_ctx(b));
	in->off = off;
	in->size = 8;
	return d;
}

/* Extends the low `size` bytes of register r to 64 bits. */
static struct ref extend(struct irb *b, int r, const struct usdt_arg *a,
			 const struct srcloc *loc)
{
	if (a->size >= 8)
		return ref_reg(r);
	return ref_reg(emit_op(b, a->is_signed ? IR_SEXT : IR_ZEXT, ref_reg(r),
			       ref_imm(0), a->size, loc));
}

/* The value of one argument spec. */
static struct ref read_arg(struct irb *b, const struct usdt_arg *a,
			   const struct srcloc *loc)
{
	switch (a->kind) {
	case USDT_ARG_CONST: {
		uint64_t v = (uint64_t)a->val;
		if (a->size < 8) {
			int bits = a->size * 8;
			v &= (1ull << bits) - 1;
			if (a->is_signed && (v >> (bits - 1)) & 1)
				v |= ~0ull << bits;
		}
		return ref_imm((int64_t)v);
	}
	case USDT_ARG_REG: {
		int r = load_reg(b, a->reg, loc);
		if (a->reg_shift)
			r = emit_op(b, IR_LSHR, ref_reg(r),
				    ref_imm(a->reg_shift), 0, loc);
		return extend(b, r, a, loc);
	}
	case USDT_ARG_MEM:
	case USDT_ARG_MEM_IP: {
		struct ref addr;
		int base = a->kind == USDT_ARG_MEM_IP ? arch_current()->ip_off : a->reg;
		if (base >= 0) {
			addr = ref_reg(load_reg(b, base, loc));
			if (a->disp)
				addr = ref_reg(emit_op(b, IR_ADD, addr,
						       ref_imm(a->disp), 0,
						       loc));
		} else {
			addr = ref_imm(a->disp);
		}
		if (a->idx >= 0) {
			int x = load_reg(b, a->idx, loc);
			if (a->scale > 1)
				x = emit_op(b, IR_MUL, ref_reg(x),
					    ref_imm(a->scale), 0, loc);
			if (addr.kind == REF_IMM && addr.imm == 0)
				addr = ref_reg(x);
			else
				addr = ref_reg(emit_op(b, IR_ADD, ref_reg(x),
						       addr, 0, loc));
		}
		if (addr.kind != REF_REG) {
			int r = irb_reg(b, NULL);
			struct ir_insn *in = irb_emit(b, IR_MOV, loc);
			in->dst = r;
			in->arg[0] = addr;
			addr = ref_reg(r);
		}
		int s = irb_slot_sized(b, 8, 8, "usdt_arg");
		irb_call(b, BPF_FUNC_probe_read_user, loc, 3, ref_slot(s, 0),
			 ref_imm(a->size), addr);
		int r = irb_reg(b, NULL);
		struct ir_insn *in = irb_emit(b, IR_LOAD, loc);
		in->dst = r;
		in->arg[0] = ref_slot(s, 0);
		in->size = a->size;
		return a->is_signed ? extend(b, r, a, loc) : ref_reg(r);
	}
	}
	return ref_imm(0);
}

struct irval usdt_lower_arg(struct irb *b, struct node *n, int idx)
{
	const struct attach_point *ap = irb_ap(b);
	const struct srcloc *loc = &n->loc;
	struct irval v = { type_int(8, true), ref_imm(0) };
	const char *err;
	int nargs = usdt_nargs(ap, &err);

	if (nargs < 0)
		return irb_error(b, loc, "cannot read the arguments of %s: %s",
				 probes_ap_name(ap), err);
	if (idx >= nargs)
		return irb_error(b, loc, "%s has %d argument%s: there is no %s",
				 probes_ap_name(ap), nargs,
				 nargs == 1 ? "" : "s", n->name);
	/* locations that read the argument alike share one read */
	const struct usdt_arg *first = &ap->locs[0].note->args[idx];
	bool same = true;
	for (int i = 1; i < ap->nlocs; i++)
		same = same && same_arg(first, &ap->locs[i].note->args[idx]);
	if (same) {
		v.r = read_arg(b, first, loc);
		return v;
	}

	/* else by location: the attach cookie is the location's index */
	int cookie = irb_call(b, BPF_FUNC_get_attach_cookie, loc, 1,
			      ref_reg(irb_ctx(b)));
	int res = irb_reg(b, "usdt_arg");
	int done = irb_new_block(b);
	for (int i = 0; i < ap->nlocs; i++) {
		const struct usdt_arg *a = &ap->locs[i].note->args[idx];
		int j = 0;
		while (j < i && !same_arg(&ap->locs[j].note->args[idx], a))
			j++;
		if (j < i)
			continue; /* read like an earlier location: below */
		int here = irb_new_block(b), next = irb_new_block(b);
		/* cookie in {k : loc k reads like loc i}? */
		for (int k = i; k < ap->nlocs; k++) {
			if (!same_arg(&ap->locs[k].note->args[idx], a))
				continue;
			int more = irb_new_block(b);
			irb_br(b, CC_EQ, ref_reg(cookie), ref_imm(k), here,
			       more);
			irb_set_block(b, more);
		}
		irb_jmp(b, next);
		irb_set_block(b, here);
		struct ref r = read_arg(b, a, loc);
		struct ir_insn *in = irb_emit(b, IR_MOV, loc);
		in->dst = res;
		in->arg[0] = r;
		irb_jmp(b, done);
		irb_set_block(b, next);
	}
	/* no location has this cookie: cannot happen; 0 */
	struct ir_insn *in = irb_emit(b, IR_MOV, loc);
	in->dst = res;
	in->arg[0] = ref_imm(0);
	irb_jmp(b, done);
	irb_set_block(b, done);
	v.r = ref_reg(res);
	return v;
}
