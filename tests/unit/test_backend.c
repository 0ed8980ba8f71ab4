/* test_backend.c — liveness, stack allocation, instruction selection,
 * register allocation and emission, on IR written as text (ir_parse),
 * compared with exact expected dumps; and kernel tests that load the code
 * the back end makes and run it (BPF_PROG_TEST_RUN). */
#include <bpf/bpf.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <linux/bpf.h>
#include <string.h>
#include <unistd.h>

#include "emit.h"
#include "ir.h"
#include "isel.h"
#include "liveness.h"
#include "regalloc.h"
#include "stackalloc.h"
#include "../../src/mir.h"
#include "bpftest.h"   /* mem_open/close, parse, load, run */

static char *live_text(const char *ir)
{
	struct ir_func *f = parse(ir);
	struct liveness *lv = live_compute(f);
	struct mem m;
	live_dump(mem_open(&m), lv);
	live_free(lv);
	return mem_close(&m);
}

/* Parse, liveness, stack_alloc; returns the stack dump, *rc the result. */
static char *stack_text(const char *ir, int *rc)
{
	struct ir_func *f = parse(ir);
	struct liveness *lv = live_compute(f);
	*rc = stack_alloc(f, lv);
	live_free(lv);
	struct mem m;
	stack_dump(mem_open(&m), f);
	return mem_close(&m);
}

/* ---- liveness ---------------------------------------------------------- */

Test(liveness, straight_line_and_branch)
{
	cr_assert_str_eq(live_text(
		"func f\n"
		"b0:\n"
		"  %0 = ctx\n"
		"  %1 = load8 %0+0\n"
		"  %2 = add %1, 1\n"
		"  br.eq %1, 0, b1, b2\n"
		"b1:\n"
		"  ret %2\n"
		"b2:\n"
		"  ret %1\n"),
		"func f\n"
		"b0: in regs {} slots {} out regs {%1 %2} slots {}\n"
		"b1: in regs {%2} slots {} out regs {} slots {}\n"
		"b2: in regs {%1} slots {} out regs {} slots {}\n");
}

/* A value defined before a loop and used after it is live around the
 * loop; the counter is live around the back edge. */
Test(liveness, loop)
{
	cr_assert_str_eq(live_text(
		"func f\n"
		"b0:\n"
		"  %0 = mov 0\n"
		"  %1 = mov 7\n"
		"  jmp b1\n"
		"b1:\n"
		"  %0 = add %0, 1\n"
		"  br.ult %0, 10, b1, b2\n"
		"b2:\n"
		"  %2 = add %0, %1\n"
		"  ret %2\n"),
		"func f\n"
		"b0: in regs {} slots {} out regs {%0 %1} slots {}\n"
		"b1: in regs {%0 %1} slots {} out regs {%0 %1} slots {}\n"
		"b2: in regs {%0 %1} slots {} out regs {} slots {}\n");
}

/* A slot written in a loop and read after it stays live around the loop;
 * a slot read before its first write in the loop is live at the header
 * only once it has been touched. */
Test(liveness, slot_in_loop)
{
	cr_assert_str_eq(live_text(
		"func f\n"
		"slot s0 8 stack\n"
		"slot s1 8 stack\n"
		"b0:\n"
		"  store8 s0+0, 0\n"
		"  jmp b1\n"
		"b1:\n"
		"  %0 = load8 s0+0\n"
		"  store4 s1+0, %0\n"   /* partial write: no kill */
		"  %1 = load4 s1+0\n"
		"  %0 = add %0, %1\n"
		"  store8 s0+0, %0\n"
		"  br.ult %0, 10, b1, b2\n"
		"b2:\n"
		"  %2 = load8 s0+0\n"
		"  ret %2\n"),
		"func f\n"
		"b0: in regs {} slots {} out regs {} slots {s0}\n"
		"b1: in regs {} slots {s0 s1} out regs {} slots {s0 s1}\n"
		"b2: in regs {} slots {s0} out regs {} slots {}\n");
}

/* Invariant 1: $key (s0) is passed to a helper as a map key, then a
 * printf record (s1) is built and sent, then $key is used again as a key.
 * s0 is live across the whole stretch and s1 may not get its bytes. */
static const char *key_after_call =
	"func f\n"
	"slot s0 16 stack \"$key\"\n"
	"slot s1 16 stack \"printf#0\"\n"
	"slot s2 8 stack \"val\"\n"
	"b0:\n"
	"  memzero s0+0, 16\n"
	"  store8 s0+0, 116\n"
	"  store8 s2+0, 1\n"
	"  %0 = call map_update_elem(map0, s0, s2, 0)\n"
	"  store8 s1+0, 0\n"
	"  store8 s1+8, 42\n"
	"  %1 = call ringbuf_output(map1, s1, 16, 0)\n"
	"  br.eq %1, 0, b1, b2\n"
	"b1:\n"
	"  %2 = call map_lookup_elem(map0, s0)\n"
	"  jmp b2\n"
	"b2:\n"
	"  ret 0\n";

Test(liveness, slot_passed_to_helper_stays_live)
{
	cr_assert_str_eq(live_text(key_after_call),
		"func f\n"
		"b0: in regs {} slots {} out regs {} slots {s0}\n"
		"b1: in regs {} slots {s0} out regs {} slots {}\n"
		"b2: in regs {} slots {} out regs {} slots {}\n");
}

/* ---- stack allocation ---------------------------------------------------- */

Test(stackalloc, key_keeps_its_bytes)
{
	int rc;
	char *s = stack_text(key_after_call, &rc);
	cr_assert_eq(rc, 0);
	/* s2 dies at the update call: s1 may reuse it, never s0's bytes. */
	cr_assert_str_eq(s,
		"func f stack 32 scratch 0\n"
		"s0 $key size 16 offset -16\n"
		"s1 printf#0 size 16 offset -32\n"
		"s2 val size 8 offset -24\n");
}

Test(stackalloc, disjoint_slots_share)
{
	int rc;
	char *s = stack_text(
		"func f\n"
		"slot s0 16 stack\n"
		"slot s1 24 stack\n"
		"slot s2 8 scratch\n"
		"slot s3 8 scratch\n"
		"scratch %9\n"
		"b0:\n"
		"  %9 = call map_lookup_elem(map0, s0)\n"  /* s0: read only */
		"  memzero s1+0, 24\n"
		"  %1 = call map_lookup_elem(map0, s1)\n"
		"  store8 s2+0, 1\n"
		"  %2 = load8 s2+0\n"
		"  store8 s3+0, %2\n"
		"  %3 = load8 s3+0\n"
		"  ret %3\n", &rc);
	cr_assert_eq(rc, 0);
	cr_assert_str_eq(s,
		"func f stack 24 scratch 8\n"
		"s0 - size 16 offset -16\n"
		"s1 - size 24 offset -24\n"
		"s2 - size 8 scratch 0\n"
		"s3 - size 8 scratch 0\n");
}

