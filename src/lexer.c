/* lexer.c — script text -> tokens (lexer.h).
 *
 * Takes a struct source; produces tokens on demand, each with its line,
 * column and length.  Comments and whitespace are skipped (a shebang line at
 * the very start too).  Integer literals are decoded here (bases, `_`
 * separators, scientific notation, C and duration suffixes), strings have
 * their escapes decoded.  Errors become T_ERROR tokens; the parser reports
 * them, so peeking ahead never prints anything. */
#include "lexer.h"

#include <ctype.h>
#include <string.h>

static bool is_ident_start(int c)
{
	return isalpha(c) || c == '_';
}

static bool is_ident_char(int c)
{
	return isalnum(c) || c == '_';
}

void lex_init(struct lexer *lx, const struct source *src)
{
	memset(lx, 0, sizeof(*lx));
	lx->src = src;
	lx->p = src->text;
	lx->line = 1;
	lx->col = 1;
	/* #!/usr/bin/env bpftrace */
	if (lx->p[0] == '#' && lx->p[1] == '!')
		while (*lx->p && *lx->p != '\n')
			lx->p++, lx->col++;
}

/* Move over one character, keeping line and column. */
static void advance(struct lexer *lx)
{
	if (*lx->p == '\n') {
		lx->line++;
		lx->col = 1;
	} else {
		lx->col++;
	}
	lx->p++;
}

static void advance_n(struct lexer *lx, int n)
{
	while (n-- > 0 && *lx->p)
		advance(lx);
}

static struct srcloc here(const struct lexer *lx)
{
	return (struct srcloc){ lx->src, lx->line, lx->col, 0 };
}

/* Skip whitespace and comments.  Returns false on an unterminated block
 * comment (*where is its start).  *space says whether anything was
 * skipped. */
static bool skip_space(struct lexer *lx, bool *space, struct srcloc *where,
		       const char **wherep)
{
	*space = false;
	for (;;) {
		const char *p = lx->p;
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' ||
		    *p == '\f' || *p == '\v') {
			advance(lx);
			*space = true;
		} else if (p[0] == '/' && p[1] == '/') {
			while (*lx->p && *lx->p != '\n')
				advance(lx);
			*space = true;
		} else if (p[0] == '/' && p[1] == '*') {
			*where = here(lx);
			*wherep = lx->p;
			advance_n(lx, 2);
			while (*lx->p && !(lx->p[0] == '*' && lx->p[1] == '/'))
				advance(lx);
			if (!*lx->p) {
				/* underline the comment's first line */
				const char *nl = strchr(*wherep, '\n');
				where->len = nl ? (int)(nl - *wherep)
						: (int)(lx->p - *wherep);
				return false;
			}
			advance_n(lx, 2);
			*space = true;
		} else {
			return true;
		}
	}
}

/* Is the '#' at p the first non-blank character of its line? */
static bool at_line_start(const struct lexer *lx, const char *p)
{
	while (p > lx->src->text && (p[-1] == ' ' || p[-1] == '\t'))
		p--;
	return p == lx->src->text || p[-1] == '\n';
}

static struct token error_tok(struct token t, const char *msg)
{
	t.kind = T_ERROR;
	t.str = msg;
	t.slen = strlen(msg);
	return t;
}

/* ---- integer literals ---- */

static bool mul_ok(uint64_t *v, uint64_t m)
{
	if (m && *v > UINT64_MAX / m)
		return false;
	*v *= m;
	return true;
}

/* Match one of the suffixes at s (followed by a non-identifier char).
 * Returns its length or 0. */
static int match_suffix(const char *s, const char *const *list, int *idx)
{
	for (int i = 0; list[i]; i++) {
		size_t n = strlen(list[i]);
		if (strncasecmp(s, list[i], n) == 0 && !is_ident_char(s[n])) {
			*idx = i;
			return (int)n;
		}
	}
	return 0;
}

static const char *const duration_sfx[] = { "ns", "us", "ms", "s", "m", "h",
					    "d", NULL };
static const uint64_t duration_mul[] = { 1, 1000, 1000000, 1000000000ULL,
					 60000000000ULL, 3600000000000ULL,
					 86400000000000ULL };
