/* stackalloc.h — stack slots -> frame offsets.  Slots share bytes only when
 * their live ranges never overlap.  Sets slot->offset, f->stack_size,
 * f->scratch_size.  More than 512 bytes of stack is a user error
 * (diag_error naming the limit); returns 0 or -1. */
#ifndef STACKALLOC_H
#define STACKALLOC_H

#include "liveness.h"

int stack_alloc(struct ir_func *f, const struct liveness *lv);
/* `-d stack`: one line per slot: "s0 $key size 64 offset -64" */
void stack_dump(FILE *out, const struct ir_func *f);

#endif
