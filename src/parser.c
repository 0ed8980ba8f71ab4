/* parser.c — tokens -> AST (parser.h).
 *
 * Takes a struct source, pulls tokens from lexer.c and builds the N_PROGRAM
 * tree of ast.h.  Hand-written recursive descent; binary operators by
 * precedence climbing with C's levels.  Every node's loc spans its whole
 * text (first token to last token), as bpftrace underlines expressions.
 * Attach points and C definitions are taken raw from the lexer; probes.c and
 * the C declaration parser interpret them later.  Bare identifiers become
 * N_BUILTIN: whether `pid` is a builtin, a macro or a mistake is sema's call.
 *
 * The first syntax error is reported with diag_error() in bison's wording
 * ("syntax error, unexpected X, expecting Y") and parsing stops (longjmp
 * back to parse_program, which returns NULL). */
#include "parser.h"

#include <ctype.h>
#include <setjmp.h>
#include <string.h>

#include "lexer.h"
#include "probes.h"

struct parser {
	struct lexer lx;
	const struct source *src;
	jmp_buf fail;
	/* end of the last consumed token, for node spans */
	int end_line, end_col;
	/* parsing a predicate: a '/' at this level (not inside (), [] or a
	   call) ends it instead of dividing */
	bool in_pred;
	int depth; /* recursion depth, against stack overflow */
};

/* Deeper than this and a script is an attack or a generator gone wrong;
 * real scripts stay below 50. */
#define PARSE_MAX_DEPTH 1000

/* ---- tokens ---- */

static const struct token *peek(struct parser *P, int k)
{
	return lex_peek(&P->lx, k);
}

static struct token next(struct parser *P)
{
	struct token t = lex_next(&P->lx);
	if (t.kind != T_EOF && t.kind != T_ERROR) {
		P->end_line = t.loc.line;
		P->end_col = t.loc.col + t.loc.len;
	}
	return t;
}

static bool is_punct(const struct token *t, int op)
{
	return t->kind == T_PUNCT && t->op == op;
}

static bool is_ident(const struct token *t, const char *s)
{
	return t->kind == T_IDENT && strcmp(t->str, s) == 0;
}

static bool peek_punct(struct parser *P, int op)
{
	return is_punct(peek(P, 0), op);
}

static bool peek_ident(struct parser *P, const char *s)
{
	return is_ident(peek(P, 0), s);
}

/* Report "syntax error, unexpected <t>[, expecting <what>]" (or the lexer's
 * own message for a malformed token) and stop parsing. */
static _Noreturn void unexpected(struct parser *P, const struct token *t,
				 const char *expecting)
{
	struct srcloc loc = t->loc;
	if (t->kind == T_EOF && P->end_line) {
		/* point just past the last token, not at a blank last line */
		loc.line = P->end_line;
		loc.col = P->end_col;
		loc.len = 1;
	}
	if (t->kind == T_ERROR)
		diag_error(&loc, "%s", t->str);
	else if (expecting)
		diag_error(&loc, "syntax error, unexpected %s, expecting %s",
			   tok_describe(t), expecting);
	else
		diag_error(&loc, "syntax error, unexpected %s", tok_describe(t));
	longjmp(P->fail, 1);
}

/* Count one level of recursion; stop with an error past the limit.  Pair
 * with leave(). */
static void enter(struct parser *P)
{
	if (++P->depth > PARSE_MAX_DEPTH) {
		const struct token *t = peek(P, 0);
		diag_error(&t->loc, "nesting too deep (limit is %d)",
			   PARSE_MAX_DEPTH);
		longjmp(P->fail, 1);
	}
}

static void leave(struct parser *P)
{
	P->depth--;
}

static bool accept(struct parser *P, int op)
{
	if (!peek_punct(P, op))
		return false;
	next(P);
	return true;
}

/* Consume punctuation op or fail with "expecting <expecting>" (default: the
 * operator itself). */
static struct token expect(struct parser *P, int op, const char *expecting)
{
	if (!peek_punct(P, op))
		unexpected(P, peek(P, 0), expecting ? expecting : lex_op_str(op));
	return next(P);
}

/* ---- nodes ---- */

static struct node *mk(enum node_kind k, const struct token *t)
{
	return ast_new(k, &t->loc);
}

/* Stretch n->loc to the end of the last consumed token.  A node spanning
 * lines is underlined to the end of its first line. */
static struct node *finish(struct parser *P, struct node *n)
{
	if (!n->loc.src)
		return n;
	if (P->end_line == n->loc.line && P->end_col > n->loc.col) {
		n->loc.len = P->end_col - n->loc.col;
	} else if (P->end_line > n->loc.line) {
		const char *s = P->src->text;
		for (int l = 1; l < n->loc.line && *s; s++)
			if (*s == '\n')
				l++;
		const char *e = strchr(s, '\n');
		int linelen = e ? (int)(e - s) : (int)strlen(s);
		if (linelen >= n->loc.col)
			n->loc.len = linelen - n->loc.col + 1;
	}
	return n;
}