Test(stackalloc, overlapping_slots_do_not_share)
{
	int rc;
	char *s = stack_text(
		"func f\n"
		"slot s0 4 stack\n"
		"slot s1 8 stack\n"
		"slot s2 2 stack\n"
		"b0:\n"
		"  store4 s0+0, 1\n"
		"  store8 s1+0, 2\n"
		"  store2 s2+0, 3\n"
		"  %0 = load4 s0+0\n"
		"  %1 = load8 s1+0\n"
		"  %2 = load2 s2+0\n"
		"  ret %2\n", &rc);
	cr_assert_eq(rc, 0);
	cr_assert_str_eq(s,
		"func f stack 16 scratch 0\n"
		"s0 - size 4 offset -12\n"
		"s1 - size 8 offset -8\n"
		"s2 - size 2 offset -14\n");
}

Test(stackalloc, limit_is_an_error)
{
	struct ir_func *f = parse(
		"func f\n"
		"slot s0 300 stack \"$a\"\n"
		"slot s1 300 stack \"$b\"\n"
		"b0:\n"
		"  memzero s0+0, 300\n"
		"  memzero s1+0, 300\n"
		"  %0 = call map_lookup_elem(map0, s0)\n"
		"  %0 = call map_lookup_elem(map0, s1)\n"
		"  ret 0\n");
	struct source src = { "stdin", "BEGIN { $a = 1; }", 17 };
	f->slots[1].loc = (struct srcloc){ &src, 1, 9, 2 };
	struct liveness *lv = live_compute(f);
	struct mem m;
	diag_reset();
	diag_set_stream(mem_open(&m));
	int rc = stack_alloc(f, lv);
	diag_set_stream(stderr);
	char *msg = mem_close(&m);
	cr_assert_eq(rc, -1);
	cr_assert_eq(diag_error_count(), 1);
	cr_assert(strstr(msg, "stdin:1:9-11: ERROR: BPF stack limit exceeded: "
			      "608 bytes needed (limit is 512 bytes)"), "%s", msg);
	live_free(lv);
}

/* ---- the whole back end ------------------------------------------------ */

/* The driver's sequence: IR text -> code.  Returns 0 or -1; *mfp (if not
 * NULL) gets the allocated machine function. */
static int compile(const char *ir, struct bpf_code *code, struct mfunc **mfp)
{
	struct ir_func *f = parse(ir);
	ir_optimize(f);
	cr_assert_eq(ir_check(f), 0, "IR does not check after ir_optimize");
	struct liveness *lv = live_compute(f);
	int rc = stack_alloc(f, lv);
	live_free(lv);
	if (rc)
		return rc;
	struct mfunc *mf = isel_run(f);
	if (ra_run(mf))
		return -1;
	if (mfp)
		*mfp = mf;
	return emit_run(mf, code);
}

static char *asm_text(const char *ir)
{
	struct bpf_code code;
	cr_assert_eq(compile(ir, &code, NULL), 0);
	struct mem m;
	emit_dump(mem_open(&m), &code);
	free(code.insns);
	free(code.locs);
	return mem_close(&m);
}

/* ---- kernel: load and run ------------------------------------------------ */

/* Compile IR text, load it and run it once. */
static uint32_t load_and_run(const char *ir, const int *map_fds,
			     const uint64_t *args, int nargs)
{
	struct bpf_code code;
	cr_assert_eq(compile(ir, &code, NULL), 0);
	int fd = load(&code, map_fds);
	uint32_t r = run(fd, args, nargs);
	close(fd);
	free(code.insns);
	free(code.locs);
	return r;
}

Test(kernel, first_program)
{
	int fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "tt_arr", 4, 8, 1, NULL);
	if (fd < 0 && (errno == EPERM || errno == ENOSYS))
		cr_skip_test("KERNEL TEST SKIPPED: bpf(BPF_MAP_CREATE): %s", strerror(errno));
	cr_assert(fd >= 0);
	uint32_t k = 0;
	uint64_t v = 1000;
	cr_assert_eq(bpf_map_update_elem(fd, &k, &v, 0), 0);
	uint64_t args[1] = { 5 };
	uint32_t r = load_and_run(
		"func t\n"
		"slot s0 4 stack \"key\"\n"
		"b0:\n"
		"  %0 = ctx\n"
		"  %1 = load8 %0+0\n"
		"  store4 s0+0, 0\n"
		"  %2 = call map_lookup_elem(map0, s0)\n"
		"  br.eq %2, 0, b2, b1\n"
		"b1:\n"
		"  %3 = load8 %2+0\n"
		"  %4 = add %3, %1\n"
		"  %5 = sdiv %4, -7\n"
		"  %6 = neg %5\n"
		"  ret %6\n"
		"b2:\n"
		"  ret 77\n", &fd, args, 1);
	cr_assert_eq(r, 1005 / 7);
	close(fd);
}

/* ---- kernel: arithmetic against C reference semantics ------------------- */

static const int64_t vals[] = {
	0, 1, -1, 2, 3, 7, -7, 63, 64, 0x7fffffff, -0x80000000LL, 0xffffffffLL,
	0x100000000LL, 12345678901LL, -12345678901LL, INT64_MAX, INT64_MIN,
};

/* BPF semantics: x/0 = 0, x%0 = x, INT64_MIN / -1 = INT64_MIN. */
static uint64_t ref_binop(const char *op, uint64_t a, uint64_t b)
{
	int64_t sa = (int64_t)a, sb = (int64_t)b;
	if (!strcmp(op, "add")) return a + b;
	if (!strcmp(op, "sub")) return a - b;
	if (!strcmp(op, "mul")) return a * b;
	if (!strcmp(op, "and")) return a & b;
	if (!strcmp(op, "or")) return a | b;
	if (!strcmp(op, "xor")) return a ^ b;
	if (!strcmp(op, "shl")) return a << (b & 63);
	if (!strcmp(op, "lshr")) return a >> (b & 63);
	if (!strcmp(op, "ashr")) return (uint64_t)(sa >> (b & 63));
	if (!strcmp(op, "udiv")) return b ? a / b : 0;
	if (!strcmp(op, "umod")) return b ? a % b : a;
	if (!strcmp(op, "sdiv"))
		return !b ? 0 : (sa == INT64_MIN && sb == -1) ? a : (uint64_t)(sa / sb);
	if (!strcmp(op, "smod"))
		return !b ? a : sb == -1 ? 0 : (uint64_t)(sa % sb);
	cr_assert_fail("no reference for %s", op);
	return 0;
}

static const char *const binops[] = {
	"add", "sub", "mul", "and", "or", "xor", "shl", "lshr", "ashr",
	"udiv", "umod", "sdiv", "smod",
};

/* Program: %1, %2 = ctx args 0 and 1 (or constants), returns
 * (%1 op %2) >> arg2 so two runs give both halves of the result. */
static const char *binop_prog(const char *op, const char *x, const char *y)
{
	return tt_sprintf("func t\n"
			  "b0:\n"
			  "  %%0 = ctx\n"
			  "  %%1 = load8 %%0+0\n"
			  "  %%2 = load8 %%0+8\n"
			  "  %%3 = load8 %%0+16\n"
			  "  %%4 = %s %s, %s\n"
			  "  %%5 = lshr %%4, %%3\n"
			  "  ret %%5\n", op, x, y);
}

static uint64_t run64(int fd, uint64_t a, uint64_t b)
{
	uint64_t lo[3] = { a, b, 0 }, hi[3] = { a, b, 32 };
	return run(fd, lo, 3) | (uint64_t)run(fd, hi, 3) << 32;
}

