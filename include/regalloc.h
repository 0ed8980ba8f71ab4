/* regalloc.h — virtual registers -> r0..r9.  r1-r5 die at every helper
 * call; values live across a call go to r6-r9 or are spilled to new stack
 * slots; running out of registers spills, never fails (except the 512-byte
 * stack limit, a diagnostic).  Returns 0 or -1. */
#ifndef REGALLOC_H
#define REGALLOC_H

struct mfunc;

int ra_run(struct mfunc *mf);

#endif