static void push(struct node_vec *v, struct node *n)
{
	vec_push(v, n);
}

/* ---- types in casts, sizeof, offsetof, let ---- */

static const char *const type_words[] = {
	"int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
	"uint64", "bool", "string", "inet", "buffer", "void", "char", "short",
	"int", "long", "unsigned", "signed", "const", "volatile", "u8", "u16",
	"u32", "u64", "s8", "s16", "s32", "s64", "__u8", "__u16", "__u32",
	"__u64", "__s8", "__s16", "__s32", "__s64", "_Bool", "float",
	"double", NULL,
};

static bool is_type_word(const char *s)
{
	for (int i = 0; type_words[i]; i++)
		if (strcmp(s, type_words[i]) == 0)
			return true;
	size_t n = strlen(s);
	return n > 2 && strcmp(s + n - 2, "_t") == 0; /* uint64_t, pid_t */
}

/* Does a type name start at the next token?  struct/union/enum, a builtin
 * or C type word, anything ending in _t, typeof(...), or `ident *)` /
 * `ident **` (a typedef, or a macro parameter holding a type). */
static bool looks_like_type(struct parser *P)
{
	const struct token *t0 = peek(P, 0);
	if (t0->kind != T_IDENT)
		return false;
	const struct token *t1 = peek(P, 1);
	if (is_ident(t0, "struct") || is_ident(t0, "union") ||
	    is_ident(t0, "enum"))
		return true;
	/* uint64_t() is a call (of a macro, say) even where a type may
	   stand (language.md, "Type Context Builtins") */
	if (is_punct(t1, '(') && !is_ident(t0, "typeof"))
		return false;
	if (is_type_word(t0->str))
		return true;
	if (is_ident(t0, "typeof") && is_punct(t1, '('))
		return true;
	if (is_punct(t1, '*')) {
		const struct token *t2 = peek(P, 2);
		return is_punct(t2, ')') || is_punct(t2, '*');
	}
	return false;
}

static struct node *parse_nested_expr(struct parser *P);

/* type := ('struct'|'union'|'enum') IDENT | IDENT+ | typeof
 *         ; then '*'* ('[' INT? ']')*
 * typeof := 'typeof' '(' (type | expr) ')'
 * Normalised text: "struct foo *", "unsigned int", "int8[8]", "uint8[]";
 * typeof(type) is that type, typeof(expr) has text "typeof" and expr. */
static struct ctype *parse_type(struct parser *P)
{
	struct ctype *ct = tt_alloc(sizeof(*ct));
	struct strbuf b = { 0 };
	const struct token *t = peek(P, 0);
	ct->loc = t->loc;
	int start_line = t->loc.line, start_col = t->loc.col;
	if (t->kind != T_IDENT)
		unexpected(P, t, "type");
	if (is_ident(t, "typeof") && is_punct(peek(P, 1), '(')) {
		next(P);
		next(P);
		if (looks_like_type(P)) {
			struct ctype *in = parse_type(P);
			sb_puts(&b, in->text);
		} else {
			sb_puts(&b, "typeof");
			ct->expr = parse_nested_expr(P);
		}
		expect(P, ')', NULL);
	} else if (is_ident(t, "struct") || is_ident(t, "union") ||
	    is_ident(t, "enum")) {
		struct token kw = next(P);
		const struct token *name = peek(P, 0);
		if (name->kind != T_IDENT)
			unexpected(P, name, "identifier");
		sb_printf(&b, "%s %s", kw.str, name->str);
		next(P);
	} else {
		sb_puts(&b, next(P).str);
		while (peek(P, 0)->kind == T_IDENT &&
		       is_type_word(peek(P, 0)->str)) {
			sb_putc(&b, ' ');
			sb_puts(&b, next(P).str);
		}
	}
	/* postfix modifiers, read left to right (language.md "Type
	   Syntax"): int32[4]* is a pointer to an array of 4 int32 */
	for (bool ptr = false;;) {
		if (peek_punct(P, '*')) {
			if (!ptr)
				sb_putc(&b, ' ');
			while (accept(P, '*'))
				sb_putc(&b, '*');
			ptr = true;
		} else if (accept(P, '[')) {
			if (peek(P, 0)->kind == T_INT)
				sb_printf(&b, "[%llu]",
					  (unsigned long long)next(P).ival);
			else
				sb_puts(&b, "[]");
			expect(P, ']', NULL);
			ptr = false;
		} else {
			break;
		}
	}
	ct->text = tt_strdup(b.s);
	sb_free(&b);
	if (P->end_line == start_line)
		ct->loc.len = P->end_col - start_col;
	return ct;
}

