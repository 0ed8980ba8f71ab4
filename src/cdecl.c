/* cdecl.c — a small C declaration parser for the definitions at the top
 * of a script, and for type names in casts (cdecl.h).
 *
 * Takes definition text (one N_CDEFN node at a time) and type-name text;
 * produces struct type values.  Two steps, so that a definition may name a
 * type defined later and so that kernel BTF is consulted only when a
 * definition really needs it:
 *   1. cdecl_parse_defs: tokenize and parse into written types (struct
 *      cty: a base, typedef name or tag, wrapped in pointers/arrays) and
 *      register tags, typedefs, enumerators and #defines;
 *   2. resolution and layout (cdecl_finish, or on demand from a lookup):
 *      written types -> struct type, C layout of each struct.
 * Everything lives in the compile-time arena; the tables are reset by
 * cdecl_reset(). */
#include "cdecl.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "arch.h"
#include "btf.h"
#include "cheaders.h"
#include "dwarf.h"

/* ---- written types ---------------------------------------------------- */

enum cty_kind { CT_BASE, CT_NAME, CT_TAG, CT_PTR, CT_ARRAY, CT_FUNC };

struct ctag;

struct cty {
	enum cty_kind k;
	struct cty *inner;      /* PTR, ARRAY */
	int n;                  /* ARRAY: elements ([] = 0) */
	struct type *base;      /* BASE */
	bool is_char;           /* BASE: plain `char` (arrays -> strings) */
	const char *name;       /* NAME */
	struct ctag *tag;       /* TAG */
	struct srcloc loc;      /* where the type is written */
};

struct cmember {
	const char *name;       /* NULL: anonymous struct/union member */
	struct cty *ty;
	int bits;               /* bitfield width; -1: not a bitfield */
	int align;              /* __attribute__((aligned(N))); 0: none */
	struct srcloc loc;
};

enum { TAG_STRUCT, TAG_UNION, TAG_ENUM };
enum { L_NONE, L_BUSY, L_DONE, L_ERROR };

struct ctag {
	int kind;
	const char *name;       /* NULL: anonymous */
	struct type *type;      /* the struct/enum object, filled in place */
	bool has_body;
	VEC(struct cmember) members;
	bool packed;
	int align;              /* aligned(N) on the struct */
	int state;              /* layout: L_* */
	struct srcloc loc;
};

struct ctypedef {
	const char *name;
	struct cty *ty;
	bool busy;
	struct srcloc loc;
};

struct cconst {
	const char *name;
	int64_t value;
	struct type *type;
	bool is_macro;          /* from #define (else an enumerator) */
};

struct cmacro {
	const char *name;
	const char *body;
};

/* #if nesting: the state of each open conditional */
enum { IF_TAKING, IF_WAITING, IF_DONE };
#define MAX_IF_DEPTH 64

static struct {
	VEC(struct ctag *) tags;
	VEC(struct ctypedef *) typedefs;
	VEC(struct cconst) consts;
	VEC(struct cmacro) macros;
	int cond[MAX_IF_DEPTH];
	struct srcloc cond_loc[MAX_IF_DEPTH];
	int ncond;
	int errors;
	int btf_conflict;       /* -1 not known yet, 0 no, 1 yes */
	const char *conflict_name;
	bool quiet;             /* lookups: resolve without reporting */
	VEC(const char *) once; /* real paths of #pragma once headers */
	int incl_depth;         /* headers being read */
	VEC(const struct source *) headers; /* the header files read */
	const struct srcloc *at; /* report here instead (type names) */
} C = { .btf_conflict = -1 };

