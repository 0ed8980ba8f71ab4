/* test_isel.c — instruction selection and register allocation, table
 * driven.  Each row is IR text (ir_parse's syntax), the machine IR isel
 * must make of it, the code after register allocation where that is the
 * point of the row (spill and reload counts), and the results the code
 * must give when the kernel runs it (BPF_PROG_TEST_RUN), or the diagnostic
 * the back end must give instead.  A mismatch fails with a line diff.
 *
 * The IR is compiled the driver's way without ir_optimize, so isel sees
 * exactly the IR of the row: liveness, stack_alloc, isel_run, ra_run,
 * emit_run.  In the expected machine IR, %N is IR register N (virtual
 * register MIR_NPHYS + N), tK the K-th temporary isel made, a w prefix the
 * 32-bit view of a register; after allocation every register is physical.
 *
 * The programs read their inputs from the context (raw tracepoint
 * arguments, ctx+0, +8, +16) and return a result; the back end returns 32
 * bits, so a "wide" row returns its 64-bit result shifted right by ctx+48
 * and runs twice (shift 0 and 32).  Expected results are C expressions of
 * the same inputs with BPF's semantics (x/0 = 0, x%0 = x). */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "emit.h"
#include "ir.h"
#include "isel.h"
#include "liveness.h"
#include "regalloc.h"
#include "stackalloc.h"
#include "../../src/mir.h"
#include "bpftest.h"   /* mem_open/close, parse, load, run */

/* ---- rows ----------------------------------------------------------------- */

struct krun {
	bool on;
	uint64_t args[6];
	uint64_t want;
};

struct isel_case {
	const char *name;
	const char *ir;
	const char *isel;   /* machine IR after isel; NULL: not compared */
	const char *alloc;  /* machine IR after ra_run; NULL: not compared */
	int spills;         /* spill slots ra_run made; -1: not checked */
	int stores, reloads;/* spill stores and reloads in the allocated code
			       (rows with spills >= 0) */
	bool wide;          /* result >> ctx+48: all 64 bits are checked */
	int map_value;      /* > 0: map0 is a 1-element array of values this
			       big, element 0 zeroed */
	const char *error;  /* the back end must fail with this message */
	int nvals;          /* > 0: every run wants horner(nvals, args) */
	struct krun runs[4];
};

#define RUN(want, ...) { true, { __VA_ARGS__ }, (uint64_t)(want) }

/* Reference semantics (64-bit, BPF's division by zero). */
#define U(x) ((uint64_t)(x))
#define S(x) ((int64_t)(x))
#define ADD(a, b) (U(a) + U(b))
#define SUB(a, b) (U(a) - U(b))
#define MUL(a, b) (U(a) * U(b))
#define AND(a, b) (U(a) & U(b))
#define OR(a, b) (U(a) | U(b))
#define XOR(a, b) (U(a) ^ U(b))
#define SHL(a, b) (U(a) << (U(b) & 63))
#define LSHR(a, b) (U(a) >> (U(b) & 63))
#define ASHR(a, b) U(S(a) >> (U(b) & 63))
#define UDIV(a, b) (U(b) ? U(a) / U(b) : 0)
#define UMOD(a, b) (U(b) ? U(a) % U(b) : U(a))
#define SDIV(a, b) (!U(b) ? 0 : S(b) == -1 ? -U(a) : U(S(a) / S(b)))
#define SMOD(a, b) (!U(b) ? U(a) : S(b) == -1 ? 0 : U(S(a) % S(b)))
#define EQ(a, b) (U(a) == U(b))
#define NE(a, b) (U(a) != U(b))
#define ULT(a, b) (U(a) < U(b))
#define ULE(a, b) (U(a) <= U(b))
#define UGT(a, b) (U(a) > U(b))
#define UGE(a, b) (U(a) >= U(b))
#define SLT(a, b) (S(a) < S(b))
#define SLE(a, b) (S(a) <= S(b))
#define SGT(a, b) (S(a) > S(b))
#define SGE(a, b) (S(a) >= S(b))
#define SET(a, b) ((U(a) & U(b)) != 0)

/* Inputs: signed and unsigned views differ, shifts past 31, a negative
 * divisor, the 32-bit boundary. */
#define X1 0xfedcba9876543210ULL
#define Y1 19ULL
#define X2 1000003ULL
#define Y2 0xfffffffffffffff9ULL   /* -7 */
#define X3 0x8000000000000000ULL
#define Y3 0x100000003ULL

/* Most rows: %1 = ctx+0, %2 = ctx+8, result %3, returned (wide) as
 * %5 = %3 >> ctx+48. */
#define P "func t\nb0:\n  %0 = ctx\n  %1 = load8 %0+0\n  %2 = load8 %0+8\n"
#define W "  %4 = load8 %0+48\n  %5 = lshr %3, %4\n  ret %5\n"
#define R3 "  ret %3\n"
#define MP "func t stack 0\n.b0:\n  %0 = r1\n  %1 = *(u64 *)(%0 +0)\n" \
	   "  %2 = *(u64 *)(%0 +8)\n"
#define MW "  %4 = *(u64 *)(%0 +48)\n  %5 = %3\n  %5 >>= %4\n  r0 = %5\n  exit\n"
#define MR3 "  r0 = %3\n  exit\n"

/* A binary operation in four forms: registers, a 32-bit immediate, a
 * constant that needs ld_imm64, a constant on the left. */
#define RR(E) { RUN(E(X1, Y1), X1, Y1), RUN(E(X2, Y2), X2, Y2), \
		RUN(E(X3, Y3), X3, Y3) }
#define RK(E, k) { RUN(E(X1, k), X1), RUN(E(X2, k), X2), RUN(E(X3, k), X3) }
#define KR(E, k) { RUN(E(k, Y1), 0, Y1), RUN(E(k, Y2), 0, Y2), \
		   RUN(E(k, Y3), 0, Y3) }
#define K64 0x123456789LL
#define BIN_RR(op, sym, E) \
	{ op " reg, reg", P "  %3 = " op " %1, %2\n" W, \
	  MP "  %3 = %1\n  %3 " sym " %2\n" MW, .wide = true, .spills = -1, \
	  .runs = RR(E) }
#define BIN_RK(op, k, sym, E) \
	{ op " reg, imm " #k, P "  %3 = " op " %1, " #k "\n" W, \
	  MP "  %3 = %1\n  %3 " sym " " #k "\n" MW, .wide = true, \
	  .spills = -1, .runs = RK(E, k) }
#define BIN_R64(op, sym, E) \
	{ op " reg, imm64", P "  %3 = " op " %1, 0x123456789\n" W, \
	  MP "  t0 = 0x123456789 ll\n  %3 = %1\n  %3 " sym " t0\n" MW, \
	  .wide = true, .spills = -1, .runs = RK(E, K64) }
/* commutative: the constant goes to the right */
#define BIN_KR_SWAP(op, k, sym, E) \
	{ op " imm " #k ", reg", P "  %3 = " op " " #k ", %2\n" W, \
	  MP "  %3 = %2\n  %3 " sym " " #k "\n" MW, .wide = true, \
	  .spills = -1, .runs = KR(E, k) }
#define BIN_KR(op, k, sym, E) \
	{ op " imm " #k ", reg", P "  %3 = " op " " #k ", %2\n" W, \
	  MP "  %3 = " #k "\n  %3 " sym " %2\n" MW, .wide = true, \
	  .spills = -1, .runs = KR(E, k) }