/* ---- expressions ---- */

static struct node *parse_expr(struct parser *P);
static struct node *parse_unary(struct parser *P);

static struct node *parse_block(struct parser *P, bool value);

/* Parse an expression in a nested context ('(', '[', call arguments) where
 * a '/' is a division again even inside a predicate. */
static struct node *parse_nested_expr(struct parser *P)
{
	bool saved = P->in_pred;
	P->in_pred = false;
	struct node *n = parse_expr(P);
	P->in_pred = saved;
	return n;
}

/* expr_list := expr (',' expr)*   — up to the closing `close` */
static void parse_expr_list(struct parser *P, struct node_vec *out, int close,
			    const char *expecting)
{
	for (;;) {
		push(out, parse_nested_expr(P));
		if (accept(P, ','))
			continue;
		if (peek_punct(P, close))
			return;
		unexpected(P, peek(P, 0), expecting);
	}
}

/* call := IDENT ['!'] '(' [expr_list] ')'   (greet!() calls a macro, as
 * language.md writes it) */
static struct node *parse_call(struct parser *P)
{
	struct token name = next(P);
	struct node *n = mk(N_CALL, &name);
	n->name = name.str;
	accept(P, '!');
	expect(P, '(', NULL);
	if (!peek_punct(P, ')'))
		parse_expr_list(P, &n->args, ')', ") or \",\"");
	expect(P, ')', ") or \",\"");
	return finish(P, n);
}

/* map := MAP ['[' expr_list ']'] */
static struct node *parse_map(struct parser *P)
{
	struct token t = next(P);
	struct node *n = mk(N_MAP, &t);
	n->name = t.str;
	if (accept(P, '[')) {
		if (peek_punct(P, ']'))
			unexpected(P, peek(P, 0), NULL);
		parse_expr_list(P, &n->args, ']', "] or \",\"");
		expect(P, ']', "] or \",\"");
	}
	return finish(P, n);
}

/* sizeof := 'sizeof' '(' (type | expr) ')' */
static struct node *parse_sizeof(struct parser *P)
{
	struct token kw = next(P);
	struct node *n = mk(N_SIZEOF, &kw);
	expect(P, '(', NULL);
	if (looks_like_type(P))
		n->ctype = parse_type(P);
	else
		n->a = parse_nested_expr(P);
	expect(P, ')', NULL);
	return finish(P, n);
}

/* offsetof := 'offsetof' '(' (type | expr) ',' IDENT ('.' IDENT)* ')'
 * The field path is kept as one dotted name ("a.b"). */
static struct node *parse_offsetof(struct parser *P)
{
	struct token kw = next(P);
	struct node *n = mk(N_OFFSETOF, &kw);
	expect(P, '(', NULL);
	if (looks_like_type(P))
		n->ctype = parse_type(P);
	else
		n->a = parse_nested_expr(P);
	expect(P, ',', "\",\"");
	struct strbuf b = { 0 };
	for (;;) {
		const struct token *t = peek(P, 0);
		if (t->kind != T_IDENT)
			unexpected(P, t, "identifier");
		sb_puts(&b, next(P).str);
		if (!accept(P, '.'))
			break;
		sb_putc(&b, '.');
	}
	n->name = tt_strdup(b.s);
	sb_free(&b);
	expect(P, ')', NULL);
	return finish(P, n);
}

/* paren := '(' ')'                                   empty tuple
 *        | '(' type ')' unary                        cast
 *        | '(' IDENT '=' expr (',' IDENT '=' expr)* [','] ')'   record
 *        | '(' expr ')'
 *        | '(' expr ',' [expr (',' expr)* [',']] ')' tuple */
static struct node *parse_paren(struct parser *P)
{
	struct token lp = next(P);
	bool saved = P->in_pred;
	P->in_pred = false;
	struct node *n;
	if (peek_punct(P, ')')) {
		next(P);
		n = mk(N_TUPLE, &lp);
	} else if (looks_like_type(P)) {
		n = mk(N_CAST, &lp);
		n->ctype = parse_type(P);
		expect(P, ')', NULL);
		P->in_pred = saved;
		n->a = parse_unary(P);
	} else if (peek(P, 0)->kind == T_IDENT && is_punct(peek(P, 1), '=')) {
		n = mk(N_RECORD, &lp);
		for (;;) {
			struct token name = next(P);
			if (name.kind != T_IDENT)
				unexpected(P, &name, "identifier");
			struct node *e = mk(N_NAMED, &name);
			e->name = name.str;
			expect(P, '=', NULL);
			e->a = parse_expr(P);
			push(&n->args, finish(P, e));
			if (!accept(P, ','))
				break;
			if (peek_punct(P, ')'))
				break;
		}
		expect(P, ')', ") or \",\"");
	} else {
		struct node *e = parse_expr(P);
		if (accept(P, ',')) {
			n = mk(N_TUPLE, &lp);
			push(&n->args, e);
			while (!peek_punct(P, ')')) {
				push(&n->args, parse_expr(P));
				if (!accept(P, ','))
					break;
			}
			expect(P, ')', ") or \",\"");
		} else {
			expect(P, ')', NULL);
			P->in_pred = saved;
			return e; /* grouping only */
		}
	}
	P->in_pred = saved;
	return finish(P, n);
}