static void cerror(const struct srcloc *loc, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void cerror(const struct srcloc *loc, const char *fmt, ...)
{
	C.errors++;
	if (C.quiet)
		return;
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (C.at || !loc || !loc->src) {
		diag_error(C.at ? C.at : loc, "%s", buf);
		return;
	}
	/* a C definition: as clang words it for bpftrace, in the header or
	   in bpftrace's definitions.h (the script's lines one lower) */
	bool header = false;
	for (int i = 0; i < C.headers.n; i++)
		header |= C.headers.v[i] == loc->src;
	diag_c_error(header ? loc->src->name : "definitions.h",
		     loc->line + !header, loc->col, loc, "%s", buf);
}

void cdecl_reset(void)
{
	for (int i = 0; i < C.tags.n; i++) {
		vec_free(&C.tags.v[i]->members);
		free(C.tags.v[i]);
	}
	vec_free(&C.tags);
	vec_free(&C.typedefs);
	vec_free(&C.consts);
	vec_free(&C.macros);
	vec_free(&C.once);
	memset(&C, 0, sizeof(C));
	C.btf_conflict = -1;
}

/* ---- tables ----------------------------------------------------------- */

static const char *const tag_kw[] = { "struct", "union", "enum" };

static struct ctag *tag_find(const char *name)
{
	for (int i = 0; i < C.tags.n; i++)
		if (C.tags.v[i]->name && !strcmp(C.tags.v[i]->name, name))
			return C.tags.v[i];
	return NULL;
}

static struct ctag *tag_new(int kind, const char *name,
			    const struct srcloc *loc)
{
	/* on the heap, not the arena: cdecl_reset() frees the tags of the
	   previous compilation after its arena is gone */
	struct ctag *t = xcalloc(1, sizeof(*t));
	t->kind = kind;
	t->name = name;
	t->loc = *loc;
	if (kind == TAG_ENUM) {
		t->type = type_new(TY_INT, 4, 4);
		t->type->name = name;
	} else {
		t->type = type_struct(name, kind == TAG_UNION);
	}
	vec_push(&C.tags, t);
	return t;
}

static struct ctypedef *typedef_find(const char *name)
{
	for (int i = 0; i < C.typedefs.n; i++)
		if (!strcmp(C.typedefs.v[i]->name, name))
			return C.typedefs.v[i];
	return NULL;
}

static struct cconst *const_find(const char *name)
{
	for (int i = 0; i < C.consts.n; i++)
		if (!strcmp(C.consts.v[i].name, name))
			return &C.consts.v[i];
	return NULL;
}

static struct cmacro *macro_find(const char *name)
{
	for (int i = 0; i < C.macros.n; i++)
		if (!strcmp(C.macros.v[i].name, name))
			return &C.macros.v[i];
	return NULL;
}

/* Names that need no definition: bpftrace's, the kernel's and C's
 * fixed-width ones, and a few standard typedefs with one meaning on 64-bit
 * Linux. */
static struct type *builtin_type(const char *name)
{
	static const struct { const char *name; int size; bool sign; } t[] = {
		{ "int8", 1, true },     { "uint8", 1, false },
		{ "int16", 2, true },    { "uint16", 2, false },
		{ "int32", 4, true },    { "uint32", 4, false },
		{ "int64", 8, true },    { "uint64", 8, false },
		{ "s8", 1, true },       { "u8", 1, false },
		{ "s16", 2, true },      { "u16", 2, false },
		{ "s32", 4, true },      { "u32", 4, false },
		{ "s64", 8, true },      { "u64", 8, false },
		{ "__s8", 1, true },     { "__u8", 1, false },
		{ "__s16", 2, true },    { "__u16", 2, false },
		{ "__s32", 4, true },    { "__u32", 4, false },
		{ "__s64", 8, true },    { "__u64", 8, false },
		{ "int8_t", 1, true },   { "uint8_t", 1, false },
		{ "int16_t", 2, true },  { "uint16_t", 2, false },
		{ "int32_t", 4, true },  { "uint32_t", 4, false },
		{ "int64_t", 8, true },  { "uint64_t", 8, false },
		{ "__int8_t", 1, true }, { "__uint8_t", 1, false },
		{ "__int16_t", 2, true }, { "__uint16_t", 2, false },
		{ "__int32_t", 4, true }, { "__uint32_t", 4, false },
		{ "__int64_t", 8, true }, { "__uint64_t", 8, false },
		{ "__be16", 2, false },  { "__le16", 2, false },
		{ "__be32", 4, false },  { "__le32", 4, false },
		{ "__be64", 8, false },  { "__le64", 8, false },
		{ "size_t", 8, false },  { "ssize_t", 8, true },
		{ "uintptr_t", 8, false }, { "intptr_t", 8, true },
		{ "ptrdiff_t", 8, true }, { "off_t", 8, true },
		{ "loff_t", 8, true },   { "pid_t", 4, true },
		{ "uid_t", 4, false },   { "gid_t", 4, false },
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++)
		if (!strcmp(t[i].name, name))
			return type_int(t[i].size, t[i].sign);
	if (!strcmp(name, "bool") || !strcmp(name, "_Bool"))
		return type_bool();
	return NULL;
}

/* ---- tokens ------------------------------------------------------------ */

enum { K_EOF, K_IDENT, K_NUM, K_STR, K_PUNCT };

struct ctok {
	int k;
	const char *s;          /* start in the text */
	int len;
	uint64_t num;           /* K_NUM (also character constants) */
	int line;               /* 0-based line within the text */
	int col;                /* 1-based column within that line */
};

struct cp {
	const char *text;
	const struct srcloc *base;
	VEC(struct ctok) t;
	int i;
	bool err;
	bool pp;                /* #if expression: defined(), unknown = 0 */
	bool pp_text;           /* the text is one preprocessor line */
	int depth;              /* recursion, bounded by MAX_DEPTH */
};

#define MAX_DEPTH 200

static struct srcloc loc_of(const struct cp *P, const struct ctok *t)
{
	struct srcloc l = { 0 };
	if (!P->base || !P->base->src)
		return l;
	l.src = P->base->src;
	l.line = P->base->line + t->line;
	l.col = t->line ? t->col : P->base->col + t->col - 1;
	l.len = t->len > 0 ? t->len : 1;
	return l;
}

static const char *const puncts[] = {
	"...", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "->", "##",
};

/* A number at p (C's bases and suffixes): t->num and t->k (K_PUNCT when
 * malformed, for a syntax error); returns the end. */
static const char *lex_number(const char *p, struct ctok *t)
{
	char *end;
	t->num = strtoull(p, &end, 0);
	p = end;
	while (*p == 'u' || *p == 'U' || *p == 'l' || *p == 'L')
		p++;
	if (isalnum((unsigned char)*p) || *p == '_' || *p == '.') {
		while (isalnum((unsigned char)*p) || *p == '_' ||
		       *p == '.')
			p++;
		t->k = K_PUNCT; /* malformed: a syntax error */
	} else {
		t->k = K_NUM;
	}
	return p;
}

/* A character constant after its opening quote at p, escapes included:
 * a K_NUM in *t; returns the end. */
static const char *lex_char(const char *p, struct ctok *t)
{
	uint64_t v = 0;
	if (*p == '\\') {
		p++;
		static const char esc[] = "n\nt\tr\r0\0\\\\''\"\"a\ab\bf\fv\v";
		const char *e = NULL;
		for (int i = 0; esc[i * 2]; i++)
			if (esc[i * 2] == *p)
				e = &esc[i * 2 + 1];
		if (*p == 'x') {
			v = strtoull(p + 1, (char **)&p, 16);
		} else if (*p >= '0' && *p <= '7') {
			v = strtoull(p, (char **)&p, 8);
		} else {
			v = e ? (unsigned char)*e
			      : (unsigned char)*p;
			if (*p)
				p++;
		}
	} else if (*p) {
		v = (unsigned char)*p++;
	}
	if (*p == '\'')
		p++;
	t->k = K_NUM;
	t->num = v;
	return p;
}

/* Splits text into tokens; comments, whitespace and backslash-newlines
 * go; a '#' line inside a definition is skipped. */
static void tokenize(struct cp *P)
{
	const char *p = P->text;
	int line = 0;
	const char *bol = p;
	for (;;) {
		if (*p == '\n') {
			line++;
			bol = ++p;
			continue;
		}
		if (*p == '\\' && p[1] == '\n') {
			p += 2;
			line++;
			bol = p;
			continue;
		}
		if (isspace((unsigned char)*p)) {
			p++;
			continue;
		}
		if (p[0] == '/' && p[1] == '/') {
			while (*p && *p != '\n')
				p++;
			continue;
		}
		if (p[0] == '/' && p[1] == '*') {
			p += 2;
			while (*p && !(p[0] == '*' && p[1] == '/')) {
				if (*p == '\n') {
					line++;
					bol = p + 1;
				}
				p++;
			}
			if (*p)
				p += 2;
			continue;
		}
		struct ctok t = { .s = p, .line = line,
				  .col = (int)(p - bol) + 1 };
		if (!*p) {
			t.k = K_EOF;
			vec_push(&P->t, t);
			return;
		}
		if (isalpha((unsigned char)*p) || *p == '_') {
			while (isalnum((unsigned char)*p) || *p == '_')
				p++;
			t.k = K_IDENT;
		} else if (isdigit((unsigned char)*p)) {
			p = lex_number(p, &t);
		} else if (*p == '\'') {
			p = lex_char(p + 1, &t);
		} else if (*p == '"') {
			p++;
			while (*p && *p != '"' && *p != '\n') {
				if (*p == '\\' && p[1])
					p++;
				p++;
			}
			if (*p == '"')
				p++;
			t.k = K_STR;
		} else {
			t.k = K_PUNCT;
			p++;
			for (size_t i = 0; i < ARRAY_SIZE(puncts); i++) {
				size_t n = strlen(puncts[i]);
				if (!strncmp(t.s, puncts[i], n)) {
					p = t.s + n;
					break;
				}
			}
			const char *q = bol;
			while (q < t.s && (*q == ' ' || *q == '\t'))
				q++;
			if (*t.s == '#' && !P->pp_text && q == t.s) {
				/* a preprocessor line inside a definition */
				while (*p && *p != '\n')
					p++;
				continue;
			}
		}
		t.len = (int)(p - t.s);
		vec_push(&P->t, t);
	}
}

static struct ctok *peek(struct cp *P, int k)
{
	int i = P->i + k;
	return &P->t.v[i < P->t.n ? i : P->t.n - 1];
}

static struct ctok *next(struct cp *P)
{
	struct ctok *t = peek(P, 0);
	if (t->k != K_EOF)
		P->i++;
	return t;
}

static bool tok_is(const struct ctok *t, const char *s)
{
	return (t->k == K_PUNCT || t->k == K_IDENT) &&
	       (int)strlen(s) == t->len && !strncmp(t->s, s, t->len);
}

static bool is_p(struct cp *P, const char *s)
{
	return tok_is(peek(P, 0), s);
}

static bool accept(struct cp *P, const char *s)
{
	if (!is_p(P, s))
		return false;
	next(P);
	return true;
}

static const char *tok_str(const struct ctok *t)
{
	return tt_strndup(t->s, t->len);
}

static void syntax_error(struct cp *P, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Reports at the next token, once per text. */
static void syntax_error(struct cp *P, const char *fmt, ...)
{
	if (P->err)
		return;
	P->err = true;
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	struct srcloc l = loc_of(P, peek(P, 0));
	cerror(&l, "%s", buf);
}

static bool expect(struct cp *P, const char *s)
{
	if (accept(P, s))
		return true;
	syntax_error(P, "expected '%s'", s);
	return false;
}

/* Recursion guard: a definition nested deeper than MAX_DEPTH is an error,
 * not a stack overflow.  Each recursive parser function below has a
 * wrapper that counts. */
static bool enter(struct cp *P)
{
	if (P->depth >= MAX_DEPTH) {
		syntax_error(P, "C definition nested too deeply (limit is %d "
				"levels)", MAX_DEPTH);
		return false;
	}
	P->depth++;
	return true;
}

static int64_t cprimary_(struct cp *P);
static int64_t cexpr_(struct cp *P);

static int64_t cprimary(struct cp *P)
{
	if (!enter(P))
		return 0;
	int64_t v = cprimary_(P);
	P->depth--;
	return v;
}

static int64_t cexpr(struct cp *P)
{
	if (!enter(P))
		return 0;
	int64_t v = cexpr_(P);
	P->depth--;
	return v;
}

/* ---- constant expressions ---------------------------------------------- */

static struct cty *type_name_(struct cp *P);
static struct type *resolve_top(struct cty *c, bool in_def);

/* primary := NUM | IDENT | '(' cexpr ')' | unop primary
 *          | 'defined' ( IDENT | '(' IDENT ')' )   (#if only)
 *          | 'sizeof' '(' type ')' */
static int64_t cprimary_(struct cp *P)
{
	struct ctok *t = peek(P, 0);
	if (t->k == K_NUM) {
		next(P);
		return (int64_t)t->num;
	}
	if (accept(P, "(")) {
		int64_t v = cexpr(P);
		expect(P, ")");
		return v;
	}
	if (accept(P, "-"))
		return -(uint64_t)cprimary(P);
	if (accept(P, "+"))
		return cprimary(P);
	if (accept(P, "~"))
		return ~cprimary(P);
	if (accept(P, "!"))
		return !cprimary(P);
	if (t->k == K_IDENT) {
		next(P);
		const char *name = tok_str(t);
		if (P->pp && !strcmp(name, "defined")) {
			bool paren = accept(P, "(");
			struct ctok *n = next(P);
			if (n->k != K_IDENT)
				syntax_error(P, "macro name must be an "
						"identifier");
			if (paren)
				expect(P, ")");
			return macro_find(tok_str(n)) != NULL;
		}
		if (!strcmp(name, "sizeof") && accept(P, "(")) {
			struct cty *c = type_name_(P);
			expect(P, ")");
			if (!c || P->err)
				return 0;
			struct type *ty = resolve_top(c, true);
			return ty ? ty->size : 0;
		}
		struct cconst *k = const_find(name);
		if (k)
			return k->value;
		if (P->pp)
			return 0; /* unknown identifiers are 0 in #if */
		struct srcloc l = loc_of(P, t);
		cerror(&l, "use of undeclared identifier '%s'", name);
		P->err = true;
		return 0;
	}
	syntax_error(P, "expected expression");
	return 0;
}

static int prec_of(const struct ctok *t)
{
	static const struct { const char *op; int prec; } ops[] = {
		{ "*", 10 }, { "/", 10 }, { "%", 10 }, { "+", 9 }, { "-", 9 },
		{ "<<", 8 }, { ">>", 8 }, { "<", 7 }, { ">", 7 }, { "<=", 7 },
		{ ">=", 7 }, { "==", 6 }, { "!=", 6 }, { "&", 5 }, { "^", 4 },
		{ "|", 3 }, { "&&", 2 }, { "||", 1 },
	};
	if (t->k != K_PUNCT)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(ops); i++)
		if (tok_is(t, ops[i].op))
			return ops[i].prec;
	return 0;
}

static int64_t binop(struct cp *P, const struct ctok *op, int64_t a,
		     int64_t b)
{
	switch (op->s[0]) {
	case '*': return (int64_t)((uint64_t)a * (uint64_t)b);
	case '/':
	case '%':
		if (b == 0) {
			struct srcloc l = loc_of(P, op);
			cerror(&l, "division by zero in constant expression");
			P->err = true;
			return 0;
		}
		if (a == INT64_MIN && b == -1)
			return op->s[0] == '/' ? a : 0;
		return op->s[0] == '/' ? a / b : a % b;
	case '+': return (int64_t)((uint64_t)a + (uint64_t)b);
	case '-': return (int64_t)((uint64_t)a - (uint64_t)b);
	case '<':
		if (op->len == 2 && op->s[1] == '<')
			return (int64_t)((uint64_t)a << (b & 63));
		return op->len == 2 ? a <= b : a < b;
	case '>':
		if (op->len == 2 && op->s[1] == '>')
			return a >> (b & 63);
		return op->len == 2 ? a >= b : a > b;
	case '=': return a == b;
	case '!': return a != b;
	case '&': return op->len == 2 ? (a && b) : (a & b);
	case '^': return a ^ b;
	case '|': return op->len == 2 ? (a || b) : (a | b);
	}
	return 0;
}

/* binary := primary (op primary)*   by precedence climbing */
static int64_t cbinary(struct cp *P, int min_prec)
{
	int64_t a = cprimary(P);
	for (;;) {
		struct ctok *op = peek(P, 0);
		int prec = prec_of(op);
		if (!prec || prec < min_prec)
			return a;
		next(P);
		int64_t b = cbinary(P, prec + 1);
		a = binop(P, op, a, b);
	}
}

/* cexpr := binary ('?' cexpr ':' cexpr)? */
static int64_t cexpr_(struct cp *P)
{
	int64_t c = cbinary(P, 1);
	if (!accept(P, "?"))
		return c;
	int64_t a = cexpr(P);
	expect(P, ":");
	int64_t b = cexpr(P);
	return c ? a : b;
}

/* ---- declarations ------------------------------------------------------ */

static struct cty *mk(enum cty_kind k, const struct srcloc *loc)
{
	struct cty *c = tt_alloc(sizeof(*c));
	c->k = k;
	if (loc)
		c->loc = *loc;
	return c;
}

static bool is_qualifier(const struct ctok *t)
{
	static const char *const q[] = {
		"const", "volatile", "restrict", "__restrict", "__restrict__",
		"__const", "__const__", "__volatile__", "__user", "__kernel",
		"__iomem", "__rcu", "__percpu", "__force", "__must_check",
		"static", "extern", "inline", "__inline", "__inline__",
		"register", "auto", "__extension__", "_Atomic", "__signed__",
		"__unsigned__", "__nocast", "__bitwise", "__bitwise__",
		"__randomize_layout", "__no_randomize_layout",
	};
	if (t->k != K_IDENT)
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(q); i++)
		if (tok_is(t, q[i]))
			return true;
	return false;
}

