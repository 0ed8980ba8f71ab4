/* test_ir.c — IR building, dump, checker and ir_optimize on hand-built
 * functions, compared with exact expected dumps. */
#include <criterion/criterion.h>
#include <linux/bpf.h>
#include <string.h>
#include <unistd.h>

#include "ir.h"

/* Run ir_dump into a string (arena copy). */
static char *dump(const struct ir_func *f)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	ir_dump(m, f);
	fclose(m);
	char *s = tt_strdup(buf);
	free(buf);
	return s;
}

/* Run ir_check with its complaints captured; returns the text ("" when
 * clean) and stores the return code. */
static char *check(const struct ir_func *f, int *rc)
{
	fflush(stderr);
	FILE *tmp = tmpfile();
	int saved = dup(2);
	dup2(fileno(tmp), 2);
	*rc = ir_check(f);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	long n = ftell(tmp);
	char *s = tt_alloc(n + 1);
	rewind(tmp);
	if (n > 0 && fread(s, 1, n, tmp) != (size_t)n)
		s[0] = 0;
	fclose(tmp);
	return s;
}

static struct ir_insn *bin(struct ir_func *f, int b, enum ir_op op, int d,
			   struct ref x, struct ref y)
{
	struct ir_insn *in = ir_append(f, b, op);
	in->dst = d;
	in->arg[0] = x;
	in->arg[1] = y;
	return in;
}

static void ret(struct ir_func *f, int b, struct ref x)
{
	ir_append(f, b, IR_RET)->arg[0] = x;
}

/* The example from ir.h. */
Test(ir, dump_example)
{
	struct ir_func *f = ir_func_new("BEGIN");
	int s0 = ir_slot_new(f, 16, 8, SPACE_STACK, "printf#0");
	int b0 = ir_block_new(f);
	int r0 = ir_reg_new(f, NULL), r1 = ir_reg_new(f, NULL);
	ir_append(f, b0, IR_CTX)->dst = r0;
	struct ir_insn *in = ir_append(f, b0, IR_STORE);
	in->size = 8;
	in->arg[0] = ref_slot(s0, 0);
	in->arg[1] = ref_imm(1);
	in = ir_append(f, b0, IR_CALL);
	in->dst = r1;
	in->imm = BPF_FUNC_ringbuf_output;
	in->nargs = 4;
	in->arg[0] = ref_map(1);
	in->arg[1] = ref_slot(s0, 0);
	in->arg[2] = ref_imm(16);
	in->arg[3] = ref_imm(0);
	ret(f, b0, ref_imm(0));
	ir_cfg(f);
	int rc;
	cr_assert_str_eq(check(f, &rc), "");
	cr_assert_eq(rc, 0);
	cr_assert_str_eq(dump(f),
			 "func BEGIN\n"
			 "slot s0 16 stack \"printf#0\"\n"
			 "b0:\n"
			 "  %0 = ctx\n"
			 "  store8 s0+0, 1\n"
			 "  %1 = call ringbuf_output(map1, s0, 16, 0)\n"
			 "  ret 0\n");
}

