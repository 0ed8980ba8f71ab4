/* macro.c — macro expansion (macro.h).
 *
 * Takes the N_PROGRAM from parse_program() with its N_MACRO definitions and
 * produces the same program with every macro call replaced by a copy of the
 * macro's body and the definitions removed: what sema sees is plain code.
 *
 * The probes are walked in order.  At a call, the arguments are expanded
 * first, in the caller's environment; the macro is then chosen by name and
 * by the kinds of those arguments (macro_find, bpftrace's overloading), its
 * body copied (clone: the copies keep the body's locations with
 * expanded_from = the call) and walked in a new environment (struct env)
 * that maps $var and @map parameters to the caller's names, replaces ident
 * parameters by copies of their arguments and renames the variables the
 * body assigns.  The stack of macros being expanded catches recursion.  A
 * last walk (tidy) turns statement-less block expressions into their value
 * and reports typeof() arguments left where no type is expected. */
#include "macro.h"

#include <limits.h>
#include <string.h>

#include "builtin_names.h"
#include "parser.h"
#include "stdlib_bt.h"

/* Errors found while expanding are about the macro text itself: report
 * them where they are, without the "expanded from" chain that diagnostics
 * on expanded code (from sema onwards) carry. */
static const struct srcloc *unexpanded(const struct srcloc *loc)
{
	static struct srcloc copies[4];
	static int next;
	struct srcloc *c = &copies[next++ % 4];
	*c = *loc;
	c->expanded_from = NULL;
	return c;
}
#define diag_error(loc, ...) (diag_error)(unexpanded(loc), __VA_ARGS__)

/* How the value of an expression is used: read, thrown away (an
 * expression statement: a macro without a value is fine there), or
 * written (an argument passed by value must stay unassignable). */
enum use { USE_VALUE, USE_DISCARD, USE_LVALUE };

/* Definitions in their order of writing. */
typedef VEC(struct node *) macro_vec;

/* The pass: the usable definitions and the expansions in progress. */
struct mx {
	macro_vec macros;               /* the script's */
	macro_vec std;                  /* stdlib/base.bt's, once parsed */
	bool std_parsed;
	VEC(const struct node *) stack; /* outermost first */
};

/* One expansion of one macro. */
struct env {
	const struct node *macro;
	struct node **args;          /* one per parameter, already expanded */
	const struct srcloc *from;   /* the call site */
	const char *prefix;          /* "$$name_" or "$$name_K_" */
	VEC(const char *) renamed;   /* variables the body assigns/declares */
};

static struct node *walk_expr(struct mx *M, struct env *E, struct node *n,
			      enum use use);
static struct node *walk_stmt(struct mx *M, struct env *E, struct node *n);
static void walk_block(struct mx *M, struct env *E, struct node *blk);

/* ---- small helpers ---- */

static bool is_whole_map(const struct node *n)
{
	return n->kind == N_MAP && !n->args.n;
}

/* Deep copy of n.  With from, every copied location records that it was
 * expanded from there. */
static struct node *clone(const struct node *n, const struct srcloc *from)
{
	if (!n)
		return NULL;
	struct node *c = tt_alloc(sizeof(*c));
	*c = *n;
	if (from)
		c->loc.expanded_from = from;
	c->a = clone(n->a, from);
	c->b = clone(n->b, from);
	c->c = clone(n->c, from);
	c->args = (struct node_vec){ 0 };
	for (int i = 0; i < n->args.n; i++)
		vec_push(&c->args, clone(n->args.v[i], from));
	if (n->ctype) {
		c->ctype = tt_alloc(sizeof(*c->ctype));
		*c->ctype = *n->ctype;
		if (from)
			c->ctype->loc.expanded_from = from;
		c->ctype->expr = clone(n->ctype->expr, from);
	}
	return c;
}

/* The location of `macro name` in a definition (its node spans the whole
 * head up to ')'), as bpftrace points at definitions. */