struct attrs {
	bool packed;
	int align;
};

/* attribute := '__attribute__' '(' '(' ... ')' ')' | '__packed'
 *            | '__aligned' '(' cexpr ')'
 * Notes packed and aligned(N); everything else is skipped. */
static bool parse_attribute(struct cp *P, struct attrs *a)
{
	struct ctok *t = peek(P, 0);
	if (tok_is(t, "__packed")) {
		next(P);
		a->packed = true;
		return true;
	}
	if (tok_is(t, "__aligned") && tok_is(peek(P, 1), "(")) {
		next(P);
		next(P);
		a->align = (int)cexpr(P);
		expect(P, ")");
		return true;
	}
	if (!tok_is(t, "__attribute__") && !tok_is(t, "__attribute"))
		return false;
	next(P);
	if (!expect(P, "("))
		return true;
	int depth = 1;
	while (depth > 0 && peek(P, 0)->k != K_EOF) {
		struct ctok *x = next(P);
		if (tok_is(x, "("))
			depth++;
		else if (tok_is(x, ")"))
			depth--;
		else if (tok_is(x, "packed") || tok_is(x, "__packed__"))
			a->packed = true;
		else if ((tok_is(x, "aligned") || tok_is(x, "__aligned__"))) {
			if (accept(P, "(")) {
				a->align = (int)cexpr(P);
				expect(P, ")");
			} else {
				a->align = 16; /* the largest alignment */
			}
		}
	}
	return true;
}

static void skip_quals(struct cp *P, struct attrs *a)
{
	for (;;) {
		if (is_qualifier(peek(P, 0)))
			next(P);
		else if (!parse_attribute(P, a))
			return;
	}
}

static struct cty *decl_spec(struct cp *P, struct attrs *a);
static struct cty *declarator_(struct cp *P, struct cty *base,
			       const char **name, struct srcloc *nameloc);
static struct cty *tag_spec_(struct cp *P, int kind, struct attrs *a);
static struct cty *suffix_(struct cp *P, struct cty *base);

static struct cty *declarator(struct cp *P, struct cty *base,
			      const char **name, struct srcloc *nameloc)
{
	if (!enter(P))
		return base;
	struct cty *c = declarator_(P, base, name, nameloc);
	P->depth--;
	return c;
}

static struct cty *tag_spec(struct cp *P, int kind, struct attrs *a)
{
	if (!enter(P))
		return NULL;
	struct cty *c = tag_spec_(P, kind, a);
	P->depth--;
	return c;
}

static struct cty *suffix(struct cp *P, struct cty *base)
{
	if (!enter(P))
		return base;
	struct cty *c = suffix_(P, base);
	P->depth--;
	return c;
}

/* member := spec (member_decl (',' member_decl)*)? ';'
 * member_decl := declarator (':' cexpr)? attribute* | ':' cexpr
 * A spec alone is an anonymous struct/union member. */
static void parse_members(struct cp *P, struct ctag *tag)
{
	while (!is_p(P, "}") && peek(P, 0)->k != K_EOF && !P->err) {
		if (accept(P, ";"))
			continue;
		struct attrs a = { 0 };
		struct srcloc sl = loc_of(P, peek(P, 0));
		struct cty *spec = decl_spec(P, &a);
		if (!spec) {
			syntax_error(P, "expected member declaration");
			return;
		}
		if (is_p(P, ";") || is_p(P, "}")) {
			accept(P, ";");
			if (spec->k == CT_TAG && !spec->tag->name &&
			    spec->tag->kind != TAG_ENUM) {
				struct cmember m = { .ty = spec, .bits = -1,
						     .align = a.align,
						     .loc = sl };
				vec_push(&tag->members, m);
			}
			continue;
		}
		for (;;) {
			struct cmember m = { .ty = spec, .bits = -1 };
			struct attrs ma = a;
			m.loc = loc_of(P, peek(P, 0));
			if (!is_p(P, ":"))
				m.ty = declarator(P, spec, &m.name, &m.loc);
			if (accept(P, ":")) {
				struct ctok *bt = peek(P, 0);
				int64_t w = cexpr(P);
				if (!P->err && (w < 0 || w > 128)) {
					struct srcloc l = loc_of(P, bt);
					cerror(&l, "bit-field%s%s%s has negative "
						   "or too large width (%lld)",
					       m.name ? " '" : "",
					       m.name ? m.name : "",
					       m.name ? "'" : "", (long long)w);
					w = 0;
				}
				m.bits = (int)w;
			}
			skip_quals(P, &ma);
			m.align = ma.align;
			if (P->err)
				return;
			bool dup = false;
			for (int i = 0; m.name && i < tag->members.n; i++) {
				const char *o = tag->members.v[i].name;
				if (o && !strcmp(o, m.name) && !dup) {
					cerror(&m.loc, "duplicate member '%s'",
					       m.name);
					dup = true;
				}
			}
			if (!dup)
				vec_push(&tag->members, m);
			if (!accept(P, ","))
				break;
		}
		if (!is_p(P, "}"))
			expect(P, ";"); /* clang only warns about a missing
					   ';' before '}' */
	}
}

