/* isel.h — IR -> BPF-shaped machine instructions on virtual registers
 * (struct mfunc), with slot addresses resolved to r10/scratch-base offsets.
 * requires: stack_alloc() done. */
#ifndef ISEL_H
#define ISEL_H

#include "ir.h"

struct mfunc;   /* defined in mir.h by the back end */

struct mfunc *isel_run(const struct ir_func *f);
void mfunc_dump(FILE *out, const struct mfunc *mf);
/* Release a machine function (heap memory; emit_run copies what it needs). */
void mfunc_free(struct mfunc *mf);

#endif