static struct srcloc head_loc(const struct node *m)
{
	struct srcloc l = m->loc;
	if (!l.src || l.line < 1)
		return l;
	const char *s = l.src->text;
	for (int line = 1; line < l.line && *s; s++)
		if (*s == '\n')
			line++;
	if ((size_t)(l.col - 1) > strlen(s))
		return l;
	const char *kw = s + l.col - 1, *p = kw;
	if (strncmp(p, "macro", 5) != 0)
		return l;
	p += 5;
	while (*p == ' ' || *p == '\t')
		p++;
	size_t n = strlen(m->name);
	if (strncmp(p, m->name, n) == 0)
		l.len = (int)(p + n - kw);
	return l;
}

/* `__builtin_X` is the builtin X (bpftrace's stdlib macro X expands to
 * it); strip the prefix when X is a builtin tinytrace knows (else sema
 * reports the name as written).  True when n was such a name. */
static bool strip_builtin_prefix(struct node *n)
{
	if (strncmp(n->name, "__builtin_", 10) != 0 ||
	    !builtin_name_known(n->name + 10))
		return false;
	n->name += 10;
	return true;
}

/* ---- definitions and overloading ---- */

/* How far a definition is from a call: 1024 per missing or extra argument,
 * 1 per argument of the wrong kind ($var wants a variable, @map a whole
 * map; an ident parameter takes anything).  0 is a match. */
static int distance(const struct node *m, struct node **args, int nargs)
{
	int np = m->args.n;
	int d = 1024 * (np > nargs ? np - nargs : nargs - np);
	for (int i = 0; i < np && i < nargs; i++) {
		const struct node *p = m->args.v[i];
		if ((p->kind == N_MAP && !is_whole_map(args[i])) ||
		    (p->kind == N_VAR && args[i]->kind != N_VAR))
			d++;
	}
	return d;
}

/* The first definition in defs of name matching args exactly, or NULL
 * with *closest set to the nearest definition of that name (NULL if
 * none). */
static struct node *macro_find(const macro_vec *defs, const char *name,
			       struct node **args, int nargs,
			       struct node **closest)
{
	struct node *best = NULL;
	int bestd = INT_MAX;
	for (int i = 0; i < defs->n; i++) {
		struct node *m = defs->v[i];
		if (strcmp(m->name, name) != 0)
			continue;
		int d = distance(m, args, nargs);
		if (d == 0)
			return m;
		if (d < bestd) {
			bestd = d;
			best = m;
		}
	}
	if (closest)
		*closest = best;
	return NULL;
}

/* A parameter name used twice (per kind, as bpftrace) is an error. */
static bool params_ok(const struct node *m)
{
	static const char *const what[] = { "Variable", "Map", "Ident" };
	for (int i = 0; i < m->args.n; i++) {
		const struct node *p = m->args.v[i];
		for (int j = 0; j < i; j++) {
			const struct node *q = m->args.v[j];
			if (q->kind != p->kind || strcmp(q->name, p->name))
				continue;
			int k = p->kind == N_VAR ? 0 : p->kind == N_MAP ? 1 : 2;
			diag_error(&p->loc,
				   "%s for macro argument has already been "
				   "used: %s",
				   what[k], p->name);
			return false;
		}
	}
	return true;
}

/* Register every definition of prog in defs, in order.  A later
 * definition that an earlier one would already match exactly is a
 * redefinition (so the more specific overloads must come first, as in
 * bpftrace). */
static void collect(macro_vec *defs, struct node *prog)
{
	for (int i = 0; i < prog->args.n; i++) {
		struct node *m = prog->args.v[i];
		if (m->kind != N_MACRO)
			continue;
		struct node *old =
			macro_find(defs, m->name, m->args.v, m->args.n, NULL);
		if (old) {
			struct srcloc h = head_loc(m), oh = head_loc(old);
			diag_error(&h, "Redefinition of macro: %s", m->name);
			diag_error(&oh, "This is the original definition.");
			continue;
		}
		if (params_ok(m))
			vec_push(defs, m);
	}
}