static int load_text(const char *ir, const int *maps)
{
	struct bpf_code code;
	cr_assert_eq(compile(ir, &code, NULL), 0, "%s", ir);
	int fd = load(&code, maps);
	free(code.insns);
	free(code.locs);
	return fd;
}

Test(kernel, binops_reg_reg)
{
	for (unsigned o = 0; o < ARRAY_SIZE(binops); o++) {
		int fd = load_text(binop_prog(binops[o], "%1", "%2"), NULL);
		for (unsigned i = 0; i < ARRAY_SIZE(vals); i++)
			for (unsigned j = 0; j < ARRAY_SIZE(vals); j++) {
				uint64_t a = vals[i], b = vals[j];
				uint64_t want = ref_binop(binops[o], a, b);
				uint64_t got = run64(fd, a, b);
				cr_assert_eq(got, want, "%s %lld, %lld = %lld, want %lld",
					     binops[o], (long long)a, (long long)b,
					     (long long)got, (long long)want);
			}
		close(fd);
	}
}

/* Constant on the right (immediate or ld_imm64) and on the left. */
Test(kernel, binops_with_constants)
{
	for (unsigned o = 0; o < ARRAY_SIZE(binops); o++)
		for (unsigned j = 0; j < ARRAY_SIZE(vals); j++) {
			uint64_t c = vals[j];
			const char *k = tt_sprintf("%lld", (long long)c);
			int fr = load_text(binop_prog(binops[o], "%1", k), NULL);
			int fl = load_text(binop_prog(binops[o], k, "%2"), NULL);
			for (unsigned i = 0; i < ARRAY_SIZE(vals); i++) {
				uint64_t a = vals[i];
				uint64_t want = ref_binop(binops[o], a, c);
				uint64_t got = run64(fr, a, 0);
				cr_assert_eq(got, want, "%s %lld, const %lld = %lld, want %lld",
					     binops[o], (long long)a, (long long)c,
					     (long long)got, (long long)want);
				want = ref_binop(binops[o], c, a);
				got = run64(fl, 0, a);
				cr_assert_eq(got, want, "%s const %lld, %lld = %lld, want %lld",
					     binops[o], (long long)c, (long long)a,
					     (long long)got, (long long)want);
			}
			close(fr);
			close(fl);
		}
}

static bool ref_cc(const char *cc, uint64_t a, uint64_t b)
{
	int64_t sa = (int64_t)a, sb = (int64_t)b;
	if (!strcmp(cc, "eq")) return a == b;
	if (!strcmp(cc, "ne")) return a != b;
	if (!strcmp(cc, "ult")) return a < b;
	if (!strcmp(cc, "ule")) return a <= b;
	if (!strcmp(cc, "ugt")) return a > b;
	if (!strcmp(cc, "uge")) return a >= b;
	if (!strcmp(cc, "slt")) return sa < sb;
	if (!strcmp(cc, "sle")) return sa <= sb;
	if (!strcmp(cc, "sgt")) return sa > sb;
	if (!strcmp(cc, "sge")) return sa >= sb;
	return (a & b) != 0;
}

static const char *const ccs[] = { "eq", "ne", "ult", "ule", "ugt", "uge",
				   "slt", "sle", "sgt", "sge", "set" };

/* SETCC and BR, both operand orders, registers and constants. */
Test(kernel, conditions)
{
	static const char *const forms[][2] = {
		{ "%1", "%2" }, { "%1", "5" }, { "5", "%2" },
		{ "%1", "-1" }, { "%1", "0x100000000" },
	};
	for (unsigned c = 0; c < ARRAY_SIZE(ccs); c++)
		for (unsigned k = 0; k < ARRAY_SIZE(forms); k++) {
			const char *x = forms[k][0], *y = forms[k][1];
			const char *set = tt_sprintf(
				"func t\nb0:\n  %%0 = ctx\n  %%1 = load8 %%0+0\n"
				"  %%2 = load8 %%0+8\n  %%3 = set.%s %s, %s\n"
				"  %%3 = add %%3, 10\n  ret %%3\n", ccs[c], x, y);
			/* the true block is next: the jump is inverted */
			const char *br = tt_sprintf(
				"func t\nb0:\n  %%0 = ctx\n  %%1 = load8 %%0+0\n"
				"  %%2 = load8 %%0+8\n  br.%s %s, %s, b1, b2\n"
				"b1:\n  ret 11\nb2:\n  ret 10\n", ccs[c], x, y);
			int fs = load_text(set, NULL), fb = load_text(br, NULL);
			for (unsigned i = 0; i < ARRAY_SIZE(vals); i++)
				for (unsigned j = 0; j < ARRAY_SIZE(vals); j++) {
					uint64_t args[2] = { vals[i], vals[j] };
					uint64_t a = x[0] == '%' ? args[0] : (uint64_t)strtoll(x, NULL, 0);
					uint64_t b = y[0] == '%' ? args[1] : (uint64_t)strtoll(y, NULL, 0);
					uint32_t want = 10 + ref_cc(ccs[c], a, b);
					cr_assert_eq(run(fs, args, 2), want, "set.%s %s, %s with %lld, %lld",
						     ccs[c], x, y, (long long)a, (long long)b);
					cr_assert_eq(run(fb, args, 2), want, "br.%s %s, %s with %lld, %lld",
						     ccs[c], x, y, (long long)a, (long long)b);
				}
			close(fs);
			close(fb);
		}
}

Test(kernel, unary_ops)
{
	static const struct { const char *op; uint64_t (*f)(uint64_t); } ops[] = {
		{ "neg", NULL }, { "not", NULL }, { "zext1", NULL }, { "zext2", NULL },
		{ "zext4", NULL }, { "sext1", NULL }, { "sext2", NULL }, { "sext4", NULL },
	};
	for (unsigned o = 0; o < ARRAY_SIZE(ops); o++) {
		int fd = load_text(tt_sprintf(
			"func t\nb0:\n  %%0 = ctx\n  %%1 = load8 %%0+0\n"
			"  %%3 = load8 %%0+16\n  %%4 = %s %%1\n"
			"  %%5 = lshr %%4, %%3\n  ret %%5\n", ops[o].op), NULL);
		for (unsigned i = 0; i < ARRAY_SIZE(vals); i++) {
			uint64_t a = vals[i], want;
			switch (o) {
			case 0: want = -a; break;
			case 1: want = ~a; break;
			case 2: want = (uint8_t)a; break;
			case 3: want = (uint16_t)a; break;
			case 4: want = (uint32_t)a; break;
			case 5: want = (uint64_t)(int64_t)(int8_t)a; break;
			case 6: want = (uint64_t)(int64_t)(int16_t)a; break;
			default: want = (uint64_t)(int64_t)(int32_t)a; break;
			}
			cr_assert_eq(run64(fd, a, 0), want, "%s %lld", ops[o].op, (long long)a);
		}
		close(fd);
	}
}

/* ---- register allocation under pressure ---------------------------------- */

/* n values read from the context, optionally a helper call while all of
 * them are live, then a weighted sum (x1*1 ^ ... mixing) of all of them. */