static const char *const c_sfx[] = { "ull", "llu", "ul", "lu", "ll", "u", "l",
				     NULL };

/* number: decimal, 0x hex, 0b binary, 0 octal; `_` between digits;
 * scientific <m>e<n>; C suffixes (u, l, ul, ll, ull); duration suffixes on
 * decimal literals (case-sensitive, as bpftrace). */
static struct token lex_number(struct lexer *lx, struct token t)
{
	const char *s = lx->p;
	uint64_t v = 0;
	int base = 10;
	bool overflow = false, any = false;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	} else if (s[0] == '0' && (s[1] == 'b' || s[1] == 'B') &&
		   (s[2] == '0' || s[2] == '1')) {
		base = 2;
		s += 2;
	} else if (s[0] == '0' && isdigit((unsigned char)s[1])) {
		base = 8;
		s += 1;
	}
	for (;; s++) {
		int d;
		if (*s == '_' && any && isxdigit((unsigned char)s[1]))
			continue;
		if (isdigit((unsigned char)*s))
			d = *s - '0';
		else if (base == 16 && isxdigit((unsigned char)*s))
			d = tolower((unsigned char)*s) - 'a' + 10;
		else
			break;
		if (d >= base)
			break;
		any = true;
		if (!mul_ok(&v, base) || v + d < v)
			overflow = true;
		v += d;
	}
	if (!any && base == 16) {
		/* "0x" alone */
		advance_n(lx, (int)(s - lx->p));
		t.loc.len = (int)(lx->p - t.pos);
		return error_tok(t, "invalid hexadecimal literal");
	}
	if (base == 10 && (*s == 'e' || *s == 'E') &&
	    isdigit((unsigned char)s[1])) {
		uint64_t e = 0; /* past 20 any non-zero mantissa overflows */
		for (s++; isdigit((unsigned char)*s) || *s == '_'; s++)
			if (*s != '_' && e <= 20)
				e = e * 10 + (*s - '0');
		for (; e > 0 && v; e--) /* 0e<huge> is 0, at once */
			if (!mul_ok(&v, 10)) {
				overflow = true;
				break;
			}
	}
	int idx, n;
	if (base == 10 && (n = match_suffix(s, duration_sfx, &idx)) &&
	    strncmp(s, duration_sfx[idx], n) == 0) {
		if (!mul_ok(&v, duration_mul[idx]))
			overflow = true;
		s += n;
	} else if ((n = match_suffix(s, c_sfx, &idx))) {
		s += n;
	}
	bool trailing = is_ident_char(*s);
	while (is_ident_char(*s))
		s++;
	advance_n(lx, (int)(s - lx->p));
	t.loc.len = (int)(lx->p - t.pos);
	if (trailing)
		return error_tok(t, "Found trailing non-numeric characters");
	if (overflow)
		return error_tok(t, "integer literal out of range");
	t.kind = T_INT;
	t.ival = v;
	return t;
}

/* ---- strings ---- */

/* "..." with \n \t \r \\ \" \NNN (octal, 1-3 digits) \xHH (1-2 digits).
 * A raw newline is part of the string: a script built by a shell whose
 * echo expands \n (dash) has them, `printf("%d<newline>", x)`. */