/* No definition of site's name takes these arguments: say why, about the
 * closest one m. */
static void report_mismatch(struct node *site, const struct node *m,
			    struct node **args, int nargs)
{
	diag_error(&site->loc,
		   "Call to %s() has arguments that do not match any "
		   "definition.",
		   m->name);
	if (m->args.n != nargs) {
		struct srcloc h = head_loc(m);
		diag_error(&h,
			   "The closest definition of %s() has a different "
			   "number of arguments. Expected: %d but got %d",
			   m->name, m->args.n, nargs);
		return;
	}
	for (int i = 0; i < nargs; i++) {
		const struct node *p = m->args.v[i], *a = args[i];
		const char *want, *got;
		if (p->kind == N_MAP && !is_whole_map(a)) {
			want = "a map";
			got = a->kind == N_VAR ? "a variable" : "an expression";
		} else if (p->kind == N_VAR && a->kind != N_VAR) {
			want = "a variable";
			got = is_whole_map(a) ? "a map" : "an expression";
		} else {
			continue;
		}
		diag_error(&a->loc,
			   "Mismatched arg. %s() expects %s for arg %s but got "
			   "%s.",
			   m->name, want, p->name, got);
		diag_error(&p->loc,
			   "This is the argument in the closest definition.");
	}
}

/* ---- environments ---- */

/* Names of the variables body assigns or declares (hygiene renames them),
 * except $var parameters, which stay the caller's. */
static void collect_assigned(struct env *E, const struct node *n)
{
	if (!n)
		return;
	const char *name = NULL;
	if (n->kind == N_ASSIGN && n->a && n->a->kind == N_VAR)
		name = n->a->name;
	else if (n->kind == N_LET || n->kind == N_FOR_MAP ||
		 n->kind == N_FOR_RANGE)
		name = n->name;
	if (name) {
		bool skip = false;
		for (int i = 0; i < E->macro->args.n; i++) {
			const struct node *p = E->macro->args.v[i];
			if (p->kind == N_VAR && !strcmp(p->name, name))
				skip = true;
		}
		for (int i = 0; i < E->renamed.n; i++)
			if (!strcmp(E->renamed.v[i], name))
				skip = true;
		if (!skip)
			vec_push(&E->renamed, name);
	}
	collect_assigned(E, n->a);
	collect_assigned(E, n->b);
	collect_assigned(E, n->c);
	for (int i = 0; i < n->args.n; i++)
		collect_assigned(E, n->args.v[i]);
}

/* Index of the parameter of kind k named name, or -1. */
static int param(const struct env *E, enum node_kind k, const char *name)
{
	if (!E)
		return -1;
	for (int i = 0; i < E->macro->args.n; i++) {
		const struct node *p = E->macro->args.v[i];
		if (p->kind == k && !strcmp(p->name, name))
			return i;
	}
	return -1;
}

/* A scratch variable's name inside E: a $var parameter is the caller's
 * variable, a variable the body assigns gets the expansion's prefix. */
static const char *var_name(const struct env *E, const char *name)
{
	int i = param(E, N_VAR, name);
	if (i >= 0)
		return E->args[i]->name;
	if (E)
		for (int j = 0; j < E->renamed.n; j++)
			if (!strcmp(E->renamed.v[j], name))
				return tt_sprintf("%s%s", E->prefix, name + 1);
	return name;
}

/* A use of ident parameter i: a copy of its argument.  A variable or map
 * comes wrapped in a block expression { $v }, so that the macro reads its
 * value but cannot assign it or pass it on by reference (tidy unwraps it
 * where it is only read). */
static struct node *substitute(const struct env *E, int i)
{
	struct node *a = clone(E->args[i], NULL);
	if (a->kind == N_VAR || is_whole_map(a)) {
		struct node *b = ast_new(N_BLOCK, &a->loc);
		b->a = a;
		return b;
	}
	return a;
}

