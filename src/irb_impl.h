/* irb_impl.h — the IR builder's state (struct irb), for irb.c and the
 * AST walker that drives it (ir_build.c) only; every other lowering uses
 * irb.h's functions. */
#ifndef IRB_IMPL_H
#define IRB_IMPL_H

#include "irb.h"
#include "types.h"

struct var_home {               /* where a variable lives in this function */
	struct sema_var *var;
	int reg;                    /* scalar: register */
	int slot;                   /* aggregate: slot */
};

/* A map update's "Map full" check in a probe's body (irb_map_err): the
 * block ending in its branch on err, and where both ways meet.  With two
 * or more, build_probe ORs each err into one register instead and adds
 * that to the counter once, on the probe's way out. */
struct map_err_site {
	int block, ok;
	struct ref err;
};

struct irb {
	struct tt_prog *prog;
	struct sema_result *sr;
	struct sema_probe *sp;
	struct ir_func *f;
	int cur;                    /* current block */
	int entry, body;
	int ctx_reg;
	int exit_block;             /* the probe's one way out (build_probe) */
	int lost;                   /* register counting lost records, -1 */
	int ret_val;                /* a test: probe's `return N` value, -1 */
	int map_err;                /* this probe's "Map full" counter (its
				       index in the "mapfull" array), -1 */
	int nwarn;                  /* "Map full" counters so far */
	struct srcloc map_err_loc;  /* the first map update */
	VEC(struct map_err_site) map_err_sites; /* this probe's updates' checks */
	bool map_err_set;           /* map_err_loc is set */
	bool uses_scratch;
	int exit_map;               /* the "exit" map when a probe calls
				       exit(), else -1 (build_probe) */
	int errors;
	VEC(struct var_home) vars;
	VEC(int) brk, cont;         /* loop targets */
	struct irb_sub *sub;        /* the subprogram being built, or NULL */
	struct want {               /* where the value of `node` should go */
		struct node *node;
		struct ref r;
		struct type *t;
		bool output;        /* into a ring buffer record: printed
				       only, its bytes after a string's NUL
				       never matter */
	} want;
};

/* Where v lives in the current function (made on first use). */
struct var_home *irb_var_home(struct irb *b, struct sema_var *v);

/* r + off for a slot reference (other refs unchanged). */
static inline struct ref ref_add(struct ref r, int off)
{
	if (r.kind == REF_SLOT)
		r.off += off;
	return r;
}

static inline bool irb_is_scalar(const struct type *t)
{
	return t->kind == TY_INT || t->kind == TY_BOOL || t->kind == TY_PTR;
}

#endif