static struct token lex_string(struct lexer *lx, struct token t)
{
	struct strbuf b = { 0 };
	const char *err = NULL;
	const char *nl = NULL; /* the first raw newline */
	advance(lx); /* " */
	for (;;) {
		char c = *lx->p;
		if (c == '\n' && !nl)
			nl = lx->p;
		if (c == 0) {
			t.loc.len = (int)((nl ? nl : lx->p) - t.pos);
			sb_free(&b);
			return error_tok(t, "unterminated string");
		}
		if (c == '"') {
			advance(lx);
			break;
		}
		if (c != '\\') {
			sb_putc(&b, c);
			advance(lx);
			continue;
		}
		const char *e = lx->p + 1;
		int len = 2;
		switch (*e) {
		case 'n': sb_putc(&b, '\n'); break;
		case 't': sb_putc(&b, '\t'); break;
		case 'r': sb_putc(&b, '\r'); break;
		case '\\': sb_putc(&b, '\\'); break;
		case '"': sb_putc(&b, '"'); break;
		case '0': case '1': case '2': case '3':
		case '4': case '5': case '6': case '7': {
			int v = 0;
			len = 1;
			while (len < 4 && e[len - 1] >= '0' && e[len - 1] <= '7')
				v = v * 8 + (e[len - 1] - '0'), len++;
			if (v > 255 && !err)
				err = tt_sprintf("octal escape sequence out of range '\\%.*s'",
						 len - 1, e);
			sb_putc(&b, (char)v);
			break;
		}
		case 'x':
			if (isxdigit((unsigned char)e[1])) {
				int v = 0;
				len = 2;
				while (len < 4 && isxdigit((unsigned char)e[len - 1])) {
					int d = e[len - 1];
					v = v * 16 + (isdigit(d) ? d - '0' : tolower(d) - 'a' + 10);
					len++;
				}
				sb_putc(&b, (char)v);
				break;
			}
			/* fall through */
		default:
			if (!err) {
				if (*e == 0 || *e == '\n')
					err = "unterminated string";
				else
					err = tt_sprintf("invalid escape character '\\%c'", *e);
			}
			if (*e == 0 || *e == '\n')
				len = 1;
			break;
		}
		advance_n(lx, len);
	}
	t.loc.len = (int)(lx->p - t.pos);
	if (err) {
		sb_free(&b);
		return error_tok(t, err);
	}
	t.kind = T_STR;
	t.slen = b.len;
	t.str = tt_strndup(b.s ? b.s : "", b.len);
	sb_free(&b);
	return t;
}

/* ---- punctuation ---- */

static const struct {
	const char *s;
	int op;
} multi_ops[] = {
	/* longest first */
	{ "<<=", OP_SHL_ASSIGN }, { ">>=", OP_SHR_ASSIGN },
	{ "==", OP_EQ }, { "!=", OP_NE }, { "<=", OP_LE }, { ">=", OP_GE },
	{ "&&", OP_LAND }, { "||", OP_LOR }, { "<<", OP_SHL }, { ">>", OP_SHR },
	{ "->", OP_ARROW }, { "++", OP_INC }, { "--", OP_DEC },
	{ "+=", OP_ADD_ASSIGN }, { "-=", OP_SUB_ASSIGN },
	{ "*=", OP_MUL_ASSIGN }, { "/=", OP_DIV_ASSIGN },
	{ "%=", OP_MOD_ASSIGN }, { "&=", OP_AND_ASSIGN },
	{ "|=", OP_OR_ASSIGN }, { "^=", OP_XOR_ASSIGN },
	{ "..", OP_DOTDOT }, { "::", OP_COLONCOLON }, { "?:", OP_ELVIS },
};

const char *lex_op_str(int op)
{
	static char single[128][2];
	for (size_t i = 0; i < ARRAY_SIZE(multi_ops); i++)
		if (multi_ops[i].op == op)
			return multi_ops[i].s;
	if (op > 0 && op < 128) {
		single[op][0] = (char)op;
		return single[op];
	}
	return "?";
}

int lex_compound_binop(int op)
{
	switch (op) {
	case OP_ADD_ASSIGN: return '+';
	case OP_SUB_ASSIGN: return '-';
	case OP_MUL_ASSIGN: return '*';
	case OP_DIV_ASSIGN: return '/';
	case OP_MOD_ASSIGN: return '%';
	case OP_AND_ASSIGN: return '&';
	case OP_OR_ASSIGN: return '|';
	case OP_XOR_ASSIGN: return '^';
	case OP_SHL_ASSIGN: return OP_SHL;
	case OP_SHR_ASSIGN: return OP_SHR;
	}
	return 0;
}

static const char single_ops[] = "+-*/%&|^!~<>=?:;,.()[]{}";

/* Scan one ordinary token at lx->p (whitespace already skipped). */
static struct token scan(struct lexer *lx, struct token t)
{
	const char *p = lx->p;
	unsigned char c = (unsigned char)*p;

