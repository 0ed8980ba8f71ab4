/* ir.h — the intermediate representation between ir_build and the back end.
 *
 * One ir_func per BPF program, which may own subprograms (f->subs: loop
 * bodies run as callbacks by bpf_loop / bpf_for_each_map_elem; see
 * "Subprograms" below).  A function owns its blocks, its virtual
 * registers (numbered 0..nregs-1, 64-bit, NOT single-assignment: a scratch
 * variable kept in a register is reassigned) and its stack slots.  A block
 * owns an array of instructions and ends in exactly one terminator (BR, JMP,
 * RET).  An operand is a small tagged value (struct ref).
 *
 * Memory: data that does not fit a register (strings, tuples, map keys and
 * values, printf records, the zero key) lives in slots.  A slot is either on
 * the BPF stack (SPACE_STACK) or in the per-CPU scratch map value
 * (SPACE_SCRATCH, for big objects; ir_build decides).  The back end gives
 * each slot an offset in its space; slots share bytes only when their live
 * ranges never overlap (liveness.c, stackalloc.c).
 *
 * Scratch space: when a function uses any SPACE_SCRATCH slot, ir_build emits
 * at the top of the entry block
 *     %s = CALL map_lookup_elem(MAP scratch, SLOT zero_key)
 *     BR %s == 0 -> exit_block, body
 * and stores %s in func->scratch_reg; isel turns a SLOT operand of a scratch
 * slot into %s + offset.  The map value size is the largest scratch frame of
 * all functions (prog.h: struct tt_map kind MAPK_SCRATCH).
 *
 * Slot liveness rule (DESIGN.md invariant 1): any operand naming a slot —
 * load, store, or its address passed to a helper — is a use (and a store
 * also a def) AT THAT INSTRUCTION.  ir_build never keeps a slot's address in
 * a register across instructions: it names the slot directly in the
 * operand of each use (SLOT operands are allowed as CALL arguments, MOV
 * sources, LOAD/STORE bases, MEMCPY/MEMZERO/ operands).  Where an address
 * must be stored to memory (bpf_trace_vprintk's argument array, a
 * callback's context), a USE of the slot marks each point where the
 * kernel or a callback reads through it; ir_check rejects a slot address
 * stored into a buffer given to such a helper without one, and a helper
 * buffer length that overruns its slot.
 *
 * Subprograms: a function f may own callee functions f->subs[] (each with
 * sub->parent == f), built, optimized and checked like any function, with
 * their own registers, slots and 512-byte frame.  The operand REF_FUNC
 * (fn<i>) is the address of f->subs[i], passed to a helper that takes a
 * callback.  A subprogram reaches its ancestors' variables through ALIAS
 * slots: slot->up > 0 names slot `target` of the function `up` levels up;
 * it has no bytes of its own.  Stack aliases are addressed from
 * f->frame_reg[up], a register holding that ancestor's frame pointer (the
 * ancestor passes it with FRAME, ir_build loads it at entry); scratch
 * aliases from the function's own scratch base (offsets in the scratch map
 * are absolute: a subprogram's own scratch slots go after its ancestors';
 * the caller may pass its base with SCRATCHBASE).
 * Alias slots are live everywhere in the subprogram (the caller reads them
 * afterwards); in the caller, USE marks a slot the callee touches as read
 * (and possibly written) at that point — ir_build puts one before and one
 * after the helper call.  The passes handle the whole tree: ir_check,
 * ir_dump and stack_alloc recurse (parents before children), isel_run
 * makes an mfunc per function, emit_run lays the subprograms out after the
 * program and resolves fn<i> to BPF_PSEUDO_FUNC offsets.
 */
#ifndef IR_H
#define IR_H

#include "tt.h"

/* Opcodes: name, number of ref operands used, flags.
 *   d = destination register (ins->dst), a = arg[0], b = arg[1]           */