static const struct isel_case alu_cases[] = {
	BIN_RR("add", "+=", ADD),
	BIN_RR("sub", "-=", SUB),
	BIN_RR("mul", "*=", MUL),
	BIN_RR("udiv", "/=", UDIV),
	BIN_RR("umod", "%=", UMOD),
	BIN_RR("and", "&=", AND),
	BIN_RR("or", "|=", OR),
	BIN_RR("xor", "^=", XOR),
	BIN_RR("shl", "<<=", SHL),
	BIN_RR("lshr", ">>=", LSHR),
	BIN_RR("ashr", "s>>=", ASHR),
	/* immediates are sign-extended to 64 bits by the machine */
	BIN_RK("add", -3, "+=", ADD),
	BIN_RK("sub", 2147483647, "-=", SUB),
	BIN_RK("mul", -2147483648, "*=", MUL),
	BIN_RK("udiv", 7, "/=", UDIV),
	BIN_RK("umod", 1000, "%=", UMOD),
	BIN_RK("and", -256, "&=", AND),
	BIN_RK("or", 4096, "|=", OR),
	BIN_RK("xor", -1, "^=", XOR),
	BIN_RK("shl", 33, "<<=", SHL),
	BIN_RK("lshr", 63, ">>=", LSHR),
	BIN_RK("ashr", 40, "s>>=", ASHR),
	BIN_R64("add", "+=", ADD),
	BIN_R64("sub", "-=", SUB),
	BIN_R64("mul", "*=", MUL),
	BIN_R64("udiv", "/=", UDIV),
	BIN_R64("umod", "%=", UMOD),
	BIN_R64("and", "&=", AND),
	BIN_R64("or", "|=", OR),
	BIN_R64("xor", "^=", XOR),
	/* a shift count is taken mod 64: 0x123456789 & 63 = 9 */
	{ "shl reg, imm64 (count mod 64)", P "  %3 = shl %1, 0x123456789\n" W,
	  MP "  %3 = %1\n  %3 <<= 9\n" MW, .wide = true, .spills = -1,
	  .runs = RK(SHL, K64) },
	{ "lshr reg, 64 (count mod 64)", P "  %3 = lshr %1, 64\n" W,
	  MP "  %3 = %1\n  %3 >>= 0\n" MW, .wide = true, .spills = -1,
	  .runs = RK(LSHR, 64) },
	{ "ashr reg, imm64 (count mod 64)", P "  %3 = ashr %1, 0x123456789\n" W,
	  MP "  %3 = %1\n  %3 s>>= 9\n" MW, .wide = true, .spills = -1,
	  .runs = RK(ASHR, K64) },
	BIN_KR_SWAP("add", 5, "+=", ADD),
	BIN_KR_SWAP("mul", -9, "*=", MUL),
	BIN_KR_SWAP("and", 255, "&=", AND),
	BIN_KR_SWAP("or", -2147483648, "|=", OR),
	BIN_KR_SWAP("xor", 77, "^=", XOR),
	BIN_KR("sub", 100, "-=", SUB),
	BIN_KR("udiv", 1000000, "/=", UDIV),
	BIN_KR("umod", 1000000, "%=", UMOD),
	BIN_KR("shl", 3, "<<=", SHL),
	BIN_KR("lshr", -1, ">>=", LSHR),
	BIN_KR("ashr", -65536, "s>>=", ASHR),
	/* d = k - d: no register for k, negate and add */
	{ "sub imm, reg into the same register",
	  P "  %3 = mov %2\n  %3 = sub 100, %3\n" W,
	  MP "  %3 = %2\n  %3 = -%3\n  %3 += 100\n" MW, .wide = true,
	  .spills = -1, .runs = KR(SUB, 100) },
	{ "sub 0, reg into the same register is a negation",
	  P "  %3 = mov %2\n  %3 = sub 0, %3\n" W,
	  MP "  %3 = %2\n  %3 = -%3\n" MW, .wide = true, .spills = -1,
	  .runs = KR(SUB, 0) },
	/* d = a - d: through a temporary */
	{ "sub reg, reg into the subtrahend's register",
	  P "  %3 = mov %2\n  %3 = sub %1, %3\n" W,
	  MP "  %3 = %2\n  t0 = %1\n  t0 -= %3\n  %3 = t0\n" MW, .wide = true,
	  .spills = -1, .runs = RR(SUB) },
	{ "shl reg, reg into the count's register",
	  P "  %3 = mov %2\n  %3 = shl %1, %3\n" W,
	  MP "  %3 = %2\n  t0 = %1\n  t0 <<= %3\n  %3 = t0\n" MW, .wide = true,
	  .spills = -1, .runs = RR(SHL) },
	{ "add into the first operand's register: no copy",
	  P "  %3 = mov %1\n  %3 = add %3, %2\n" W,
	  MP "  %3 = %1\n  %3 += %2\n" MW, .wide = true, .spills = -1,
	  .runs = RR(ADD) },
	/* 32-bit boundaries of the immediate */
	{ "add 0x7fffffff fits, 0x80000000 does not",
	  P "  %3 = add %1, 0x7fffffff\n  %3 = add %3, 0x80000000\n" W,
	  MP "  %3 = %1\n  %3 += 2147483647\n  wt0 = -2147483648\n"
	  "  %3 += t0\n" MW, .wide = true, .spills = -1,
	  .runs = RK(ADD, 0xffffffffLL) },
	{ "and 0xffffffff is a 32-bit move",
	  P "  %3 = and %1, 0xffffffff\n" W,
	  MP "  w%3 = w%1\n" MW, .wide = true, .spills = -1,
	  .runs = RK(AND, 0xffffffffLL) },
	{ "and -0x80000000 fits (sign-extended)",
	  P "  %3 = and %1, -0x80000000\n" W,
	  MP "  %3 = %1\n  %3 &= -2147483648\n" MW, .wide = true, .spills = -1,
	  .runs = RK(AND, -0x80000000LL) },
	/* division by constants: 0 is BPF's x/0 = 0, x%0 = x; a divisor
	 * that is negative or over 31 bits is not an immediate (the machine
	 * would sign-extend it) */
	{ "udiv by 0 is 0", P "  %3 = udiv %1, 0\n" W, MP "  %3 = 0\n" MW,
	  .wide = true, .spills = -1, .runs = RK(UDIV, 0) },
	{ "umod by 0 is the dividend", P "  %3 = umod %1, 0\n" W,
	  MP "  %3 = %1\n" MW, .wide = true, .spills = -1, .runs = RK(UMOD, 0) },
	{ "udiv by -1 (a 64-bit divisor)", P "  %3 = udiv %1, -1\n" W,
	  MP "  t0 = -1\n  %3 = %1\n  %3 /= t0\n" MW, .wide = true,
	  .spills = -1, .runs = RK(UDIV, -1) },
	{ "umod by 0x80000000", P "  %3 = umod %1, 0x80000000\n" W,
	  MP "  wt0 = -2147483648\n  %3 = %1\n  %3 %= t0\n" MW, .wide = true,
	  .spills = -1, .runs = RK(UMOD, 0x80000000LL) },
	{ "udiv by 0x7fffffff is an immediate", P "  %3 = udiv %1, 0x7fffffff\n" W,
	  MP "  %3 = %1\n  %3 /= 2147483647\n" MW, .wide = true, .spills = -1,
	  .runs = RK(UDIV, 0x7fffffffLL) },
	{ "udiv by a zero register", P "  %3 = udiv %1, %2\n" W,
	  MP "  %3 = %1\n  %3 /= %2\n" MW, .wide = true, .spills = -1,
	  .runs = { RUN(0, X1, 0), RUN(0, 0, 0) } },
	{ "umod by a zero register", P "  %3 = umod %1, %2\n" W,
	  MP "  %3 = %1\n  %3 %= %2\n" MW, .wide = true, .spills = -1,
	  .runs = { RUN(X1, X1, 0), RUN(X3, X3, 0) } },
};

/* Signed division and modulo: unsigned ones on absolute values, the sign
 * put back (sa, |a| in t0, t1; sb, |b| in t2, t3). */