	if (c == 0) {
		t.kind = T_EOF;
		t.loc.len = 1;
		return t;
	}
	if (is_ident_start(c)) {
		while (is_ident_char((unsigned char)*lx->p))
			advance(lx);
		t.kind = T_IDENT;
		t.slen = (size_t)(lx->p - p);
		t.str = tt_strndup(p, t.slen);
		t.loc.len = (int)t.slen;
		return t;
	}
	if (isdigit(c))
		return lex_number(lx, t);
	if (c == '"')
		return lex_string(lx, t);
	if (c == '$') {
		if (p[1] == '#') {
			advance_n(lx, 2);
			t.kind = T_POSCOUNT;
			t.str = "$#";
			t.slen = 2;
			t.loc.len = 2;
			return t;
		}
		if (isdigit((unsigned char)p[1])) {
			uint64_t v = 0;
			advance(lx);
			while (isdigit((unsigned char)*lx->p)) {
				v = v * 10 + (*lx->p - '0');
				if (v > 1000000)
					v = 1000000; /* absurd; sema reports */
				advance(lx);
			}
			t.loc.len = (int)(lx->p - p);
			if (is_ident_char((unsigned char)*lx->p)) {
				while (is_ident_char((unsigned char)*lx->p))
					advance(lx);
				t.loc.len = (int)(lx->p - p);
				return error_tok(t, "invalid positional parameter");
			}
			t.kind = T_POSPARAM;
			t.ival = v;
			t.str = tt_strndup(p, t.loc.len);
			t.slen = t.loc.len;
			return t;
		}
		if (is_ident_start((unsigned char)p[1])) {
			advance(lx);
			while (is_ident_char((unsigned char)*lx->p))
				advance(lx);
			t.kind = T_VAR;
			t.slen = (size_t)(lx->p - p);
			t.str = tt_strndup(p, t.slen);
			t.loc.len = (int)t.slen;
			return t;
		}
		advance(lx);
		t.loc.len = 1;
		return error_tok(t, "invalid character '$'");
	}
	if (c == '@') {
		advance(lx);
		while (is_ident_char((unsigned char)*lx->p))
			advance(lx);
		t.kind = T_MAP;
		t.slen = (size_t)(lx->p - p);
		t.str = tt_strndup(p, t.slen);
		t.loc.len = (int)t.slen;
		return t;
	}
	if (c == '#' && at_line_start(lx, p)) {
		/* preprocessor line, with backslash continuations */
		const char *e = p;
		while (*e && !(*e == '\n' && e[-1] != '\\'))
			e++;
		advance_n(lx, (int)(e - p));
		t.kind = T_PREPROC;
		t.slen = (size_t)(e - p);
		t.str = tt_strndup(p, t.slen);
		t.loc.len = t.loc.line == lx->line ? (int)t.slen : 1;
		return t;
	}
	for (size_t i = 0; i < ARRAY_SIZE(multi_ops); i++) {
		size_t n = strlen(multi_ops[i].s);
		if (strncmp(p, multi_ops[i].s, n) == 0) {
			advance_n(lx, (int)n);
			t.kind = T_PUNCT;
			t.op = multi_ops[i].op;
			t.loc.len = (int)n;
			return t;
		}
	}
	if (strchr(single_ops, c)) {
		advance(lx);
		t.kind = T_PUNCT;
		t.op = c;
		t.loc.len = 1;
		return t;
	}
	advance(lx);
	t.loc.len = 1;
	if (isprint(c))
		return error_tok(t, tt_sprintf("invalid character '%c'", c));
	return error_tok(t, tt_sprintf("invalid character '\\x%02x'", c));
}

/* Skip blanks and comments, set up a token at the next character. */
static bool token_start(struct lexer *lx, struct token *t)
{
	struct srcloc where;
	const char *wherep = NULL;
	bool space;
	memset(t, 0, sizeof(*t));
	bool ok = skip_space(lx, &space, &where, &wherep);
	t->space_before = space;
	if (!ok) {
		t->loc = where;
		t->pos = wherep;
		*t = error_tok(*t, "end of file during comment");
		return false;
	}
	t->loc = here(lx);
	t->pos = lx->p;
	return true;
}

static struct token lex_raw(struct lexer *lx)
{
	struct token t;
	if (!token_start(lx, &t))
		return t;
	return scan(lx, t);
}