/* ---- expansion ---- */

/* Expand macro m at site (a call, or a bare identifier for a macro without
 * parameters) into a BLOCK: in statement position the body's value, if
 * any, becomes its last statement; used as a value, the body must have
 * one. */
static struct node *expand(struct mx *M, struct node *site, struct node *m,
			   enum use use)
{
	for (int i = 0; i < M->stack.n; i++) {
		if (M->stack.v[i] != m)
			continue;
		struct strbuf b = { 0 };
		for (int j = i; j < M->stack.n; j++)
			sb_printf(&b, "%s > ", M->stack.v[j]->name);
		sb_puts(&b, m->name);
		diag_error(&site->loc,
			   "Recursive macro call detected. Call chain: %s",
			   b.s);
		sb_free(&b);
		return site;
	}
	if (use != USE_DISCARD && !m->b->a) {
		diag_error(&site->loc,
			   "Macro '%s' expanded to a block instead of a block "
			   "expression. Try removing the semicolon from the end "
			   "of the last statement in the macro body.",
			   m->name);
		return site;
	}

	struct srcloc *from = tt_alloc(sizeof(*from));
	*from = site->loc;
	struct env E = { .macro = m, .from = from };
	E.args = site->kind == N_CALL ? site->args.v : NULL;
	m->id++; /* expansions of m so far: unique variable names */
	E.prefix = m->id == 1 ? tt_sprintf("$$%s_", m->name)
			      : tt_sprintf("$$%s_%d_", m->name, m->id);
	collect_assigned(&E, m->b);

	struct node *body = clone(m->b, from);
	body->loc = site->loc;
	if (use == USE_DISCARD && body->a) {
		struct node *s = ast_new(N_EXPR_STMT, &body->a->loc);
		s->a = body->a;
		vec_push(&body->args, s);
		body->a = NULL;
	}
	vec_push(&M->stack, m);
	walk_block(M, &E, body);
	M->stack.n--;
	vec_free(&E.renamed);
	return body;
}

/* The library's definition of name for these arguments, parsing
 * stdlib/base.bt the first time a script needs it. */
static struct node *std_find(struct mx *M, const char *name,
			     struct node **args, int nargs)
{
	if (!M->std_parsed) {
		if (!stdlib_bt_defines(name, nargs))
			return NULL;
		M->std_parsed = true;
		struct node *lib = parse_program(stdlib_bt_source());
		if (lib)
			collect(&M->std, lib);
	}
	return macro_find(&M->std, name, args, nargs, NULL);
}

/* A call or bare identifier that may name a macro.  In the script's code
 * its own macros come first, then the library's, then the builtins; the
 * library's code sees only the library and the builtins, so a script's
 * macro never changes what a library macro does. */
static struct node *call_site(struct mx *M, struct env *E, struct node *n,
			      enum use use)
{
	struct node **args = n->kind == N_CALL ? n->args.v : NULL;
	int nargs = n->kind == N_CALL ? n->args.n : 0;
	bool in_std = E && E->macro->loc.src == stdlib_bt_source();
	struct node *closest = NULL, *m = NULL;
	if (!in_std)
		m = macro_find(&M->macros, n->name, args, nargs, &closest);
	if (!m)
		m = std_find(M, n->name, args, nargs);
	if (m)
		return expand(M, n, m, use);
	/* a builtin or function of that name takes over where no macro
	   fits (bpftrace's stdlib macros for builtins) */
	if (closest && !builtin_name_known(n->name))
		report_mismatch(n, closest, args, nargs);
	return n;
}

/* Type text of param arg `at` followed by the rest of a type written
 * around the parameter: "uint64 *" + " *" = "uint64 **". */
