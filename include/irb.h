/* irb.h — the IR builder (irb.c): the one API every lowering emits IR
 * with — the AST walker (ir_build.c), loops (ir_loops.c), USDT arguments
 * (usdt.c) and the builtins' lowering half (builtins_lower*.c).
 *
 * Takes: a function being built (a probe's, or a subprogram of it) and
 * the tt_prog it goes into.  Produces: blocks, virtual registers, slots
 * and instructions in that function (ir.h), subprograms of it, and maps
 * and actions in the tt_prog.  ir_build.h lists the conventions the code
 * it emits follows (values, slots, records, ways out of a probe).
 *
 * One builder state (struct irb) exists per ir_build() call; its current
 * function and block are where instructions go.  A subprogram (a
 * bpf_loop / bpf_for_each_map_elem callback) is begun and ended like a
 * nested function: between irb_sub_begin and irb_sub_end everything
 * below emits into it, with its own blocks, registers, slots, program
 * context and variable homes. */
#ifndef IRB_H
#define IRB_H

#include "ir.h"
#include "prog.h"
#include "sema.h"

struct irb;

/* An expression's value: a register or immediate for integers, bools and
 * pointers; a slot (REF_SLOT, possibly with an offset) for everything
 * else; REF_NONE for void. */
struct irval {
	struct type *t;
	struct ref r;
};

/* ---- errors ------------------------------------------------------------- */

/* Reports "<what> is not supported yet" at loc. */
struct irval irb_unsupported(struct irb *b, const struct srcloc *loc,
			     const char *what);