struct token lex_next(struct lexer *lx)
{
	if (lx->npeeked) {
		struct token t = lx->peeked[0];
		memmove(lx->peeked, lx->peeked + 1,
			sizeof(lx->peeked[0]) * (lx->npeeked - 1));
		lx->npeeked--;
		return t;
	}
	return lex_raw(lx);
}

const struct token *lex_peek(struct lexer *lx, int k)
{
	if (k >= LEX_PEEK_MAX)
		k = LEX_PEEK_MAX - 1;
	while (lx->npeeked <= k) {
		/* after EOF or an error keep returning it */
		if (lx->npeeked &&
		    (lx->peeked[lx->npeeked - 1].kind == T_EOF ||
		     lx->peeked[lx->npeeked - 1].kind == T_ERROR))
			lx->peeked[lx->npeeked] = lx->peeked[lx->npeeked - 1];
		else
			lx->peeked[lx->npeeked] = lex_raw(lx);
		lx->npeeked++;
	}
	return &lx->peeked[k];
}

/* Go back to the start of the first peeked token (if any). */
static void rewind_peeked(struct lexer *lx)
{
	if (!lx->npeeked)
		return;
	const struct token *t = &lx->peeked[0];
	if (t->pos) {
		lx->p = t->pos;
		lx->line = t->loc.line;
		lx->col = t->loc.col;
	}
	lx->npeeked = 0;
}

/* Does the '/' at p start a predicate rather than continue a path?  It is
 * part of a path when the current ':'-separated segment starts with '/' or
 * '.', or when a ':' follows before the end of the attach point. */
static bool slash_is_path(const char *seg, const char *p)
{
	if (p == seg || *seg == '/' || *seg == '.')
		return true;
	for (const char *q = p; *q && !isspace((unsigned char)*q); q++) {
		if (*q == '{' || *q == ',')
			break;
		if (*q == ':')
			return true;
	}
	return false;
}

struct token lex_attach_point(struct lexer *lx)
{
	struct token t;
	rewind_peeked(lx);
	if (!token_start(lx, &t))
		return t;
	if (!*lx->p) {
		t.kind = T_EOF;
		t.loc.len = 1;
		return t;
	}
	const char *p = lx->p, *seg = p;
	/* provider names, `*`, paths, quoted parts, `$1`; anything else is
	   not an attach point */
	if (!is_ident_char((unsigned char)*p) && !strchr("*./\"$", *p))
		return scan(lx, t);
	for (;;) {
		char c = *p;
		if (c == 0 || isspace((unsigned char)c) || strchr(",{};()", c))
			break;
		if (c == '/' && (p[1] == '/' || p[1] == '*'))
			break;
		if (c == '/' && !slash_is_path(seg, p))
			break;
		if (c == ':')
			seg = p + 1;
		if (c == '"') {
			const char *q = p + 1;
			while (*q && *q != '"' && *q != '\n')
				q++;
			if (*q != '"') {
				advance_n(lx, (int)(q - lx->p));
				t.loc.len = (int)(lx->p - t.pos);
				return error_tok(t, "unterminated string");
			}
			p = q + 1;
			continue;
		}
		p++;
	}
	advance_n(lx, (int)(p - lx->p));
	t.kind = T_ATTACH;
	t.slen = (size_t)(p - t.pos);
	t.str = tt_strndup(t.pos, t.slen);
	t.loc.len = (int)t.slen;
	return t;
}

