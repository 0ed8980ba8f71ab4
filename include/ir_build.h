/* ir_build.h — annotated AST -> IR, one ir_func per sema_probe; creates the
 * runtime's maps (script maps, ring buffer, scratch) and actions (printf
 * formats, exit, ...) in a tt_prog.  Lowering errors (e.g. a construct with
 * no lowering yet) are diagnostics with locations; returns 0 or -1. */
#ifndef IR_BUILD_H
#define IR_BUILD_H

#include "ir.h"
#include "prog.h"
#include "sema.h"

int ir_build(struct node *program, struct sema_result *sr, struct tt_prog *out);

#endif