/* primary := INT | STR | VAR | POSPARAM | '$#' | map | 'true' | 'false'
 *          | sizeof | offsetof | typeof | call | IDENT | paren | block */
static struct node *parse_primary(struct parser *P)
{
	const struct token *t = peek(P, 0);
	struct node *n;
	switch (t->kind) {
	case T_INT:
		n = mk(N_INT, t);
		n->ival = t->ival;
		next(P);
		return finish(P, n);
	case T_STR:
		n = mk(N_STR, t);
		n->str = t->str;
		n->slen = t->slen;
		next(P);
		return finish(P, n);
	case T_VAR:
		n = mk(N_VAR, t);
		n->name = t->str;
		next(P);
		return finish(P, n);
	case T_POSPARAM:
		n = mk(N_POSPARAM, t);
		n->ival = t->ival;
		next(P);
		return finish(P, n);
	case T_POSCOUNT:
		n = mk(N_POSCOUNT, t);
		next(P);
		return finish(P, n);
	case T_MAP:
		return parse_map(P);
	case T_IDENT:
		if (is_ident(t, "true") || is_ident(t, "false")) {
			n = mk(N_BOOL, t);
			n->ival = is_ident(t, "true");
			next(P);
			return finish(P, n);
		}
		if (is_ident(t, "sizeof"))
			return parse_sizeof(P);
		if (is_ident(t, "offsetof"))
			return parse_offsetof(P);
		if (is_ident(t, "typeof") && is_punct(peek(P, 1), '(')) {
			n = mk(N_TYPEID, t);
			n->ctype = parse_type(P);
			return finish(P, n);
		}
		/* keywords cannot start an expression; config() can */
		if (strcmp(tok_describe(t), "identifier") != 0 &&
		    !is_ident(t, "config"))
			unexpected(P, t, NULL);
		if (is_punct(peek(P, 1), '(') ||
		    (is_punct(peek(P, 1), '!') && is_punct(peek(P, 2), '(')))
			return parse_call(P);
		n = mk(N_BUILTIN, t);
		n->name = t->str;
		next(P);
		return finish(P, n);
	case T_PUNCT:
		if (t->op == '(')
			return parse_paren(P);
		if (t->op == '{') {
			bool saved = P->in_pred;
			P->in_pred = false;
			n = parse_block(P, true);
			P->in_pred = saved;
			return n;
		}
		break;
	default:
		break;
	}
	unexpected(P, t, NULL);
}

/* postfix := primary ('.' (IDENT|INT) | '->' IDENT | '[' expr ']' | '++' | '--')* */
static struct node *parse_postfix(struct parser *P)
{
	struct node *n = parse_primary(P);
	int levels = 0; /* each suffix nests the tree one level deeper */
	for (;; levels++) {
		enter(P);
		const struct token *t = peek(P, 0);
		if (is_punct(t, '.') || is_punct(t, OP_ARROW)) {
			bool arrow = t->op == OP_ARROW;
			next(P);
			const struct token *f = peek(P, 0);
			struct node *fn = ast_new(N_FIELD, &n->loc);
			fn->is_arrow = arrow;
			fn->a = n;
			if (f->kind == T_IDENT)
				fn->name = f->str;
			else if (f->kind == T_INT && !arrow)
				fn->name = tt_sprintf("%llu",
						      (unsigned long long)f->ival);
			else
				unexpected(P, f, "identifier");
			next(P);
			n = finish(P, fn);
		} else if (is_punct(t, '[')) {
			next(P);
			struct node *ix = ast_new(N_INDEX, &n->loc);
			ix->a = n;
			ix->b = parse_nested_expr(P);
			expect(P, ']', NULL);
			n = finish(P, ix);
		} else if (is_punct(t, OP_INC) || is_punct(t, OP_DEC)) {
			struct node *u = ast_new(N_INCDEC, &n->loc);
			u->op = t->op;
			u->is_post = true;
			u->a = n;
			next(P);
			n = finish(P, u);
		} else {
			P->depth -= levels + 1;
			return n;
		}
	}
}

/* unary := ('-'|'~'|'!'|'*'|'&'|'++'|'--') unary | postfix
 * (casts are found by parse_paren) */
