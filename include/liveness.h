/* liveness.h — per block live-in/live-out of virtual registers AND stack
 * slots (DESIGN.md invariant 1: a slot named by any operand is used there;
 * loops extend liveness around the back edge).
 * requires: ir_cfg(). invalidated by: any change to the IR. */
#ifndef LIVENESS_H
#define LIVENESS_H

#include "ir.h"

struct bitset { uint64_t *w; int nbits; };

struct block_live {
	struct bitset reg_in, reg_out;
	struct bitset slot_in, slot_out;
};

struct liveness {
	const struct ir_func *f;
	struct block_live *b;       /* per block */
};

struct liveness *live_compute(const struct ir_func *f);
/* `-d live`: per block "b0: in regs {%1 %2} slots {s0} out ..." */
void live_dump(FILE *out, const struct liveness *lv);
bool bitset_test(const struct bitset *s, int i);

#endif
