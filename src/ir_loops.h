/* ir_loops.h — loops whose body is a BPF subprogram (ir_loops.c), for the
 * statement walker (ir_build.c).
 *
 *   for ($kv : @m) body   -> bpf_for_each_map_elem(@m, body, ctx, 0)
 *   for ($i : a..c) body  -> bpf_loop(c - a, body, ctx, 0), unless a and c
 *                            are small constants (ir_build's inline loop)
 *
 * The body is built with the IR builder's subprogram builder (irb.h) and
 * the usual statement lowering; break returns 1 from it, continue 0;
 * return and exit() set a flag in the loop context and return 1, and the
 * caller returns in turn. */
#ifndef IR_LOOPS_H
#define IR_LOOPS_H

#include "irb.h"

void irl_for_map(struct irb *b, struct node *n);
/* false: the range is small and constant; lower it inline instead. */
bool irl_for_range(struct irb *b, struct node *n);

#endif