/* Reports an error at loc (ir_build then fails); returns a zero int64. */
struct irval irb_error(struct irb *b, const struct srcloc *loc,
		       const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Counts an error already reported (ir_build then fails). */
void irb_fail(struct irb *b);

/* ---- instructions, registers, calls ------------------------------------ */

/* Appends an instruction to the current block, located at loc (NULL: no
 * location). */
struct ir_insn *irb_emit(struct irb *b, enum ir_op op, const struct srcloc *loc);
/* A new virtual register of the current function. */
int irb_reg(struct irb *b, const char *name);
/* A register holding v (materialises immediates). */
struct ref irb_to_reg(struct irb *b, struct irval v, const struct srcloc *loc);
/* When register r (a helper's return code) is negative, a warning at loc
 * "Failed to NAME: <strerror> (r)" (a helper_error object in JSON), as
 * -k shows failed reads. */
void irb_helper_error(struct irb *b, const char *name, int r,
		      const struct srcloc *loc);

/* dst = helper(args...); returns dst. */
int irb_call(struct irb *b, int helper, const struct srcloc *loc, int nargs,
	     ...);

/* dst = kfunc(args...), kernel function `name` whose vmlinux BTF id is
 * btf_id; returns dst. */
int irb_kcall(struct irb *b, const char *name, int btf_id,
	      const struct srcloc *loc, int nargs, ...);

/* ---- blocks ------------------------------------------------------------- */

/* The function being built and its current block. */
struct ir_func *irb_func(struct irb *b);
int irb_cur(struct irb *b);
/* A new block of the current function; irb_set_block makes it current. */
int irb_new_block(struct irb *b);
void irb_set_block(struct irb *b, int block);
/* End the current block (continue with irb_set_block). */
void irb_jmp(struct irb *b, int target);
void irb_br(struct irb *b, enum ir_cc cc, struct ref x, struct ref y, int t,
	    int f);
/* Returns from the program with 0 (from a subprogram: its ops' ret) and
 * continues in a fresh (unreachable) block. */
void irb_return(struct irb *b, const struct srcloc *loc);

/* ---- slots and memory --------------------------------------------------- */

/* A new slot for a value of type t / of size bytes (space chosen by
 * size: SPACE_SCRATCH above cfg.on_stack_limit). */
int irb_slot(struct irb *b, struct type *t, const char *name);
int irb_slot_sized(struct irb *b, int size, int align, const char *name);
/* Stores value v (of type v.t) at dst (+off) as type t: integers are
 * stored with t's width; aggregates are copied (and zero-padded when t is
 * bigger). */
void irb_store(struct irb *b, struct ref dst, int off, struct type *t,
	       struct irval v, const struct srcloc *loc);
/* Stores integer v (register or immediate) in size bytes at dst+off. */
void irb_store_int(struct irb *b, struct ref dst, int off, int size,
		   struct ref v, const struct srcloc *loc);
/* base + off as an operand: a slot reference moves its offset, a pointer
 * register gets a new register (an add). */
struct ref irb_ref_at(struct irb *b, struct ref base, int off,
		      const struct srcloc *loc);
/* Loads a scalar of type t from base+off, extended to 64 bits. */
struct irval irb_load(struct irb *b, struct ref base, int off, struct type *t,
		      const struct srcloc *loc);
/* Zeroes size bytes at dst+off / copies size bytes from src to dst+off
 * (128 bytes or more: one bpf_probe_read_kernel call). */
void irb_zero(struct irb *b, struct ref dst, int off, int size,
	      const struct srcloc *loc);
void irb_copy(struct irb *b, struct ref dst, int off, struct ref src, int size,
	      const struct srcloc *loc);
/* Zeroes the padding of tuple/record/struct type t at dst+off: the bytes
 * no field covers (the fields are the caller's to write). */
void irb_zero_gaps(struct irb *b, struct ref dst, int off, struct type *t,
		   const struct srcloc *loc);
/* Stores n constant bytes at dst+off (8/4/2/1-byte immediates). */
void irb_store_bytes(struct irb *b, struct ref dst, int off, const void *data,
		     int n, const struct srcloc *loc);
/* Stores string literal str (slen bytes) at dst+off as a string[size]:
 * NUL-padded, or truncated keeping a final NUL. */
void irb_store_str(struct irb *b, struct ref dst, int off, int size,
		   const char *str, size_t slen, const struct srcloc *loc);

/* ---- the probe and the program ----------------------------------------- */

/* The program context pointer register (of the current function). */
int irb_ctx(struct irb *b);
/* The current attach point, and the N_PROBE being built. */
struct attach_point *irb_ap(struct irb *b);
struct node *irb_probe(struct irb *b);
const struct tt_config *irb_cfg(struct irb *b);
/* The index in tt_prog.probes the current probe will have (the probe id
 * usym/ustack values carry, symbols.h). */
int irb_probe_id(struct irb *b);
/* Appends map m to the tt_prog; returns its index. */
int irb_add_map(struct irb *b, struct tt_map m);
/* The MAPK_INTERNAL map called name (created on first use with these
 * parameters); returns its tt_prog index.  The runtime finds it by name
 * (e.g. "cpid", written once the -c command is forked). */
int irb_internal_map(struct irb *b, const char *name, uint32_t type,
		     uint32_t key_size, uint32_t value_size,
		     uint32_t max_entries);
/* The action with id (irb_action's). */
struct tt_action *irb_action_at(struct irb *b, int id);
/* Registers an action; returns its id. */
int irb_action(struct irb *b, enum action_kind kind, const char *fmt,
	       struct type *args, int map, const struct srcloc *loc);
/* Action id's arguments that are compile-time constants are not sent:
 * konst and from as tt_action's. */
void irb_action_konst(struct irb *b, int id, const uint8_t *konst,
		      const int *from);
/* Writes a ring buffer record held in slot (size bytes); counts it lost
 * when the ring buffer is full. */
void irb_output(struct irb *b, int slot, int size, const struct srcloc *loc);
/* Adds `count` to this CPU's lost-records counter. */
void irb_count_lost(struct irb *b, struct ref count, const struct srcloc *loc);

/* ---- maps --------------------------------------------------------------- */

/* The tt_prog map index of a MAP node's map. */
int irb_map_index(struct irb *b, struct node *map);
/* The number of keys in map `map` (a tt_prog index), counted by a
 * bpf_for_each_map_elem callback (a subprogram of the current function). */
struct irval irb_map_len(struct irb *b, int map, const struct srcloc *loc);
/* map_update_elem(map, key, value, BPF_ANY); a failure (map full) changes
 * the probe's "Map full" counter, which the runtime reports. */
void irb_map_update(struct irb *b, int map, struct ref key, struct ref value,
		    const struct srcloc *loc);
/* The same on a path that runs rarely (an aggregation's first value for a
 * key): the error is added to the counter without a branch. */
void irb_map_update_rare(struct irb *b, int map, struct ref key,
			 struct ref value, const struct srcloc *loc);
/* A map update of the current function failed when err != 0: err is
 * added to the probe's "Map full" counter (one u64 of the internal
 * "mapfull" array, addressed directly) and the runtime warns when it
 * changes (loc:
 * the update, NULL to keep the first one seen); in a subprogram, its
 * ops' map_err. */
void irb_map_err(struct irb *b, struct ref err, const struct srcloc *loc);
/* Adds err to the probe's "Map full" counter, unconditionally (the
 * probe's way out, when its checks were ORed together). */
void irb_map_err_add(struct irb *b, struct ref err, const struct srcloc *loc);

/* ---- variables and loop targets ----------------------------------------- */

/* Where variable v lives in the current function (made on first use: a
 * register for a scalar whose address is not taken, else a slot): *reg
 * for scalars, *slot for aggregates, the other -1. */
void irb_var_get(struct irb *b, struct sema_var *v, int *reg, int *slot);
/* v lives in reg (scalar) or slot (aggregate) in the current function. */
void irb_var_bind(struct irb *b, struct sema_var *v, int reg, int slot);
/* break / continue targets of an enclosing loop (-1: none). */
void irb_loop_push(struct irb *b, int brk, int cont);
void irb_loop_pop(struct irb *b);
int irb_break_target(struct irb *b);
int irb_continue_target(struct irb *b);

/* ---- subprograms ----------------------------------------------------------
 * A subprogram of the current function (ir.h, "Subprograms") is a
 * callback a helper runs: irb_sub_begin makes it the function being
 * built (current block: its entry; no program context, variable homes
 * or scratch use yet), irb_sub_end goes back to the caller and gives the
 * index for ref_func().  Subprograms nest. */

/* How a subprogram whose body holds statements is left by `return` or
 * exit() (ret: emit the way out), and what it does with a failed map
 * update (map_err); data is the builder's (ir_loops.c: the loop). */
struct irb_sub_ops {
	void (*ret)(struct irb *b, void *data, const struct srcloc *loc);
	void (*map_err)(struct irb *b, void *data, struct ref err);
};

struct irb_sub;
/* Begins subprogram "<function>.<kind><n>" located at loc; ops may be
 * NULL when no statements run in it. */
struct irb_sub *irb_sub_begin(struct irb *b, const char *kind,
			      const struct srcloc *loc,
			      const struct irb_sub_ops *ops, void *data);
/* Argument i of the subprogram in a new register (an IR_ARG in the
 * current block). */
int irb_sub_arg(struct irb *b, int i, const char *name,
		const struct srcloc *loc);
/* The subprogram's program context is in register ctx_reg (irb_ctx). */
void irb_sub_set_ctx(struct irb *b, int ctx_reg);
/* Back to the caller's function; returns the subprogram's index among
 * the caller's subprograms (ref_func). */
int irb_sub_end(struct irb *b, struct irb_sub *s);
/* The data of the innermost subprogram being built, NULL in a probe's
 * own function. */
void *irb_sub_data(struct irb *b);
/* The current function looks up the scratch base at entry (its
 * scratch_reg), as when it has scratch slots. */
void irb_need_scratch(struct irb *b);

/* ---- the AST walker (ir_build.c) -----------------------------------------
 * For lowerings whose operands are expressions or statements. */

struct irval irb_expr(struct irb *b, struct node *n);
void irb_stmts(struct irb *b, struct node *blk);
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

#endif