#define ABS_A "  t0 = %1\n  t0 s>>= 63\n  t1 = %1\n  t1 ^= t0\n  t1 -= t0\n"
#define ABS_B "  t2 = %2\n  t2 s>>= 63\n  t3 = %2\n  t3 ^= t2\n  t3 -= t2\n"
static const struct isel_case sdiv_cases[] = {
	{ "sdiv reg, reg", P "  %3 = sdiv %1, %2\n" W,
	  MP ABS_A ABS_B "  t1 /= t3\n  t2 ^= t0\n  t1 ^= t2\n  t1 -= t2\n"
	  "  %3 = t1\n" MW, .wide = true, .spills = -1,
	  .runs = { RUN(SDIV(X1, Y1), X1, Y1), RUN(SDIV(X2, Y2), X2, Y2),
		    RUN(SDIV(X3, Y3), X3, Y3), RUN(X3, X3, -1) } },
	{ "smod reg, reg", P "  %3 = smod %1, %2\n" W,
	  MP ABS_A ABS_B "  t1 %= t3\n  t1 ^= t0\n  t1 -= t0\n  %3 = t1\n" MW,
	  .wide = true, .spills = -1,
	  .runs = { RUN(SMOD(X1, Y1), X1, Y1), RUN(SMOD(X2, Y2), X2, Y2),
		    RUN(SMOD(X3, Y3), X3, Y3), RUN(SMOD(-7, 0), -7, 0) } },
	{ "sdiv by 7", P "  %3 = sdiv %1, 7\n" W,
	  MP ABS_A "  t1 /= 7\n  t1 ^= t0\n  t1 -= t0\n  %3 = t1\n" MW,
	  .wide = true, .spills = -1, .runs = RK(SDIV, 7) },
	{ "sdiv by -7: divide by 7 and negate", P "  %3 = sdiv %1, -7\n" W,
	  MP ABS_A "  t1 /= 7\n  t1 ^= t0\n  t1 -= t0\n  t1 = -t1\n"
	  "  %3 = t1\n" MW, .wide = true, .spills = -1, .runs = RK(SDIV, -7) },
	{ "smod by -7 takes the dividend's sign only", P "  %3 = smod %1, -7\n" W,
	  MP ABS_A "  t1 %= 7\n  t1 ^= t0\n  t1 -= t0\n  %3 = t1\n" MW,
	  .wide = true, .spills = -1, .runs = RK(SMOD, -7) },
	{ "sdiv by -1", P "  %3 = sdiv %1, -1\n" W,
	  MP ABS_A "  t1 /= 1\n  t1 ^= t0\n  t1 -= t0\n  t1 = -t1\n"
	  "  %3 = t1\n" MW, .wide = true, .spills = -1, .runs = RK(SDIV, -1) },
	{ "sdiv by -0x123456789 (ld_imm64 of the absolute value)",
	  P "  %3 = sdiv %1, -0x123456789\n" W,
	  MP ABS_A "  t2 = 0x123456789 ll\n  t1 /= t2\n  t1 ^= t0\n  t1 -= t0\n"
	  "  t1 = -t1\n  %3 = t1\n" MW, .wide = true, .spills = -1,
	  .runs = RK(SDIV, -0x123456789LL) },
	/* INT64_MIN is written -0x8000000000000000: ir_parse reads numbers
	 * with strtoll, which makes 0x8000000000000000 INT64_MAX */
	{ "sdiv by INT64_MIN (|b| = 2^63)", P "  %3 = sdiv %1, -0x8000000000000000\n" W,
	  MP ABS_A "  t2 = 0x8000000000000000 ll\n  t1 /= t2\n  t1 ^= t0\n"
	  "  t1 -= t0\n  t1 = -t1\n  %3 = t1\n" MW, .wide = true, .spills = -1,
	  .runs = { RUN(1, X3), RUN(0, X1), RUN(0, INT64_MAX) } },
	{ "smod by INT64_MIN", P "  %3 = smod %1, -0x8000000000000000\n" W,
	  MP ABS_A "  t2 = 0x8000000000000000 ll\n  t1 %= t2\n  t1 ^= t0\n"
	  "  t1 -= t0\n  %3 = t1\n" MW, .wide = true, .spills = -1,
	  .runs = { RUN(0, X3), RUN(X1, X1), RUN(INT64_MAX, INT64_MAX) } },
	{ "sdiv by 0 is 0", P "  %3 = sdiv %1, 0\n" W, MP "  %3 = 0\n" MW,
	  .wide = true, .spills = -1, .runs = RK(SDIV, 0) },
	{ "smod by 0 is the dividend", P "  %3 = smod %1, 0\n" W,
	  MP "  %3 = %1\n" MW, .wide = true, .spills = -1, .runs = RK(SMOD, 0) },
};

/* One-operand operations and moves. */
#define UN(op, body, E) \
	{ op, P "  %3 = " op " %1\n" W, MP body MW, .wide = true, \
	  .spills = -1, .runs = { RUN(E(X1), X1), RUN(E(X2), X2), \
				  RUN(E(X3), X3), RUN(E(0x80ULL), 0x80) } }
#define NEG(a) (-U(a))
#define NOT(a) (~U(a))
#define ZX1(a) U((uint8_t)(a))
#define ZX2(a) U((uint16_t)(a))
#define ZX4(a) U((uint32_t)(a))
#define SX1(a) U((int8_t)(a))
#define SX2(a) U((int16_t)(a))
#define SX4(a) U((int32_t)(a))
#define MOVK(k, text) \
	{ "mov " #k, P "  %3 = mov " #k "\n" W, MP "  %3 = " text "\n" MW, \
	  .wide = true, .spills = -1, .runs = { RUN(k, 0) } }
static const struct isel_case unary_cases[] = {
	UN("neg", "  %3 = %1\n  %3 = -%3\n", NEG),
	UN("not", "  %3 = %1\n  %3 ^= -1\n", NOT),
	UN("zext1", "  %3 = %1\n  %3 &= 255\n", ZX1),
	UN("zext2", "  %3 = %1\n  %3 &= 65535\n", ZX2),
	UN("zext4", "  w%3 = w%1\n", ZX4),
	UN("sext1", "  %3 = %1\n  %3 <<= 56\n  %3 s>>= 56\n", SX1),
	UN("sext2", "  %3 = %1\n  %3 <<= 48\n  %3 s>>= 48\n", SX2),
	UN("sext4", "  %3 = %1\n  %3 <<= 32\n  %3 s>>= 32\n", SX4),
	{ "zext4 of a constant", P "  %3 = zext4 -2\n" W,
	  MP "  t0 = -2\n  w%3 = wt0\n" MW, .wide = true, .spills = -1,
	  .runs = { RUN(0xfffffffe, 0) } },
	{ "mov reg", P "  %3 = mov %2\n" W, MP "  %3 = %2\n" MW, .wide = true,
	  .spills = -1, .runs = { RUN(Y2, 0, Y2) } },
	MOVK(0, "0"),
	MOVK(-1, "-1"),
	MOVK(2147483647, "2147483647"),
	MOVK(-2147483648, "-2147483648"),
	/* 2^31..2^32-1: a 32-bit move, which zero-extends */
	{ "mov 0x80000000", P "  %3 = mov 0x80000000\n" W,
	  MP "  w%3 = -2147483648\n" MW, .wide = true, .spills = -1,
	  .runs = { RUN(0x80000000, 0) } },
	{ "mov 0xffffffff", P "  %3 = mov 0xffffffff\n" W,
	  MP "  w%3 = -1\n" MW, .wide = true, .spills = -1,
	  .runs = { RUN(0xffffffff, 0) } },
	MOVK(-2147483649, "0xffffffff7fffffff ll"),
	MOVK(0x123456789abcdef0, "0x123456789abcdef0 ll"),
	/* addresses: a stack slot is r10 + offset, the frame is r10 */
	{ "mov slot address, frame", "func t\nslot s0 16 stack\nb0:\n"
	  "  %0 = mov s0+4\n  %1 = frame\n  %2 = sub %1, %0\n"
	  "  store8 s0+0, 0\n  ret %2\n",
	  "func t stack 16\n.b0:\n  %0 = r10\n  %0 += -12\n  %1 = r10\n"
	  "  %2 = %1\n  %2 -= %0\n  *(u64 *)(r10 -16) = 0\n  r0 = %2\n  exit\n",
	  .spills = -1, .runs = { RUN(12, 0) } },
	{ "mov map, ret map", "func t\nb0:\n  %0 = mov map0\n  %1 = set.ne %0, 0\n"
	  "  ret %1\n",
	  "func t stack 0\n.b0:\n  %0 = map[0] ll\n  %1 = 1\n"
	  "  if %0 != 0 goto .b2\n.b1:\n  %1 = 0\n.b2:\n  r0 = %1\n  exit\n",
	  .spills = -1, .map_value = 8, .runs = { RUN(1, 0) } },
	{ "ret imm64 and use (no code)", "func t\nslot s0 8 stack\nb0:\n"
	  "  use s0\n  ret 0x100000007\n",
	  "func t stack 8\n.b0:\n  r0 = 0x100000007 ll\n  exit\n",
	  .spills = -1, .runs = { RUN(7, 0) } },
};

#define CC_RR(cc, sym, E) \
	{ "set." cc " reg, reg", P "  %3 = set." cc " %1, %2\n" R3, \
	  MP "  %3 = 1\n  if %1 " sym " %2 goto .b2\n.b1:\n  %3 = 0\n.b2:\n" MR3, \
	  .spills = -1, .runs = { RUN(E(-1, 1), -1, 1), RUN(E(1, -1), 1, -1), \
				  RUN(E(5, 5), 5, 5), RUN(E(6, 3), 6, 3) } }
#define CC_RK(cc, sym, E) \
	{ "set." cc " reg, -2", P "  %3 = set." cc " %1, -2\n" R3, \
	  MP "  %3 = 1\n  if %1 " sym " -2 goto .b2\n.b1:\n  %3 = 0\n.b2:\n" MR3, \
	  .spills = -1, .runs = { RUN(E(-1, -2), -1), RUN(E(-2, -2), -2), \
				  RUN(E(-3, -2), -3), RUN(E(5, -2), 5) } }