/* enumerators := enumerator (',' enumerator)* ','?
 * enumerator := IDENT ('=' cexpr)? */
static void parse_enumerators(struct cp *P, struct ctag *tag)
{
	int64_t v = 0, lo = 0, hi = 0;
	bool any = false;
	while (!is_p(P, "}") && !P->err) {
		struct ctok *n = next(P);
		if (n->k != K_IDENT) {
			P->i--;
			syntax_error(P, "expected identifier");
			return;
		}
		if (accept(P, "="))
			v = cexpr(P);
		const char *name = tok_str(n);
		if (const_find(name)) {
			struct srcloc l = loc_of(P, n);
			cerror(&l, "redefinition of enumerator '%s'", name);
		} else {
			struct cconst k = { name, v, tag->type, false };
			vec_push(&C.consts, k);
			type_enum_add(tag->type, name, v);
		}
		if (!any || v < lo)
			lo = v;
		if (!any || v > hi)
			hi = v;
		any = true;
		v = (int64_t)((uint64_t)v + 1); /* wraps after INT64_MAX */
		if (!accept(P, ","))
			break;
	}
	struct type *t = tag->type;
	t->is_signed = lo < 0;
	t->size = t->align = (lo >= INT32_MIN && hi <= (int64_t)UINT32_MAX &&
			      !(lo < 0 && hi > INT32_MAX)) ? 4 : 8;
}

/* tag_spec := ('struct'|'union'|'enum') attribute* IDENT? attribute*
 *             ('{' body '}' attribute*)? */
static struct cty *tag_spec_(struct cp *P, int kind, struct attrs *a)
{
	struct ctok *kw = next(P);
	struct srcloc kwloc = loc_of(P, kw);
	skip_quals(P, a);
	const char *name = NULL;
	struct srcloc nl = kwloc;
	if (peek(P, 0)->k == K_IDENT) {
		nl = loc_of(P, peek(P, 0));
		name = tok_str(next(P));
	}
	skip_quals(P, a);
	struct ctag *tag = name ? tag_find(name) : NULL;
	if (tag && tag->kind != kind) {
		cerror(&nl, "use of '%s' with tag type that does not match "
			    "previous declaration", name);
		P->err = true;
		return NULL;
	}
	if (accept(P, "{")) {
		if (tag && tag->has_body) {
			cerror(&nl, "redefinition of '%s'", name);
			P->err = true;
			return NULL;
		}
		if (!tag)
			tag = tag_new(kind, name, &nl);
		tag->has_body = true;
		tag->loc = nl;
		if (kind == TAG_ENUM)
			parse_enumerators(P, tag);
		else
			parse_members(P, tag);
		expect(P, "}");
		struct attrs ta = *a;
		skip_quals(P, &ta);
		tag->packed = ta.packed;
		tag->align = ta.align;
		a->packed = false;
		a->align = 0;
	} else if (!name) {
		syntax_error(P, "expected identifier or '{'");
		return NULL;
	} else if (!tag) {
		tag = tag_new(kind, name, &nl); /* a forward declaration */
	}
	struct cty *c = mk(CT_TAG, &kwloc);
	c->tag = tag;
	c->loc.len = name ? nl.col + nl.len - kwloc.col : kwloc.len;
	if (nl.line != kwloc.line)
		c->loc.len = kwloc.len;
	return c;
}

/* The integer words of a specifier, as counted by decl_spec. */
struct intwords {
	int n_signed, n_unsigned, n_char, n_short, n_int, n_long, n_bool,
	    n_void, n_float, n_double, n_int128;
};

static bool int_word(const struct ctok *t, struct intwords *w)
{
	static const struct { const char *s; size_t off; } words[] = {
		{ "signed", offsetof(struct intwords, n_signed) },
		{ "__signed", offsetof(struct intwords, n_signed) },
		{ "unsigned", offsetof(struct intwords, n_unsigned) },
		{ "char", offsetof(struct intwords, n_char) },
		{ "short", offsetof(struct intwords, n_short) },
		{ "int", offsetof(struct intwords, n_int) },
		{ "long", offsetof(struct intwords, n_long) },
		{ "_Bool", offsetof(struct intwords, n_bool) },
		{ "bool", offsetof(struct intwords, n_bool) },
		{ "void", offsetof(struct intwords, n_void) },
		{ "float", offsetof(struct intwords, n_float) },
		{ "double", offsetof(struct intwords, n_double) },
		{ "__int128", offsetof(struct intwords, n_int128) },
	};
	if (t->k != K_IDENT)
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(words); i++) {
		if (tok_is(t, words[i].s)) {
			(*(int *)((char *)w + words[i].off))++;
			return true;
		}
	}
	return false;
}

static struct cty *int_type(struct cp *P, const struct intwords *w,
			    const struct srcloc *loc)
{
	struct cty *c = mk(CT_BASE, loc);
	bool sign = !w->n_unsigned;
	if (w->n_void)
		c->base = type_void();
	else if (w->n_bool)
		c->base = type_bool();
	else if (w->n_float || w->n_double) {
		c->base = type_array(type_int(1, false),
				     w->n_float ? 4 : w->n_long ? 16 : 8);
		c->base->is_float = true;
	}
	else if (w->n_int128)
		c->base = type_array(type_int(1, false), 16);
	else if (w->n_char) {
		/* plain char: the architecture's (arch.h) */
		c->base = type_int(1, w->n_signed ||
					      (sign && arch_current()->char_signed));
		c->is_char = !w->n_signed && !w->n_unsigned;
	} else if (w->n_short)
		c->base = type_int(2, sign);
	else if (w->n_long)
		c->base = type_int(8, sign);
	else
		c->base = type_int(4, sign);
	if (w->n_signed && w->n_unsigned)
		syntax_error(P, "'signed' and 'unsigned' cannot be combined");
	return c;
}

/* spec := (qualifier | attribute)* (tag_spec | int_word+ | IDENT)
 *         (qualifier | attribute | int_word)*
 * Returns NULL (nothing consumed but qualifiers) if there is no type. */
static struct cty *decl_spec(struct cp *P, struct attrs *a)
{
	struct intwords w = { 0 };
	bool words = false;
	struct cty *c = NULL;
	struct srcloc loc = loc_of(P, peek(P, 0));
	struct srcloc last = loc;
	for (;;) {
		struct ctok *t = peek(P, 0);
		if (is_qualifier(t) || parse_attribute(P, a)) {
			if (is_qualifier(t))
				next(P);
			continue;
		}
		if (!c && !words) {
			for (int k = 0; k < 3; k++)
				if (tok_is(t, tag_kw[k]))
					return tag_spec(P, k, a);
		}
		if (!c && int_word(t, &w)) {
			words = true;
			last = loc_of(P, t);
			next(P);
			continue;
		}
		if (!c && !words && t->k == K_IDENT) {
			c = mk(CT_NAME, &loc);
			c->name = tok_str(next(P));
			continue;
		}
		break;
	}
	if (words) {
		if (last.line == loc.line)
			loc.len = last.col + last.len - loc.col;
		c = int_type(P, &w, &loc);
	}
	return c;
}

/* Skips a balanced '(' ... ')' group (function parameters). */
static void skip_parens(struct cp *P)
{
	int depth = 0;
	do {
		struct ctok *t = next(P);
		if (t->k == K_EOF)
			break;
		if (tok_is(t, "("))
			depth++;
		else if (tok_is(t, ")"))
			depth--;
	} while (depth > 0);
}

/* suffix := ('[' cexpr? ']')* | '(' params ')' */
static struct cty *suffix_(struct cp *P, struct cty *base)
{
	if (is_p(P, "(")) {
		skip_parens(P);
		return mk(CT_FUNC, &base->loc);
	}
	if (!is_p(P, "["))
		return base;
	struct srcloc l = loc_of(P, peek(P, 0));
	next(P);
	int64_t n = 0;
	if (!is_p(P, "]")) {
		struct ctok *nt = peek(P, 0);
		n = cexpr(P);
		if (!P->err && (n < 0 || n > (1 << 24))) {
			struct srcloc nl = loc_of(P, nt);
			cerror(&nl, "array size must be between 0 and %d",
			       1 << 24);
			P->err = true;
		}
	}
	expect(P, "]");
	struct cty *c = mk(CT_ARRAY, &l);
	c->n = (int)n;
	c->inner = suffix(P, base);
	return c;
}