static struct node *parse_unary_1(struct parser *P)
{
	const struct token *t = peek(P, 0);
	if (t->kind == T_PUNCT &&
	    (t->op == '-' || t->op == '~' || t->op == '!' || t->op == '*' ||
	     t->op == '&' || t->op == '+' || t->op == OP_INC ||
	     t->op == OP_DEC)) {
		struct token op = next(P);
		if (op.op == '+') /* unary plus: no node */
			return parse_unary(P);
		struct node *n = mk(op.op == OP_INC || op.op == OP_DEC ?
					    N_INCDEC : N_UNOP, &op);
		n->op = op.op;
		n->a = parse_unary(P);
		return finish(P, n);
	}
	return parse_postfix(P);
}

static struct node *parse_unary(struct parser *P)
{
	enter(P);
	struct node *n = parse_unary_1(P);
	leave(P);
	return n;
}

/* Binding power of a binary operator token, 0 if not one. */
static int binop_prec(struct parser *P, const struct token *t)
{
	if (t->kind != T_PUNCT)
		return 0;
	switch (t->op) {
	case OP_LOR: return 1;
	case OP_LAND: return 2;
	case '|': return 3;
	case '^': return 4;
	case '&': return 5;
	case OP_EQ: case OP_NE: return 6;
	case '<': case '>': case OP_LE: case OP_GE: return 7;
	case OP_SHL: case OP_SHR: return 8;
	case '+': case '-': return 9;
	case '/': return P->in_pred ? 0 : 10;
	case '*': case '%': return 10;
	}
	return 0;
}

/* binary := unary (binop unary)*   — precedence climbing, left-assoc:
 *   || < && < | < ^ < & < == != < < <= > >= < << >> < + - < * / % */
static struct node *parse_binary(struct parser *P, int min_prec)
{
	struct node *lhs = parse_unary(P);
	int levels = 0; /* a left-assoc chain nests the tree one level a term */
	for (;; levels++) {
		enter(P);
		const struct token *t = peek(P, 0);
		int prec = binop_prec(P, t);
		if (!prec || prec < min_prec) {
			P->depth -= levels + 1;
			return lhs;
		}
		int op = t->op;
		next(P);
		struct node *rhs = parse_binary(P, prec + 1);
		struct node *n = ast_new(N_BINOP, &lhs->loc);
		n->op = op;
		n->a = lhs;
		n->b = rhs;
		lhs = finish(P, n);
	}
}

/* expr := binary ['?' expr ':' expr | '?:' expr]   (right-assoc) */
static struct node *parse_expr_1(struct parser *P)
{
	struct node *c = parse_binary(P, 1);
	if (peek_punct(P, '?') && !is_punct(peek(P, 1), ':')) {
		next(P);
		struct node *n = ast_new(N_TERNARY, &c->loc);
		n->a = c;
		n->b = parse_expr(P);
		expect(P, ':', NULL);
		n->c = parse_expr(P);
		return finish(P, n);
	}
	if (peek_punct(P, OP_ELVIS) || peek_punct(P, '?')) {
		if (!accept(P, OP_ELVIS)) {
			next(P); /* `? :` written apart */
			next(P);
		}
		struct node *n = ast_new(N_TERNARY, &c->loc);
		n->a = c;
		n->c = parse_expr(P);
		return finish(P, n);
	}
	return c;
}

static struct node *parse_expr(struct parser *P)
{
	enter(P); /* `a ? b : c ? d : e` nests to the right */
	struct node *n = parse_expr_1(P);
	leave(P);
	return n;
}

/* ---- statements ---- */

static bool is_assign_op(const struct token *t)
{
	if (t->kind != T_PUNCT)
		return false;
	switch (t->op) {
	case '=': case OP_ADD_ASSIGN: case OP_SUB_ASSIGN: case OP_MUL_ASSIGN:
	case OP_DIV_ASSIGN: case OP_MOD_ASSIGN: case OP_AND_ASSIGN:
	case OP_OR_ASSIGN: case OP_XOR_ASSIGN: case OP_SHL_ASSIGN:
	case OP_SHR_ASSIGN:
		return true;
	}
	return false;
}

static bool is_lvalue(const struct node *n)
{
	switch (n->kind) {
	case N_VAR: case N_MAP: case N_FIELD: case N_INDEX:
		return true;
	case N_UNOP:
		return n->op == '*';
	case N_BUILTIN:
		return strcmp(n->name, "_") == 0; /* discard: _ = f(); */
	default:
		return false;
	}
}

static struct node *parse_stmt(struct parser *P, bool *needs_semi);

/* if := 'if' ['comptime'] expr block ['else' (if | block)]
 * (the usual `if (c)` is a parenthesised expr; `if c {` is accepted too) */