/* the immediate goes to the right, the condition swapped */
#define CC_KR(cc, sym, E) \
	{ "set." cc " 5, reg", P "  %3 = set." cc " 5, %2\n" R3, \
	  MP "  %3 = 1\n  if %2 " sym " 5 goto .b2\n.b1:\n  %3 = 0\n.b2:\n" MR3, \
	  .spills = -1, .runs = { RUN(E(5, 4), 0, 4), RUN(E(5, 5), 0, 5), \
				  RUN(E(5, 6), 0, 6), RUN(E(5, -1), 0, -1) } }
/* the ld_imm64 comes before the result's first definition */
#define CC_R64(cc, sym, E) \
	{ "set." cc " reg, imm64", P "  %3 = set." cc " %1, 0x100000000\n" R3, \
	  MP "  t0 = 0x100000000 ll\n  %3 = 1\n  if %1 " sym " t0 goto .b2\n" \
	  ".b1:\n  %3 = 0\n.b2:\n" MR3, .spills = -1, \
	  .runs = { RUN(E(0x100000000, 0x100000000), 0x100000000), \
		    RUN(E(0xffffffff, 0x100000000), 0xffffffff), \
		    RUN(E(-1, 0x100000000), -1), \
		    RUN(E(0x100000001, 0x100000000), 0x100000001) } }
static const struct isel_case setcc_cases[] = {
	CC_RR("eq", "==", EQ), CC_RR("ne", "!=", NE),
	CC_RR("ult", "<", ULT), CC_RR("ule", "<=", ULE),
	CC_RR("ugt", ">", UGT), CC_RR("uge", ">=", UGE),
	CC_RR("slt", "s<", SLT), CC_RR("sle", "s<=", SLE),
	CC_RR("sgt", "s>", SGT), CC_RR("sge", "s>=", SGE),
	CC_RR("set", "&", SET),
	CC_RK("eq", "==", EQ), CC_RK("ne", "!=", NE),
	CC_RK("ult", "<", ULT), CC_RK("ule", "<=", ULE),
	CC_RK("ugt", ">", UGT), CC_RK("uge", ">=", UGE),
	CC_RK("slt", "s<", SLT), CC_RK("sle", "s<=", SLE),
	CC_RK("sgt", "s>", SGT), CC_RK("sge", "s>=", SGE),
	CC_RK("set", "&", SET),
	CC_KR("eq", "==", EQ), CC_KR("ne", "!=", NE),
	CC_KR("ult", ">", ULT), CC_KR("ule", ">=", ULE),
	CC_KR("ugt", "<", UGT), CC_KR("uge", "<=", UGE),
	CC_KR("slt", "s>", SLT), CC_KR("sle", "s>=", SLE),
	CC_KR("sgt", "s<", SGT), CC_KR("sge", "s<=", SGE),
	CC_KR("set", "&", SET),
	CC_R64("eq", "==", EQ), CC_R64("ult", "<", ULT),
	CC_R64("sge", "s>=", SGE), CC_R64("set", "&", SET),
	{ "set.ult imm64, reg", P "  %3 = set.ult 0x100000000, %2\n" R3,
	  MP "  t0 = 0x100000000 ll\n  %3 = 1\n  if t0 < %2 goto .b2\n"
	  ".b1:\n  %3 = 0\n.b2:\n" MR3, .spills = -1,
	  .runs = { RUN(0, 0, 0x100000000), RUN(1, 0, 0x100000001) } },
	{ "set into an operand's register goes through a temporary",
	  P "  %1 = set.sgt %1, %2\n  %3 = add %1, 10\n" R3,
	  MP "  t0 = 1\n  if %1 s> %2 goto .b2\n.b1:\n  t0 = 0\n.b2:\n"
	  "  %1 = t0\n  %3 = %1\n  %3 += 10\n" MR3, .spills = -1,
	  .runs = { RUN(11, 1, -1), RUN(10, -1, 1) } },
	{ "set of two constants is folded", P "  %3 = set.slt -1, 1\n" R3,
	  MP "  %3 = 1\n" MR3, .spills = -1, .runs = { RUN(1, 0) } },
	{ "set.ult of two constants is folded (unsigned)",
	  P "  %3 = set.ult -1, 1\n" R3, MP "  %3 = 0\n" MR3, .spills = -1,
	  .runs = { RUN(0, 0) } },
};

/* Branches: the true block b1 comes next, so the jump goes to b2 on the
 * inverted condition; with the blocks the other way round it does not
 * invert. */
#define BR_INV(cc, sym, E) \
	{ "br." cc " reg, 7 (inverted)", P "  br." cc " %1, 7, b1, b2\n" \
	  "b1:\n  ret 1\nb2:\n  ret 0\n", \
	  MP "  if %1 " sym " 7 goto .b2\n.b1:\n  r0 = 1\n  exit\n" \
	  ".b2:\n  r0 = 0\n  exit\n", .spills = -1, \
	  .runs = { RUN(E(6, 7), 6), RUN(E(7, 7), 7), RUN(E(8, 7), 8), \
		    RUN(E(-1, 7), -1) } }
#define BR_FWD(cc, sym, E) \
	{ "br." cc " reg, reg (false block next)", P "  br." cc " %1, %2, b2, b1\n" \
	  "b1:\n  ret 0\nb2:\n  ret 1\n", \
	  MP "  if %1 " sym " %2 goto .b2\n.b1:\n  r0 = 0\n  exit\n" \
	  ".b2:\n  r0 = 1\n  exit\n", .spills = -1, \
	  .runs = { RUN(E(-1, 1), -1, 1), RUN(E(1, -1), 1, -1), \
		    RUN(E(5, 5), 5, 5), RUN(E(6, 3), 6, 3) } }
static const struct isel_case br_cases[] = {
	BR_INV("eq", "!=", EQ), BR_INV("ne", "==", NE),
	BR_INV("ult", ">=", ULT), BR_INV("ule", ">", ULE),
	BR_INV("ugt", "<=", UGT), BR_INV("uge", "<", UGE),
	BR_INV("slt", "s>=", SLT), BR_INV("sle", "s>", SLE),
	BR_INV("sgt", "s<=", SGT), BR_INV("sge", "s<", SGE),
	BR_FWD("eq", "==", EQ), BR_FWD("ne", "!=", NE),
	BR_FWD("ult", "<", ULT), BR_FWD("ule", "<=", ULE),
	BR_FWD("ugt", ">", UGT), BR_FWD("uge", ">=", UGE),
	BR_FWD("slt", "s<", SLT), BR_FWD("sle", "s<=", SLE),
	BR_FWD("sgt", "s>", SGT), BR_FWD("sge", "s>=", SGE),
	BR_FWD("set", "&", SET),
	/* (a & b) != 0 has no inverse: the false block is placed next */
	{ "br.set reg, 4 (no inverse)", P "  br.set %1, 4, b1, b2\n"
	  "b1:\n  ret 1\nb2:\n  ret 0\n",
	  MP "  if %1 & 4 goto .b2\n.b1:\n  r0 = 0\n  exit\n"
	  ".b2:\n  r0 = 1\n  exit\n", .spills = -1,
	  .runs = { RUN(1, 4), RUN(0, 3), RUN(1, -1) } },
	{ "br.ult imm, reg: swapped and inverted", P "  br.ult 5, %2, b1, b2\n"
	  "b1:\n  ret 1\nb2:\n  ret 0\n",
	  MP "  if %2 <= 5 goto .b2\n.b1:\n  r0 = 1\n  exit\n"
	  ".b2:\n  r0 = 0\n  exit\n", .spills = -1,
	  .runs = { RUN(0, 0, 5), RUN(1, 0, 6), RUN(1, 0, -1) } },
	{ "br.sgt reg, imm64", P "  br.sgt %1, 0x100000000, b1, b2\n"
	  "b1:\n  ret 1\nb2:\n  ret 0\n",
	  MP "  t0 = 0x100000000 ll\n  if %1 s<= t0 goto .b2\n.b1:\n  r0 = 1\n"
	  "  exit\n.b2:\n  r0 = 0\n  exit\n", .spills = -1,
	  .runs = { RUN(0, 0x100000000), RUN(1, 0x100000001), RUN(0, -1) } },
	/* constant branches: the block not taken gets no code at all */
	{ "br on constants: always true falls through",
	  P "  br.ne 1, 2, b1, b2\nb1:\n  ret 1\nb2:\n  ret 0\n",
	  MP ".b1:\n  r0 = 1\n  exit\n", .spills = -1,
	  .runs = { RUN(1, 0) } },
	{ "br on constants: never true, the false block comes next",
	  P "  br.sgt -1, 2, b1, b2\nb1:\n  ret 1\nb2:\n  ret 0\n",
	  MP ".b1:\n  r0 = 0\n  exit\n", .spills = -1, .runs = { RUN(0, 0) } },
	{ "br with both targets the same is a jump",
	  P "  br.eq %1, 0, b2, b2\nb1:\n  ret 1\nb2:\n  ret 0\n",
	  MP ".b1:\n  r0 = 0\n  exit\n", .spills = -1,
	  .runs = { RUN(0, 0), RUN(0, 1) } },
	{ "jmp to the next block makes no code; a loop jumps back",
	  P "  %3 = mov 0\n  %1 = mov 4\n  jmp b1\nb1:\n  %3 = add %3, %2\n"
	  "  %1 = sub %1, 1\n  br.ne %1, 0, b1, b2\nb2:\n" R3,
	  MP "  %3 = 0\n  %1 = 4\n.b1:\n  %3 += %2\n  %1 -= 1\n"
	  "  if %1 != 0 goto .b1\n.b2:\n" MR3, .spills = -1,
	  .runs = { RUN(40, 0, 10), RUN(28, 0, 7) } },
};