Test(ir, dump_all_forms)
{
	struct ir_func *f = ir_func_new("f");
	int s0 = ir_slot_new(f, 16, 8, SPACE_STACK, NULL);
	int s1 = ir_slot_new(f, 64, 8, SPACE_SCRATCH, "$s");
	int b0 = ir_block_new(f), b1 = ir_block_new(f), b2 = ir_block_new(f);
	int x = ir_reg_new(f, "$x"), y = ir_reg_new(f, NULL);
	struct ir_insn *in = ir_append(f, b0, IR_MOV);
	in->dst = x;
	in->arg[0] = ref_slot(s0, 8);
	bin(f, b0, IR_SDIV, y, ref_reg(x), ref_imm(-3));
	in = bin(f, b0, IR_SETCC, y, ref_reg(x), ref_reg(y));
	in->cc = CC_SLE;
	in = ir_append(f, b0, IR_SEXT);
	in->dst = y;
	in->size = 4;
	in->arg[0] = ref_reg(y);
	in = ir_append(f, b0, IR_LOAD);
	in->dst = y;
	in->size = 4;
	in->off = 4;
	in->arg[0] = ref_slot(s0, 8);
	in = ir_append(f, b0, IR_MEMZERO);
	in->arg[0] = ref_slot(s1, 0);
	in->off = 8;
	in->size = 56;
	in = ir_append(f, b0, IR_MEMCPY);
	in->arg[0] = ref_slot(s1, 0);
	in->arg[1] = ref_slot(s0, 0);
	in->size = 16;
	in = ir_append(f, b0, IR_CALL);
	in->imm = BPF_FUNC_ktime_get_ns;
	in = bin(f, b0, IR_BR, -1, ref_reg(y), ref_imm(0));
	in->cc = CC_NE;
	in->t = b1;
	in->f = b2;
	ir_append(f, b1, IR_JMP)->t = b2;
	ret(f, b2, ref_reg(x));
	ir_cfg(f);
	int rc;
	cr_assert_str_eq(check(f, &rc), "");
	cr_assert_eq(rc, 0);
	cr_assert_str_eq(dump(f),
			 "func f\n"
			 "slot s0 16 stack\n"
			 "slot s1 64 scratch \"$s\"\n"
			 "reg %0 \"$x\"\n"
			 "b0:\n"
			 "  %0 = mov s0+8\n"
			 "  %1 = sdiv %0, -3\n"
			 "  %1 = set.sle %0, %1\n"
			 "  %1 = sext4 %1\n"
			 "  %1 = load4 s0+12\n"
			 "  memzero s1+8, 56\n"
			 "  memcpy s1+0, s0, 16\n"
			 "  call ktime_get_ns()\n"
			 "  br.ne %1, 0, b1, b2\n"
			 "b1:\n"
			 "  jmp b2\n"
			 "b2:\n"
			 "  ret %0\n");
	cr_assert_eq(f->blocks[0]->nsucc, 2);
	cr_assert_eq(f->blocks[2]->npreds, 2);
	cr_assert_eq(f->blocks[2]->preds[0], 0);
	cr_assert_eq(f->blocks[2]->preds[1], 1);
	cr_assert_eq(f->blocks[1]->npreds, 1);
}

Test(ir, check_finds_problems)
{
	struct ir_func *f = ir_func_new("bad");
	int s0 = ir_slot_new(f, 8, 8, SPACE_STACK, NULL);
	int b0 = ir_block_new(f);
	ir_block_new(f); /* b1: empty */
	int r = ir_reg_new(f, NULL);
	struct ir_insn *in = ir_append(f, b0, IR_LOAD);
	in->dst = r;
	in->size = 8;
	in->arg[0] = ref_slot(s0, 4); /* bytes 4..11 of an 8-byte slot */
	bin(f, b0, IR_ADD, 7, ref_reg(r), ref_imm(1)); /* %7 does not exist */
	ir_append(f, b0, IR_JMP)->t = 5;
	ir_append(f, b0, IR_CTX)->dst = r; /* not first; after terminator */
	int rc;
	char *msg = check(f, &rc);
	cr_assert_eq(rc, -1);
	cr_assert_str_eq(msg,
		"ir_check: bad: b0 insn 0: access of 8 bytes at s0+4 outside the slot (size 8)\n"
		"ir_check: bad: b0 insn 1: add: destination %7 out of range\n"
		"ir_check: bad: b0 insn 2: jmp before the end of the block\n"
		"ir_check: bad: b0 insn 2: branch target b5 does not exist\n"
		"ir_check: bad: b0 insn 3: block does not end in br/jmp/ret\n"
		"ir_check: bad: b0 insn 3: ctx must be the first instruction of the entry block\n"
		"ir_check: bad: b1: empty block (no terminator)\n");
}

Test(ir, names)
{
	cr_assert_str_eq(ir_helper_name(BPF_FUNC_map_lookup_elem), "map_lookup_elem");
	cr_assert_str_eq(ir_helper_name(BPF_FUNC_ringbuf_output), "ringbuf_output");
	cr_assert_str_eq(ir_op_name(IR_MEMCPY), "memcpy");
	cr_assert_str_eq(ir_cc_name(CC_UGE), "uge");
	cr_assert_eq(ir_cc_invert(CC_SLT), CC_SGE);
	cr_assert_eq(ir_cc_swap(CC_SLT), CC_SGT);
}

