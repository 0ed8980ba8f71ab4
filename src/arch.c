/* arch.c — the architectures tinytrace knows, as tables (arch.h): x86-64
 * (struct pt_regs of arch/x86/include/asm/ptrace.h) and aarch64 (struct
 * user_pt_regs of arch/arm64/include/uapi/asm/ptrace.h, what BPF programs
 * of the kprobe and perf_event types see on arm64).  The one place that
 * asks the compiler which CPU this is. */
#include "arch.h"

#include <string.h>

#include "tt.h"

/* ---- x86-64 ------------------------------------------------------------- */

enum {
	X_R15 = 0, X_R14 = 8, X_R13 = 16, X_R12 = 24, X_BP = 32, X_BX = 40,
	X_R11 = 48, X_R10 = 56, X_R9 = 64, X_R8 = 72, X_AX = 80, X_CX = 88,
	X_DX = 96, X_SI = 104, X_DI = 112, X_ORIG_AX = 120, X_IP = 128,
	X_CS = 136, X_FLAGS = 144, X_SP = 152, X_SS = 160,
};

/* bpftrace's names for reg() */
static const struct arch_reg x86_regs[] = {
	{ "r15", X_R15, 8, 0 }, { "r14", X_R14, 8, 0 },
	{ "r13", X_R13, 8, 0 }, { "r12", X_R12, 8, 0 },
	{ "bp", X_BP, 8, 0 },   { "bx", X_BX, 8, 0 },
	{ "r11", X_R11, 8, 0 }, { "r10", X_R10, 8, 0 },
	{ "r9", X_R9, 8, 0 },   { "r8", X_R8, 8, 0 },
	{ "ax", X_AX, 8, 0 },   { "cx", X_CX, 8, 0 },
	{ "dx", X_DX, 8, 0 },   { "si", X_SI, 8, 0 },
	{ "di", X_DI, 8, 0 },   { "orig_ax", X_ORIG_AX, 8, 0 },
	{ "ip", X_IP, 8, 0 },   { "pc", X_IP, 8, 0 },
	{ "cs", X_CS, 8, 0 },   { "flags", X_FLAGS, 8, 0 },
	{ "sp", X_SP, 8, 0 },   { "ss", X_SS, 8, 0 },
};

/* The assembler's names in USDT specs (the '%' is dropped before the
 * lookup): each legacy register in its 8-, 4-, 2- and 1-byte and
 * high-byte spellings, r8-r15 with their d/w/b (or l) suffixes. */
#define XL(q, d, w, b, off) \
	{ q, off, 8, 0 }, { d, off, 4, 0 }, { w, off, 2, 0 }, { b, off, 1, 0 }