/* declarator := ('*' qualifier*)* direct suffix
 * direct := IDENT | '(' declarator ')' | (nothing: abstract)
 * A parenthesised declarator applies to what the suffix after it makes
 * (int (*f)(void): f is a pointer to a function). */
static struct cty *declarator_(struct cp *P, struct cty *base,
			       const char **name, struct srcloc *nameloc)
{
	struct attrs ignore = { 0 };
	skip_quals(P, &ignore);
	while (is_p(P, "*")) {
		struct srcloc l = loc_of(P, next(P));
		struct cty *c = mk(CT_PTR, &l);
		c->inner = base;
		base = c;
		skip_quals(P, &ignore);
	}
	if (is_p(P, "(") && (tok_is(peek(P, 1), "*") ||
			     tok_is(peek(P, 1), "(") ||
			     tok_is(peek(P, 1), "^"))) {
		int start = P->i + 1;
		skip_parens(P);
		struct cty *outer = suffix(P, base);
		int end = P->i;
		P->i = start;
		struct cty *c = declarator(P, outer, name, nameloc);
		expect(P, ")");
		P->i = end;
		return c;
	}
	if (peek(P, 0)->k == K_IDENT && !is_qualifier(peek(P, 0))) {
		if (nameloc)
			*nameloc = loc_of(P, peek(P, 0));
		*name = tok_str(next(P));
	}
	return suffix(P, base);
}

/* typedef := 'typedef' spec declarator (',' declarator)* ';' */
static void parse_typedef(struct cp *P)
{
	struct attrs a = { 0 };
	struct cty *spec = decl_spec(P, &a);
	if (!spec) {
		syntax_error(P, "expected a type");
		return;
	}
	do {
		const char *name = NULL;
		struct srcloc nl = loc_of(P, peek(P, 0));
		struct cty *c = declarator(P, spec, &name, &nl);
		if (P->err)
			return;
		if (!name) {
			syntax_error(P, "expected identifier");
			return;
		}
		skip_quals(P, &a);
		if (typedef_find(name)) {
			cerror(&nl, "redefinition of typedef '%s'", name);
			continue;
		}
		if (c->k == CT_TAG && !c->tag->name)
			c->tag->type->name = name; /* typedef struct {} x; */
		struct ctypedef *td = tt_alloc(sizeof(*td));
		td->name = name;
		td->ty = c;
		td->loc = nl;
		vec_push(&C.typedefs, td);
	} while (accept(P, ","));
	expect(P, ";");
}

/* def := 'typedef' typedef | spec (declarator (',' declarator)*)? ';'? */
static void parse_def(struct cp *P)
{
	if (accept(P, "typedef")) {
		parse_typedef(P);
		return;
	}
	struct attrs a = { 0 };
	struct cty *spec = decl_spec(P, &a);
	if (!spec) {
		syntax_error(P, "expected a struct, union, enum or typedef "
				"definition");
		return;
	}
	/* `struct S { ... } s;`: a variable, which means nothing here */
	while (!P->err && peek(P, 0)->k != K_EOF && !is_p(P, ";")) {
		const char *name = NULL;
		declarator(P, spec, &name, NULL);
		skip_quals(P, &a);
		if (!accept(P, ","))
			break;
	}
	if (peek(P, 0)->k != K_EOF)
		expect(P, ";");
}

/* type_name := spec abstract_declarator — for sizeof() in constants and
 * cdecl_parse_typename. */
static struct cty *type_name_(struct cp *P)
{
	struct attrs a = { 0 };
	struct cty *spec = decl_spec(P, &a);
	if (!spec) {
		syntax_error(P, "expected a type");
		return NULL;
	}
	const char *name = NULL;
	struct srcloc nl;
	struct ctok *at = peek(P, 0);
	struct cty *c = declarator(P, spec, &name, &nl);
	if (name) {
		P->i = (int)(at - P->t.v);
		syntax_error(P, "unexpected identifier '%s' in a type name",
			     name);
		return NULL;
	}
	return c;
}

/* ---- preprocessor lines ------------------------------------------------ */

static bool skipping(void)
{
	return C.ncond > 0 && C.cond[C.ncond - 1] != IF_TAKING;
}

static void define(const char *name, const char *body)
{
	struct cmacro *m = macro_find(name);
	if (m) {
		m->body = body;
	} else {
		struct cmacro nm = { name, body };
		vec_push(&C.macros, nm);
	}
}

/* ---- header files ------------------------------------------------------
 * #include searches as clang does: "NAME" first in the including file's
 * directory, then the current one, then for both forms the
 * -I directories in order, CPATH's and C_INCLUDE_PATH's (colon lists, an
 * empty entry is the current directory), then the system's.  A header
 * found outside the system directories is the script's own: its
 * definitions (struct, union, enum, typedef, #define, #if...) are read as
 * if written in the script.  A system header is not read (tinytrace has
 * no C preprocessor for libc's and the kernel's headers): the constants
 * of the well-known ones are built in (cheaders.c), kernel types come
 * from BTF. */

#define MAX_INCLUDE_DEPTH 200

static VEC(const char *) include_dirs; /* -I, in order */

void cdecl_add_include_dir(const char *dir)
{
	vec_push(&include_dirs, dir);
}

static bool readable_file(const char *path)
{
	struct stat st;
	return !stat(path, &st) && S_ISREG(st.st_mode) &&
	       !access(path, R_OK);
}

/* dir/name when it is a readable file (dir "" is the current one). */
static const char *try_dir(const char *dir, size_t dlen, const char *name)
{
	const char *p = dlen ? tt_sprintf("%.*s/%s", (int)dlen, dir, name)
			     : tt_strdup(name);
	return readable_file(p) ? p : NULL;
}

/* The system's header directories: a header there is not the script's
 * even when -I or CPATH names the directory. */
static bool system_dir(const char *dir, size_t n)
{
	while (n > 1 && dir[n - 1] == '/')
		n--;
	return (n == 12 && !strncmp(dir, "/usr/include", n)) ||
	       (n == 18 && !strncmp(dir, "/usr/local/include", n)) ||
	       (n > 13 && !strncmp(dir, "/usr/include/", 13)) ||
	       (n > 13 && !strncmp(dir, "/lib/modules/", 13));
}

/* name in one of the directories of a colon list (an environment
 * variable's value), or NULL. */
static const char *try_env_dirs(const char *list, const char *name)
{
	while (list) {
		size_t n = strcspn(list, ":");
		const char *p = system_dir(list, n) ? NULL
			      : try_dir(list, n, name);
		if (p)
			return p;
		list = list[n] ? list + n + 1 : NULL;
	}
	return NULL;
}

/* The script's own header `name` (see above), or NULL.  from is the
 * #include's location: its file's directory is searched for "name". */
static const char *find_user_header(const char *name, bool quoted,
				    const struct srcloc *from)
{
	if (name[0] == '/')
		return readable_file(name) ? name : NULL;
	const char *p = NULL;
	if (quoted) {
		const char *f = from && from->src ? from->src->name : NULL;
		const char *slash = f ? strrchr(f, '/') : NULL;
		p = slash ? try_dir(f, slash > f ? (size_t)(slash - f) : 1, name)
			  : NULL;
		if (!p) /* bpftrace's definitions.h: the current directory */
			p = try_dir("", 0, name);
	}
	for (int i = 0; !p && i < include_dirs.n; i++) {
		const char *d = include_dirs.v[i];
		if (!system_dir(d, strlen(d)))
			p = try_dir(d, strlen(d), name);
	}
	if (!p)
		p = try_env_dirs(getenv("CPATH"), name);
	if (!p)
		p = try_env_dirs(getenv("C_INCLUDE_PATH"), name);
	return p;
}

/* Whether the system has header `name` (or tinytrace builds it in). */
static bool system_header(const char *name)
{
	static const char *const builtin[] = {
		"stddef.h", "stdint.h", "stdbool.h", "stdarg.h", "limits.h",
		"float.h", "linux/types.h",
	};
	for (size_t i = 0; i < ARRAY_SIZE(builtin); i++)
		if (!strcmp(name, builtin[i]))
			return true;
	if (name[0] == '/')
		return false;
	struct utsname u;
	uname(&u);
	const char *dirs[] = {
		"/usr/local/include",
		"/usr/include",
		tt_sprintf("/usr/include/%s-linux-gnu", u.machine),
		tt_sprintf("/lib/modules/%s/build/include", u.release),
		tt_sprintf("/lib/modules/%s/source/include", u.release),
	};
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
		if (try_dir(dirs[i], strlen(dirs[i]), name))
			return true;
	return false;
}