static struct node *parse_if(struct parser *P)
{
	enter(P);
	struct token kw = next(P);
	struct node *n = mk(N_IF, &kw);
	if (peek_ident(P, "comptime") && is_punct(peek(P, 1), '(')) {
		next(P); /* if comptime (c): decided at compile time */
		n->name = "comptime";
	}
	n->a = parse_nested_expr(P);
	n->b = parse_block(P, false);
	if (peek_ident(P, "else")) {
		next(P);
		if (peek_ident(P, "if"))
			n->c = parse_if(P);
		else
			n->c = parse_block(P, false);
	}
	leave(P);
	return finish(P, n);
}

/* while := 'while' expr block        (normally `while (c) {`)
 * unroll := 'unroll' '(' expr ')' block */
static struct node *parse_loop(struct parser *P, enum node_kind k)
{
	struct token kw = next(P);
	struct node *n = mk(k, &kw);
	if (k == N_UNROLL) {
		expect(P, '(', NULL);
		n->a = parse_nested_expr(P);
		expect(P, ')', NULL);
	} else {
		n->a = parse_nested_expr(P);
	}
	n->b = parse_block(P, false);
	return finish(P, n);
}

/* for := 'for' '(' VAR ':' expr ')' block            (map)
 *      | 'for' '(' VAR ':' expr '..' expr ')' block  (range)
 * (the parentheses may be left out) */
static struct node *parse_for(struct parser *P)
{
	struct token kw = next(P);
	bool paren = accept(P, '(');
	const struct token *v = peek(P, 0);
	if (v->kind != T_VAR)
		unexpected(P, v, "variable");
	struct token var = next(P);
	expect(P, ':', NULL);
	struct node *n = mk(N_FOR_MAP, &kw);
	n->name = var.str;
	n->a = parse_nested_expr(P);
	if (accept(P, OP_DOTDOT)) {
		n->kind = N_FOR_RANGE;
		n->c = parse_nested_expr(P);
	}
	if (paren)
		expect(P, ')', NULL);
	n->b = parse_block(P, false);
	return finish(P, n);
}

/* mapdecl := 'let' MAP '=' IDENT '(' INT ')'   (after 'let' at *kw) */
static struct node *parse_mapdecl(struct parser *P, const struct token *kw)
{
	struct node *n = mk(N_MAPDECL, kw);
	struct token m = next(P);
	n->name = m.str;
	expect(P, '=', NULL);
	const struct token *k = peek(P, 0);
	if (k->kind != T_IDENT)
		unexpected(P, k, "identifier");
	n->str = next(P).str;
	expect(P, '(', NULL);
	const struct token *c = peek(P, 0);
	if (c->kind != T_INT)
		unexpected(P, c, "integer");
	n->ival = next(P).ival;
	expect(P, ')', NULL);
	return finish(P, n);
}

/* let := 'let' VAR [':' type] ['=' expr]
 *      | mapdecl      (only at top level; sema reports it elsewhere) */
static struct node *parse_let(struct parser *P)
{
	struct token kw = next(P);
	const struct token *t = peek(P, 0);
	if (t->kind == T_MAP)
		return parse_mapdecl(P, &kw);
	if (t->kind != T_VAR)
		unexpected(P, t, "variable");
	struct token var = next(P);
	struct node *n = mk(N_LET, &kw);
	n->name = var.str;
	if (accept(P, ':'))
		n->ctype = parse_type(P);
	if (accept(P, '='))
		n->b = parse_expr(P);
	return finish(P, n);
}

/* stmt := if | while | unroll | for | block | let | 'return' [expr]
 *       | 'break' | 'continue' | expr [assign_op expr]
 * *needs_semi is set for statements that must be followed by ';' or '}'. */
static struct node *parse_stmt(struct parser *P, bool *needs_semi)
{
	const struct token *t = peek(P, 0);
	*needs_semi = false;
	if (t->kind == T_IDENT) {
		if (is_ident(t, "if"))
			return parse_if(P);
		if (is_ident(t, "while"))
			return parse_loop(P, N_WHILE);
		if (is_ident(t, "unroll"))
			return parse_loop(P, N_UNROLL);
		if (is_ident(t, "for"))
			return parse_for(P);
	}
	if (is_punct(t, '{'))
		return parse_block(P, false);
	*needs_semi = true;
	if (is_ident(t, "let"))
		return parse_let(P);
	if (is_ident(t, "break") || is_ident(t, "continue")) {
		struct node *n = mk(is_ident(t, "break") ? N_BREAK : N_CONTINUE, t);
		next(P);
		return finish(P, n);
	}
	if (is_ident(t, "return")) {
		struct node *n = mk(N_RETURN, t);
		next(P);
		if (!peek_punct(P, ';') && !peek_punct(P, '}'))
			n->a = parse_expr(P);
		return finish(P, n);
	}
	struct node *e = parse_expr(P);
	const struct token *op = peek(P, 0);
	if (is_assign_op(op)) {
		if (!is_lvalue(e))
			unexpected(P, op, "}");
		struct node *n = ast_new(N_ASSIGN, &e->loc);
		n->op = op->op;
		next(P);
		n->a = e;
		n->b = parse_expr(P);
		return finish(P, n);
	}
	struct node *s = ast_new(N_EXPR_STMT, &e->loc);
	s->a = e;
	return finish(P, s);
}