static const char *join_type(const char *at, const char *suffix)
{
	size_t n = strlen(at);
	if (suffix[0] == ' ' && suffix[1] == '*' && n && at[n - 1] == '*')
		suffix++;
	return tt_sprintf("%s%s", at, suffix);
}

/* A type in the body (sizeof, cast, let $x: T, typeof): typeof(expr) gets
 * its expression expanded (typeof of a type argument is that type); a type
 * named by an ident parameter takes the type passed (typeof(T)) or the
 * identifier passed. */
static void walk_ctype(struct mx *M, struct env *E, struct ctype *ct)
{
	if (!ct)
		return;
	if (ct->expr) {
		ct->expr = walk_expr(M, E, ct->expr, USE_VALUE);
		if (ct->expr->kind == N_TYPEID) {
			const struct ctype *in = ct->expr->ctype;
			ct->text = in->text;
			ct->expr = in->expr;
		}
		return;
	}
	if (!E)
		return;
	const char *t = ct->text, *kw = "";
	if (!strncmp(t, "struct ", 7))
		kw = "struct ";
	else if (!strncmp(t, "union ", 6))
		kw = "union ";
	else if (!strncmp(t, "enum ", 5))
		kw = "enum ";
	const char *word = t + strlen(kw);
	size_t wl = strcspn(word, " *[");
	const char *pname = tt_strndup(word, wl), *suffix = word + wl;
	int i = param(E, N_BUILTIN, pname);
	if (i < 0)
		return;
	const struct node *a = E->args[i];
	if (a->kind == N_TYPEID && a->ctype->expr &&
	    a->ctype->expr->kind == N_BUILTIN)
		a = a->ctype->expr; /* typeof(task_struct): a type name */
	if (a->kind == N_TYPEID && !a->ctype->expr) {
		const char *at = a->ctype->text;
		if (!*kw) {
			ct->text = join_type(at, suffix);
			return;
		}
		if (!at[strcspn(at, " *[")]) {
			ct->text = tt_sprintf("%s%s%s", kw, at, suffix);
			return;
		}
	} else if (a->kind == N_BUILTIN) {
		ct->text = tt_sprintf("%s%s%s", kw, a->name, suffix);
		return;
	} else if (a->kind == N_TYPEID && !*kw && !*suffix) {
		ct->text = "typeof";
		ct->expr = clone(a->ctype->expr, NULL);
		return;
	}
	diag_error(&ct->loc,
		   "Invalid replacement for macro '%s' type parameter '%s' "
		   "which makes up the type '%s'",
		   E->macro->name, pname, ct->text);
}

/* a.b.c written as identifiers, appended to b; false if n is anything
 * else. */
static bool field_path(const struct node *n, struct strbuf *b)
{
	if (n->kind == N_BUILTIN) {
		sb_puts(b, n->name);
		return true;
	}
	if (n->kind == N_FIELD && !n->is_arrow && field_path(n->a, b)) {
		sb_printf(b, ".%s", n->name);
		return true;
	}
	return false;
}

/* offsetof(T, f.g): an ident parameter as the first field name takes the
 * field path passed. */
static void walk_offsetof_path(struct env *E, struct node *n)
{
	size_t k = strcspn(n->name, ".");
	int i = param(E, N_BUILTIN, tt_strndup(n->name, k));
	if (i < 0)
		return;
	struct strbuf b = { 0 };
	if (field_path(E->args[i], &b)) {
		n->name = tt_sprintf("%s%s", b.s, n->name + k);
	} else {
		diag_error(&E->args[i]->loc,
			   "FieldAccess expressions must be made up entirely "
			   "of idents (e.g. a.b.c) to replace the second "
			   "argument in `offsetof`");
	}
	sb_free(&b);
}

/* Expand expression n (in environment E, NULL outside macros); returns
 * what replaces it. */