static const char *pressure_prog(int n, bool call)
{
	struct strbuf sb = { 0 };
	sb_puts(&sb, "func t\nb0:\n  %0 = ctx\n");
	for (int i = 1; i <= n; i++)
		sb_printf(&sb, "  %%%d = load8 %%0+%d\n", i, ((i - 1) % 12) * 8);
	for (int i = 1; i <= n; i++)  /* make them distinct values */
		sb_printf(&sb, "  %%%d = mul %%%d, %d\n", i, i, i);
	if (call)
		sb_printf(&sb, "  %%%d = call get_smp_processor_id()\n", n + 1);
	sb_printf(&sb, "  %%%d = mov 0\n", n + 2);
	for (int i = 1; i <= n; i++)
		sb_printf(&sb, "  %%%d = %s %%%d, %%%d\n", n + 2,
			  i % 2 ? "add" : "xor", n + 2, i);
	if (call)
		sb_printf(&sb, "  %%%d = mul %%%d, 0\n  %%%d = add %%%d, %%%d\n",
			  n + 1, n + 1, n + 2, n + 2, n + 1);
	sb_printf(&sb, "  ret %%%d\n", n + 2);
	char *s = tt_strdup(sb.s);
	sb_free(&sb);
	return s;
}

static uint32_t pressure_ref(int n, const uint64_t *args)
{
	uint64_t acc = 0;
	for (int i = 1; i <= n; i++) {
		uint64_t v = args[(i - 1) % 12] * i;
		acc = i % 2 ? acc + v : acc ^ v;
	}
	return (uint32_t)acc;
}

static const uint64_t pressure_args[12] = {
	3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 1000003, 99991,
};

Test(regalloc, no_spills_for_few_values)
{
	struct bpf_code code;
	struct mfunc *mf;
	cr_assert_eq(compile(pressure_prog(8, false), &code, &mf), 0);
	cr_assert_eq(mf->nspills, 0);
	cr_assert_eq(mf->stack_size, 0);
	/* 4 values across a call fit r6..r9 */
	cr_assert_eq(compile(pressure_prog(4, true), &code, &mf), 0);
	cr_assert_eq(mf->nspills, 0);
}

Test(regalloc, spills_under_pressure)
{
	struct bpf_code code;
	struct mfunc *mf;
	cr_assert_eq(compile(pressure_prog(20, false), &code, &mf), 0);
	cr_assert_gt(mf->nspills, 0);
	cr_assert_eq(mf->stack_size, 8 * mf->nspills);
	cr_assert_eq(compile(pressure_prog(6, true), &code, &mf), 0);
	cr_assert_gt(mf->nspills, 0, "6 values live across a call need spills");
	/* every register is physical and r10 is never written */
	for (int i = 0; i < code.ninsns; i++) {
		const struct bpf_insn *in = &code.insns[i];
		cr_assert_lt(in->dst_reg, 11);
		int cls = BPF_CLASS(in->code);
		if (cls == BPF_ALU || cls == BPF_ALU64 || cls == BPF_LDX ||
		    in->code == (BPF_LD | BPF_DW | BPF_IMM))
			cr_assert_neq(in->dst_reg, 10, "insn %d writes r10", i);
	}
}

Test(kernel, pressure_results_are_right)
{
	static const int ns[] = { 8, 12, 20, 40 };
	for (unsigned k = 0; k < ARRAY_SIZE(ns); k++)
		for (int call = 0; call < 2; call++) {
			int n = ns[k];
			uint32_t got = load_and_run(pressure_prog(n, call), NULL,
						    pressure_args, 12);
			cr_assert_eq(got, pressure_ref(n, pressure_args),
				     "n=%d call=%d", n, call);
		}
}

/* Two groups of 6 values across a call, one after the other: the second
 * group's spills reuse the first group's slots (their values are never
 * live at once), so the frame does not grow with each group. */
static const char *two_groups_prog(void)
{
	struct strbuf sb = { 0 };
	sb_puts(&sb, "func t\nb0:\n  %0 = ctx\n  %30 = mov 0\n");
	for (int g = 0; g < 2; g++) {
		int r = 1 + 10 * g;
		for (int i = 0; i < 6; i++)
			sb_printf(&sb, "  %%%d = load8 %%0+%d\n", r + i, i * 8);
		for (int i = 0; i < 6; i++)
			sb_printf(&sb, "  %%%d = mul %%%d, %d\n", r + i, r + i,
				  i + 1 + g);
		sb_printf(&sb, "  %%%d = call get_smp_processor_id()\n", r + 6);
		for (int i = 0; i < 6; i++)
			sb_printf(&sb, "  %%30 = add %%30, %%%d\n", r + i);
	}
	sb_puts(&sb, "  ret %30\n");
	char *s = tt_strdup(sb.s);
	sb_free(&sb);
	return s;
}

Test(regalloc, spill_slots_are_shared_by_values_never_live_together)
{
	struct bpf_code code;
	struct mfunc *mf;
	cr_assert_eq(compile(pressure_prog(6, true), &code, &mf), 0);
	int one = mf->nspills;
	cr_assert_gt(one, 0);
	cr_assert_eq(compile(two_groups_prog(), &code, &mf), 0);
	cr_assert_leq(mf->nspills, one + 1, "%d slots for two groups, %d for one",
		      mf->nspills, one);
	cr_assert_eq(mf->stack_size, 8 * mf->nspills);
}

Test(kernel, shared_spill_slots_keep_values)
{
	uint64_t want = 0;
	for (int g = 0; g < 2; g++)
		for (int i = 0; i < 6; i++)
			want += pressure_args[i] * (uint64_t)(i + 1 + g);
	uint32_t got = load_and_run(two_groups_prog(), NULL, pressure_args, 12);
	cr_assert_eq(got, (uint32_t)want);
}

/* Too many spills for the stack is a diagnostic, not a crash. */
Test(regalloc, spill_stack_limit)
{
	/* 500 bytes of slots live throughout leave room for one spill */
	const char *ir = tt_sprintf(
		"func t\nslot s0 496 stack \"big\"\n"
		"b0:\n  %%0 = ctx\n  memzero s0+0, 496\n%s",
		strstr(pressure_prog(40, true), "  %0 = ctx") + strlen("  %0 = ctx\n"));
	char *p = strstr(ir, "  ret ");
	ir = tt_sprintf("%.*s  %%99 = call map_lookup_elem(map0, s0)\n%s",
			(int)(p - ir), ir, p);
	struct bpf_code code;
	struct mem m;
	diag_reset();
	diag_set_stream(mem_open(&m));
	int rc = compile(ir, &code, NULL);
	diag_set_stream(stderr);
	char *msg = mem_close(&m);
	cr_assert_eq(rc, -1);
	cr_assert(strstr(msg, "ERROR: BPF stack limit exceeded:") &&
		  strstr(msg, "(limit is 512 bytes)"), "%s", msg);
}

/* ---- emitted code for small functions: IR in, listing out ---------------- */

