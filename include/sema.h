/* sema.h — names, types, builtins and functions; every error reported with
 * its location before giving up.
 *
 * Takes the parsed program, macros expanded (macro.h); annotates every
 * expression node with ->type, every VAR/MAP/FIELD node with ->sym (the
 * records below: struct sym, ast.h); parses and expands attach points;
 * reads tracepoint formats; collects the script's maps with their key and
 * value types, numbered and laid out.  Returns 0, or -1 after reporting
 * every error it found.
 *
 * Type rules (bpftrace's):
 *  - integer literals take the smallest signed type that holds them (1 is
 *    int8, 1000 int16, -1 int8); above INT64_MAX uint64.  String literals
 *    are string[len+1]; true/false bool.
 *  - arithmetic and bitwise operators give a 64-bit result: uint64 when
 *    both operands are unsigned, else int64.  Comparisons and && || ! give
 *    bool; a comparison is unsigned when both operands are unsigned or one
 *    is uint64, else signed.  Strings compare with == and != only.
 *  - a scratch variable or map takes the smallest type that holds every
 *    value assigned to it: integers widen (int8 then uint32 -> int64;
 *    anything with uint64 -> uint64), strings grow to the longest, tuples
 *    element-wise; other kinds must match exactly.  Sema walks the program
 *    silently until these types stop changing, then once more reporting
 *    errors, so every node sees the final types.
 *  - map values of integer type are stored as 8 bytes (int64/uint64); map
 *    keys keep their type (one key: its type; several: a tuple).
 *  - scratch variables are block-scoped: a variable first assigned (or
 *    declared with let) in a block is visible until the block ends.
 *  - `args` (tracepoints) is the format file's struct (probes.h); when a
 *    probe has several attach points the body is typed with the first.
 *  - str(x) is string[cfg.max_strlen]; comm string[16].
 *  - count/sum/min/max/avg/stats must be assigned directly to a map; the
 *    map's value is then TY_AGG and the map a per-CPU hash. */
#ifndef SEMA_H
#define SEMA_H

#include "ast.h"
#include "prog.h"
#include "probes.h"

struct type;

/* Sema's records, which nodes point to (node->sym, ast.h) and later
 * stages read without writing. */

struct sema_var {               /* one scratch variable ($x) in one scope */
	const char *name;
	struct type *type;
	struct srcloc decl;
	bool typed;                 /* let $x: T — the type never widens */
	bool let_decl;              /* declared by let */
	bool addr_taken;            /* &$x is used: it lives in memory (a
				       slot) for the whole probe, even when
				       it is a scalar */
	bool assigned;              /* a value was assigned (so far, in
				       the walk in progress) */
	struct type *locked;        /* the type an `if comptime` decided on
				       (typeinfo, sizeof): it may not grow */
};

struct sema_map {               /* one script map (@x) */
	const char *name;
	struct type *key;           /* NULL: scalar map (no key) */
	struct type *value;
	int nkeys;
	int max_entries;            /* 0 = default */
	uint32_t bpf_type;          /* BPF_MAP_TYPE_HASH, PERCPU_HASH, LRU... */
	struct srcloc loc;          /* first use */
	int id;                     /* index in tt_prog.maps: the maps that
				       hold a value, in this order; -1 for
				       one declared and never used */
	struct map_layout layout;   /* (id >= 0) its key and value in BPF
				       memory */
	bool declared;              /* let @m = hash(N) */
	bool key_known;             /* key shape seen (scalar or keyed) */
	bool had_error;             /* an assignment failed: no "Undefined" */
	struct type *locked;        /* value type an `if comptime` decided
				       on (typeinfo, sizeof): may not grow */
};

/* A field access resolved (N_FIELD on a struct, a pointer to one, a tuple
 * or a record; not args.x of a tracepoint, whose place differs from one
 * attach point to the next): where the field is, so no later stage looks
 * it up by name again. */
struct sema_field {
	const struct field *f;      /* its type (f->type->size bytes) and
				       bitfield position */
	int offset;                 /* bytes from the start of the struct,
				       tuple or record read from (through
				       anonymous members) */
};

static inline struct sema_var *sema_var_of(const struct node *n)
{
	return n && n->sym.kind == SYM_VAR ? n->sym.var : NULL;
}

static inline struct sema_map *sema_map_of(const struct node *n)
{
	return n && n->sym.kind == SYM_MAP ? n->sym.map : NULL;
}

