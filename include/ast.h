/* ast.h — the syntax tree the parser builds and sema annotates.
 *
 * One node struct for everything; each kind documents which fields it uses.
 * Children are owned by the arena.  sema fills node->type and node->sym
 * (what a name or field resolved to); later stages read them, never write
 * them, and never change the tree shape, except sema's desugaring noted
 * below. */
#ifndef AST_H
#define AST_H

#include "probes.h" /* struct ap_vec: a probe's attach points */
#include "tt.h"

struct type;
struct node;
struct sema_var;
struct sema_map;
struct sema_field;

struct node_vec { struct node **v; int n, cap; };

#define AST_KINDS(X)                                                           \
	/* ---- expressions ---- */                                            \
	X(INT)      /* ival (uint64 bits); is_neg_literal unused */            \
	X(STR)      /* str, slen (decoded bytes, no NUL terminator counted) */ \
	X(BOOL)     /* ival 0/1 (true/false) */                                \
	X(BUILTIN)  /* name: pid tid comm nsecs args retval cpu uid ...; the \
		       parser makes every bare identifier one (also macro  \
		       ident params, `_`, config values like perf): sema    \
		       decides */                                              \
	X(VAR)      /* name "$x" */                                            \
	X(MAP)      /* name "@x"/"@"; args = keys (0 = scalar map, 1 key,     \
		       >1 = implicit tuple key) */                              \
	X(POSPARAM) /* ival = N for $N */                                      \
	X(POSCOUNT) /* $# */                                                   \
	X(CALL)     /* name, args (count(), printf(...), str(x, n)) */         \
	X(BINOP)    /* op (lexer op: '+', OP_EQ, OP_LAND, ...), a, b */        \
	X(UNOP)     /* op ('-', '~', '!', '*' deref, '&' addr-of), a */        \
	X(INCDEC)   /* op OP_INC/OP_DEC, is_post, a (var, map, field) */       \
	X(TERNARY)  /* a ? b : c ; b == NULL for a ?: c (elvis) */             \
	X(FIELD)    /* a.name, also a->name (is_arrow) and args.x; tuple    \
		       access $t.0 has name "0" */                             \
	X(INDEX)    /* a[b] */                                                 \
	X(CAST)     /* (ctype)a ; ctype = parsed type name */                  \
	X(TUPLE)    /* (x, y, ...) : args */                                   \
	X(RECORD)   /* (a=1, b="x") : args are ASSIGN-like NAMED nodes */      \
	X(NAMED)    /* name = a (record element) */                            \
	X(SIZEOF)   /* sizeof(a) or sizeof(ctype) */                           \
	X(OFFSETOF) /* offsetof(ctype or a, path): name = field path "a.b" */ \
	X(TYPEID)   /* a type used as an expression: typeof(x) or         \
		       typeof(struct foo) as a call/macro argument : ctype */ \
	X(MAPDECL_REF) /* unused placeholder */                                \
	/* ---- statements ---- */                                             \
	X(EXPR_STMT) /* a */                                                   \
	X(ASSIGN)   /* a = b; op = '=' or compound op (OP_ADD_ASSIGN...); a is \
		       VAR, MAP or FIELD/INDEX lvalue */                       \
	X(LET)      /* let $x [: ctype] [= b]; name, ctype, b */               \
	X(MAPDECL)  /* let @m = hash(N); name, str = kind ("hash",          \
		       "lruhash", "percpuhash", "percpulruhash"), ival = N */  \
	X(IF)       /* if (a) b else c ; b, c are BLOCKs (c may be an IF) */   \
	X(WHILE)    /* while (a) b */                                          \
	X(UNROLL)   /* unroll(a) b */                                          \
	X(FOR_MAP)  /* for ($kv : @m) b ; name = "$kv", a = MAP node (any    \
		       expression as parsed; sema checks it is a map) */      \
	X(FOR_RANGE) /* for ($i : a..c) b ; name = "$i" */                     \
	X(BREAK)                                                               \
	X(CONTINUE)                                                            \
	X(RETURN)   /* a may be NULL */                                        \
	X(BLOCK)    /* args = statements; a = value when used as an        \
		       expression ({ stmts; expr }) or as a macro body */      \
	/* ---- top level ---- */                                              \
	X(PROBE)    /* aps = attach points, a = predicate or NULL, b = BLOCK */ \
	X(CONFIG)   /* args = NAMED (name = value expr) */                     \
	X(MACRO)    /* name, args = params (VAR $a, MAP @b, BUILTIN c), b =  \
		       BLOCK whose a is the value expression, if any */        \
	X(CDEFN)    /* C struct/union/enum/typedef definition: str = raw    \
		       text; also a `#include`/`#define` line (str starts    \
		       with '#'); ctype = resulting type after sema */         \
	X(IMPORT)   /* str = path */                                           \
	X(PROGRAM)  /* args = top-level items in order */

