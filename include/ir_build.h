/* ir_build.h — annotated AST -> IR, one ir_func per sema_probe, by walking
 * the AST and emitting through the IR builder (irb.h); creates the
 * runtime's maps (script maps, ring buffer, scratch) and actions (printf
 * formats, exit, ...) in a tt_prog.  Lowering errors (e.g. a construct with
 * no lowering yet) are diagnostics with locations; returns 0 or -1.
 *
 * What it produces (the conventions the back end and runtime rely on):
 *  - tt_prog.probes: one per sema_probe, in script order (index), with
 *    prog_type from probes_ap_prog_type() and name probes_ap_name().
 *  - tt_prog.maps: first every script map that holds a value, at the
 *    index sema gave it (sema_map.id; MAPK_USER; HASH, or PERCPU_HASH for
 *    aggregations; key and value sizes from sema_map.layout; max_entries =
 *    cfg.max_map_keys unless declared), then the ring buffer
 *    (MAPK_RINGBUF, 256 KiB), the lost-records counter (MAPK_LOST,
 *    PERCPU_ARRAY, 1 x u64) and, when a function uses SPACE_SCRATCH
 *    slots, the scratch map (MAPK_SCRATCH, PERCPU_ARRAY, 1 entry).  The scratch map's value_size is left 0: the
 *    driver sets it after the back end computed every scratch_size.
 *  - values: integers live in 64-bit registers, sign- or zero-extended
 *    from their type; strings, tuples and other aggregates live in slots
 *    (SPACE_STACK up to cfg.on_stack_limit bytes, SPACE_SCRATCH above).
 *    Every slot is fully written before it is read (padding zeroed gap by
 *    gap, a string zeroed before it is read in), so map keys and ring
 *    buffer records are deterministic and the verifier never sees
 *    uninitialised stack; the one exception: a string read straight into
 *    a printed record in scratch space is not zeroed (only the bytes up
 *    to its NUL are ever looked at).  Copies and zeroings of 128 bytes or
 *    more are one bpf_probe_read_kernel call (a NULL source zero-fills).
 *  - a slot's address never stays in a register across instructions: each
 *    use names the slot (DESIGN.md invariant 1).  A variable whose
 *    address is taken (&$x) lives in a slot that every return USEs.
 *  - ring buffer records: STORE8 action id at offset 0, the payload after;
 *    bpf_ringbuf_output(ringbuf, slot, size, 0).  A probe counts failed
 *    outputs in a register and adds them to the MAPK_LOST counter on its
 *    way out; failed map updates are likewise remembered and reported
 *    once on the way out (ACT_WARNF "Map full; can't update element").
 *    Loop-body subprograms count lost records directly.
 *  - every way out of a probe (the end, return, exit() after its ACT_EXIT
 *    record) goes through its one exit block.
 *  - count()/sum()/min()/max(): lookup; when found update the per-CPU
 *    value in place, else map_update_elem with the first value. */
#ifndef IR_BUILD_H
#define IR_BUILD_H

#include "ir.h"
#include "prog.h"
#include "sema.h"

/* Builds out's maps and one tt_probe (with its ir_func) per sema probe;
 * with each non-NULL, calls each(probe, arg) as soon as a probe's IR is
 * built (the caller compiles it and may ir_release() it before the next
 * one is built); an each that returns < 0 stops the build.  0, or -1
 * after diagnostics. */
int ir_build(struct node *program, struct sema_result *sr, struct tt_prog *out,
	     int (*each)(struct tt_probe *pr, void *arg), void *arg);

#endif