static inline const struct sema_field *sema_field_of(const struct node *n)
{
	return n && n->sym.kind == SYM_FIELD ? n->sym.field : NULL;
}

/* One BPF program to generate: a probe body for one concrete attach point
 * (wildcards expanded). */
struct sema_probe {
	struct node *probe;         /* N_PROBE */
	struct attach_point *ap;    /* concrete */
	int index;                  /* script order */
};

/* A named option of the script: getopt(name[, default[, description]])
 * (sema_options.c). */
enum sema_opt_kind { OPT_BOOL, OPT_INT, OPT_STR };
struct sema_option {
	const char *name;
	enum sema_opt_kind kind;
	const char *dflt;           /* the default as text */
	const char *desc;           /* NULL: none given */
	struct srcloc loc;          /* the first getopt() of it */
};

struct sema_result {
	VEC(struct sema_map *) maps;
	VEC(struct sema_probe) probes;
	VEC(struct sema_option) options;
	bool needs_btf;
};

int sema_run(struct node *program, const struct tt_config *cfg,
	     struct sema_result *res);

/* After sema_run: `-- --help` among the named parameters prints the
 * script's options to help and returns 1; a named parameter no getopt()
 * reads is an error (-1); else 0.  sema_options.c. */
int sema_options_check(const struct sema_result *r,
		       const struct tt_config *c, FILE *help);

/* ---- for the builtins' typing half (builtins_type.c) -----------------
 * A builtin's typing hook calls these. */
struct sema;
/* Types an expression (and its children); returns its type (TY_NONE after
 * an error). */
struct type *sema_expr(struct sema *s, struct node *n);
/* The kind of a type as bpftrace names it in messages: "int", "string",
 * "pointer", "tuple", "record", ... (type_name() for the others). */
const char *sema_kind_name(const struct type *t);
/* Reports an error at loc (silent during the fixpoint walks). */
void sema_err(struct sema *s, const struct srcloc *loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Reports a warning at loc (loud walk only; --no-warnings hides it). */
void sema_warn(struct sema *s, const struct srcloc *loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
const struct tt_config *sema_cfg(struct sema *s);
/* getopt(name[, default[, description]]): the typing hook, which turns
 * the call into the literal of the option's value (sema_options.c). */
struct type *sema_getopt(struct sema *s, struct node *n);
/* is_array, is_integer, is_literal, is_ptr, is_str,
 * is_unsigned_integer, static_assert, has_cpid, default_str_length,
 * strcap: typing hook that folds the call into its value
 * (sema_comptime.c). */
struct type *sema_comptime(struct sema *s, struct node *n);
/* config without a field: an error (sema_options.c) */
struct type *sema_config(struct sema *s, struct node *n);
/* Whether the node being typed is in an if branch that a literal (or
 * positional parameter) condition never takes: fail() there is not
 * visited, nor is a kfunc a probe type may not call an error. */
bool sema_dead_branch(struct sema *s);
/* The attach point the current probe body is typed for (NULL outside). */
struct attach_point *sema_ap(struct sema *s);
/* Is n the expression a field is being read from (args in args.x)? */
bool sema_is_field_base(struct sema *s, const struct node *n);
/* The longest probes_ap_name() of the attach points the current probe
 * body runs for (wildcards expand to many). */
int sema_probe_name_max(struct sema *s);
/* True while typing the right-hand side of `@m[...] = f(...)`. */
bool sema_direct_map_assign(struct sema *s);
/* Types a MAP node used as a whole map (print(@m), clear(@m)): no key
 * check; "Undefined map" if nothing assigns it. */
struct type *sema_map_ref(struct sema *s, struct node *n);
/* Types N_ASSIGN n as the statement it is, in the current scope (a
 * variable it assigns first is declared there). */
void sema_assign(struct sema *s, struct node *n);
/* Integer promotion used for variables, maps and ?: branches; NULL when
 * the two types cannot hold each other's values. */
struct type *sema_promote(struct type *a, struct type *b);
/* Smallest signed type holding v (uint64 when v > INT64_MAX). */
struct type *sema_int_literal_type(uint64_t v, bool negative);
/* Checks printf-style arguments (args[first..]) against the format string
 * fmt; what names the function in messages ("printf"). 0 or -1. */
int sema_check_format(struct sema *s, struct node *call, const char *what,
		      int first);

#endif