static const struct { const char *name, *ir, *listing; } emit_cases[] = {
	{ "printf record: zeroing, stores, memcpy, helper args",
	  "func e1\n"
	  "slot s0 24 stack \"printf#0\"\n"
	  "slot s1 8 stack \"$x\"\n"
	  "b0:\n"
	  "  %0 = ctx\n"
	  "  memzero s0+0, 24\n"
	  "  store8 s0+0, 3\n"
	  "  %1 = load4 %0+8\n"
	  "  store4 s0+8, %1\n"
	  "  store8 s1+0, 0x123456789\n"
	  "  memcpy s0+16, s1, 8\n"
	  "  %2 = call ringbuf_output(map1, s0, 24, 0)\n"
	  "  ret 0\n",
	  "   0: (62) *(u32 *)(r10 -12) = 0\n"   /* only the padding is zeroed */
	  "   1: (7a) *(u64 *)(r10 -24) = 3\n"
	  "   2: (61) r1 = *(u32 *)(r1 +8)\n"
	  "   3: (63) *(u32 *)(r10 -16) = r1\n"
	  "   4: (18) r1 = 0x123456789 ll\n"
	  "   6: (7b) *(u64 *)(r10 -32) = r1\n"
	  "   7: (79) r1 = *(u64 *)(r10 -32)\n"
	  "   8: (7b) *(u64 *)(r10 -8) = r1\n"
	  "   9: (18) r1 = map[1] ll\n"
	  "  11: (bf) r2 = r10\n"
	  "  12: (07) r2 += -24\n"
	  "  13: (b7) r3 = 24\n"
	  "  14: (b7) r4 = 0\n"
	  "  15: (85) call ringbuf_output#130\n"
	  "  16: (b7) r0 = 0\n"
	  "  17: (95) exit\n" },
	{ "branches: inverted condition, no jump to the next block, "
	  "constant on the left, x/0",
	  "func e2\n"
	  "b0:\n"
	  "  %0 = ctx\n"
	  "  %1 = load8 %0+0\n"
	  "  br.sgt %1, 10, b1, b2\n"
	  "b1:\n"
	  "  %2 = shl %1, 3\n"
	  "  %2 = or %2, 0x7fffffff\n"
	  "  jmp b3\n"
	  "b2:\n"
	  "  %2 = udiv %1, 0\n"
	  "  %2 = add %2, %1\n"
	  "  %2 = sub 100, %2\n"
	  "  jmp b3\n"
	  "b3:\n"
	  "  ret %2\n",
	  "   0: (79) r1 = *(u64 *)(r1 +0)\n"
	  "   1: (d5) if r1 s<= 10 goto pc+4\n"
	  "   2: (bf) r0 = r1\n"
	  "   3: (67) r0 <<= 3\n"
	  "   4: (47) r0 |= 2147483647\n"
	  "   5: (05) goto pc+2\n"
	  "   6: (b7) r0 = 100\n"      /* (x/0 + x) folded to x */
	  "   7: (1f) r0 -= r1\n"
	  "   8: (95) exit\n" },
	{ "scratch slots are reached through the lookup result",
	  "func e3\n"
	  "slot s0 4 stack \"zero\"\n"
	  "slot s1 16 scratch \"big\"\n"
	  "scratch %1\n"
	  "b0:\n"
	  "  store4 s0+0, 0\n"
	  "  %1 = call map_lookup_elem(map2, s0)\n"
	  "  br.eq %1, 0, b2, b1\n"
	  "b1:\n"
	  "  store8 s1+8, -1\n"
	  "  %2 = call map_lookup_elem(map0, s1+8)\n"
	  "  %3 = load8 s1+8\n"
	  "  ret %3\n"
	  "b2:\n"
	  "  ret 0\n",
	  "   0: (62) *(u32 *)(r10 -4) = 0\n"
	  "   1: (18) r1 = map[2] ll\n"
	  "   3: (bf) r2 = r10\n"
	  "   4: (07) r2 += -4\n"
	  "   5: (85) call map_lookup_elem#1\n"
	  "   6: (bf) r6 = r0\n"
	  "   7: (15) if r6 == 0 goto pc+8\n"
	  "   8: (7a) *(u64 *)(r6 +8) = -1\n"
	  "   9: (18) r1 = map[0] ll\n"
	  "  11: (bf) r2 = r6\n"
	  "  12: (07) r2 += 8\n"
	  "  13: (85) call map_lookup_elem#1\n"
	  "  14: (79) r0 = *(u64 *)(r6 +8)\n"
	  "  15: (95) exit\n"
	  "  16: (b7) r0 = 0\n"
	  "  17: (95) exit\n" },
	{ "setcc and signed division by a negative constant",
	  "func e4\n"
	  "b0:\n"
	  "  %0 = ctx\n"
	  "  %1 = load8 %0+0\n"
	  "  %2 = sdiv %1, -4\n"
	  "  %3 = set.ult %2, %1\n"
	  "  ret %3\n",
	  "   0: (79) r3 = *(u64 *)(r1 +0)\n"
	  "   1: (bf) r1 = r3\n"
	  "   2: (c7) r1 s>>= 63\n"
	  "   3: (bf) r2 = r3\n"
	  "   4: (af) r2 ^= r1\n"
	  "   5: (1f) r2 -= r1\n"
	  "   6: (37) r2 /= 4\n"
	  "   7: (af) r2 ^= r1\n"
	  "   8: (1f) r2 -= r1\n"
	  "   9: (87) r2 = -r2\n"
	  "  10: (b7) r0 = 1\n"
	  "  11: (ad) if r2 < r3 goto pc+1\n"
	  "  12: (b7) r0 = 0\n"
	  "  13: (95) exit\n" },
};

Test(emit, small_functions)
{
	for (unsigned i = 0; i < ARRAY_SIZE(emit_cases); i++)
		cr_expect_str_eq(asm_text(emit_cases[i].ir), emit_cases[i].listing,
				 "%s", emit_cases[i].name);
}

/* -d asm puts the script line above the first instruction it made. */
Test(emit, source_lines)
{
	struct source src = { "stdin", "BEGIN {\n   $x = 1;\n  exit(); }\n", 31 };
	struct ir_func *f = parse("func BEGIN\nb0:\n  %0 = mov 1\n"
				  "  %1 = add %0, 2\n  ret %1\n");
	f->blocks[0]->insns[0].loc = (struct srcloc){ &src, 2, 4, 2 };
	f->blocks[0]->insns[1].loc = (struct srcloc){ &src, 2, 9, 1 };
	f->blocks[0]->insns[2].loc = (struct srcloc){ &src, 3, 3, 4 };
	struct liveness *lv = live_compute(f);
	cr_assert_eq(stack_alloc(f, lv), 0);
	struct mfunc *mf = isel_run(f);
	cr_assert_eq(ra_run(mf), 0);
	struct bpf_code code;
	cr_assert_eq(emit_run(mf, &code), 0);
	cr_assert_eq(code.locs[0].line, 2);
	struct mem m;
	emit_dump(mem_open(&m), &code);
	cr_assert_str_eq(mem_close(&m),
			 "; $x = 1;\n"
			 "   0: (b7) r0 = 1\n"
			 "   1: (07) r0 += 2\n"
			 "; exit(); }\n"
			 "   2: (95) exit\n");
}

/* DESIGN.md invariant 1 in the kernel: $key's slot is used as a map key,
 * another record is built and passed to a helper, then $key is used again
 * and must still hold "test". */