/* Loads of 1, 2, 4 and 8 bytes; stores of registers and immediates;
 * stack, map value and scratch addresses. */
#define LD(sz, off, E) \
	{ "load" #sz " ctx+" #off, P "  %3 = load" #sz " %0+" #off "\n" W, \
	  MP "  %3 = *(u" #E " *)(%0 +" #off ")\n" MW, .wide = true, \
	  .spills = -1, .runs = { RUN(LSHR(X1, 8 * off) & (~0ULL >> (64 - E)), \
				      X1, Y1), \
				  RUN(LSHR(X2, 8 * (off)) & (~0ULL >> (64 - E)), \
				      X2, Y2) } }
#define LDW(sz, off, E) \
	{ "load" #sz " ctx+" #off, P "  %3 = load" #sz " %0+" #off "\n" W, \
	  MP "  %3 = *(u" #E " *)(%0 +" #off ")\n" MW, .wide = true, \
	  .spills = -1, .runs = { RUN(LSHR(Y1, 8 * (off - 8)) & (~0ULL >> (64 - E)), \
				      X1, Y1), \
				  RUN(LSHR(Y3, 8 * (off - 8)) & (~0ULL >> (64 - E)), \
				      X3, Y3) } }
static const struct isel_case mem_cases[] = {
	LD(1, 1, 8), LD(2, 6, 16), LD(4, 4, 32), LDW(8, 8, 64), LDW(4, 12, 32),
	{ "stores of 8, 1, 2, 4 bytes to the stack, immediates and registers",
	  "func t\nslot s0 8 stack\nb0:\n  %0 = ctx\n  %1 = load8 %0+0\n"
	  "  store8 s0+0, -1\n  store1 s0+1, %1\n  store2 s0+2, 0x12345\n"
	  "  store4 s0+4, %1\n  %3 = load8 s0+0\n" W,
	  "func t stack 8\n.b0:\n  %0 = r1\n  %1 = *(u64 *)(%0 +0)\n"
	  "  *(u64 *)(r10 -8) = -1\n  *(u8 *)(r10 -7) = %1\n"
	  "  *(u16 *)(r10 -6) = 74565\n  *(u32 *)(r10 -4) = %1\n"
	  "  %3 = *(u64 *)(r10 -8)\n" MW, .wide = true, .spills = -1,
	  .runs = { RUN(0xff | (X1 & 0xff) << 8 | 0x2345 << 16 | X1 << 32, X1),
		    RUN(0xff | (X2 & 0xff) << 8 | 0x2345 << 16 | X2 << 32, X2) } },
	{ "store8 of 0xffffffff needs a register (a 32-bit move), store4 does not",
	  "func t\nslot s0 8 stack\nb0:\n  %0 = ctx\n"
	  "  store8 s0+0, 0xffffffff\n  store4 s0+4, 0x80000001\n"
	  "  %3 = load8 s0+0\n" W,
	  "func t stack 8\n.b0:\n  %0 = r1\n  wt0 = -1\n"
	  "  *(u64 *)(r10 -8) = t0\n  *(u32 *)(r10 -4) = -2147483647\n"
	  "  %3 = *(u64 *)(r10 -8)\n" MW, .wide = true, .spills = -1,
	  .runs = { RUN(0x80000001ffffffffULL, 0) } },
	{ "store and load through a map value pointer",
	  "func t\nslot s0 4 stack\nb0:\n  %0 = ctx\n  %1 = load8 %0+0\n"
	  "  store4 s0+0, 0\n  %2 = call map_lookup_elem(map0, s0)\n"
	  "  br.eq %2, 0, b2, b1\nb1:\n  store2 %2+8, %1\n"
	  "  store1 %2+11, 0x1ff\n  %3 = load8 %2+8\n" W "b2:\n  ret 0\n",
	  "func t stack 8\n.b0:\n  %0 = r1\n  %1 = *(u64 *)(%0 +0)\n"
	  "  *(u32 *)(r10 -4) = 0\n  r1 = map[0] ll\n  r2 = r10\n  r2 += -4\n"
	  "  call map_lookup_elem#1\n  %2 = r0\n  if %2 == 0 goto .b2\n.b1:\n"
	  "  *(u16 *)(%2 +8) = %1\n  *(u8 *)(%2 +11) = 511\n"
	  "  %3 = *(u64 *)(%2 +8)\n" MW ".b2:\n  r0 = 0\n  exit\n",
	  .wide = true, .spills = -1, .map_value = 16,
	  .runs = { RUN((X1 & 0xffff) | 0xffULL << 24, X1),
		    RUN((X2 & 0xffff) | 0xffULL << 24, X2) } },
	{ "a map value addressed directly, atomic adds of a register and a constant",
	  "func t\nb0:\n  %0 = ctx\n  %1 = load8 %0+0\n  %2 = mov mapval0+8\n"
	  "  store8 %2+0, 5\n  xadd8 %2+0, %1\n  xadd8 %2+0, 7\n"
	  "  %3 = load8 %2+0\n" W,
	  "func t stack 0\n.b0:\n  %0 = r1\n  %1 = *(u64 *)(%0 +0)\n"
	  "  %2 = map_value[0]+8 ll\n  *(u64 *)(%2 +0) = 5\n"
	  "  lock *(u64 *)(%2 +0) += %1\n  t0 = 7\n"
	  "  lock *(u64 *)(%2 +0) += t0\n  %3 = *(u64 *)(%2 +0)\n" MW,
	  .wide = true, .spills = -1, .map_value = 16,
	  .runs = { RUN(X1 + 12, X1), RUN(X2 + 12, X2) } },
	/* scratch slots are addressed from the scratch base; a displacement
	 * past 16 bits goes into a base register */
	{ "scratch slots, a displacement over 32767",
	  "func t\nslot s0 4 stack\nslot s1 40000 scratch\nscratch %2\nb0:\n"
	  "  %0 = ctx\n  %1 = load8 %0+0\n  store4 s0+0, 0\n"
	  "  %2 = call map_lookup_elem(map0, s0)\n  br.eq %2, 0, b2, b1\nb1:\n"
	  "  store8 s1+8, %1\n  store8 s1+39992, %1\n  %3 = load4 s1+39996\n"
	  "  %6 = mov s1+16\n  %6 = sub %6, %2\n  %3 = add %3, %6\n"
	  W "b2:\n  ret 0\n",
	  "func t stack 8\n.b0:\n  %0 = r1\n  %1 = *(u64 *)(%0 +0)\n"
	  "  *(u32 *)(r10 -4) = 0\n  r1 = map[0] ll\n  r2 = r10\n  r2 += -4\n"
	  "  call map_lookup_elem#1\n  %2 = r0\n  if %2 == 0 goto .b2\n.b1:\n"
	  "  *(u64 *)(%2 +8) = %1\n  t0 = %2\n  t0 += 39992\n"
	  "  *(u64 *)(t0 +0) = %1\n  t1 = %2\n  t1 += 39996\n"
	  "  %3 = *(u32 *)(t1 +0)\n  %6 = %2\n  %6 += 16\n  %6 -= %2\n"
	  "  %3 += %6\n" MW ".b2:\n  r0 = 0\n  exit\n",
	  .wide = true, .spills = -1, .map_value = 40000,
	  .runs = { RUN((X1 >> 32) + 16, X1), RUN((X2 >> 32) + 16, X2) } },
	{ "memzero and memcpy in the widest aligned pieces",
	  "func t\nslot s0 16 stack\nslot s1 16 stack\nb0:\n  %0 = ctx\n"
	  "  %1 = load8 %0+0\n  memzero s0+0, 16\n  store8 s1+0, %1\n"
	  "  store8 s1+8, -1\n  memcpy s0+0, s1, 12\n  memzero s0+1, 2\n"
	  "  %3 = load8 s0+0\n  %6 = load8 s0+8\n  %3 = add %3, %6\n" W,
	  "func t stack 32\n.b0:\n  %0 = r1\n  %1 = *(u64 *)(%0 +0)\n"
	  "  *(u64 *)(r10 -16) = 0\n  *(u64 *)(r10 -8) = 0\n"
	  "  *(u64 *)(r10 -32) = %1\n  *(u64 *)(r10 -24) = -1\n"
	  "  t0 = *(u64 *)(r10 -32)\n  *(u64 *)(r10 -16) = t0\n"
	  "  t0 = *(u32 *)(r10 -24)\n  *(u32 *)(r10 -8) = t0\n"
	  "  *(u8 *)(r10 -15) = 0\n  *(u8 *)(r10 -14) = 0\n"
	  "  %3 = *(u64 *)(r10 -16)\n  %6 = *(u64 *)(r10 -8)\n  %3 += %6\n"
	  MW, .wide = true, .spills = -1,
	  .runs = { RUN((X1 & ~0xffff00ULL) + 0xffffffff, X1),
		    RUN((X2 & ~0xffff00ULL) + 0xffffffff, X2) } },
	{ "a misaligned stack store and load go in aligned pieces",
	  "func t\nslot s0 8 stack\nb0:\n  %0 = ctx\n  %1 = load8 %0+0\n"
	  "  store8 s0+0, 0\n  store4 s0+2, %1\n  %3 = load4 s0+2\n"
	  "  %6 = load8 s0+0\n  %3 = xor %3, %6\n" W,
	  "func t stack 8\n.b0:\n  %0 = r1\n  %1 = *(u64 *)(%0 +0)\n"
	  "  *(u64 *)(r10 -8) = 0\n  t0 = %1\n  *(u16 *)(r10 -6) = t0\n"
	  "  t0 >>= 16\n  *(u16 *)(r10 -4) = t0\n  t1 = *(u16 *)(r10 -6)\n"
	  "  t2 = *(u16 *)(r10 -4)\n  t2 <<= 16\n  t1 |= t2\n  %3 = t1\n"
	  "  %6 = *(u64 *)(r10 -8)\n  %3 ^= %6\n" MW, .wide = true,
	  .spills = -1,
	  .runs = { RUN((X1 & 0xffffffff) ^ (X1 & 0xffffffff) << 16, X1) } },
};