#define IR_OPS(X)                                                              \
	X(NOP, 0)                                                              \
	X(MOV, 1)     /* d = a  (a: REG, IMM, MAP = map fd/pointer,          \
			 SLOT = address of slot + off) */                      \
	X(ADD, 2)     /* d = a op b, 64-bit two's complement */               \
	X(SUB, 2)                                                              \
	X(MUL, 2)                                                              \
	X(UDIV, 2)    /* unsigned; x/0 = 0 (BPF semantics) */                  \
	X(SDIV, 2)    /* signed (isel expands for kernels without sdiv) */     \
	X(UMOD, 2)    /* x%0 = x */                                            \
	X(SMOD, 2)                                                             \
	X(AND, 2)                                                              \
	X(OR, 2)                                                               \
	X(XOR, 2)                                                              \
	X(SHL, 2)                                                              \
	X(LSHR, 2)                                                             \
	X(ASHR, 2)                                                             \
	X(NEG, 1)     /* d = -a */                                             \
	X(NOT, 1)     /* d = ~a */                                             \
	X(ZEXT, 1)    /* d = a zero-extended from `size` bytes (1, 2, 4) */   \
	X(SEXT, 1)    /* d = a sign-extended from `size` bytes (1, 2, 4) */   \
	X(SETCC, 2)   /* d = (a cc b) ? 1 : 0 */                               \
	X(LOAD, 1)    /* d = *(u<size>*)(a + off), zero-extended; a: REG      \
			 pointer (map value, ctx) or SLOT */                   \
	X(STORE, 2)   /* *(u<size>*)(a + off) = b ; a: REG/SLOT, b: REG/IMM */ \
	X(XADD, 2)    /* *(u<size>*)(a + off) += b atomically (size 4 or 8); \
			 a: REG pointer (a map value), b: REG/IMM */           \
	X(MEMZERO, 1) /* zero `size` bytes at a (+off); a: SLOT or REG */     \
	X(MEMCPY, 2)  /* copy `size` bytes from b to a (+off); a: SLOT/REG,   \
			 b: SLOT/REG pointer into the stack or a map value */  \
	X(CALL, 5)    /* d = helper `imm`(arg[0..nargs-1]); r1-r5 clobbered */ \
	X(CTX, 0)     /* d = the context pointer (r1 on entry); only as the    \
			 first instruction of the entry block */               \
	X(ARG, 0)     /* d = argument `imm` (0..4: r1..r5 on entry) of a       \
			 subprogram; only in the entry block before any call */\
	X(FRAME, 0)   /* d = this function's frame pointer (r10), for        \
			 subprograms' stack alias slots */                     \
	X(SCRATCHBASE, 0) /* d = this function's scratch base (scratch_reg), \
			 for a subprogram to use as its own */                 \
	X(USE, 1)     /* slot a is read (and may be written) here by a        \
			 subprogram the surrounding call runs; no code */       \
	X(BR, 2)      /* if (a cc b) goto t else goto f  — terminator */       \
	X(JMP, 0)     /* goto t                          — terminator */       \
	X(RET, 1)     /* return a                        — terminator */

enum ir_op {
#define X(op, n) IR_##op,
	IR_OPS(X)
#undef X
	IR__COUNT
};

/* Condition codes for SETCC and BR. */
enum ir_cc { CC_EQ, CC_NE, CC_ULT, CC_ULE, CC_UGT, CC_UGE,
	     CC_SLT, CC_SLE, CC_SGT, CC_SGE, CC_SET /* (a & b) != 0 */ };

enum ref_kind {
	REF_NONE,
	REF_REG,   /* virtual register `reg` */
	REF_IMM,   /* 64-bit constant `imm` */
	REF_SLOT,  /* address of slot `slot`, plus `off` bytes */
	REF_MAP,   /* map number `map` (index into tt_prog.maps): as an
		      operand it is the map pointer (ld_imm64 pseudo map fd) */
	REF_FUNC,  /* subprogram f->subs[func]: its address, as a MOV source
		      or a helper's callback argument (ld_imm64 pseudo func) */
	REF_MAPVAL,/* the address of the one value of map `map` (a 1-entry
		      array) plus `off`, as a MOV source (ld_imm64 src_reg
		      BPF_PSEUDO_MAP_VALUE): no lookup, never NULL */
	REF_KSYM,  /* the kernel variable whose vmlinux BTF id is `imm`
		      (ld_imm64 src_reg BPF_PSEUDO_BTF_ID), as a MOV source or
		      a helper argument: percpu_kaddr() */
};