Test(ir, many_regs_blocks_slots_grow)
{
	struct ir_func *f = ir_func_new("big");
	for (int i = 0; i < 100; i++) {
		cr_assert_eq(ir_reg_new(f, tt_sprintf("r%d", i)), i);
		cr_assert_eq(ir_slot_new(f, 8, 8, SPACE_STACK, NULL), i);
		cr_assert_eq(ir_block_new(f), i);
	}
	for (int i = 0; i < 100; i++) {
		cr_assert_str_eq(f->reg_names[i], tt_sprintf("r%d", i));
		cr_assert_eq(f->blocks[i]->id, i);
		cr_assert_eq(f->slots[i].offset, -1);
	}
}

/* ir_parse is the inverse of ir_dump. */
Test(ir, parse_roundtrip)
{
	const char *text =
		"func kprobe:x\n"
		"slot s0 16 stack \"$key\"\n"
		"slot s1 64 scratch\n"
		"reg %1 \"$x\"\n"
		"scratch %0\n"
		"b0:\n"
		"  %0 = call map_lookup_elem(map2, s0)\n"
		"  br.eq %0, 0, b2, b1\n"
		"b1:\n"
		"  %1 = mov -5\n"
		"  %2 = load4 %0+12\n"
		"  %2 = set.uge %2, %1\n"
		"  %3 = zext2 %2\n"
		"  store8 s0+8, %3\n"
		"  memcpy s1+16, s0+8, 8\n"
		"  memzero s1+0, 16\n"
		"  %4 = lshr %3, 3\n"
		"  call trace_printk(s1, 16)\n"
		"  jmp b2\n"
		"b2:\n"
		"  ret 0\n";
	struct ir_func *f = ir_parse(text);
	cr_assert(f);
	int rc;
	cr_assert_str_eq(check(f, &rc), "");
	cr_assert_str_eq(dump(f), text);
	cr_assert_eq(f->nregs, 5);
	cr_assert_eq(f->scratch_reg, 0);
}

/* ---- ir_optimize ---- */

static char *opt(const char *text)
{
	struct ir_func *f = ir_parse(text);
	cr_assert(f);
	ir_cfg(f);
	int rc;
	cr_assert_str_eq(check(f, &rc), "", "input does not check");
	ir_optimize(f);
	cr_assert_str_eq(check(f, &rc), "", "output does not check:\n%s", dump(f));
	return dump(f);
}

Test(ir_opt, folds_constants_with_bpf_semantics)
{
	cr_assert_str_eq(opt(
		"func f\n"
		"b0:\n"
		"  %0 = mov 7\n"
		"  %1 = udiv %0, 0\n"        /* 0 */
		"  %2 = umod %0, 0\n"        /* 7 */
		"  %3 = mov -9223372036854775808\n"
		"  %4 = sdiv %3, -1\n"       /* INT64_MIN */
		"  %5 = smod %3, -1\n"       /* 0 */
		"  %6 = shl %0, 65\n"        /* 14 */
		"  %7 = sext1 255\n"         /* -1 */
		"  %8 = set.ult %7, %0\n"    /* 0: -1 is huge unsigned */
		"  %9 = add %1, %2\n"
		"  %9 = add %9, %5\n"
		"  %9 = add %9, %6\n"
		"  %9 = add %9, %8\n"
		"  %10 = xor %4, %7\n"       /* INT64_MAX */
		"  %9 = add %9, %10\n"
		"  ret %9\n"),
		"func f\n"
		"b0:\n"
		"  ret -9223372036854775788\n");
}

Test(ir_opt, keeps_side_effects_drops_dead_values)
{
	cr_assert_str_eq(opt(
		"func f\n"
		"slot s0 8 stack\n"
		"b0:\n"
		"  %0 = ctx\n"
		"  %1 = load8 %0+0\n"       /* dead */
		"  %2 = add %1, 1\n"        /* dead */
		"  %3 = call ktime_get_ns()\n"  /* result dead, call stays */
		"  %4 = mul %3, 1\n"
		"  store8 s0+0, %4\n"
		"  %5 = call map_lookup_elem(map0, s0)\n"
		"  ret %5\n"),
		"func f\n"
		"slot s0 8 stack\n"
		"b0:\n"
		"  %3 = call ktime_get_ns()\n"
		"  store8 s0+0, %3\n"
		"  %5 = call map_lookup_elem(map0, s0)\n"
		"  ret %5\n");
}