/* Helper calls: arguments in r1..r5, the result in r0; r0..r5 die at the
 * call, so what lives across it is in r6..r9 or spilled. */
static const struct isel_case call_cases[] = {
	{ "five arguments go to r1..r5 (ctx stays in r1)",
	  "func t\nslot s0 8 stack\nb0:\n  %0 = ctx\n  store8 s0+0, 1\n"
	  "  %1 = call perf_event_output(%0, map0, 0xffffffff, s0, 8)\n"
	  "  ret %1\n",
	  "func t stack 8\n.b0:\n  %0 = r1\n  *(u64 *)(r10 -8) = 1\n  r1 = %0\n"
	  "  r2 = map[0] ll\n  w3 = -1\n  r4 = r10\n  r4 += -8\n"
	  "  r5 = 8\n  call perf_event_output#25\n  %1 = r0\n  r0 = %1\n  exit\n",
	  "func t stack 8\n.b0:\n  *(u64 *)(r10 -8) = 1\n  r2 = map[0] ll\n"
	  "  w3 = -1\n  r4 = r10\n  r4 += -8\n  r5 = 8\n"
	  "  call perf_event_output#25\n  exit\n", .spills = 0 },
	{ "the result is r0: returned without a move",
	  "func t\nb0:\n  %0 = call get_smp_processor_id()\n"
	  "  %0 = lshr %0, 20\n  ret %0\n",
	  "func t stack 0\n.b0:\n  call get_smp_processor_id#8\n  %0 = r0\n"
	  "  %0 >>= 20\n  r0 = %0\n  exit\n",
	  "func t stack 0\n.b0:\n  call get_smp_processor_id#8\n  r0 >>= 20\n"
	  "  exit\n", .spills = 0, .runs = { RUN(0, 0) } },
	{ "a result used after another call moves to r6..r9",
	  "func t\nb0:\n  %0 = call ktime_get_ns()\n  %1 = call ktime_get_ns()\n"
	  "  %2 = set.uge %1, %0\n  ret %2\n",
	  NULL,
	  "func t stack 0\n.b0:\n  call ktime_get_ns#5\n  r6 = r0\n"
	  "  call ktime_get_ns#5\n  r1 = 1\n  if r0 >= r6 goto .b2\n.b1:\n"
	  "  r1 = 0\n.b2:\n  r0 = r1\n  exit\n", .spills = 0,
	  .runs = { RUN(1, 0) } },
	{ "values live across a call: ctx pointer and a loaded value",
	  P "  call get_smp_processor_id()\n  %3 = add %1, %2\n" W,
	  MP "  call get_smp_processor_id#8\n  %3 = %1\n  %3 += %2\n" MW,
	  NULL, .wide = true, .spills = 0,
	  .runs = { RUN(X1 + Y1, X1, Y1), RUN(X2 + Y2, X2, Y2) } },
	{ "map_update_elem: four arguments, key and value slots",
	  "func t\nslot s0 4 stack\nslot s1 8 stack\nb0:\n  %0 = ctx\n"
	  "  %1 = load8 %0+0\n  store4 s0+0, 0\n  store8 s1+0, %1\n"
	  "  %2 = call map_update_elem(map0, s0, s1, 0)\n"
	  "  %3 = call map_lookup_elem(map0, s0)\n  br.eq %3, 0, b2, b1\n"
	  "b1:\n  %4 = load8 %3+0\n  %4 = add %4, %2\n  %4 = sub %4, %1\n"
	  "  ret %4\nb2:\n  ret 99\n",
	  "func t stack 16\n.b0:\n  %0 = r1\n  %1 = *(u64 *)(%0 +0)\n"
	  "  *(u32 *)(r10 -12) = 0\n  *(u64 *)(r10 -8) = %1\n"
	  "  r1 = map[0] ll\n  r2 = r10\n  r2 += -12\n  r3 = r10\n  r3 += -8\n"
	  "  r4 = 0\n  call map_update_elem#2\n  %2 = r0\n  r1 = map[0] ll\n"
	  "  r2 = r10\n  r2 += -12\n  call map_lookup_elem#1\n  %3 = r0\n"
	  "  if %3 == 0 goto .b2\n.b1:\n  %4 = *(u64 *)(%3 +0)\n  %4 += %2\n"
	  "  %4 -= %1\n  r0 = %4\n  exit\n.b2:\n  r0 = 99\n  exit\n",
	  NULL, .spills = 0, .map_value = 8,
	  .runs = { RUN(0, X1), RUN(0, 12345) } },
};

/* Register pressure: n values loaded from the context (the list below),
 * then folded as acc = acc * 3 + v; with a call between the loads and the
 * folding all n live across it.  Without calls r0..r9 hold 10 values; the
 * accumulator is the (n+1)-th; across a call only r6..r9. */
static const struct { int off, size; } pvals[] = {
	{ 0, 8 }, { 8, 8 }, { 16, 8 }, { 24, 8 }, { 32, 8 }, { 40, 8 },
	{ 4, 4 }, { 12, 4 }, { 18, 2 }, { 20, 4 }, { 28, 4 }, { 36, 4 },
	{ 44, 4 }, { 2, 2 }, { 26, 2 }, { 34, 2 },
};

static uint64_t horner(int n, const uint64_t *args)
{
	uint64_t acc = 0;
	for (int i = 0; i < n; i++) {
		uint64_t v = 0;
		memcpy(&v, (const char *)args + pvals[i].off, pvals[i].size);
		acc = acc * 3 + v;
	}
	return acc;
}