#define XN(n, off)                                                         \
	{ "r" #n, off, 8, 0 }, { "r" #n "d", off, 4, 0 },                   \
	{ "r" #n "w", off, 2, 0 }, { "r" #n "b", off, 1, 0 },               \
	{ "r" #n "l", off, 1, 0 }
static const struct arch_reg x86_usdt_regs[] = {
	XL("rax", "eax", "ax", "al", X_AX), { "ah", X_AX, 1, 8 },
	XL("rbx", "ebx", "bx", "bl", X_BX), { "bh", X_BX, 1, 8 },
	XL("rcx", "ecx", "cx", "cl", X_CX), { "ch", X_CX, 1, 8 },
	XL("rdx", "edx", "dx", "dl", X_DX), { "dh", X_DX, 1, 8 },
	XL("rsi", "esi", "si", "sil", X_SI),
	XL("rdi", "edi", "di", "dil", X_DI),
	XL("rbp", "ebp", "bp", "bpl", X_BP),
	XL("rsp", "esp", "sp", "spl", X_SP),
	{ "rip", X_IP, 8, 0 }, { "eip", X_IP, 4, 0 },
	XN(8, X_R8), XN(9, X_R9), XN(10, X_R10), XN(11, X_R11),
	XN(12, X_R12), XN(13, X_R13), XN(14, X_R14), XN(15, X_R15),
};
#undef XL
#undef XN

/* the values of x86-64's (and most architectures') asm-generic/fcntl.h */
static const struct cheader_const x86_oflags[] = {
	{ "O_DIRECT", 16384 },    { "O_DIRECTORY", 65536 },
	{ "O_LARGEFILE", 32768 }, { "O_NOFOLLOW", 131072 },
	{ "O_TMPFILE", 4259840 },
};

static const struct arch arch_x86_64 = {
	.name = "x86_64",
	.cpp_macro = "__x86_64__",
	/* the SysV ABI: rdi, rsi, rdx, rcx, r8, r9; rax */
	.nargs = 6,
	.arg_off = { X_DI, X_SI, X_DX, X_CX, X_R8, X_R9 },
	.ret_off = X_AX,
	.ip_off = X_IP,
	.sp_off = X_SP,
	.fp_off = X_BP,
	.ptregs_size = 168,
	.regs = x86_regs,
	.nregs = (int)ARRAY_SIZE(x86_regs),
	.usdt_regs = x86_usdt_regs,
	.nusdt_regs = (int)ARRAY_SIZE(x86_usdt_regs),
	/* the privilege level in cs: 3 is user mode */
	.mode_off = X_CS,
	.mode_mask = 3,
	.mode_user = 3,
	.insn_size = 0,
	.syscalls = syscalls_x86_64,
	.nsyscalls = &syscalls_x86_64_n,
	.oflags = x86_oflags,
	.noflags = (int)ARRAY_SIZE(x86_oflags),
	.ldcache_flags = 0x0303, /* FLAG_ELF_LIBC6 | FLAG_X8664_LIB64 */
	.lib_dirs = { "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu" },
	.watch_read = false,
	.char_signed = true,
};

/* ---- aarch64 ------------------------------------------------------------ */

/* struct user_pt_regs { u64 regs[31]; u64 sp; u64 pc; u64 pstate; } */
enum { A_SP = 31 * 8, A_PC = 32 * 8, A_PSTATE = 33 * 8 };

#define AR(n) { "r" #n, (n) * 8, 8, 0 }
static const struct arch_reg a64_regs[] = {
	AR(0),  AR(1),  AR(2),  AR(3),  AR(4),  AR(5),  AR(6),  AR(7),
	AR(8),  AR(9),  AR(10), AR(11), AR(12), AR(13), AR(14), AR(15),
	AR(16), AR(17), AR(18), AR(19), AR(20), AR(21), AR(22), AR(23),
	AR(24), AR(25), AR(26), AR(27), AR(28), AR(29), AR(30),
	{ "sp", A_SP, 8, 0 }, { "pc", A_PC, 8, 0 },
	{ "pstate", A_PSTATE, 8, 0 },
};
#undef AR

/* x0-x30 and their 32-bit halves w0-w30, sp */
#define AU(n) { "x" #n, (n) * 8, 8, 0 }, { "w" #n, (n) * 8, 4, 0 }
static const struct arch_reg a64_usdt_regs[] = {
	AU(0),  AU(1),  AU(2),  AU(3),  AU(4),  AU(5),  AU(6),  AU(7),
	AU(8),  AU(9),  AU(10), AU(11), AU(12), AU(13), AU(14), AU(15),
	AU(16), AU(17), AU(18), AU(19), AU(20), AU(21), AU(22), AU(23),
	AU(24), AU(25), AU(26), AU(27), AU(28), AU(29), AU(30),
	{ "sp", A_SP, 8, 0 }, { "wsp", A_SP, 4, 0 },
};
#undef AU

/* arch/arm64/include/uapi/asm/fcntl.h */
static const struct cheader_const a64_oflags[] = {
	{ "O_DIRECT", 65536 },     { "O_DIRECTORY", 16384 },
	{ "O_LARGEFILE", 131072 }, { "O_NOFOLLOW", 32768 },
	{ "O_TMPFILE", 4210688 },
};

static const struct arch arch_aarch64 = {
	.name = "aarch64",
	.cpp_macro = "__aarch64__",
	/* AAPCS64: x0-x7; x0 */
	.nargs = 8,
	.arg_off = { 0, 8, 16, 24, 32, 40, 48, 56 },
	.ret_off = 0,
	.ip_off = A_PC,
	.sp_off = A_SP,
	.fp_off = 29 * 8,
	.ptregs_size = 34 * 8,
	.regs = a64_regs,
	.nregs = (int)ARRAY_SIZE(a64_regs),
	.usdt_regs = a64_usdt_regs,
	.nusdt_regs = (int)ARRAY_SIZE(a64_usdt_regs),
	.usdt_bare_const = true,
	/* PSTATE.M: EL0 (and aarch32's user mode, 0x10) have 0 in bits 0-3 */
	.mode_off = A_PSTATE,
	.mode_mask = 0xf,
	.mode_user = 0,
	.insn_size = 4,
	.syscalls = syscalls_aarch64,
	.nsyscalls = &syscalls_aarch64_n,
	.oflags = a64_oflags,
	.noflags = (int)ARRAY_SIZE(a64_oflags),
	.ldcache_flags = 0x0a03, /* FLAG_ELF_LIBC6 | FLAG_AARCH64_LIB64 */
	.lib_dirs = { "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu" },
	.watch_read = true,
	.char_signed = false,
};

/* ---- which one ---------------------------------------------------------- */

#if defined(__aarch64__)
static const struct arch *cur = &arch_aarch64;
#elif defined(__x86_64__)
static const struct arch *cur = &arch_x86_64;
#else
#error "tinytrace knows x86_64 and aarch64 (add the architecture to arch.c)"
#endif

const struct arch *arch_current(void)
{
	return cur;
}

const struct arch *arch_find(const char *name)
{
	if (!strcmp(name, "x86_64") || !strcmp(name, "amd64"))
		return &arch_x86_64;
	if (!strcmp(name, "aarch64") || !strcmp(name, "arm64"))
		return &arch_aarch64;
	return NULL;
}

int arch_select(const char *name)
{
	const struct arch *a = arch_find(name);
	if (!a)
		return -1;
	cur = a;
	return 0;
}

static const struct arch_reg *reg_find(const struct arch_reg *r, int n,
				       const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(r[i].name, name))
			return &r[i];
	return NULL;
}

int arch_reg_off(const char *name)
{
	const struct arch_reg *r = reg_find(cur->regs, cur->nregs, name);
	return r ? r->off : -1;
}

int arch_usdt_reg(const char *name, int *width, int *shift)
{
	if (*name == '%')
		name++;
	const struct arch_reg *r = reg_find(cur->usdt_regs, cur->nusdt_regs,
					    name);
	if (!r)
		return -1;
	*width = r->width;
	*shift = r->shift;
	return r->off;
}