static struct node *walk_expr(struct mx *M, struct env *E, struct node *n,
			      enum use use)
{
	if (!n)
		return NULL;
	switch (n->kind) {
	case N_BUILTIN: {
		int i = param(E, N_BUILTIN, n->name);
		if (i >= 0)
			return substitute(E, i);
		if (strip_builtin_prefix(n))
			return n;
		return call_site(M, E, n, use);
	}
	case N_CALL:
		for (int i = 0; i < n->args.n; i++)
			n->args.v[i] = walk_expr(M, E, n->args.v[i], USE_VALUE);
		if (strip_builtin_prefix(n))
			return n;
		return call_site(M, E, n, use);
	case N_VAR:
		n->name = var_name(E, n->name);
		return n;
	case N_MAP:
		if (E) {
			int i = param(E, N_MAP, n->name);
			if (i >= 0)
				n->name = E->args[i]->name;
			else
				diag_error(&n->loc,
					   "Unhygienic access to map: %s. Maps "
					   "must be passed into the macro as "
					   "arguments.",
					   n->name);
		}
		for (int i = 0; i < n->args.n; i++)
			n->args.v[i] = walk_expr(M, E, n->args.v[i], USE_VALUE);
		return n;
	case N_SIZEOF:
	case N_OFFSETOF:
		if (n->ctype) {
			walk_ctype(M, E, n->ctype);
		} else {
			n->a = walk_expr(M, E, n->a, USE_VALUE);
			if (n->a->kind == N_TYPEID) {
				n->ctype = n->a->ctype;
				n->a = NULL;
			}
		}
		if (n->kind == N_OFFSETOF && E)
			walk_offsetof_path(E, n);
		return n;
	case N_INDEX:
		n->a = walk_expr(M, E, n->a, USE_VALUE);
		n->b = walk_expr(M, E, n->b, USE_VALUE);
		if (n->a->kind == N_TYPEID && !n->a->ctype->expr &&
		    n->b->kind == N_INT) {
			/* T[N] with T a type argument: an array type */
			struct node *t = ast_new(N_TYPEID, &n->loc);
			t->ctype = tt_alloc(sizeof(*t->ctype));
			*t->ctype = *n->a->ctype;
			t->ctype->text = tt_sprintf("%s[%llu]", t->ctype->text,
						    (unsigned long long)n->b->ival);
			t->ctype->loc = n->loc;
			return t;
		}
		return n;
	case N_INCDEC:
		n->a = walk_expr(M, E, n->a, USE_LVALUE);
		return n;
	case N_UNOP:
		n->a = walk_expr(M, E, n->a, n->op == '&' ? USE_LVALUE : USE_VALUE);
		return n;
	case N_BLOCK:
		walk_block(M, E, n);
		return n;
	default:
		walk_ctype(M, E, n->ctype);
		n->a = walk_expr(M, E, n->a, USE_VALUE);
		n->b = walk_expr(M, E, n->b, USE_VALUE);
		n->c = walk_expr(M, E, n->c, USE_VALUE);
		for (int i = 0; i < n->args.n; i++)
			n->args.v[i] = walk_expr(M, E, n->args.v[i], USE_VALUE);
		return n;
	}
}