#define L1 "  %1 = load8 %0+0\n"
#define L2 L1 "  %2 = load8 %0+8\n"
#define L3 L2 "  %3 = load8 %0+16\n"
#define L4 L3 "  %4 = load8 %0+24\n"
#define L5 L4 "  %5 = load8 %0+32\n"
#define L6 L5 "  %6 = load8 %0+40\n"
#define L7 L6 "  %7 = load4 %0+4\n"
#define L8 L7 "  %8 = load4 %0+12\n"
#define L9 L8 "  %9 = load2 %0+18\n"
#define L10 L9 "  %10 = load4 %0+20\n"
#define L11 L10 "  %11 = load4 %0+28\n"
#define L12 L11 "  %12 = load4 %0+36\n"
#define L13 L12 "  %13 = load4 %0+44\n"
#define L14 L13 "  %14 = load2 %0+2\n"
#define L15 L14 "  %15 = load2 %0+26\n"
#define L16 L15 "  %16 = load2 %0+34\n"
#define H(k) "  %20 = mul %20, 3\n  %20 = add %20, %" #k "\n"
#define H4 H(1) H(2) H(3) H(4)
#define H5 H4 H(5)
#define H6 H5 H(6)
#define H8 H6 H(7) H(8)
#define H9 H8 H(9)
#define H10 H9 H(10)
#define H16 H10 H(11) H(12) H(13) H(14) H(15) H(16)
#define PRESS(n, call) "func t\nb0:\n  %0 = ctx\n" L##n call \
	"  %20 = mov 0\n" H##n "  ret %20\n"
#define CALL "  call get_smp_processor_id()\n"
#define PARGS { 0x0123456789abcdefULL, 0xfedcba9876543210ULL, 3, \
		0x8000000000000001ULL, 1000003, 0x5555aaaa5555aaaaULL }
#define PRUN { { true, PARGS, 0 } }
static const struct isel_case pressure_cases[] = {
	{ "9 values and the accumulator fit r0..r9", PRESS(9, ""),
	  .spills = 0, .nvals = 9, .runs = PRUN },
	/* 11 values live at "%20 = mov 0" need one spill; the allocator
	 * makes one more: the ctx pointer (coalesced into r1) and %10 do
	 * not interfere, and when the colouring order gives %10 a colour
	 * other than r1, the last two values pushed as potential spills
	 * both find all ten colours taken.  Recolouring a neighbour on a
	 * failed select would save it (not done: the counts below are what
	 * the allocator does today, the minimum is one and seven). */
	{ "10 values: 2 spills (1 needed), one store and reload each", PRESS(10, ""),
	  .spills = 2, .stores = 2, .reloads = 2, .nvals = 10, .runs = PRUN },
	{ "16 values: 8 spills (7 needed)", PRESS(16, ""),
	  .spills = 8, .stores = 8, .reloads = 8, .nvals = 16, .runs = PRUN },
	{ "4 values across a call fit r6..r9", PRESS(4, CALL),
	  .spills = 0, .nvals = 4, .runs = PRUN },
	{ "5 values across a call: one spill", PRESS(5, CALL),
	  .spills = 1, .stores = 1, .reloads = 1, .nvals = 5, .runs = PRUN },
	{ "8 values across a call: four spills", PRESS(8, CALL),
	  .spills = 4, .stores = 4, .reloads = 4, .nvals = 8, .runs = PRUN },
	{ "16 values across a call: twelve spills", PRESS(16, CALL),
	  .spills = 12, .stores = 12, .reloads = 12, .nvals = 16, .runs = PRUN },
	/* spill slots go below the slots: 504 + 8 is the limit exactly */
	{ "a spill that fills the stack to 512 bytes",
	  "func t\nslot s0 504 stack\nb0:\n  %0 = ctx\n  memzero s0+0, 504\n"
	  "  %19 = call map_lookup_elem(map0, s0)\n"
	  L5 CALL "  %20 = mov 0\n" H5 "  ret %20\n",
	  .spills = 1, .stores = 1, .reloads = 1, .nvals = 5, .map_value = 8,
	  .runs = PRUN },
	{ "two spills past the 512-byte stack are an error",
	  "func t\nslot s0 504 stack\nb0:\n  %0 = ctx\n  memzero s0+0, 504\n"
	  "  %19 = call map_lookup_elem(map0, s0)\n"
	  L6 CALL "  %20 = mov 0\n" H6 "  ret %20\n",
	  .spills = -1,
	  .error = "ERROR: BPF stack limit exceeded: 520 bytes needed with "
		   "spilled registers (limit is 512 bytes)\n" },
};

/* Subprograms (bpf_loop callbacks) get their own registers: the caller
 * keeps a value across bpf_loop in r6..r9, the callback keeps its index
 * and the caller's frame pointer across its own helper call. */
static const struct isel_case sub_cases[] = {
	{ "bpf_loop callback with values across calls on both sides",
	  "func t\nslot s0 32 stack \"loop_ctx\"\nslot s1 8 stack \"$sum\"\n"
	  "b0:\n  %0 = ctx\n  %1 = load8 %0+0\n  %5 = load8 %0+8\n"
	  "  %2 = frame\n  store8 s0+24, %2\n  store8 s1+0, 0\n  use s1\n"
	  "  %3 = call loop(%1, fn0, s0, 0)\n  use s1\n  %4 = load8 s1+0\n"
	  "  %4 = add %4, %5\n  ret %4\n"
	  "func t.loop0 in t\nslot s0 8 stack \"$sum\" up 1 s1\nframe 1 %2\n"
	  "b0:\n  %0 = arg 0\n  %1 = arg 1\n  %2 = load8 %1+24\n"
	  "  %4 = call get_smp_processor_id()\n  %4 = lshr %4, 20\n"
	  "  %3 = load8 s0+0\n  %3 = add %3, %0\n  %3 = add %3, %4\n"
	  "  store8 s0+0, %3\n  ret 0\n",
	  "func t stack 40\n.b0:\n  %0 = r1\n  %1 = *(u64 *)(%0 +0)\n"
	  "  %5 = *(u64 *)(%0 +8)\n  %2 = r10\n  *(u64 *)(r10 -8) = %2\n"
	  "  *(u64 *)(r10 -40) = 0\n  r1 = %1\n  r2 = fn0 ll\n  r3 = r10\n"
	  "  r3 += -32\n  r4 = 0\n  call loop#181\n  %3 = r0\n"
	  "  %4 = *(u64 *)(r10 -40)\n  %4 += %5\n  r0 = %4\n  exit\n"
	  "func t.loop0 stack 0\n.b0:\n  %0 = r1\n  %1 = r2\n"
	  "  %2 = *(u64 *)(%1 +24)\n  call get_smp_processor_id#8\n  %4 = r0\n"
	  "  %4 >>= 20\n  %3 = *(u64 *)(%2 -40)\n  %3 += %0\n  %3 += %4\n"
	  "  *(u64 *)(%2 -40) = %3\n  r0 = 0\n  exit\n",
	  NULL, .spills = 0,
	  .runs = { RUN(45 + 5, 10, 5), RUN(7, 0, 7), RUN(499500, 1000, 0) } },
};

/* ---- the harness ------------------------------------------------------------ */

/* The lines of s (a copy, split in place). */
static int split_lines(const char *s, char ***out)
{
	char *c = tt_strdup(s ? s : "");
	int n = 0, cap = 16;
	char **v = xmalloc(cap * sizeof(*v));
	while (*c) {
		if (n == cap)
			v = xrealloc(v, (cap *= 2) * sizeof(*v));
		v[n++] = c;
		char *nl = strchr(c, '\n');
		if (!nl)
			break;
		*nl = 0;
		c = nl + 1;
	}
	*out = v;
	return n;
}

/* A line diff of want and got (longest common subsequence): "  " common,
 * "- " only expected, "+ " only produced. */
static char *line_diff(const char *want, const char *got)
{
	char **a, **b;
	int na = split_lines(want, &a), nb = split_lines(got, &b);
	int *L = xcalloc((size_t)(na + 1) * (nb + 1), sizeof(int));
#define LCS(i, j) L[(size_t)(i) * (nb + 1) + (j)]
	for (int i = na - 1; i >= 0; i--)
		for (int j = nb - 1; j >= 0; j--)
			LCS(i, j) = !strcmp(a[i], b[j]) ? LCS(i + 1, j + 1) + 1
				    : LCS(i + 1, j) > LCS(i, j + 1) ? LCS(i + 1, j)
				    : LCS(i, j + 1);
	struct strbuf sb = { 0 };
	int i = 0, j = 0;
	while (i < na || j < nb) {
		if (i < na && j < nb && !strcmp(a[i], b[j])) {
			sb_printf(&sb, "   %s\n", a[i++]);
			j++;
		} else if (i < na && (j == nb || LCS(i + 1, j) >= LCS(i, j + 1))) {
			sb_printf(&sb, " - %s\n", a[i++]);
		} else {
			sb_printf(&sb, " + %s\n", b[j++]);
		}
	}
#undef LCS
	char *s = tt_strdup(sb.s ? sb.s : "");
	sb_free(&sb);
	free(L);
	free(a);
	free(b);
	return s;
}