Test(ir_opt, store_of_extension_stores_its_source)
{
	/* store4 of a zext4 and store2 of a sext4 take the source; a store8
	 * needs the extension, and so does a store after the source changed */
	cr_assert_str_eq(opt(
		"func f\n"
		"slot s0 16 stack\n"
		"b0:\n"
		"  %0 = call get_current_pid_tgid()\n"
		"  %1 = zext4 %0\n"
		"  store4 s0+0, %1\n"
		"  %2 = sext4 %0\n"
		"  store2 s0+4, %2\n"
		"  %3 = zext2 %0\n"
		"  store8 s0+8, %3\n"
		"  %4 = zext4 %0\n"
		"  %0 = call ktime_get_ns()\n"
		"  store4 s0+8, %4\n"
		"  %5 = call map_lookup_elem(map0, s0)\n"
		"  ret %5\n"),
		"func f\n"
		"slot s0 16 stack\n"
		"b0:\n"
		"  %0 = call get_current_pid_tgid()\n"
		"  store4 s0+0, %0\n"
		"  store2 s0+4, %0\n"
		"  %3 = zext2 %0\n"
		"  store8 s0+8, %3\n"
		"  %4 = zext4 %0\n"
		"  %0 = call ktime_get_ns()\n"
		"  store4 s0+8, %4\n"
		"  %5 = call map_lookup_elem(map0, s0)\n"
		"  ret %5\n");
}

Test(ir_opt, task_id_calls_become_one_at_entry)
{
	/* two get_current_pid_tgid calls in different blocks: one call
	 * after ctx, both uses read it; a single uid_gid call stays */
	cr_assert_str_eq(opt(
		"func f\n"
		"slot s0 8 stack\n"
		"b0:\n"
		"  %0 = ctx\n"
		"  %1 = call get_current_pid_tgid()\n"
		"  store4 s0+0, %1\n"
		"  %2 = call map_lookup_elem(map0, s0)\n"
		"  br.eq %2, 0, b1, b2\n"
		"b1:\n"
		"  ret 0\n"
		"b2:\n"
		"  %3 = call get_current_pid_tgid()\n"
		"  %4 = lshr %3, 32\n"
		"  %5 = call get_current_uid_gid()\n"
		"  %4 = add %4, %5\n"
		"  ret %4\n"),
		"func f\n"
		"slot s0 8 stack\n"
		"b0:\n"
		"  %6 = call get_current_pid_tgid()\n"
		"  store4 s0+0, %6\n"
		"  %2 = call map_lookup_elem(map0, s0)\n"
		"  br.eq %2, 0, b1, b2\n"
		"b1:\n"
		"  ret 0\n"
		"b2:\n"
		"  %4 = lshr %6, 32\n"
		"  %5 = call get_current_uid_gid()\n"
		"  %4 = add %4, %5\n"
		"  ret %4\n");
}

Test(ir_opt, adjacent_zeroings_merge)
{
	/* [28, 32) and later [12, 28) of s0 join (a store to other bytes
	 * and a call in between); s1's second zeroing follows a call that
	 * reads the slot, so it stays */
	cr_assert_str_eq(opt(
		"func f\n"
		"slot s0 32 stack\n"
		"slot s1 16 stack\n"
		"b0:\n"
		"  memzero s0+28, 4\n"
		"  store8 s0+0, 3\n"
		"  %0 = call get_current_pid_tgid()\n"
		"  store4 s0+8, %0\n"
		"  memzero s0+12, 16\n"
		"  %1 = call get_current_comm(s0+12, 16)\n"
		"  memzero s1+0, 8\n"
		"  %2 = call map_lookup_elem(map0, s1)\n"
		"  memzero s1+8, 8\n"
		"  %3 = call map_lookup_elem(map0, s0)\n"
		"  %4 = call map_lookup_elem(map0, s1)\n"
		"  ret 0\n"),
		"func f\n"
		"slot s0 32 stack\n"
		"slot s1 16 stack\n"
		"b0:\n"
		"  memzero s0+12, 20\n"
		"  store8 s0+0, 3\n"
		"  %0 = call get_current_pid_tgid()\n"
		"  store4 s0+8, %0\n"
		"  %1 = call get_current_comm(s0+12, 16)\n"
		"  memzero s1+0, 8\n"
		"  %2 = call map_lookup_elem(map0, s1)\n"
		"  memzero s1+8, 8\n"
		"  %3 = call map_lookup_elem(map0, s0)\n"
		"  %4 = call map_lookup_elem(map0, s1)\n"
		"  ret 0\n");
}