/* `#pragma once` (spaces allowed around the words). */
static bool pragma_once(const char *line)
{
	const char *p = line + strspn(line, " \t");
	if (*p++ != '#')
		return false;
	p += strspn(p, " \t");
	if (strncmp(p, "pragma", 6))
		return false;
	p += 6;
	p += strspn(p, " \t");
	return !strncmp(p, "once", 4) &&
	       !(isalnum((unsigned char)p[4]) || p[4] == '_');
}

/* Definitions between two preprocessor lines of a header (text [s, e)
 * starting at line `line`): parsed unless blank or inside an #if that is
 * not taken. */
static int header_defs(const struct source *src, const char *s,
		       const char *e, int line)
{
	const char *t = s;
	while (t < e && isspace((unsigned char)*t))
		t++;
	if (t == e)
		return 0;
	struct srcloc loc = { src, line, 1, 0 };
	return cdecl_parse_defs(tt_strndup(s, (size_t)(e - s)), &loc);
}

/* Where the line of the preprocessor directive at p (a '#' first on its
 * line) ends: its newline, or the end; backslash-newlines continue it. */
static const char *directive_end(const char *p)
{
	while (*p && !(*p == '\n' && p[-1] != '\\'))
		p++;
	return p;
}

/* Skips a comment or a string/character literal at p; returns its end
 * (p itself when none starts there) and counts the newlines in *line. */
static const char *skip_lexeme(const char *p, int *line)
{
	if (p[0] == '/' && p[1] == '/')
		return p + strcspn(p, "\n");
	if (p[0] == '/' && p[1] == '*') {
		const char *e = strstr(p + 2, "*/");
		e = e ? e + 2 : p + strlen(p);
		for (const char *q = p; q < e; q++)
			*line += *q == '\n';
		return e;
	}
	if (*p == '"' || *p == '\'') {
		const char *q = p + 1;
		while (*q && *q != *p && *q != '\n')
			q += q[0] == '\\' && q[1] ? 2 : 1;
		return *q == *p ? q + 1 : q;
	}
	return p;
}

/* A header's text through the definitions parser: each preprocessor line
 * alone (as the lexer hands them over from a script), the text between
 * them as definitions.  `real` is its real path (for #pragma once). */
static int header_text(const struct source *src, const char *real)
{
	const char *p = src->text, *chunk = p, *bol_at = p;
	int line = 1, chunk_line = 1, err = 0;
	bool bol = true;

	while (*p) {
		const char *q = skip_lexeme(p, &line);
		if (q != p) {
			bol = bol && (*p == '/');
			p = q;
			continue;
		}
		if (*p == '\n' || (*p == '\\' && p[1] == '\n')) {
			p += *p == '\\' ? 2 : 1;
			line++;
			bol = true;
			bol_at = p;
			continue;
		}
		if (*p != '#' || !bol) {
			bol = bol && isspace((unsigned char)*p);
			p++;
			continue;
		}
		if (header_defs(src, chunk, bol_at, chunk_line) < 0)
			err = -1;
		const char *e = directive_end(p);
		const char *text = tt_strndup(bol_at, (size_t)(e - bol_at));
		struct srcloc loc = { src, line, 1, 0 };
		if (pragma_once(text) && !skipping())
			vec_push(&C.once, tt_strdup(real));
		else if (cdecl_parse_defs(text, &loc) < 0)
			err = -1;
		for (const char *c = bol_at; c < e; c++)
			line += *c == '\n';
		p = chunk = e;
		chunk_line = line;
		bol = false;
	}
	if (header_defs(src, chunk, p, chunk_line) < 0)
		err = -1;
	return err;
}

/* Reads the script's own header at path, included at `at`. */
static int include_file(const char *path, const struct srcloc *at)
{
	char real[PATH_MAX];
	if (!realpath(path, real))
		snprintf(real, sizeof(real), "%s", path);
	for (int i = 0; i < C.once.n; i++)
		if (!strcmp(C.once.v[i], real))
			return 0;
	if (C.incl_depth >= MAX_INCLUDE_DEPTH) {
		cerror(at, "#include nested too deeply (limit is %d)",
		       MAX_INCLUDE_DEPTH);
		return -1;
	}
	struct source *src = source_read(path);
	if (!src) {
		cerror(at, "cannot read '%s': %s", path, strerror(errno));
		return -1;
	}
	vec_push(&C.headers, src);

	int ncond = C.ncond;
	C.incl_depth++;
	int err = header_text(src, real);
	C.incl_depth--;
	if (C.ncond > ncond) {
		cerror(&C.cond_loc[ncond], "unterminated conditional directive");
		C.ncond = ncond;
		err = -1;
	}
	return err;
}

/* #if, #ifdef, #ifndef: push a condition (IF_DONE inside a skipped one). */
static int pp_if(struct cp *P, const char *dir, struct srcloc dl, bool skip)
{
	if (C.ncond == MAX_IF_DEPTH) {
		cerror(&dl, "#if nested too deeply (limit is %d)",
		       MAX_IF_DEPTH);
		return -1;
	}
	bool v = false;
	if (!skip) {
		if (!strcmp(dir, "if")) {
			P->pp = true;
			v = cexpr(P) != 0;
		} else {
			struct ctok *n = next(P);
			if (n->k != K_IDENT) {
				P->i--;
				syntax_error(P, "macro name must be an "
						"identifier");
			}
			v = (macro_find(tok_str(n)) != NULL) ==
			    !strcmp(dir, "ifdef");
		}
	}
	C.cond_loc[C.ncond] = dl;
	C.cond[C.ncond++] = skip ? IF_DONE
			       : v ? IF_TAKING : IF_WAITING;
	return P->err ? -1 : 0;
}

/* #elif, #else, #endif: move the innermost condition on, or pop it. */
static int pp_else(struct cp *P, const char *dir, struct srcloc dl)
{
	if (!C.ncond) {
		cerror(&dl, "#%s without #if", dir);
		return -1;
	}
	int *st = &C.cond[C.ncond - 1];
	if (!strcmp(dir, "endif")) {
		C.ncond--;
	} else if (!strcmp(dir, "else")) {
		*st = *st == IF_WAITING ? IF_TAKING : IF_DONE;
	} else if (*st == IF_WAITING) {
		P->pp = true;
		*st = cexpr(P) ? IF_TAKING : IF_WAITING;
	} else {
		*st = IF_DONE;
	}
	return P->err ? -1 : 0;
}

/* #define NAME BODY: a macro, and a constant when BODY is an integer
 * expression. */
static int pp_define(struct cp *P)
{
	struct ctok *n = next(P);
	if (n->k != K_IDENT) {
		P->i--;
		syntax_error(P, "macro name must be an identifier");
		return -1;
	}
	const char *name = tok_str(n);
	struct ctok *b = peek(P, 0);
	struct ctok *last = &P->t.v[P->t.n - 1];
	if (last > b)
		last--; /* the last token before EOF */
	const char *body = b->k == K_EOF
		? "" : tt_strndup(b->s, last->s + last->len - b->s);
	define(name, body);
	if (b->s == n->s + n->len && tok_is(b, "("))
		return 0; /* function-like: text only */
	/* an integer expression becomes a constant */
	bool q = C.quiet;
	int errs = C.errors;
	C.quiet = true;
	P->pp = false; /* an unknown name makes it no constant */
	int64_t v = b->k == K_EOF ? 1 : cexpr(P);
	bool ok = !P->err && peek(P, 0)->k == K_EOF && b->k != K_EOF;
	C.quiet = q;
	C.errors = errs;
	P->err = false;
	struct cconst *k = const_find(name);
	if (ok && k) {
		k->value = v;
	} else if (ok) {
		struct cconst nk = { name, v, type_int(8, true), true };
		vec_push(&C.consts, nk);
	}
	return 0;
}

/* #undef NAME: drops the macro and its constant. */
static int pp_undef(struct cp *P)
{
	struct ctok *n = next(P);
	const char *name = tok_str(n);
	for (int i = 0; i < C.macros.n; i++)
		if (!strcmp(C.macros.v[i].name, name))
			C.macros.v[i] = C.macros.v[--C.macros.n];
	for (int i = 0; i < C.consts.n; i++)
		if (!strcmp(C.consts.v[i].name, name) &&
		    C.consts.v[i].is_macro)
			C.consts.v[i] = C.consts.v[--C.consts.n];
	return 0;
}

/* "'x.h' file not found", as clang says it for bpftrace: an #include of
 * the script itself is in bpftrace's generated definitions.h, one line
 * below where the script has it; one in a header names the header. */
static void not_found(const char *name, const struct srcloc *at)
{
	C.errors++;
	if (C.quiet)
		return;
	bool script = !C.incl_depth || !at->src;
	diag_c_fatal(script ? "definitions.h" : at->src->name,
		     at->line + script, at->col, at, "'%s' file not found",
		     name);
}