/* Fails the row (and goes on with it) when got is not want. */
static void expect_text(const struct isel_case *c, const char *what,
			const char *want, const char *got)
{
	if (!strcmp(want, got))
		return;
	cr_expect_fail("%s: %s differs (- expected, + produced):\n%s", c->name,
		       what, line_diff(want, got));
}

/* A machine register in the row's notation: rN physical, %N the IR
 * register N, tK isel's K-th temporary. */
static void name_reg(struct strbuf *sb, int r, int nirregs)
{
	r -= MIR_NPHYS;
	if (r < nirregs)
		sb_printf(sb, "%%%d", r);
	else
		sb_printf(sb, "t%d", r - nirregs);
}

/* mfunc_dump, with virtual registers named after the IR's (mir_format
 * prints vN, or uN for a 32-bit view; a "u64 *)" is a size). */
static void mir_text(struct strbuf *out, const struct mfunc *mf,
		     const struct ir_func *f)
{
	sb_printf(out, "func %s stack %d\n", mf->name, mf->stack_size);
	struct strbuf sb = { 0 };
	for (int b = 0; b < mf->nblocks; b++) {
		sb_printf(out, ".b%d:\n", b);
		for (int i = 0; i < mf->blocks[b].n; i++) {
			sb.len = 0;
			mir_format(&sb, &mf->blocks[b].v[i], false, 0);
			sb_puts(&sb, "");
			sb_puts(out, "  ");
			for (const char *p = sb.s; *p;) {
				bool tok = (*p == 'v' || *p == 'u') &&
					   (p == sb.s || strchr(" (-", p[-1])) &&
					   p[1] >= '0' && p[1] <= '9';
				char *end;
				long n = tok ? strtol(p + 1, &end, 10) : 0;
				if (!tok || n < MIR_NPHYS || !strncmp(end, " *)", 3)) {
					sb_printf(out, "%c", *p++);
					continue;
				}
				if (*p == 'u')
					sb_puts(out, "w");
				name_reg(out, (int)n, f->nregs);
				p = end;
			}
			sb_puts(out, "\n");
		}
	}
	sb_free(&sb);
	for (int i = 0; i < mf->nsubs; i++)
		if (mf->subs[i])
			mir_text(out, mf->subs[i], f->subs[i]);
}

static char *mir_string(const struct mfunc *mf, const struct ir_func *f)
{
	struct strbuf sb = { 0 };
	mir_text(&sb, mf, f);
	char *s = tt_strdup(sb.s ? sb.s : "");
	sb_free(&sb);
	return s;
}

/* After allocation: registers are physical, r10 is only read. */
static void check_physical(const struct isel_case *c, const struct mfunc *mf)
{
	for (int b = 0; b < mf->nblocks; b++)
		for (int i = 0; i < mf->blocks[b].n; i++) {
			const struct minsn *in = &mf->blocks[b].v[i];
			struct mir_effect e;
			mir_effect(in, &e);
			cr_expect(in->dst < MIR_NPHYS && in->src < MIR_NPHYS,
				  "%s: a virtual register is left (.b%d #%d)",
				  c->name, b, i);
			for (int k = 0; k < e.ndefs; k++)
				cr_expect(e.defs[k] != MIR_FP, "%s: r10 written "
					  "(.b%d #%d)", c->name, b, i);
		}
	for (int i = 0; i < mf->nsubs; i++)
		if (mf->subs[i])
			check_physical(c, mf->subs[i]);
}

/* Spill stores and reloads: 8-byte accesses to r10 below the slots. */
static void count_spill_code(const struct mfunc *mf, int slots_size,
			     int *stores, int *reloads)
{
	*stores = *reloads = 0;
	for (int b = 0; b < mf->nblocks; b++)
		for (int i = 0; i < mf->blocks[b].n; i++) {
			const struct minsn *in = &mf->blocks[b].v[i];
			if (in->off >= -slots_size)
				continue;
			if (in->code == (BPF_STX | BPF_MEM | BPF_DW) && in->dst == MIR_FP)
				++*stores;
			if (in->code == (BPF_LDX | BPF_MEM | BPF_DW) && in->src == MIR_FP)
				++*reloads;
		}
}

static void run_in_kernel(const struct isel_case *c, const struct bpf_code *code)
{
	int map = -1;
	if (c->map_value) {
		map = bpf_map_create(BPF_MAP_TYPE_ARRAY, "tt_isel", 4,
				     c->map_value, 1, NULL);
		if (map < 0 && (errno == EPERM || errno == ENOSYS))
			cr_skip_test("KERNEL TEST SKIPPED: bpf(BPF_MAP_CREATE): %s",
				     strerror(errno));
		cr_assert(map >= 0, "%s: map: %s", c->name, strerror(errno));
	}
	int fd = load(code, &map);
	for (unsigned k = 0; k < ARRAY_SIZE(c->runs) && c->runs[k].on; k++) {
		const struct krun *r = &c->runs[k];
		uint64_t args[7] = { 0 };
		memcpy(args, r->args, sizeof(r->args));
		uint64_t want = c->nvals ? horner(c->nvals, args) : r->want;
		uint64_t got = run(fd, args, 7);
		if (c->wide) {
			args[6] = 32;
			got |= (uint64_t)run(fd, args, 7) << 32;
		} else {
			want = (uint32_t)want;
		}
		cr_expect_eq(got, want, "%s: run %u (ctx %#llx, %#llx, ...) "
			     "returned %#llx, want %#llx", c->name, k,
			     (unsigned long long)args[0],
			     (unsigned long long)args[1],
			     (unsigned long long)got, (unsigned long long)want);
	}
	close(fd);
	if (map >= 0)
		close(map);
}

static void check_case(const struct isel_case *c)
{
	struct ir_func *f = parse(c->ir);
	struct liveness *lv = live_compute(f);
	cr_assert_eq(stack_alloc(f, lv), 0, "%s: stack_alloc", c->name);
	live_free(lv);
	int slots_size = f->stack_size;
	struct mfunc *mf = isel_run(f);
	if (c->isel)
		expect_text(c, "machine IR after isel", c->isel,
			    mir_string(mf, f));
	struct mem m;
	diag_reset();
	diag_set_stream(mem_open(&m));
	int rc = ra_run(mf);
	diag_set_stream(stderr);
	char *msg = mem_close(&m);
	if (c->error) {
		cr_assert_eq(rc, -1, "%s: ra_run succeeded, want an error", c->name);
		expect_text(c, "diagnostic", c->error, msg);
		mfunc_free(mf);
		return;
	}
	cr_assert_eq(rc, 0, "%s: ra_run failed:\n%s", c->name, msg);
	check_physical(c, mf);
	if (c->alloc)
		expect_text(c, "machine IR after register allocation", c->alloc,
			    mir_string(mf, f));
	if (c->spills >= 0) {
		int st, ld;
		count_spill_code(mf, slots_size, &st, &ld);
		cr_expect_eq(mf->nspills, c->spills, "%s: %d spill slots, want %d",
			     c->name, mf->nspills, c->spills);
		cr_expect_eq(mf->stack_size, slots_size + 8 * c->spills,
			     "%s: stack %d", c->name, mf->stack_size);
		cr_expect(st == c->stores && ld == c->reloads,
			  "%s: %d spill stores and %d reloads, want %d and %d",
			  c->name, st, ld, c->stores, c->reloads);
	}
	struct bpf_code code;
	cr_assert_eq(emit_run(mf, &code), 0, "%s: emit_run", c->name);
	mfunc_free(mf);
	if (c->runs[0].on)
		run_in_kernel(c, &code);
	free(code.insns);
	free(code.locs);
}

/* One Criterion test per row.  The parameter is the row's index (the
 * worker process looks the row up itself: a copied struct's pointers
 * would not be valid there). */
#define TABLE(suite, table) \
	ParameterizedTestParameters(suite, rows) \
	{ \
		static int ix[ARRAY_SIZE(table)]; \
		for (unsigned i = 0; i < ARRAY_SIZE(table); i++) \
			ix[i] = (int)i; \
		return cr_make_param_array(int, ix, ARRAY_SIZE(table)); \
	} \
	ParameterizedTest(int *i, suite, rows, .timeout = 60) \
	{ \
		check_case(&table[*i]); \
	}

TABLE(alu, alu_cases)
TABLE(sdiv, sdiv_cases)
TABLE(unary, unary_cases)
TABLE(setcc, setcc_cases)
TABLE(br, br_cases)
TABLE(mem, mem_cases)
TABLE(call, call_cases)
TABLE(pressure, pressure_cases)
TABLE(subprogram, sub_cases)