Test(ir_opt, cfg_cleanup)
{
	cr_assert_str_eq(opt(
		"func f\n"
		"b0:\n"
		"  %0 = ctx\n"
		"  %1 = load8 %0+0\n"
		"  %2 = mov 1\n"
		"  br.eq %2, 0, b1, b2\n"    /* never taken: b1 unreachable */
		"b1:\n"
		"  ret 5\n"
		"b2:\n"
		"  br.ne %1, 0, b3, b4\n"
		"b3:\n"
		"  jmp b5\n"                 /* threaded */
		"b4:\n"
		"  br.slt %1, 3, b5, b5\n"   /* equal targets */
		"b5:\n"
		"  ret %1\n"),
		"func f\n"
		"b0:\n"
		"  %0 = ctx\n"
		"  %1 = load8 %0+0\n"
		"  ret %1\n");
}

Test(ir_opt, loop_is_kept)
{
	const char *loop =
		"func f\n"
		"b0:\n"
		"  %0 = mov 0\n"
		"  jmp b1\n"
		"b1:\n"
		"  %0 = add %0, 1\n"
		"  br.ult %0, 10, b1, b2\n"
		"b2:\n"
		"  ret %0\n";
	/* %0 is not constant in b1 (it changes around the back edge) */
	cr_assert_str_eq(opt(loop), loop);
}

/* The scratch base comes from a lookup whose key must be on the stack. */
Test(ir, check_scratch_key_on_stack)
{
	struct ir_func *f = ir_parse(
		"func f\n"
		"slot s0 4 scratch \"scratch_key\"\n"
		"scratch %0\n"
		"b0:\n"
		"  store4 s0+0, 0\n"
		"  %0 = call map_lookup_elem(map2, s0)\n"
		"  ret 0\n");
	cr_assert(f);
	int rc;
	cr_assert_str_eq(check(f, &rc),
		"ir_check: f: b0 insn 1: the instruction setting the scratch base %0 names scratch slot s0\n");
	cr_assert_eq(rc, -1);
}

Test(ir_opt, dead_stores_into_slots)
{
	cr_assert_str_eq(opt(
		"func f\n"
		"slot s0 32 stack \"printf#0\"\n"
		"slot s1 8 stack\n"
		"b0:\n"
		"  %0 = ctx\n"
		"  memzero s0+0, 32\n"        /* only 12..16 and 24..32 survive */
		"  store8 s0+0, 0\n"
		"  %1 = load4 %0+8\n"
		"  store4 s0+8, %1\n"
		"  store8 s1+0, 5\n"          /* dead: overwritten before a read */
		"  store8 s1+0, 7\n"
		"  memcpy s0+16, s1, 8\n"
		"  %2 = call ringbuf_output(map1, s0, 32, 0)\n"
		"  store8 s0+0, 1\n"          /* read by nothing later: dead */
		"  ret 0\n"),
		"func f\n"
		"slot s0 32 stack \"printf#0\"\n"
		"slot s1 8 stack\n"
		"b0:\n"
		"  %0 = ctx\n"
		"  memzero s0+12, 4\n"
		"  memzero s0+24, 8\n"
		"  store8 s0+0, 0\n"
		"  %1 = load4 %0+8\n"
		"  store4 s0+8, %1\n"
		"  store8 s1+0, 7\n"
		"  memcpy s0+16, s1, 8\n"
		"  %2 = call ringbuf_output(map1, s0, 32, 0)\n"
		"  ret 0\n");
}

