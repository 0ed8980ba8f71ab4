/* ir_build.h — annotated AST -> IR, one ir_func per sema_probe; creates the
 * runtime's maps (script maps, ring buffer, scratch) and actions (printf
 * formats, exit, ...) in a tt_prog.  Lowering errors (e.g. a construct with
 * no lowering yet) are diagnostics with locations; returns 0 or -1.
 *
 * What it produces (the conventions the back end and runtime rely on):
 *  - tt_prog.probes: one per sema_probe, in script order (index), with
 *    prog_type from probes_prog_type() and name probes_ap_name().
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

int ir_build(struct node *program, struct sema_result *sr, struct tt_prog *out);

/* ---- for the builtins' lowering half (builtins_lower.c) ------------- */
struct irb;

/* An expression's value: a register or immediate for integers, bools and
 * pointers; a slot (REF_SLOT, possibly with an offset) for everything
 * else; REF_NONE for void. */
struct irval {
	struct type *t;
	struct ref r;
};

struct irval irb_expr(struct irb *b, struct node *n);
/* Appends an instruction to the current block, located at loc. */
struct ir_insn *irb_emit(struct irb *b, enum ir_op op, const struct srcloc *loc);
/* A new virtual register / a new slot for a value of type t (space chosen
 * by size). */
int irb_reg(struct irb *b, const char *name);
int irb_slot(struct irb *b, struct type *t, const char *name);
int irb_slot_sized(struct irb *b, int size, int align, const char *name);
/* dst = helper(args...); returns dst. */
int irb_call(struct irb *b, int helper, const struct srcloc *loc, int nargs,
	     ...);
/* The context pointer register. */
int irb_ctx(struct irb *b);
/* The current attach point. */
struct attach_point *irb_ap(struct irb *b);
/* The index in tt_prog.probes the current probe will have (the probe id
 * usym/ustack values carry, symbols.h). */
int irb_probe_id(struct irb *b);
/* The MAPK_INTERNAL map called name (created on first use with these
 * parameters); returns its tt_prog index.  The runtime finds it by name
 * (e.g. "cpid", written once the -c command is forked). */
int irb_internal_map(struct irb *b, const char *name, uint32_t type,
		     uint32_t key_size, uint32_t value_size,
		     uint32_t max_entries);
const struct tt_config *irb_cfg(struct irb *b);
/* Registers an action; returns its id. */
int irb_action(struct irb *b, enum action_kind kind, const char *fmt,
	       struct type *args, int map, const struct srcloc *loc);
/* Writes a ring buffer record held in slot (size bytes); counts it lost
 * when the ring buffer is full. */
void irb_output(struct irb *b, int slot, int size, const struct srcloc *loc);
/* Stores value v (of type v.t) at dst (+off) as type t: integers are
 * stored with t's width; aggregates are copied (and zero-padded when t is
 * bigger). */
void irb_store(struct irb *b, struct ref dst, int off, struct type *t,
	       struct irval v, const struct srcloc *loc);
/* Zeroes size bytes at dst+off (big ranges with one helper call). */
void irb_zero(struct irb *b, struct ref dst, int off, int size,
	      const struct srcloc *loc);
/* Zeroes the padding of tuple/record/struct type t at dst+off: the bytes
 * no field covers (the fields are the caller's to write). */
void irb_zero_gaps(struct irb *b, struct ref dst, int off, struct type *t,
		   const struct srcloc *loc);
/* Stores n constant bytes at dst+off (8/4/2/1-byte immediates). */
void irb_store_bytes(struct irb *b, struct ref dst, int off, const void *data,
		     int n, const struct srcloc *loc);
/* Evaluates n and stores it at dst+off as type t; leaf producers write
 * straight into dst. */
void irb_store_expr(struct irb *b, struct ref dst, int off, struct type *t,
		    struct node *n);
/* irb_store_expr into a ring buffer record that is only printed. */
void irb_store_printed(struct irb *b, struct ref dst, int off, struct type *t,
		       struct node *n);
/* Whether n's result goes into a printed record in scratch space (then a
 * string's bytes after its NUL need not be zeroed: nothing compares or
 * hashes them, and the verifier does not track scratch contents).  Ask
 * before irb_result(). */
bool irb_result_printed(struct irb *b, struct node *n);
/* Where a leaf producer (str(), comm, a literal, a map read) puts its
 * aggregate result: the destination irb_store_expr asked for when n is
 * that expression, else a new slot. */
struct ref irb_result(struct irb *b, struct node *n, const char *name);
/* Builds the key of a MAP node in a slot (8-byte zero for scalar maps);
 * returns the slot ref. */
struct ref irb_map_key(struct irb *b, struct node *map);
/* The number of keys in map `map` (a tt_prog index), counted by a
 * bpf_for_each_map_elem callback (a subprogram of the current function). */
struct irval irb_map_len(struct irb *b, int map, const struct srcloc *loc);
/* map_update_elem(map, key, value, BPF_ANY); a failure (map full) is
 * reported once when the probe ends. */
void irb_map_update(struct irb *b, int map, struct ref key, struct ref value,
		    const struct srcloc *loc);
/* The tt_prog map index of a MAP node's map. */
int irb_map_index(struct irb *b, struct node *map);
/* Ends the current block with a jump/branch and continues in block
 * `next`. */
int irb_new_block(struct irb *b);
void irb_set_block(struct irb *b, int block);
void irb_jmp(struct irb *b, int target);
void irb_br(struct irb *b, enum ir_cc cc, struct ref x, struct ref y, int t,
	    int f);
/* Returns from the program with 0 and continues in a fresh (unreachable)
 * block. */
void irb_return(struct irb *b, const struct srcloc *loc);
/* Reports "<what> is not supported yet" at loc. */
struct irval irb_unsupported(struct irb *b, const struct srcloc *loc,
			     const char *what);
/* Reports an error at loc (ir_build then fails); returns a zero int64. */
struct irval irb_error(struct irb *b, const struct srcloc *loc,
		       const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A register holding v (materialises immediates). */
struct ref irb_to_reg(struct irb *b, struct irval v, const struct srcloc *loc);

#endif
