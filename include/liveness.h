/* liveness.h — per block live-in/live-out of virtual registers AND stack
 * slots (DESIGN.md invariant 1: a slot named by any operand is used there;
 * loops extend liveness around the back edge).
 * requires: ir_cfg(). invalidated by: any change to the IR. */
#ifndef LIVENESS_H
#define LIVENESS_H

#include "ir.h"

struct bitset { uint64_t *w; int nbits; };

/* Slot liveness is "may still be read" (backward; a write covering the
 * whole slot kills) intersected with "has been named on some path from the
 * entry" (forward): before its first access a slot holds nothing and may
 * share bytes; a partial write does not kill.  slot_in/slot_out are the
 * intersected sets. */
struct block_live {
	struct bitset reg_in, reg_out;
	struct bitset slot_in, slot_out;
	struct bitset touched_in;   /* slots named on some path to the entry
				       of this block */
};

struct liveness {
	const struct ir_func *f;
	struct block_live *b;       /* per block */
};

struct liveness *live_compute(const struct ir_func *f);
/* `-d live`: per block "b0: in regs {%1 %2} slots {s0} out ..." */
void live_dump(FILE *out, const struct liveness *lv);
bool bitset_test(const struct bitset *s, int i);
struct bitset bitset_new(int nbits);       /* all clear (heap; bitset_free) */
void bitset_set(struct bitset *s, int i);
void bitset_clear(struct bitset *s, int i);
void bitset_free(struct bitset *s);
void live_free(struct liveness *lv);

/* What one instruction reads and writes, for liveness and its users.
 * uses: registers read (incl. scratch_reg for a SCRATCH slot operand);
 * slots: slots named (all are "used there", invariant 1); kill_slot: slot
 * the instruction overwrites entirely, or -1. */
struct insn_effect {
	int uses[6], nuses;
	int def;                    /* register written, -1 none */
	int slots[5], nslots;
	int kill_slot;
};
void live_insn_effect(const struct ir_func *f, const struct ir_insn *in,
		      struct insn_effect *e);

/* Walk block b backwards; for each instruction call fn with the registers
 * and slots live just after it (slots: the intersected meaning above).
 * The sets are only valid during the call. */
typedef void live_walk_fn(void *ctx, int block, int insn,
			  const struct bitset *regs_after,
			  const struct bitset *slots_after);
void live_walk_block(const struct liveness *lv, int b, live_walk_fn *fn,
		     void *ctx);

#endif