/* ---- subprograms ---- */

/* A program with a loop body subprogram: fn<i> operands, alias slots,
 * frame registers, arg/frame/use round-trip through ir_dump/ir_parse. */
Test(ir, subprogram_roundtrip)
{
	const char *text =
		"func BEGIN\n"
		"slot s0 32 stack \"loop_ctx\"\n"
		"slot s1 8 stack \"$sum\"\n"
		"b0:\n"
		"  %0 = frame\n"
		"  store8 s0+24, %0\n"
		"  store8 s1+0, 0\n"
		"  use s1\n"
		"  %1 = call loop(10, fn0, s0, 0)\n"
		"  use s1\n"
		"  %2 = load8 s1+0\n"
		"  ret %2\n"
		"func BEGIN.loop0 in BEGIN\n"
		"slot s0 8 stack \"$sum\" up 1 s1\n"
		"reg %2 \"frame1\"\n"
		"frame 1 %2\n"
		"b0:\n"
		"  %0 = arg 0\n"
		"  %1 = arg 1\n"
		"  %2 = load8 %1+24\n"
		"  %3 = load8 s0+0\n"
		"  %3 = add %3, %0\n"
		"  store8 s0+0, %3\n"
		"  ret 0\n";
	struct ir_func *f = ir_parse(text);
	cr_assert(f);
	ir_cfg(f);
	int rc;
	cr_assert_str_eq(check(f, &rc), "");
	cr_assert_eq(rc, 0);
	cr_assert_str_eq(dump(f), text);
	cr_assert_eq(f->nsubs, 1);
	struct ir_func *sub = f->subs[0];
	cr_assert_eq(sub->parent, f);
	cr_assert_eq(ir_depth(sub), 1);
	cr_assert_eq(ir_ancestor(sub, 1), f);
	cr_assert_eq(sub->slots[0].up, 1);
	cr_assert_eq(sub->slots[0].target, 1);
	cr_assert_eq(sub->frame_reg[1], 2);
}

/* An alias of an alias names the slot it stands for, two levels up. */
Test(ir, alias_of_alias_resolves)
{
	struct ir_func *f = ir_func_new("p");
	int s = ir_slot_new(f, 24, 8, SPACE_STACK, "$t");
	struct ir_func *a = ir_sub_new(f, "p.loop0");
	int as = ir_alias_slot_new(a, 1, s);
	struct ir_func *b = ir_sub_new(a, "p.loop0.loop0");
	int bs = ir_alias_slot_new(b, 1, as);
	cr_assert_eq(b->slots[bs].up, 2);
	cr_assert_eq(b->slots[bs].target, s);
	cr_assert_eq(b->slots[bs].size, 24);
	cr_assert_str_eq(b->slots[bs].name, "$t");
	cr_assert_eq(ir_ancestor(b, 2), f);
	cr_assert_eq(ir_depth(b), 2);
}

/* What ir_check says about malformed subprogram IR. */
Test(ir, subprogram_check_errors)
{
	int rc;
	struct ir_func *f = ir_parse(
		"func f\n"
		"b0:\n"
		"  %0 = call loop(1, fn1, 0, 0)\n"   /* no fn1 */
		"  %1 = arg 0\n"                     /* after a call */
		"  ret 0\n");
	cr_assert(f);
	cr_assert_str_eq(check(f, &rc),
		"ir_check: f: b0 insn 0: operand 1: subprogram fn1 does not exist\n"
		"ir_check: f: b0 insn 1: arg must be in the entry block, before any call\n");
	cr_assert_eq(rc, -1);

	f = ir_parse(
		"func f\n"
		"slot s0 8 stack\n"
		"b0:\n"
		"  ret 0\n"
		"func g in f\n"
		"slot s0 16 stack up 1 s0\n"         /* size differs */
		"slot s1 8 stack up 1 s5\n"          /* no such slot */
		"slot s2 8 stack up 1 s0\n"
		"b0:\n"
		"  %0 = load8 s2+0\n"                /* no frame 1 register */
		"  ret %0\n");
	cr_assert(f);
	cr_assert_str_eq(check(f, &rc),
		"ir_check: g: alias s0 does not match s0 1 levels up\n"
		"ir_check: g: alias s1: no slot s5 1 levels up\n"
		"ir_check: g: b0 insn 0: operand 0: alias s2 has no base register\n");
	cr_assert_eq(rc, -1);
}

