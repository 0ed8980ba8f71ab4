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

/* A FILE* that collects into a string: open with mem_open, read and close
 * with mem_close (arena copy). */
struct mem {
	char *buf;
	size_t len;
	FILE *f;
};

static FILE *mem_open(struct mem *m)
{
	m->buf = NULL;
	m->len = 0;
	m->f = open_memstream(&m->buf, &m->len);
	return m->f;
}

static char *mem_close(struct mem *m)
{
	fclose(m->f);
	char *s = tt_strdup(m->buf);
	free(m->buf);
	return s;
}

static struct ir_func *parse(const char *text)
{
	struct ir_func *f = ir_parse(text);
	cr_assert(f, "IR does not parse");
	ir_cfg(f);
	cr_assert_eq(ir_check(f), 0, "IR does not check");
	return f;
}

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

/* Load code as a raw tracepoint program, ld_imm64 map references patched
 * the loader's way (imm = map index -> fd).  Skips the test loudly when
 * bpf() is not allowed here. */
static int load(const struct bpf_code *code, const int *map_fds)
{
	struct bpf_insn *insns = xmalloc(code->ninsns * sizeof(*insns));
	memcpy(insns, code->insns, code->ninsns * sizeof(*insns));
	for (int i = 0; i < code->ninsns; i++)
		if (insns[i].code == (BPF_LD | BPF_DW | BPF_IMM)) {
			if (insns[i].src_reg == BPF_PSEUDO_MAP_FD)
				insns[i].imm = map_fds[insns[i].imm];
			i++;
		}
	static char log[1 << 20];
	LIBBPF_OPTS(bpf_prog_load_opts, o, .log_buf = log,
		    .log_size = sizeof(log), .log_level = 1);
	log[0] = 0;
	int fd = bpf_prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT, "tt_test", "GPL",
			       insns, code->ninsns, &o);
	int err = errno;
	free(insns);
	if (fd < 0 && (err == EPERM || err == ENOSYS))
		cr_skip_test("KERNEL TEST SKIPPED: bpf(BPF_PROG_LOAD) failed "
			     "with %s: needs root and a kernel with BPF",
			     strerror(err));
	if (fd < 0) {
		struct mem m;
		emit_dump(mem_open(&m), code);
		cr_assert_fail("verifier rejected the program (%s):\n%s\nlog:\n%s",
			 strerror(err), mem_close(&m), log);
	}
	return fd;
}

/* Run a loaded program once with the given u64 context (raw tracepoint
 * arguments); returns its 32-bit return value. */
static uint32_t run(int fd, const uint64_t *args, int nargs)
{
	LIBBPF_OPTS(bpf_test_run_opts, t, .ctx_in = args,
		    .ctx_size_in = nargs * sizeof(uint64_t));
	int rc = bpf_prog_test_run_opts(fd, &t);
	cr_assert_eq(rc, 0, "BPF_PROG_TEST_RUN: %s", strerror(errno));
	return t.retval;
}

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