struct token lex_c_definition(struct lexer *lx)
{
	struct token t;
	rewind_peeked(lx);
	if (!token_start(lx, &t))
		return t;
	const char *p = lx->p;
	int depth = 0;
	bool closed = false;
	while (*p) {
		if (p[0] == '/' && p[1] == '/') {
			while (*p && *p != '\n')
				p++;
			continue;
		}
		if (p[0] == '/' && p[1] == '*') {
			const char *e = strstr(p + 2, "*/");
			p = e ? e + 2 : p + strlen(p);
			continue;
		}
		if (*p == '{') {
			depth++;
		} else if (*p == '}') {
			if (depth == 0)
				break;
			if (--depth == 0) {
				closed = true;
				p++;
				/* an optional trailing ';' (after blanks) */
				const char *q = p;
				while (*q == ' ' || *q == '\t' || *q == '\n' ||
				       *q == '\r')
					q++;
				/* `struct S { ... } name;` style: up to ';' */
				if (*q == ';')
					p = q + 1;
				break;
			}
		} else if (*p == ';' && depth == 0) {
			p++;
			closed = true;
			break;
		}
		p++;
	}
	advance_n(lx, (int)(p - lx->p));
	t.slen = (size_t)(p - t.pos);
	t.loc.len = (int)t.slen;
	if (t.loc.line != lx->line) {
		/* a multi-line span underlines the first line only */
		const char *nl = memchr(t.pos, '\n', t.slen);
		t.loc.len = nl ? (int)(nl - t.pos) : (int)t.slen;
	}
	if (!closed)
		return error_tok(t, "unterminated C definition");
	t.kind = T_CDEFN;
	t.str = tt_strndup(t.pos, t.slen);
	return t;
}

static const char *const keywords[] = {
	"if", "else", "while", "for", "unroll", "return", "break", "continue",
	"let", "config", "import", "macro", "sizeof", "offsetof", "struct",
	"union", "enum", NULL,
};

const char *tok_describe(const struct token *t)
{
	switch (t->kind) {
	case T_EOF: return "end of file";
	case T_IDENT:
		for (int i = 0; keywords[i]; i++)
			if (strcmp(t->str, keywords[i]) == 0)
				return keywords[i];
		return "identifier";
	case T_INT: return "integer";
	case T_STR: return "string";
	case T_VAR: return "variable";
	case T_POSPARAM: return "positional parameter";
	case T_POSCOUNT: return "$#";
	case T_MAP: return "map";
	case T_ATTACH: return "attach point";
	case T_PREPROC: return "preprocessor directive";
	case T_CDEFN: return "struct definition";
	case T_ERROR: return t->str;
	case T_PUNCT:
		if (t->op == ',')
			return "\",\"";
		return lex_op_str(t->op);
	}
	return "?";
}

/* Print s (n bytes) as a C-like escaped string. */
static void dump_escaped(FILE *out, const char *s, size_t n)
{
	fputc('"', out);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '\n': fputs("\\n", out); break;
		case '\t': fputs("\\t", out); break;
		case '\r': fputs("\\r", out); break;
		case '\\': fputs("\\\\", out); break;
		case '"': fputs("\\\"", out); break;
		default:
			if (c < 32 || c >= 127)
				fprintf(out, "\\x%02x", c);
			else
				fputc(c, out);
		}
	}
	fputc('"', out);
}

void lex_dump(FILE *out, const struct source *src)
{
	struct lexer lx;
	lex_init(&lx, src);
	for (;;) {
		struct token t = lex_next(&lx);
		fprintf(out, "%d:%d ", t.loc.line, t.loc.col);
		switch (t.kind) {
		case T_EOF: fputs("EOF\n", out); return;
		case T_IDENT: fprintf(out, "IDENT %s\n", t.str); break;
		case T_INT: fprintf(out, "INT %llu\n", (unsigned long long)t.ival); break;
		case T_STR:
			fputs("STR ", out);
			dump_escaped(out, t.str, t.slen);
			fputc('\n', out);
			break;
		case T_VAR: fprintf(out, "VAR %s\n", t.str); break;
		case T_POSPARAM: fprintf(out, "POSPARAM %llu\n", (unsigned long long)t.ival); break;
		case T_POSCOUNT: fputs("POSCOUNT $#\n", out); break;
		case T_MAP: fprintf(out, "MAP %s\n", t.str); break;
		case T_ATTACH: fprintf(out, "ATTACH %s\n", t.str); break;
		case T_PUNCT: fprintf(out, "PUNCT %s\n", lex_op_str(t.op)); break;
		case T_PREPROC: fprintf(out, "PREPROC %s\n", t.str); break;
		case T_CDEFN: fprintf(out, "CDEFN %s\n", t.str); break;
		case T_ERROR:
			fprintf(out, "ERROR %s\n", t.str);
			if (!*lx.p)
				return;
			break;
		}
	}
}