enum node_kind {
#define X(k) N_##k,
	AST_KINDS(X)
#undef X
	N__COUNT
};

/* A C type name as written in a script: "int", "uint16", "struct task_struct *",
 * "char[16]".  sema resolves it into a struct type. */
struct ctype {
	const char *text;   /* normalised spelling, e.g. "struct foo *";
			       "typeof" for typeof(expr) */
	struct node *expr;  /* typeof(expr): the expression (typeof(type) is
			       just that type, expr NULL) */
	struct srcloc loc;
};

/* What sema resolved a node to (sema.h defines the records).  The kind
 * says which member is set. */
enum sym_kind {
	SYM_NONE,
	SYM_VAR,      /* VAR, LET, FOR_MAP, FOR_RANGE: the scratch variable */
	SYM_MAP,      /* MAP: the script map */
	SYM_FIELD,    /* FIELD of a struct (through a pointer or not), tuple or
			 record: where the field is */
	SYM_CONSTANT, /* BUILTIN naming an enumerator or a script #define: an
			 int64 whose value is the node's ival (no member) */
};

struct sym {
	enum sym_kind kind;
	union {
		struct sema_var *var;
		struct sema_map *map;
		const struct sema_field *field;
	};
};

struct node {
	enum node_kind kind;
	struct srcloc loc;
	int op;
	bool is_post;        /* INCDEC */
	bool is_arrow;       /* FIELD written with -> */
	bool discarded;      /* CALL: an expression statement, value unused */
	const char *name;
	uint64_t ival;
	const char *str;
	size_t slen;
	struct node *a, *b, *c;
	struct node_vec args;
	struct ctype *ctype;
	/* PROBE */
	struct ap_vec aps;
	/* filled by sema */
	struct type *type;
	struct sym sym;
	int id;              /* free for later stages (e.g. probe index) */
};

struct node *ast_new(enum node_kind k, const struct srcloc *loc);
const char *ast_kind_name(enum node_kind k);
/* Nodes in the tree under n, n included (-v: "AST node count: N"). */
int ast_count(const struct node *n);
/* Indented tree dump for `-d ast` and tests, e.g.
 *   Program
 *    Probe BEGIN
 *     Block
 *      Call printf
 *       Str "hello %d\n"
 *       Binop +
 *        Int 1
 *        Int 2
 * One node per line, one space of indent per level, children in field
 * order (args, then a, b, c).  Lines: `Int 42`, `Str "a\n"`, `Bool true`,
 * `Builtin pid`, `Var $x`, `Map @m` (keys below), `PosParam $1`,
 * `PosCount $#`, `Call f`, `Binop ==`, `Unop -`, `IncDec ++ post`,
 * `Ternary` / `Ternary ?:` (elvis), `Field .f` / `Field ->f`, `Index`,
 * `Cast (struct foo *)`, `Tuple`, `Record`, `Named a`, `Sizeof [type]`,
 * `Offsetof [type] a.b`, `TypeId T`, `Assign +=`, `Let $x [: T]`,
 * `MapDecl @m hash 100`, `If`, `While`, `Unroll`, `For $kv`,
 * `For $i range` (start, end, body), `Break`, `Continue`, `Return`,
 * `Block`, `Probe ap1, ap2`, `Config`, `Macro m($a, @b, c)`, `CDefn "..."`,
 * `Import "..."`.  Labelled sub-trees: `Predicate` (probe), `Else` (if),
 * `Value` (a block's value expression), `Typeof` (a ctype's expr).  An
 * EXPR_STMT is shown as its expression alone (unless typed).
 * When types are known (after sema) each line of a node with a type ends
 * with " :: <type>" (type_name()).  */
void ast_dump(FILE *out, const struct node *n, bool with_types);

#endif
