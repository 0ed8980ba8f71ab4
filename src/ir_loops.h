/* ir_loops.h — loops whose body is a BPF subprogram (ir_loops.c), and the
 * hooks ir_build.c gives that file.  Internal to ir_build.c/ir_loops.c.
 *
 *   for ($kv : @m) body   -> bpf_for_each_map_elem(@m, body, ctx, 0)
 *   for ($i : a..c) body  -> bpf_loop(c - a, body, ctx, 0), unless a and c
 *                            are small constants (ir_build's inline loop)
 *
 * The body is built into a subprogram of the current function (ir.h,
 * "Subprograms") with the usual statement lowering; break returns 1 from
 * it, continue 0; return and exit() set a flag in the loop context and
 * return 1, and the caller returns in turn. */
#ifndef IR_LOOPS_H
#define IR_LOOPS_H

#include "ir_build.h"

/* ---- ir_loops.c ---- */
void irl_for_map(struct irb *b, struct node *n);
/* false: the range is small and constant; lower it inline instead. */
bool irl_for_range(struct irb *b, struct node *n);
/* `return` (and exit()) inside a loop body subprogram. */
void irl_return(struct irb *b, const struct srcloc *loc);
/* A failed map update (err != 0) inside a loop body: ORed into the loop
 * context, which the caller hands on with irb_map_err(). */
void irl_map_err(struct irb *b, struct ref err);

/* ---- hooks in ir_build.c ---- */
struct irb_fsave;
/* Makes f the function being built: current block `block`, program
 * context in ctx_reg, no variable homes yet, uses_scratch false; `sub` is
 * ir_loops.c's state for it (irb_sub).  Returns what irb_func_pop
 * restores. */
struct irb_fsave *irb_func_push(struct irb *b, struct ir_func *f, int block,
				int ctx_reg, void *sub);
/* Back to the caller's function; returns whether f used scratch slots. */
bool irb_func_pop(struct irb *b, struct irb_fsave *save);
void *irb_sub(struct irb *b);
struct ir_func *irb_func(struct irb *b);
int irb_cur(struct irb *b);
struct node *irb_probe(struct irb *b);        /* the N_PROBE being built */
struct tt_prog *irb_prog(struct irb *b);
/* Where variable v lives in the current function (made on first use):
 * *reg for scalars, *slot for aggregates, the other -1. */
void irb_var_get(struct irb *b, struct sema_var *v, int *reg, int *slot);
/* v lives in reg (scalar) or slot (aggregate) in the current function. */
void irb_var_bind(struct irb *b, struct sema_var *v, int reg, int slot);
void irb_stmts(struct irb *b, struct node *blk);
/* A map update of the current function failed when err != 0: the probe
 * warns "Map full" once on its way out (loc: the update, NULL to keep
 * the first one seen). */
void irb_map_err(struct irb *b, struct ref err, const struct srcloc *loc);
/* Counts an error already reported (ir_build then fails). */
void irb_fail(struct irb *b);
/* The current function looks up the scratch base at entry (its
 * scratch_reg), as when it has scratch slots. */
void irb_need_scratch(struct irb *b);
/* break / continue targets of an enclosing loop. */
void irb_loop_push(struct irb *b, int brk, int cont);
void irb_loop_pop(struct irb *b);

#endif
