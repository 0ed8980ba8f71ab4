/* mir.h — machine IR: BPF instructions on virtual registers.
 *
 * Made by isel.c, rewritten by regalloc.c (virtual -> physical registers,
 * spill code), read by emit.c.  An instruction is a BPF instruction whose
 * `code` is the real BPF opcode (class | op | source, from <linux/bpf.h>),
 * whose registers may be virtual, and whose jumps name blocks.
 *
 * Registers: 0..10 are BPF's r0..r10 (r10 is the read-only frame pointer
 * and never allocated); virtual registers are numbered from MIR_NPHYS.
 *
 * Blocks are laid out in array order.  A block ends with EXIT, with JA, with
 * a conditional jump (falling through to the next block otherwise), with a
 * conditional jump followed by JA, or falls through to the next block.
 */
#ifndef MIR_H
#define MIR_H

#include <linux/bpf.h>

#include "tt.h"

#define MIR_NPHYS 11
#define MIR_FP 10

/* The target, as data (STYLE.md): BPF's calling convention. */
#define MIR_NALLOC 10            /* r0..r9 may hold values */
#define MIR_RET 0                /* helper result, program return value */
#define MIR_ARG0 1               /* arguments in r1..r5 */
#define MIR_NARGS 5
#define MIR_CALL_CLOBBERS 0x3f   /* r0..r5 die at every helper call */
#define MIR_CALLEE_SAVED 0x3c0   /* r6..r9 survive calls */

struct minsn {
	uint8_t code;       /* BPF opcode */
	uint8_t pseudo;     /* LD_IMM64: src_reg (BPF_PSEUDO_MAP_FD,
			       BPF_PSEUDO_FUNC) or 0; CALL:
			       BPF_PSEUDO_KFUNC_CALL (imm: BTF id) or 0 */
	uint8_t nargs;      /* CALL: arguments passed in r1.. */
	int dst, src;       /* registers, -1 when unused */
	int16_t off;        /* memory displacement */
	int64_t imm;        /* immediate; LD_IMM64: 64 bits; CALL: helper;
			       LD_IMM64 with pseudo: map index, or for
			       BPF_PSEUDO_FUNC the subprogram (mf->subs[imm]) */
	int target;         /* JA / conditional jump: block index */
	struct srcloc loc;  /* script construct this came from */
};

struct mblock {
	struct minsn *v;
	int n, cap;
};

struct mfunc {
	const char *name;
	struct mblock *blocks;
	int nblocks, cap_blocks;
	int nregs;          /* MIR_NPHYS + virtual registers */
	bool *nospill;      /* per register: made by the spiller itself */
	int stack_size;     /* bytes below r10 in use (slots, then spills) */
	int nspills;
	bool allocated;     /* registers are physical (after ra_run) */
	struct mfunc **subs;/* subprograms (from ir_func.subs, same order;
			       NULL for one the code no longer refers to) */
	int nsubs;
	struct srcloc loc;  /* ir_func.loc */
};

/* Building (isel.c). */
int mir_block_new(struct mfunc *mf);
int mir_reg_new(struct mfunc *mf);
struct minsn *mir_append(struct mfunc *mf, int block, const struct minsn *in);
/* Insert before position `at` of block b. */
struct minsn *mir_insert(struct mfunc *mf, int b, int at,
			 const struct minsn *in);

/* What an instruction reads and writes: up to 5 uses, up to 6 defs
 * (CALL writes r0..r5). */
struct mir_effect {
	int uses[MIR_NARGS + 1], nuses;
	int defs[6], ndefs;
};
void mir_effect(const struct minsn *in, struct mir_effect *e);
bool mir_is_move(const struct minsn *in);   /* rX = rY, 64-bit */

/* Successors of block b (layout order gives fall-through); returns count. */
int mir_succs(const struct mfunc *mf, int b, int succ[2]);

/* One instruction in bpftool's style ("r1 = *(u64 *)(r10 -8)"); virtual
 * registers print as v<n>, jump targets as ".b<n>" (before emission) or
 * "pc+<off>" (after, when pc_off is set). */
void mir_format(struct strbuf *sb, const struct minsn *in, bool use_pc,
		int pc_off);

#endif