Test(kernel, key_survives_later_calls)
{
	int m0 = bpf_map_create(BPF_MAP_TYPE_HASH, "tt_keys", 16, 8, 8, NULL);
	if (m0 < 0 && (errno == EPERM || errno == ENOSYS))
		cr_skip_test("KERNEL TEST SKIPPED: bpf(BPF_MAP_CREATE): %s", strerror(errno));
	int m1 = bpf_map_create(BPF_MAP_TYPE_HASH, "tt_other", 16, 16, 8, NULL);
	cr_assert(m0 >= 0 && m1 >= 0);
	int fds[2] = { m0, m1 };
	uint32_t r = load_and_run(
		"func t\n"
		"slot s0 16 stack \"$key\"\n"
		"slot s1 16 stack \"tmp\"\n"
		"slot s2 8 stack \"val\"\n"
		"b0:\n"
		"  memzero s0+0, 16\n"
		"  store4 s0+0, 0x74736574\n"   /* "test" */
		"  store8 s2+0, 1\n"
		"  %0 = call map_update_elem(map0, s0, s2, 0)\n"
		"  store8 s1+0, -1\n"
		"  store8 s1+8, -1\n"
		"  %1 = call map_update_elem(map1, s1, s1, 0)\n"
		"  %2 = call map_lookup_elem(map0, s0)\n"
		"  br.eq %2, 0, b2, b1\n"
		"b1:\n"
		"  %3 = load8 %2+0\n"
		"  %3 = add %3, 41\n"
		"  ret %3\n"
		"b2:\n"
		"  ret 99\n", fds, NULL, 0);
	cr_assert_eq(r, 42);
	char key[16] = "test";
	uint64_t v = 0;
	cr_assert_eq(bpf_map_lookup_elem(m0, key, &v), 0);
	cr_assert_eq(v, 1);
	close(m0);
	close(m1);
}

Test(kernel, helper_calls)
{
	uint64_t args[1] = { 0 };
	/* ktime_get_ns() is not 0, and two readings are ordered */
	uint32_t r = load_and_run(
		"func t\nb0:\n"
		"  %0 = call ktime_get_ns()\n"
		"  %1 = call ktime_get_ns()\n"
		"  %2 = set.uge %1, %0\n"
		"  %3 = set.ne %0, 0\n"
		"  %2 = and %2, %3\n"
		"  ret %2\n", NULL, args, 1);
	cr_assert_eq(r, 1);
}

/* A scratch slot operand uses the scratch base register: it stays live
 * from the lookup to the last scratch access. */
Test(liveness, scratch_base_is_used_by_scratch_slots)
{
	cr_assert_str_eq(live_text(
		"func f\n"
		"slot s0 4 stack\n"
		"slot s1 64 scratch\n"
		"scratch %0\n"
		"b0:\n"
		"  store4 s0+0, 0\n"
		"  %0 = call map_lookup_elem(map2, s0)\n"
		"  br.eq %0, 0, b2, b1\n"
		"b1:\n"
		"  %1 = call ktime_get_ns()\n"
		"  store8 s1+0, %1\n"
		"  jmp b3\n"
		"b2:\n"
		"  ret 0\n"
		"b3:\n"
		"  %2 = call ringbuf_output(map1, s1, 8, 0)\n"
		"  ret 0\n"),
		"func f\n"
		"b0: in regs {} slots {} out regs {%0} slots {}\n"
		"b1: in regs {%0} slots {} out regs {%0} slots {s1}\n"
		"b2: in regs {} slots {} out regs {} slots {}\n"
		"b3: in regs {%0} slots {s1} out regs {} slots {}\n");
}

/* Packed records put values at odd offsets: stack accesses are split into
 * aligned pieces (the verifier rejects misaligned stack access). */
Test(kernel, misaligned_stack_accesses)
{
	uint64_t args[1] = { 0x1122334455667788ULL };
	int fd = load_text(
		"func t\n"
		"slot s0 32 stack \"packed\"\n"
		"b0:\n"
		"  %0 = ctx\n"
		"  %1 = load8 %0+0\n"
		"  %2 = load8 %0+16\n"          /* shift: 0 or 32 */
		"  memzero s0+0, 32\n"
		"  store2 s0+1, 0x6162\n"
		"  store4 s0+3, 4294967295\n"
		"  store8 s0+9, %1\n"
		"  store4 s0+19, %1\n"
		"  %3 = load8 s0+9\n"
		"  %4 = load4 s0+19\n"
		"  %5 = load2 s0+1\n"
		"  %6 = load4 s0+3\n"
		"  %3 = xor %3, %1\n"           /* 0 if the 8 bytes survived */
		"  %7 = zext4 %1\n"
		"  %4 = xor %4, %7\n"           /* 0 */
		"  %5 = xor %5, 0x6162\n"       /* 0 */
		"  %6 = xor %6, 4294967295\n"   /* 0 */
		"  %3 = or %3, %4\n"
		"  %3 = or %3, %5\n"
		"  %3 = or %3, %6\n"
		"  %8 = load8 s0+8\n"           /* aligned view of the pieces */
		"  %8 = lshr %8, %2\n"
		"  %3 = add %3, %8\n"
		"  ret %3\n", NULL);
	uint64_t lo[3] = { args[0], 0, 0 }, hi[3] = { args[0], 0, 32 };
	/* bytes 8..15 hold: byte 8 = 0, bytes 9..15 = low 7 bytes of x */
	uint64_t want = args[0] << 8;
	cr_assert_eq(run(fd, lo, 3), (uint32_t)want);
	cr_assert_eq(run(fd, hi, 3), (uint32_t)(want >> 32));
	close(fd);
}

/* ---- subprograms: loop bodies run by helpers --------------------------- */

/* bpf_loop(n, fn0, &lctx, 0): the body adds its index to the caller's
 * $sum, reached through an alias slot and the frame pointer the caller
 * put in lctx (at byte 24 here; the layout is the builder's choice). */
static const char *loop_sum =
	"func t\n"
	"slot s0 32 stack \"loop_ctx\"\n"
	"slot s1 8 stack \"$sum\"\n"
	"b0:\n"
	"  %0 = ctx\n"
	"  %1 = load8 %0+0\n"
	"  %2 = frame\n"
	"  store8 s0+24, %2\n"
	"  store8 s1+0, 0\n"
	"  use s1\n"
	"  %3 = call loop(%1, fn0, s0, 0)\n"
	"  use s1\n"
	"  %4 = load8 s1+0\n"
	"  ret %4\n"
	"func t.loop0 in t\n"
	"slot s0 8 stack \"$sum\" up 1 s1\n"
	"frame 1 %2\n"
	"b0:\n"
	"  %0 = arg 0\n"
	"  %1 = arg 1\n"
	"  %2 = load8 %1+24\n"
	"  %3 = load8 s0+0\n"
	"  %3 = add %3, %0\n"
	"  store8 s0+0, %3\n"
	"  ret 0\n";