/* block := '{' (stmt (';' stmt)*)? [';'] '}'
 * Statements that end in '}' (if, loops, blocks) need no ';'.  With value
 * set (a block used as an expression, a macro body), a last expression with
 * no ';' after it becomes the block's value (node->a). */
static struct node *parse_block(struct parser *P, bool value)
{
	enter(P);
	struct token lb = expect(P, '{', NULL);
	struct node *n = mk(N_BLOCK, &lb);
	struct node *last_open = NULL; /* last stmt, not followed by ';' */
	for (;;) {
		if (accept(P, ';')) {
			last_open = NULL;
			continue;
		}
		if (peek_punct(P, '}'))
			break;
		if (peek(P, 0)->kind == T_EOF)
			unexpected(P, peek(P, 0), "}");
		bool needs_semi;
		struct node *s = parse_stmt(P, &needs_semi);
		push(&n->args, s);
		last_open = s;
		if (!needs_semi || peek_punct(P, ';') || peek_punct(P, '}'))
			continue;
		/* bpftrace (bison) names only the '}' here */
		unexpected(P, peek(P, 0), "}");
	}
	expect(P, '}', NULL);
	if (value && last_open && last_open->kind == N_EXPR_STMT &&
	    n->args.n && n->args.v[n->args.n - 1] == last_open) {
		n->a = last_open->a;
		n->args.n--;
	}
	leave(P);
	return finish(P, n);
}

/* ---- top level ---- */

/* The length of the `name=` that starts attach point text t (an
 * identifier and '='), or 0. */
static size_t probe_name_len(const char *t)
{
	size_t k = 0;
	if (!isalpha((unsigned char)t[0]) && t[0] != '_')
		return 0;
	while (isalnum((unsigned char)t[k]) || t[k] == '_')
		k++;
	return t[k] == '=' ? k + 1 : 0;
}

/* probe := [IDENT '='] attach_point (',' attach_point)* ['/' expr '/'] block
 * The name (language.md: reserved for internal use) is kept in the
 * probe's name and otherwise ignored. */
static struct node *parse_probe(struct parser *P)
{
	struct node *n = NULL;
	for (;;) {
		struct token t = lex_attach_point(&P->lx);
		if (t.kind != T_ATTACH)
			unexpected(P, &t, NULL);
		size_t nl = n ? 0 : probe_name_len(t.str);
		const char *name = nl ? tt_strndup(t.str, nl - 1) : NULL;
		if (nl && !t.str[nl]) {
			/* `name= begin`: the attach point is the next word */
			t = lex_attach_point(&P->lx);
			if (t.kind != T_ATTACH)
				unexpected(P, &t, NULL);
		} else if (nl) {
			t.str += nl;
			t.loc.col += (int)nl;
			t.loc.len -= (int)nl;
		}
		P->end_line = t.loc.line;
		P->end_col = t.loc.col + t.loc.len;
		if (!n) {
			n = mk(N_PROBE, &t);
			n->name = name;
		}
		struct attach_point *ap = tt_alloc(sizeof(*ap));
		ap->raw = t.str;
		ap->loc = t.loc;
		vec_push(&n->aps, ap);
		if (!accept(P, ','))
			break;
	}
	finish(P, n);
	struct srcloc aploc = n->loc;
	if (peek_punct(P, '/')) {
		next(P);
		P->in_pred = true;
		n->a = parse_expr(P);
		P->in_pred = false;
		expect(P, '/', "/");
	}
	if (peek(P, 0)->kind == T_EOF || !peek_punct(P, '{'))
		unexpected(P, peek(P, 0), "{");
	n->b = parse_block(P, false);
	n->loc = aploc; /* a probe is named by its attach points */
	return n;
}

