/* arch.h — the target architecture as data: what the generated programs
 * and the ELF readers need to know about the CPU tinytrace runs on.
 *
 * Takes: nothing (the architecture tinytrace was compiled for; tests may
 * select another with arch_select).  Produces: one `struct arch` read by
 * every file that used to hard-code x86-64: the struct pt_regs offsets of
 * the argument, return, instruction and stack registers (argN, retval,
 * func, uaddr, uprobe `args`), reg()'s register names, the register names
 * of USDT argument specs, how usermode reads the privilege level, the
 * instruction size (uprobe offsets), the syscall table (__NR_*, syscall
 * names), the open(2) flags that differ, whether plain char is signed,
 * the predefined macro and where the shared libraries live.
 *
 * The offsets are those of the struct a BPF_PROG_TYPE_KPROBE program
 * (and perf_event's bpf_perf_event_data) sees: struct pt_regs on x86-64,
 * struct user_pt_regs (regs[31], sp, pc, pstate) on aarch64.
 *
 * Adding an architecture: its tables in arch.c, its syscall table in
 * syscalls.c and one line in arch.c's list. */
#ifndef ARCH_H
#define ARCH_H

#include <stdbool.h>
#include <stdint.h>

#include "cheaders.h"

/* A register name and its bytes in pt_regs: `width` bytes at bit
 * `shift` of the 8-byte slot at `off` (%ah: off of ax, width 1, shift 8). */
struct arch_reg {
	const char *name;
	short off;
	signed char width, shift;
};

#define ARCH_MAX_ARGS 8

struct arch {
	const char *name;        /* uname -m: "x86_64", "aarch64" */
	const char *cpp_macro;   /* predefined in scripts: "__x86_64__" */
	int nargs;               /* argument registers: arg0..arg(nargs-1) */
	short arg_off[ARCH_MAX_ARGS]; /* their pt_regs offsets */
	short ret_off;           /* the return value register */
	short ip_off, sp_off, fp_off; /* instruction, stack, frame pointer */
	short ptregs_size;       /* sizeof the context's register struct */
	const struct arch_reg *regs; /* reg("name") */
	int nregs;
	const struct arch_reg *usdt_regs; /* register names in USDT specs */
	int nusdt_regs;
	bool usdt_bare_const;    /* "4@5" is the constant 5 (aarch64); on
				    x86-64 constants are "$5" and a bare
				    number is an absolute address */
	short mode_off;          /* usermode: (pt_regs[mode_off] & mode_mask)
				    == mode_user; mode_off < 0: unknown */
	uint64_t mode_mask, mode_user;
	int insn_size;           /* fixed instruction size; 0: variable
				    (x86-64, decoded by elf_insn_len) */
	const char *const *syscalls; /* names by number, NULL for a gap */
	const int *nsyscalls;
	const struct cheader_const *oflags; /* the O_* values of this ABI
					      that differ between them */
	int noflags;
	int32_t ldcache_flags;   /* ld.so.cache's flags for this ABI's
				    libraries */
	const char *lib_dirs[2]; /* the multiarch library directories */
	bool watch_read;         /* hardware watchpoints can be read-only */
	bool char_signed;        /* plain `char` is signed (x86-64; the
				    aarch64 ABI makes it unsigned) */
};

/* The architecture in use: the one tinytrace was built for, unless a
 * test selected another. */
const struct arch *arch_current(void);
/* The table of architecture name ("x86_64", "aarch64"; also "arm64",
 * "amd64"), or NULL. */
const struct arch *arch_find(const char *name);
/* Makes arch_find(name) the architecture in use (for tests: compiling
 * for another architecture than the host's); -1 if unknown. */
int arch_select(const char *name);

/* reg("name"): the pt_regs offset of register name, or -1. */
int arch_reg_off(const char *name);
/* A register named in a USDT argument spec ("rax", "%eax", "x0", "w1",
 * "sp"): its pt_regs offset, width and shift; -1 when unknown. */
int arch_usdt_reg(const char *name, int *width, int *shift);

/* The syscall tables of syscalls.c. */
extern const char *const syscalls_x86_64[];
extern const int syscalls_x86_64_n;
extern const char *const syscalls_aarch64[];
extern const int syscalls_aarch64_n;

#endif