/* One constant of a built-in header (cheaders.c): a macro and a constant,
 * as `#define NAME VALUE` makes them. */
static void define_const(const char *name, int64_t value, void *arg)
{
	(void)arg;
	define(name, tt_sprintf("%lld", (long long)value));
	struct cconst *k = const_find(name);
	if (k) {
		k->value = value;
	} else {
		struct cconst nk = { name, value, type_int(8, true), true };
		vec_push(&C.consts, nk);
	}
}

/* #include "F" or <F>: the script's own header is read; of a system
 * header the constants tinytrace knows are defined (cheaders.c), else it
 * is only checked to exist (types come from BTF). */
static int pp_include(struct cp *P)
{
	struct ctok *f = peek(P, 0);
	const char *name;
	bool quoted = f->k == K_STR;
	if (quoted) {
		name = tt_strndup(f->s + 1, f->len > 1 ? f->len - 2 : 0);
	} else if (tok_is(f, "<")) {
		const char *s = f->s + 1;
		const char *e = strchr(s, '>');
		name = e ? tt_strndup(s, e - s) : "";
	} else {
		syntax_error(P, "#include expects \"FILENAME\" or "
				"<FILENAME>");
		return -1;
	}
	struct srcloc fl = loc_of(P, f);
	const char *user = find_user_header(name, quoted, P->base);
	if (user)
		return include_file(user, &fl);
	/* a header whose constants are built in: usable without the file */
	if (cheader_each(name, define_const, NULL))
		return 0;
	if (!system_header(name)) {
		not_found(name, &fl);
		return -1;
	}
	if (!btf_available())
		diag_warning(&fl, "#include %s%s%s is not read: "
				  "tinytrace takes kernel types from "
				  "BTF, which this kernel lacks, or "
				  "from definitions in the script",
			     quoted ? "\"" : "<", name,
			     quoted ? "\"" : ">");
	return 0;
}

/* pp_line := '#' directive ...  (one line, comments removed) */
static int pp_line(struct cp *P)
{
	next(P); /* '#' */
	struct ctok *d = next(P);
	struct srcloc dl = loc_of(P, d);
	const char *dir = d->k == K_IDENT ? tok_str(d) : "";
	bool skip = skipping();

	if (!strcmp(dir, "if") || !strcmp(dir, "ifdef") ||
	    !strcmp(dir, "ifndef"))
		return pp_if(P, dir, dl, skip);
	if (!strcmp(dir, "elif") || !strcmp(dir, "else") ||
	    !strcmp(dir, "endif"))
		return pp_else(P, dir, dl);
	if (skip)
		return 0;
	if (!strcmp(dir, "define"))
		return pp_define(P);
	if (!strcmp(dir, "undef"))
		return pp_undef(P);
	if (!strcmp(dir, "include"))
		return pp_include(P);
	if (!strcmp(dir, "error")) {
		cerror(&dl, "#error %s",
		       peek(P, 0)->k == K_EOF ? "" : peek(P, 0)->s);
		return -1;
	}
	return 0; /* #pragma, #line, #warning, null directive */
}

static void predefine(void)
{
	if (C.macros.n)
		return;
	if (btf_available())
		define("BPFTRACE_HAVE_BTF", "1");
	define(arch_current()->cpp_macro, "1");
	define("__linux__", "1");
	define("__BPFTRACE__", "1");
}

bool cdecl_skipping(void)
{
	return skipping();
}

int cdecl_parse_defs(const char *text, const struct srcloc *loc)
{
	struct cp P = { .text = text, .base = loc };
	predefine();
	const char *p = text;
	while (isspace((unsigned char)*p))
		p++;
	P.pp_text = *p == '#';
	tokenize(&P);
	int r = 0;
	if (P.pp_text) {
		/* the lexer's T_PREPROC: one line without its comments */
		r = pp_line(&P);
	} else if (!skipping()) {
		while (peek(&P, 0)->k != K_EOF && !P.err)
			parse_def(&P);
		r = P.err ? -1 : 0;
	}
	vec_free(&P.t);
	return r;
}

/* ---- resolution and layout --------------------------------------------- */

/* Whether definitions may take missing types from BTF: the kernel has BTF
 * and no script definition redefines a kernel type (bpftrace's rule: once
 * a script redefines a kernel type, it must define all it needs). */
static bool btf_for_defs(void)
{
	if (!btf_available())
		return false;
	if (C.btf_conflict < 0) {
		C.btf_conflict = 0;
		for (int i = 0; i < C.tags.n && !C.btf_conflict; i++) {
			struct ctag *t = C.tags.v[i];
			if (!t->has_body || !t->name)
				continue;
			const char *n = tt_sprintf("%s %s", tag_kw[t->kind],
						   t->name);
			if (btf_has_type(n)) {
				C.btf_conflict = 1;
				C.conflict_name = n;
			}
		}
	}
	return !C.btf_conflict;
}

static void conflict_hint(void)
{
	if (C.btf_conflict == 1 && !C.quiet)
		diag_hint("the script redefines %s, which the kernel's BTF "
			  "also defines, so BTF types are not used for the "
			  "script's definitions: define this type too",
			  C.conflict_name);
}

enum rctx {
	R_FIELD,    /* a struct member: its type must be complete */
	R_TYPENAME, /* a cast/sizeof: struct tags must be known */
	R_LOOKUP,   /* typedefs etc., incomplete tags allowed */
};

static void layout(struct ctag *tag);

static struct type *resolve(struct cty *c, bool in_def, bool complete,
			    enum rctx ctx);

static const char *tag_name(const struct ctag *t)
{
	return tt_sprintf("%s %s", tag_kw[t->kind],
			  t->name ? t->name : "(anonymous)");
}

static struct type *resolve_tag(struct cty *c, bool in_def, bool complete,
				enum rctx ctx)
{
	struct ctag *tag = c->tag;
	if (tag->has_body && tag->kind == TAG_ENUM)
		return tag->type;
	if (tag->has_body) {
		if (!complete)
			return tag->type;
		if (tag->state == L_BUSY) {
			cerror(&c->loc, "field has incomplete type '%s'",
			       tag_name(tag));
			return type_none();
		}
		layout(tag);
		return tag->state == L_ERROR ? type_none() : tag->type;
	}
	if (!complete && ctx != R_TYPENAME)
		return tag->type; /* a pointer to a forward declaration */
	bool use_btf = in_def ? btf_for_defs() : btf_available();
	struct type *bt = use_btf ? btf_type_by_name(tag_name(tag)) : NULL;
	if (bt)
		return bt;
	if (ctx == R_TYPENAME && tag->kind != TAG_ENUM) {
		cerror(&c->loc, "Unknown struct/union: '%s'", tag_name(tag));
	} else {
		cerror(&c->loc, "field has incomplete type '%s'",
		       tag_name(tag));
		if (in_def)
			conflict_hint();
	}
	return type_none();
}

static struct type *resolve_name(struct cty *c, bool in_def, bool complete,
				 enum rctx ctx)
{
	struct ctypedef *td = typedef_find(c->name);
	if (td) {
		if (td->busy) {
			cerror(&c->loc, "typedef '%s' refers to itself",
			       c->name);
			return type_none();
		}
		td->busy = true;
		struct type *t = resolve(td->ty, true, complete, ctx);
		td->busy = false;
		return t;
	}
	struct type *t = builtin_type(c->name);
	if (t)
		return t;
	bool use_btf = in_def ? btf_for_defs() : btf_available();
	if (use_btf && (t = btf_type_by_name(c->name)))
		return t;
	cerror(&c->loc, "unknown type name '%s'", c->name);
	if (in_def)
		conflict_hint();
	return type_none();
}

static struct type *resolve(struct cty *c, bool in_def, bool complete,
			    enum rctx ctx)
{
	switch (c->k) {
	case CT_BASE:
		return c->base;
	case CT_NAME:
		return resolve_name(c, in_def, complete, ctx);
	case CT_TAG:
		return resolve_tag(c, in_def, complete, ctx);
	case CT_PTR: {
		if (c->inner->k == CT_FUNC)
			return type_ptr(type_void(), AS_NONE);
		struct type *e = resolve(c->inner, in_def, false, ctx);
		if (e->kind == TY_NONE)
			return e;
		return type_ptr(e, AS_NONE);
	}
	case CT_ARRAY: {
		struct type *e = resolve(c->inner, in_def, true, ctx);
		if (e->kind == TY_NONE)
			return e;
		if (e->kind == TY_VOID) {
			cerror(&c->loc, "array has incomplete element type "
					"'void'");
			return type_none();
		}
		if (c->inner->k == CT_BASE && c->inner->is_char && c->n > 0)
			return type_str(c->n);
		return type_array(e, c->n);
	}
	case CT_FUNC:
		return type_void();
	}
	return type_none();
}