/* Expand statement n; returns what replaces it. */
static struct node *walk_stmt(struct mx *M, struct env *E, struct node *n)
{
	switch (n->kind) {
	case N_EXPR_STMT: {
		struct node *e = walk_expr(M, E, n->a, USE_DISCARD);
		if (e->kind != N_BLOCK) {
			n->a = e;
			return n;
		}
		/* an expanded macro (or a block expression) used as a
		   statement: a block statement */
		if (e->a) {
			struct node *s = ast_new(N_EXPR_STMT, &e->a->loc);
			s->a = e->a;
			vec_push(&e->args, s);
			e->a = NULL;
		}
		return e;
	}
	case N_ASSIGN:
		n->a = walk_expr(M, E, n->a, USE_LVALUE);
		n->b = walk_expr(M, E, n->b, USE_VALUE);
		return n;
	case N_LET:
		if (param(E, N_VAR, n->name) >= 0)
			diag_error(&n->loc,
				   "Variable declaration shadows macro arg %s",
				   n->name);
		else
			n->name = var_name(E, n->name);
		walk_ctype(M, E, n->ctype);
		n->b = walk_expr(M, E, n->b, USE_VALUE);
		return n;
	case N_IF:
		n->a = walk_expr(M, E, n->a, USE_VALUE);
		walk_block(M, E, n->b);
		if (n->c)
			n->c = walk_stmt(M, E, n->c);
		return n;
	case N_WHILE:
	case N_UNROLL:
		n->a = walk_expr(M, E, n->a, USE_VALUE);
		walk_block(M, E, n->b);
		return n;
	case N_FOR_MAP:
	case N_FOR_RANGE:
		n->name = var_name(E, n->name);
		n->a = walk_expr(M, E, n->a, USE_VALUE);
		n->c = walk_expr(M, E, n->c, USE_VALUE);
		walk_block(M, E, n->b);
		return n;
	case N_RETURN:
		n->a = walk_expr(M, E, n->a, USE_VALUE);
		return n;
	case N_BLOCK:
		walk_block(M, E, n);
		return n;
	case N_BREAK:
	case N_CONTINUE:
	case N_MAPDECL:
		return n;
	default:
		return walk_expr(M, E, n, USE_DISCARD);
	}
}

/* A block's statements, then its value (block expressions). */
static void walk_block(struct mx *M, struct env *E, struct node *blk)
{
	if (!blk)
		return;
	if (blk->kind != N_BLOCK) {
		walk_stmt(M, E, blk);
		return;
	}
	for (int i = 0; i < blk->args.n; i++)
		blk->args.v[i] = walk_stmt(M, E, blk->args.v[i]);
	blk->a = walk_expr(M, E, blk->a, USE_VALUE);
}

/* ---- after expansion ---- */

/* A block expression without statements is its value, except where it is
 * assigned or its address taken (a by-value argument stays a value there).
 * A typeof() still standing as an expression went to something that does
 * not take a type (macros with type parameters, such as the library's
 * container_of, have put theirs in place). */
static struct node *tidy(struct node *n, bool keep_block)
{
	if (!n)
		return NULL;
	if (n->kind == N_TYPEID) {
		diag_error(&n->loc,
			   "When used as a call argument, `typeof` builtin "
			   "only valid for macro calls that are expecting a "
			   "type parameter");
		return n;
	}
	bool lv = n->kind == N_INCDEC || n->kind == N_ASSIGN ||
		  (n->kind == N_UNOP && n->op == '&');
	n->a = tidy(n->a, lv);
	n->b = tidy(n->b, false);
	n->c = tidy(n->c, false);
	for (int i = 0; i < n->args.n; i++)
		n->args.v[i] = tidy(n->args.v[i], false);
	if (n->ctype)
		n->ctype->expr = tidy(n->ctype->expr, false);
	if (n->kind == N_BLOCK && !n->args.n && n->a && !keep_block)
		return n->a;
	return n;
}

int macro_expand(struct node *prog)
{
	int before = diag_error_count();
	struct mx M = { 0 };

	collect(&M.macros, prog);
	int k = 0;
	for (int i = 0; i < prog->args.n; i++)
		if (prog->args.v[i]->kind != N_MACRO)
			prog->args.v[k++] = prog->args.v[i];
	prog->args.n = k;

	for (int i = 0; i < prog->args.n; i++) {
		struct node *p = prog->args.v[i];
		if (p->kind != N_PROBE)
			continue;
		p->a = walk_expr(&M, NULL, p->a, USE_VALUE);
		walk_block(&M, NULL, p->b);
		tidy(p, false);
	}
	vec_free(&M.macros);
	vec_free(&M.std);
	vec_free(&M.stack);
	return diag_error_count() > before ? -1 : 0;
}