Test(kernel, bpf_loop_callback_sums)
{
	struct bpf_code code;
	cr_assert_eq(compile(loop_sum, &code, NULL), 0);
	cr_assert_eq(code.nfuncs, 2);
	int fd = load(&code, NULL);
	uint64_t n0[1] = { 0 }, n10[1] = { 10 }, n1000[1] = { 1000 };
	cr_assert_eq(run(fd, n0, 1), 0);
	cr_assert_eq(run(fd, n10, 1), 45);
	cr_assert_eq(run(fd, n1000, 1), 499500);
	close(fd);
	free(code.insns);
	free(code.locs);
}

/* The subprogram comes after the program; the callback's ld_imm64 holds
 * the offset of its first instruction; the alias is reached through the
 * frame pointer loaded from lctx. */
Test(emit, subprogram_layout)
{
	struct bpf_code code;
	cr_assert_eq(compile(loop_sum, &code, NULL), 0);
	cr_assert_eq(code.nfuncs, 2);
	cr_assert_eq(code.func_start[0], 0);
	cr_assert_str_eq(code.func_name[1], "t_loop0");
	int ld = 4; /* r2 = t_loop0 */
	cr_assert_eq(code.insns[ld].code, BPF_LD | BPF_DW | BPF_IMM);
	cr_assert_eq(code.insns[ld].src_reg, BPF_PSEUDO_FUNC);
	cr_assert_eq(ld + 1 + code.insns[ld].imm, code.func_start[1]);
	struct mem m;
	emit_dump(mem_open(&m), &code);
	cr_assert_str_eq(mem_close(&m),
		"   0: (79) r1 = *(u64 *)(r1 +0)\n"
		"   1: (bf) r2 = r10\n"
		"   2: (7b) *(u64 *)(r10 -8) = r2\n"
		"   3: (7a) *(u64 *)(r10 -40) = 0\n"
		"   4: (18) r2 = t_loop0 ll\n"
		"   6: (bf) r3 = r10\n"
		"   7: (07) r3 += -32\n"
		"   8: (b7) r4 = 0\n"
		"   9: (85) call loop#181\n"
		"  10: (79) r0 = *(u64 *)(r10 -40)\n"
		"  11: (95) exit\n"
		"t_loop0:\n"
		"  12: (79) r3 = *(u64 *)(r2 +24)\n"
		"  13: (79) r2 = *(u64 *)(r3 -40)\n"
		"  14: (0f) r2 += r1\n"
		"  15: (7b) *(u64 *)(r3 -40) = r2\n"
		"  16: (b7) r0 = 0\n"
		"  17: (95) exit\n");
	free(code.insns);
	free(code.locs);
}

/* Two levels: the outer body runs bpf_loop itself, passing its own frame
 * pointer and the program's; the inner body reaches the program's slot
 * two levels up and stops its loop (returns 1) at index 3.  (A condition
 * on the count itself would make the verifier follow every value of it:
 * ir_loops.c keeps such counters in the scratch map.) */
Test(kernel, nested_callbacks_reach_two_levels_up)
{
	uint64_t args[1] = { 3 };
	uint32_t r = load_and_run(
		"func t\n"
		"slot s0 32 stack \"loop_ctx\"\n"
		"slot s1 8 stack \"$n\"\n"
		"b0:\n"
		"  %0 = ctx\n"
		"  %1 = load8 %0+0\n"
		"  %2 = frame\n"
		"  store8 s0+24, %2\n"
		"  store8 s1+0, 0\n"
		"  use s1\n"
		"  %3 = call loop(%1, fn0, s0, 0)\n"
		"  use s1\n"
		"  %4 = load8 s1+0\n"
		"  ret %4\n"
		"func t.loop0 in t\n"
		"slot s0 40 stack \"loop_ctx\"\n"
		"frame 1 %2\n"
		"b0:\n"
		"  %0 = arg 0\n"
		"  %1 = arg 1\n"
		"  %2 = load8 %1+24\n"
		"  %3 = frame\n"
		"  store8 s0+24, %3\n"
		"  store8 s0+32, %2\n"
		"  %4 = call loop(5, fn0, s0, 0)\n"
		"  ret 0\n"
		"func t.loop0.loop0 in t.loop0\n"
		"slot s0 8 stack \"$n\" up 2 s1\n"
		"frame 2 %3\n"
		"b0:\n"
		"  %0 = arg 0\n"
		"  %1 = arg 1\n"
		"  %3 = load8 %1+32\n"
		"  %4 = load8 s0+0\n"
		"  %4 = add %4, 1\n"
		"  store8 s0+0, %4\n"
		"  br.eq %0, 3, b1, b2\n"
		"b1:\n"
		"  ret 1\n"
		"b2:\n"
		"  ret 0\n", NULL, args, 1);
	cr_assert_eq(r, 12);   /* 3 outer x 4 inner (indexes 0..3) */
}

/* bpf_for_each_map_elem: the body gets (map, key, value, ctx), sums the
 * values into the caller's slot and counts the elements. */
Test(kernel, for_each_map_elem_callback)
{
	int fd = bpf_map_create(BPF_MAP_TYPE_HASH, "tt_each", 4, 8, 16, NULL);
	if (fd < 0 && (errno == EPERM || errno == ENOSYS))
		cr_skip_test("KERNEL TEST SKIPPED: bpf(BPF_MAP_CREATE): %s", strerror(errno));
	cr_assert(fd >= 0);
	for (uint32_t k = 1; k <= 5; k++) {
		uint64_t v = 10 * k;
		cr_assert_eq(bpf_map_update_elem(fd, &k, &v, 0), 0);
	}
	uint32_t r = load_and_run(
		"func t\n"
		"slot s0 32 stack \"loop_ctx\"\n"
		"slot s1 16 stack \"acc\"\n"
		"b0:\n"
		"  %0 = frame\n"
		"  store8 s0+24, %0\n"
		"  memzero s1+0, 16\n"
		"  use s1\n"
		"  %1 = call for_each_map_elem(map0, fn0, s0, 0)\n"
		"  use s1\n"
		"  %2 = load8 s1+0\n"
		"  %3 = load8 s1+8\n"
		"  %2 = mul %2, 100\n"
		"  %2 = add %2, %3\n"
		"  %2 = mul %2, 100\n"
		"  %2 = add %2, %1\n"          /* elements visited */
		"  ret %2\n"
		"func t.each in t\n"
		"slot s0 16 stack \"acc\" up 1 s1\n"
		"frame 1 %4\n"
		"b0:\n"
		"  %1 = arg 1\n"
		"  %2 = arg 2\n"
		"  %3 = arg 3\n"
		"  %4 = load8 %3+24\n"
		"  %5 = load8 %2+0\n"
		"  %8 = load4 %1+0\n"
		"  %5 = add %5, %8\n"          /* value + key */
		"  %6 = load8 s0+0\n"
		"  %6 = add %6, %5\n"
		"  store8 s0+0, %6\n"
		"  %7 = load8 s0+8\n"
		"  %7 = add %7, 1\n"
		"  store8 s0+8, %7\n"
		"  ret 0\n", &fd, NULL, 0);
	cr_assert_eq(r, (150 + 15) * 10000 + 5 * 100 + 5);
	close(fd);
}

/* In a subprogram an alias slot (the caller's variable) is live
 * everywhere, so ir_optimize keeps stores into it even though nothing in
 * the subprogram reads them afterwards. */