struct ref {
	enum ref_kind kind;
	int32_t off;          /* REF_SLOT: byte offset inside the slot */
	union {
		int reg;
		int slot;
		int map;
		int func;
		int64_t imm;
	};
};

enum slot_space { SPACE_STACK, SPACE_SCRATCH };

/* Deepest subprogram nesting: the kernel allows 8 frames in a call chain
 * (MAX_CALL_FRAMES), and helper callbacks count as calls. */
#define IR_MAX_DEPTH 7

struct ir_slot {
	int size, align;
	enum slot_space space;
	const char *name;     /* for dumps: "$key", "key@m", "printf#0" */
	int offset;           /* set by stackalloc: SPACE_STACK: negative
				 offset from r10; SPACE_SCRATCH: offset from
				 the scratch base.  -1 before. */
	struct srcloc loc;    /* optional: construct that made it (stack
				 limit diagnostics); else the first insn
				 naming the slot is used */
	int up, target;       /* alias slot (subprograms): up > 0 — this is
				 slot `target` of the function `up` levels
				 up (never itself an alias); 0 otherwise */
};

struct ir_insn {
	enum ir_op op;
	enum ir_cc cc;        /* SETCC, BR */
	int size;             /* LOAD/STORE width 1,2,4,8; ZEXT/SEXT source
				 width; MEMZERO/MEMCPY byte count */
	int32_t off;          /* LOAD/STORE/MEMZERO/MEMCPY displacement
				 added to a */
	int dst;              /* destination register, -1 if none */
	int nargs;            /* CALL: number of helper arguments */
	int64_t imm;          /* CALL: helper id (enum bpf_func_id), or for
				 a kfunc its vmlinux BTF id */
	const char *kfunc;    /* CALL of a kernel function (kfunc, called
				 with BPF_PSEUDO_KFUNC_CALL): its name;
				 NULL: a helper */
	struct ref arg[5];
	int t, f;             /* BR: true/false successor block ids;
				 JMP: t */
	struct srcloc loc;    /* script construct this came from (-d asm) */
};

struct ir_block {
	int id;               /* index in func->blocks */
	struct ir_insn *insns;
	int ninsns, cap;
	/* filled by ir_cfg(): */
	int succ[2], nsucc;
	int *preds, npreds;
};

struct ir_func {
	const char *name;     /* "tracepoint:syscalls:sys_enter_openat" */
	struct ir_block **blocks; /* blocks[0] is the entry */
	int nblocks, cap_blocks;
	int nregs;
	const char **reg_names;   /* optional, per register, for dumps ("$x") */
	struct ir_slot *slots;
	int nslots, cap_slots;
	int scratch_reg;      /* register holding the scratch base, -1 none */
	int stack_size;       /* set by stackalloc: bytes of stack used */
	int scratch_size;     /* set by stackalloc: bytes of scratch used, from
				 offset 0 of the scratch map value; for a
				 program, including its subprograms' */
	/* subprograms */
	struct ir_func *parent;   /* the caller of a subprogram, else NULL */
	struct ir_func **subs;    /* subprograms, fn<i> = subs[i] */
	int nsubs, cap_subs;
	int frame_reg[IR_MAX_DEPTH + 1]; /* [k]: register holding the frame
				 pointer of the function k levels up, -1 */
	int scratch_base;     /* set by stackalloc: first scratch byte this
				 function's own slots may use */
	struct srcloc loc;    /* subprogram: the construct it came from (the
				 loop), for diagnostics */
};

/* ---- building (ir.c) ---- */
struct ir_func *ir_func_new(const char *name);
int ir_block_new(struct ir_func *f);                /* returns block id */
/* Frees block b's instructions (a block dropped from its function). */
void ir_block_release(struct ir_block *b);
/* Frees the instructions of f and its subprograms and leaves f without
 * blocks: its code is generated, and only its other fields (slots,
 * scratch_size...) are still read. */
void ir_release(struct ir_func *f);
int ir_reg_new(struct ir_func *f, const char *name /* may be NULL */);
int ir_slot_new(struct ir_func *f, int size, int align, enum slot_space sp,
		const char *name);