static struct type *resolve_top(struct cty *c, bool in_def)
{
	struct type *t = resolve(c, in_def, true, in_def ? R_FIELD : R_TYPENAME);
	return t->kind == TY_NONE ? NULL : t;
}

static int align_up(int x, int a)
{
	return a > 1 ? (x + a - 1) / a * a : x;
}

/* C layout of a struct or union (System V: a bitfield goes at the next
 * free bit unless it would straddle a unit of its declared type, which
 * then starts; a zero-width bitfield closes the unit; unnamed bitfields do
 * not raise the struct's alignment). */
static void layout(struct ctag *tag)
{
	if (tag->state != L_NONE || tag->kind == TAG_ENUM)
		return;
	tag->state = L_BUSY;
	struct type *t = tag->type;
	bool un = tag->kind == TAG_UNION, bad = false;
	int64_t pos = 0, end = 0; /* bits */
	int align = 1;
	for (int i = 0; i < tag->members.n; i++) {
		struct cmember *m = &tag->members.v[i];
		struct type *ft = resolve(m->ty, true, true, R_FIELD);
		if (ft->kind == TY_NONE) {
			bad = true;
			continue;
		}
		if (ft->kind == TY_VOID) {
			cerror(&m->loc, "field has incomplete type 'void'");
			bad = true;
			continue;
		}
		int fa = tag->packed ? 1 : (ft->align ? ft->align : 1);
		if (m->align > fa)
			fa = m->align;
		if (un)
			pos = 0;
		if (m->bits >= 0) {
			const char *nm = m->name ? m->name : "";
			if (ft->kind != TY_INT && ft->kind != TY_BOOL) {
				cerror(&m->loc, "bit-field '%s' has "
						"non-integral type '%s'",
				       nm, type_name(ft));
				bad = true;
				continue;
			}
			int unit = ft->size * 8;
			if (m->bits > unit || (ft->kind == TY_BOOL &&
					       m->bits > 1)) {
				cerror(&m->loc, "width of bit-field '%s' (%d "
						"bits) exceeds the width of "
						"its type (%d bit%s)", nm,
				       m->bits, ft->kind == TY_BOOL ? 1 : unit,
				       ft->kind == TY_BOOL ? "" : "s");
				bad = true;
				continue;
			}
			if (m->bits == 0) {
				if (!tag->packed)
					pos = align_up((int)((pos + 7) / 8),
						       ft->align) * 8LL;
				continue;
			}
			if (!tag->packed && !m->align &&
			    pos / unit != (pos + m->bits - 1) / unit)
				pos = (pos + unit - 1) / unit * unit;
			if (m->align)
				pos = align_up((int)((pos + 7) / 8), fa) * 8LL;
			if (m->name) { /* an unnamed one is padding */
				type_add_field(t, m->name, ft, (int)(pos / 8));
				struct field *f = &t->fields.v[t->fields.n - 1];
				f->bit_offset = (int)(pos % 8);
				f->bit_width = m->bits;
			}
			pos += m->bits;
			if (m->name && fa > align)
				align = fa;
		} else {
			int off = align_up((int)((pos + 7) / 8), fa);
			type_add_field(t, m->name, ft, off);
			pos = (int64_t)(off + ft->size) * 8;
			if (fa > align)
				align = fa;
		}
		if (pos > end)
			end = pos;
	}
	if (tag->align > align)
		align = tag->align;
	t->align = align;
	t->size = align_up((int)((end + 7) / 8), align);
	tag->state = bad ? L_ERROR : L_DONE;
}

int cdecl_finish(void)
{
	for (int i = 0; i < C.tags.n; i++)
		if (C.tags.v[i]->has_body && C.tags.v[i]->kind != TAG_ENUM)
			layout(C.tags.v[i]);
	for (int i = 0; i < C.typedefs.n; i++) {
		struct ctypedef *td = C.typedefs.v[i];
		resolve(td->ty, true, false, R_LOOKUP);
	}
	while (C.ncond) {
		C.ncond--;
		cerror(&C.cond_loc[C.ncond], "unterminated conditional "
					     "directive");
	}
	return C.errors ? -1 : 0;
}

/* ---- lookups ----------------------------------------------------------- */

static struct type *quiet_resolve(struct cty *c, bool complete)
{
	bool q = C.quiet;
	int errs = C.errors;
	C.quiet = true;
	struct type *t = resolve(c, true, complete, R_LOOKUP);
	C.quiet = q;
	if (C.errors != errs) {
		C.errors = errs;
		return NULL;
	}
	return t->kind == TY_NONE ? NULL : t;
}

/* A script tag with a body, laid out; NULL if none or broken. */
static struct type *script_tag(int kind, const char *name)
{
	struct ctag *tag = tag_find(name);
	if (!tag || !tag->has_body || (kind >= 0 && tag->kind != kind))
		return NULL;
	if (tag->kind != TAG_ENUM) {
		bool q = C.quiet;
		C.quiet = true; /* cdecl_finish reports */
		layout(tag);
		C.quiet = q;
	}
	return tag->state == L_ERROR ? NULL : tag->type;
}

struct type *cdecl_lookup(const char *name)
{
	while (*name == ' ')
		name++;
	for (int k = 0; k < 3; k++) {
		size_t n = strlen(tag_kw[k]);
		if (!strncmp(name, tag_kw[k], n) && name[n] == ' ') {
			const char *tn = name + n;
			while (*tn == ' ')
				tn++;
			struct type *t = script_tag(k, tn);
			if (t)
				return t;
			t = btf_available() ? btf_type_by_name(name) : NULL;
			/* else the probed binaries' DWARF (uprobes) */
			return t ? t : dwarf_type_by_name(name);
		}
	}
	struct ctypedef *td = typedef_find(name);
	if (td)
		return quiet_resolve(td->ty, true);
	struct type *t = builtin_type(name);
	if (t)
		return t;
	return btf_available() ? btf_type_by_name(name) : NULL;
}

struct type *cdecl_parse_typename(const char *text, const struct srcloc *loc)
{
	struct cp P = { .text = text, .base = loc };
	tokenize(&P);
	struct cty *c = type_name_(&P);
	if (c && !P.err && peek(&P, 0)->k != K_EOF)
		syntax_error(&P, "unexpected '%.*s' after a type name",
			     peek(&P, 0)->len, peek(&P, 0)->s);
	struct type *t = NULL;
	if (c && !P.err) {
		/* report at the whole type name, as bpftrace does */
		C.at = loc;
		t = resolve(c, false, true, R_TYPENAME);
		C.at = NULL;
		if (t->kind == TY_NONE)
			t = NULL;
	}
	vec_free(&P.t);
	return t;
}

struct type *cdecl_complete(struct type *t)
{
	if (!t || t->kind != TY_STRUCT)
		return t;
	for (int i = 0; i < C.tags.n; i++) {
		struct ctag *tag = C.tags.v[i];
		if (tag->type == t && tag->has_body) {
			bool q = C.quiet;
			C.quiet = true; /* cdecl_finish reports */
			layout(tag);
			C.quiet = q;
			return tag->state == L_ERROR ? NULL : t;
		}
	}
	if (btf_pending(t))
		return btf_complete(t);
	if (t->name) {
		struct type *s = script_tag(t->is_union ? TAG_UNION
							: TAG_STRUCT, t->name);
		if (s)
			return s;
	}
	if (t->fields.n)
		return t;
	return btf_available() ? btf_complete(t) : NULL;
}

const struct field *cdecl_field(struct type *t, const char *name,
				int *offset)
{
	t = cdecl_complete(t);
	if (!t || t->kind != TY_STRUCT)
		return NULL;
	for (int i = 0; i < t->fields.n; i++) {
		const struct field *f = &t->fields.v[i];
		if (f->name && !strcmp(f->name, name)) {
			*offset = f->offset;
			return f;
		}
	}
	for (int i = 0; i < t->fields.n; i++) {
		const struct field *f = &t->fields.v[i];
		if (f->name || f->type->kind != TY_STRUCT)
			continue;
		int inner;
		const struct field *r = cdecl_field(f->type, name, &inner);
		if (r) {
			*offset = f->offset + inner;
			return r;
		}
	}
	return NULL;
}

bool cdecl_constant(const char *name, int64_t *value, struct type **type)
{
	struct cconst *k = const_find(name);
	if (k) {
		*value = k->value;
		if (type)
			*type = k->type;
		return true;
	}
	return btf_available() && btf_enum_value(name, value, type);
}

const char *cdecl_macro(const char *name)
{
	struct cmacro *m = macro_find(name);
	return m ? m->body : NULL;
}