/* config := 'config' '=' '{' (IDENT '=' expr (';' IDENT '=' expr)*)? [';'] '}' */
static struct node *parse_config(struct parser *P)
{
	struct token kw = next(P);
	struct node *n = mk(N_CONFIG, &kw);
	expect(P, '=', NULL);
	expect(P, '{', NULL);
	for (;;) {
		if (accept(P, ';'))
			continue;
		if (peek_punct(P, '}'))
			break;
		const struct token *k = peek(P, 0);
		if (k->kind != T_IDENT)
			unexpected(P, k, "identifier");
		struct token key = next(P);
		struct node *e = mk(N_NAMED, &key);
		e->name = key.str;
		expect(P, '=', NULL);
		e->a = parse_expr(P);
		push(&n->args, finish(P, e));
		if (!peek_punct(P, ';') && !peek_punct(P, '}'))
			unexpected(P, peek(P, 0), "; or }");
	}
	expect(P, '}', NULL);
	accept(P, ';');
	return finish(P, n);
}

/* import := 'import' STR ';' */
static struct node *parse_import(struct parser *P)
{
	struct token kw = next(P);
	struct node *n = mk(N_IMPORT, &kw);
	const struct token *s = peek(P, 0);
	if (s->kind != T_STR)
		unexpected(P, s, "string");
	n->str = s->str;
	n->slen = s->slen;
	next(P);
	expect(P, ';', NULL);
	return finish(P, n);
}

/* macro := 'macro' IDENT '(' [param (',' param)*] ')' block
 * param := VAR | MAP | IDENT   (body may end in a value expression) */
static struct node *parse_macro(struct parser *P)
{
	struct token kw = next(P);
	struct node *n = mk(N_MACRO, &kw);
	const struct token *name = peek(P, 0);
	if (name->kind != T_IDENT)
		unexpected(P, name, "identifier");
	n->name = name->str;
	next(P);
	/* macro NAME { ... }: no parameters (language.md's greet) */
	bool params = accept(P, '(');
	while (params && !peek_punct(P, ')')) {
		const struct token *t = peek(P, 0);
		struct node *p;
		if (t->kind == T_VAR)
			p = mk(N_VAR, t);
		else if (t->kind == T_MAP)
			p = mk(N_MAP, t);
		else if (t->kind == T_IDENT &&
			 strcmp(tok_describe(t), "identifier") == 0)
			p = mk(N_BUILTIN, t);
		else
			unexpected(P, t, NULL);
		p->name = t->str;
		next(P);
		push(&n->args, p);
		if (!accept(P, ','))
			break;
	}
	if (params)
		expect(P, ')', ") or \",\"");
	finish(P, n);
	struct srcloc head = n->loc;
	n->b = parse_block(P, true);
	n->loc = head;
	return n;
}

/* program := item*
 * item := PREPROC | c_definition | config | import | macro
 *       | 'let' MAP '=' IDENT '(' INT ')' ';' | probe */
static struct node *parse_items(struct parser *P)
{
	struct node *prog = ast_new(N_PROGRAM, &(struct srcloc){ P->src, 1, 1, 0 });
	for (;;) {
		const struct token *t = peek(P, 0);
		if (t->kind == T_EOF)
			break;
		if (t->kind == T_ERROR)
			unexpected(P, t, NULL);
		if (t->kind == T_PREPROC) {
			struct node *n = mk(N_CDEFN, t);
			n->str = t->str;
			n->slen = t->slen;
			next(P);
			push(&prog->args, n);
			continue;
		}
		if (is_ident(t, "struct") || is_ident(t, "union") ||
		    is_ident(t, "enum") || is_ident(t, "typedef")) {
			struct token d = lex_c_definition(&P->lx);
			if (d.kind != T_CDEFN)
				unexpected(P, &d, NULL);
			struct node *n = mk(N_CDEFN, &d);
			n->str = d.str;
			n->slen = d.slen;
			push(&prog->args, n);
			continue;
		}
		if (is_ident(t, "config")) {
			push(&prog->args, parse_config(P));
		} else if (is_ident(t, "import")) {
			push(&prog->args, parse_import(P));
		} else if (is_ident(t, "macro")) {
			push(&prog->args, parse_macro(P));
		} else if (is_ident(t, "let")) {
			struct token kw = next(P);
			const struct token *m = peek(P, 0);
			if (m->kind != T_MAP)
				unexpected(P, m, "map");
			struct node *n = parse_mapdecl(P, &kw);
			expect(P, ';', NULL);
			push(&prog->args, n);
		} else {
			push(&prog->args, parse_probe(P));
		}
	}
	return prog;
}

struct node *parse_program(const struct source *src)
{
	struct parser *P = tt_alloc(sizeof(*P));
	P->src = src;
	lex_init(&P->lx, src);
	if (setjmp(P->fail))
		return NULL;
	return parse_items(P);
}

struct node *parse_expr_string(const struct source *src)
{
	struct parser *P = tt_alloc(sizeof(*P));
	P->src = src;
	lex_init(&P->lx, src);
	if (setjmp(P->fail))
		return NULL;
	struct node *n = parse_expr(P);
	if (peek(P, 0)->kind != T_EOF)
		unexpected(P, peek(P, 0), "end of file");
	return n;
}