Test(liveness, alias_slots_are_live_throughout)
{
	struct ir_func *f = parse(
		"func f\n"
		"slot s0 8 stack\n"
		"b0:\n"
		"  ret 0\n"
		"func g in f\n"
		"slot s0 8 stack \"x\" up 1 s0\n"
		"slot s1 8 stack \"own\"\n"
		"frame 1 %0\n"
		"b0:\n"
		"  %1 = arg 1\n"
		"  %0 = load8 %1+24\n"
		"  store8 s1+0, 5\n"           /* never read: goes */
		"  store8 s0+0, 7\n"           /* the caller's: stays */
		"  ret 0\n");
	struct ir_func *g = f->subs[0];
	ir_optimize(g);
	struct liveness *lv = live_compute(g);
	struct mem m;
	live_dump(mem_open(&m), lv);
	live_free(lv);
	cr_assert_str_eq(mem_close(&m),
		"func g\n"
		"b0: in regs {} slots {s0} out regs {} slots {s0}\n");
	cr_assert_eq(g->blocks[0]->ninsns, 4);
	cr_assert_eq(g->blocks[0]->insns[2].op, IR_STORE);
	cr_assert_eq(g->blocks[0]->insns[2].arg[0].slot, 0);
}

/* A subprogram's own scratch slots go after its caller's (which may be
 * live during the call); an alias gets its target's offset; the program's
 * scratch_size covers both. */
Test(stackalloc, subprogram_scratch_and_aliases)
{
	struct ir_func *f = parse(
		"func f\n"
		"slot s0 4 stack\n"
		"slot s1 100 scratch \"big\"\n"
		"scratch %0\n"
		"b0:\n"
		"  store4 s0+0, 0\n"
		"  %0 = call map_lookup_elem(map2, s0)\n"
		"  br.eq %0, 0, b1, b2\n"
		"b1:\n"
		"  ret 0\n"
		"b2:\n"
		"  memzero s1+0, 100\n"
		"  use s1\n"
		"  %1 = call loop(2, fn0, 0, 0)\n"
		"  use s1\n"
		"  ret 0\n"
		"func g in f\n"
		"slot s0 100 scratch \"big\" up 1 s1\n"
		"slot s1 4 stack\n"
		"slot s2 40 scratch \"mine\"\n"
		"slot s3 16 stack \"onstack\"\n"
		"scratch %0\n"
		"b0:\n"
		"  store4 s1+0, 0\n"
		"  %0 = call map_lookup_elem(map2, s1)\n"
		"  br.eq %0, 0, b1, b2\n"
		"b1:\n"
		"  ret 0\n"
		"b2:\n"
		"  memcpy s2+0, s0, 40\n"
		"  memzero s3+0, 16\n"
		"  %1 = call map_lookup_elem(map0, s3)\n"
		"  %2 = call map_lookup_elem(map0, s2)\n"
		"  ret 0\n");
	struct liveness *lv = live_compute(f);
	cr_assert_eq(stack_alloc(f, lv), 0);
	live_free(lv);
	struct mem m;
	stack_dump(mem_open(&m), f);
	cr_assert_str_eq(mem_close(&m),
		"func f stack 8 scratch 144\n"
		"s0 - size 4 offset -4\n"
		"s1 big size 100 scratch 0\n"
		"func g stack 16 scratch 144\n"
		"s0 big size 100 scratch 0\n"
		"s1 - size 4 offset -4\n"
		"s2 mine size 40 scratch 104\n"
		"s3 onstack size 16 offset -16\n");
	cr_assert_eq(f->subs[0]->scratch_base, 104);
}

/* The kernel limits the stack of a whole call chain: a body whose frame
 * fits alone but not on top of its caller's is a diagnostic. */
Test(emit, call_chain_stack_limit)
{
	struct source src = { "stdin", "BEGIN { for ($i : 0..$n) { } }", 30 };
	struct ir_func *f = parse(
		"func f\n"
		"slot s0 32 stack \"loop_ctx\"\n"
		"slot s1 300 stack \"a\"\n"
		"b0:\n"
		"  %0 = frame\n"
		"  store8 s0+24, %0\n"
		"  memzero s1+0, 300\n"
		"  %1 = call loop(2, fn0, s0, 0)\n"
		"  %2 = call map_lookup_elem(map0, s1)\n"
		"  ret 0\n"
		"func g in f\n"
		"slot s0 200 stack \"b\"\n"
		"b0:\n"
		"  memzero s0+0, 200\n"
		"  %0 = call map_lookup_elem(map0, s0)\n"
		"  ret 0\n");
	f->subs[0]->loc = (struct srcloc){ &src, 1, 9, 20 };
	struct liveness *lv = live_compute(f);
	cr_assert_eq(stack_alloc(f, lv), 0);   /* each frame fits */
	live_free(lv);
	struct mfunc *mf = isel_run(f);
	cr_assert_eq(ra_run(mf), 0);
	struct bpf_code code;
	struct mem m;
	diag_reset();
	diag_set_stream(mem_open(&m));
	int rc = emit_run(mf, &code);
	diag_set_stream(stderr);
	char *msg = mem_close(&m);
	cr_assert_eq(rc, -1);
	cr_assert(strstr(msg, "stdin:1:9-29: ERROR: BPF stack limit exceeded: "
			      "this loop body and the code around it need 576 "
			      "bytes of stack together (limit is 512 bytes)"),
		  "%s", msg);
	mfunc_free(mf);
	free(code.insns);
	free(code.locs);
}

/* Only the caller's scratch slots occupied at the call are kept clear of
 * the subprogram's: a slot dead by then may share bytes with it. */
Test(stackalloc, subprogram_scratch_starts_after_live_slots_only)
{
	struct ir_func *f = parse(
		"func f\n"
		"slot s0 4 stack\n"
		"slot s1 100 scratch \"live\"\n"
		"slot s2 64 scratch \"dead\"\n"
		"scratch %0\n"
		"b0:\n"
		"  store4 s0+0, 0\n"
		"  %0 = call map_lookup_elem(map2, s0)\n"
		"  br.eq %0, 0, b1, b2\n"
		"b1:\n"
		"  ret 0\n"
		"b2:\n"
		"  memzero s1+0, 100\n"
		"  memzero s2+0, 64\n"
		"  %1 = call map_lookup_elem(map0, s2)\n"
		"  use s1\n"
		"  %2 = call loop(2, fn0, 0, 0)\n"
		"  use s1\n"
		"  ret 0\n"
		"func g in f\n"
		"slot s0 40 scratch \"mine\"\n"
		"scratch %0\n"
		"b0:\n"
		"  %0 = arg 1\n"
		"  memzero s0+0, 40\n"
		"  %1 = call map_lookup_elem(map0, s0)\n"
		"  ret 0\n");
	struct liveness *lv = live_compute(f);
	cr_assert_eq(stack_alloc(f, lv), 0);
	live_free(lv);
	struct mem m;
	stack_dump(mem_open(&m), f);
	cr_assert_str_eq(mem_close(&m),
		"func f stack 8 scratch 168\n"
		"s0 - size 4 offset -4\n"
		"s1 live size 100 scratch 0\n"
		"s2 dead size 64 scratch 104\n"
		"func g stack 0 scratch 144\n"
		"s0 mine size 40 scratch 104\n");
}