struct ir_insn *ir_append(struct ir_func *f, int block, enum ir_op op);
/* A new subprogram of parent (appended to parent->subs; its index there is
 * parent->nsubs - 1). */
struct ir_func *ir_sub_new(struct ir_func *parent, const char *name);
/* Nesting depth: 0 for a program, 1 for its subprograms, ... */
int ir_depth(const struct ir_func *f);
/* The function `up` levels above f (f itself for 0), or NULL. */
struct ir_func *ir_ancestor(const struct ir_func *f, int up);
/* An alias in f of slot `slot` of the function `up` levels up (an alias
 * of an alias resolves to the slot it names); same size and name. */
int ir_alias_slot_new(struct ir_func *f, int up, int slot);

static inline struct ref ref_reg(int r) { struct ref x = { .kind = REF_REG, .reg = r }; return x; }
static inline struct ref ref_imm(int64_t v) { struct ref x = { .kind = REF_IMM, .imm = v }; return x; }
static inline struct ref ref_slot(int s, int32_t off) { struct ref x = { .kind = REF_SLOT, .off = off, .slot = s }; return x; }
static inline struct ref ref_map(int m) { struct ref x = { .kind = REF_MAP, .map = m }; return x; }
static inline struct ref ref_func(int i) { struct ref x = { .kind = REF_FUNC, .func = i }; return x; }
static inline struct ref ref_mapval(int map, int32_t off) { struct ref x = { .kind = REF_MAPVAL, .off = off, .map = map }; return x; }
static inline struct ref ref_ksym(int64_t btf_id) { struct ref x = { .kind = REF_KSYM, .imm = btf_id }; return x; }

/* ---- analyses and checks (ir.c) ---- */
/* Fill succ/preds of every block from the terminators (subprograms
 * too). */
void ir_cfg(struct ir_func *f);
/* Structural check: every block ends in one terminator, targets exist,
 * operands fit the opcode, registers < nregs, slots < nslots, accesses
 * within slot bounds, subprograms and aliases well formed; subprograms
 * are checked too.  Prints problems to stderr; returns 0 or -1. */
int ir_check(const struct ir_func *f);
/* Text dump for `-d ir` and golden tests, e.g.
 *   func BEGIN
 *   slot s0 16 stack "printf#0"
 *   b0:
 *     %0 = ctx
 *     store8 s0+0, 1
 *     %1 = call ringbuf_output(map1, s0, 16, 0)
 *     ret 0
 * followed by each subprogram (parents first), whose first line says
 * whose it is, e.g.
 *   func BEGIN.loop0 in BEGIN
 *   slot s0 8 stack "$x" up 1 s3
 *   frame 1 %2
 */
void ir_dump(FILE *out, const struct ir_func *f);
/* The inverse of ir_dump (tests and golden files write IR as text);
 * NULL after printing the offending line on a syntax error. */
struct ir_func *ir_parse(const char *text);
const char *ir_op_name(enum ir_op op);
const char *ir_cc_name(enum ir_cc cc);
const char *ir_helper_name(int64_t id);  /* "map_lookup_elem", ... */
/* BR, JMP, RET end a block. */
bool ir_is_terminator(enum ir_op op);
/* Number of ref operands an instruction reads (CALL: nargs). */
int ir_insn_nrefs(const struct ir_insn *in);
/* Does the instruction write ins->dst?  (CALL with dst -1 does not.) */
bool ir_insn_has_dst(const struct ir_insn *in);
/* The condition that holds when `cc` does not, and the one that holds for
 * swapped operands (a cc b == b swap(cc) a).  CC_SET has no inverse
 * as a cc (returns -1) and is its own swap. */
int ir_cc_invert(enum ir_cc cc);
enum ir_cc ir_cc_swap(enum ir_cc cc);
/* Whether `a cc b` holds for 64-bit constants (constant folding in
 * ir_opt.c, constant branches in isel.c). */
bool ir_cc_eval(enum ir_cc cc, int64_t a, int64_t b);

/* ---- passes ---- */
/* Constant folding, dead instruction removal, empty-block/jump threading.
 * requires: ir_check() clean. keeps it clean. (ir_opt.c) */
void ir_optimize(struct ir_func *f);

#endif