/* A helper's buffer length must fit the slot it points into: the verifier
 * accepts any bytes of the stack, so a longer length would make the kernel
 * read or overwrite the neighbouring slots. */
Test(ir, check_helper_buffer_inside_slot)
{
	int rc;
	struct ir_func *f = ir_parse(
		"func f\n"
		"slot s0 8 stack\n"
		"slot s1 16 stack\n"
		"b0:\n"
		"  %0 = ctx\n"
		"  %1 = call probe_read_user(s0, 8, %0)\n"     /* fits */
		"  %2 = call probe_read_user_str(s0, 16, %0)\n"
		"  %3 = call get_current_comm(s1+8, 16)\n"
		"  %4 = call ringbuf_output(map1, s1, 16, 0)\n" /* fits */
		"  %5 = call ringbuf_output(map1, s1+4, 16, 0)\n"
		"  %6 = call get_stack(%0, s0, 8, 0)\n"         /* fits */
		"  %7 = call trace_vprintk(s1, 16, s0, 24)\n"
		"  ret 0\n");
	cr_assert(f);
	cr_assert_str_eq(check(f, &rc),
		"ir_check: f: b0 insn 2: access of 16 bytes at s0+0 outside the slot (size 8)\n"
		"ir_check: f: b0 insn 3: access of 16 bytes at s1+8 outside the slot (size 16)\n"
		"ir_check: f: b0 insn 5: access of 16 bytes at s1+4 outside the slot (size 16)\n"
		"ir_check: f: b0 insn 7: access of 24 bytes at s0+0 outside the slot (size 8)\n");
	cr_assert_eq(rc, -1);
}

/* debugf() with more than 3 arguments stores the strings' addresses in an
 * array that bpf_trace_vprintk reads them through: without a use after the
 * call, liveness ends each string at its address and the array could take
 * its bytes (the bug this catches printed garbage). */
Test(ir, check_escaped_slot_address_needs_use)
{
	int rc;
	const char *body =
		"func f\n"
		"slot s0 8 stack\n"
		"slot s1 10 stack\n"
		"slot s2 16 stack\n"
		"b0:\n"
		"  store8 s1+0, 1\n"
		"  %0 = mov s1\n"
		"  store8 s2+0, %0\n"
		"  %1 = call trace_vprintk(s0, 8, s2, 16)\n";
	struct ir_func *f = ir_parse(tt_sprintf("%s  ret 0\n", body));
	cr_assert(f);
	cr_assert_str_eq(check(f, &rc),
		"ir_check: f: b0 insn 3: trace_vprintk reads s1 through its address in s2, but no use marks that read\n");
	cr_assert_eq(rc, -1);

	f = ir_parse(tt_sprintf("%s  use s1\n  ret 0\n", body));
	cr_assert(f);
	cr_assert_str_eq(check(f, &rc), "");
	cr_assert_eq(rc, 0);

	/* an address stored where nothing reads through it (a map key) */
	f = ir_parse(
		"func f\n"
		"slot s0 10 stack\n"
		"slot s1 8 stack\n"
		"slot s2 8 stack\n"
		"b0:\n"
		"  %0 = mov s0\n"
		"  store8 s1+0, %0\n"
		"  store8 s2+0, 0\n"
		"  %1 = call map_update_elem(map1, s1, s2, 0)\n"
		"  ret 0\n");
	cr_assert(f);
	cr_assert_str_eq(check(f, &rc), "");

	/* a register reassigned after taking the address holds no address */
	f = ir_parse(
		"func f\n"
		"slot s0 10 stack\n"
		"slot s1 8 stack\n"
		"slot s2 8 stack\n"
		"b0:\n"
		"  %0 = mov s0\n"
		"  %0 = add %0, 1\n"
		"  store8 s1+0, %0\n"
		"  %1 = call trace_vprintk(s2, 8, s1, 8)\n"
		"  ret 0\n");
	cr_assert(f);
	cr_assert_str_eq(check(f, &rc), "");
}
