/* lexer.h — script text -> tokens, each with a source location.
 *
 * Pull-based: the parser calls lex_next() (and lex_peek()).  Attach points
 * (`tracepoint:syscalls:sys_enter_openat`, `uprobe:/bin/bash:readline`,
 * `interval:s:1`, `kprobe:vfs_*`) and C definitions (`struct foo { ... }`)
 * are not ordinary tokens: in probe position the parser calls
 * lex_attach_point(), which returns the raw text up to whitespace, ',' or
 * '{' (a "quoted part" may contain those), and at top level
 * lex_c_definition() returns a whole definition as raw text.  Both restart
 * scanning at the first peeked token, so the parser may peek before
 * deciding.
 *
 * The lexer never prints: a malformed token (unterminated string, invalid
 * escape, bad number, stray character) becomes a T_ERROR token whose str is
 * the message; the parser reports it when it reaches it. */
#ifndef LEXER_H
#define LEXER_H

#include "tt.h"

enum tok_kind {
	T_EOF,
	T_IDENT,    /* pid, printf, struct, if, ... (keywords are idents; the
		       parser decides) */
	T_INT,      /* 42 0x2a 052 0b101 1_000 1e6 10ms 5UL: value in tok.ival,
		       unsigned; duration suffixes (ns us ms s m h d) are
		       applied (result in nanoseconds) */
	T_STR,      /* "..." with escapes decoded: tok.str, tok.slen (may hold NUL) */
	T_VAR,      /* $x       : tok.str = "$x" */
	T_POSPARAM, /* $1 ..    : tok.ival = 1.. */
	T_POSCOUNT, /* $#  */
	T_MAP,      /* @x or @  : tok.str = "@x" / "@" */
	T_ATTACH,   /* raw attach point text, only from lex_attach_point() */
	T_PUNCT,    /* operator or punctuation: tok.op, one of enum op below */
	T_PREPROC,  /* a `#include ...`/`#define ...` line (with \-continued
		       lines): tok.str = the raw text, without the newline */
	T_CDEFN,    /* raw C definition, only from lex_c_definition() */
	T_ERROR,    /* malformed input: tok.str = message for diag_error */
};

/* Operators and punctuation.  Multi-character ones have their own code;
 * single characters use their ASCII value ('+', '{', ...). */
enum op {
	OP_EQ = 256, /* == */
	OP_NE,       /* != */
	OP_LE,       /* <= */
	OP_GE,       /* >= */
	OP_LAND,     /* && */
	OP_LOR,      /* || */
	OP_SHL,      /* << */
	OP_SHR,      /* >> */
	OP_ARROW,    /* -> */
	OP_INC,      /* ++ */
	OP_DEC,      /* -- */
	OP_ADD_ASSIGN, OP_SUB_ASSIGN, OP_MUL_ASSIGN, OP_DIV_ASSIGN,
	OP_MOD_ASSIGN, OP_AND_ASSIGN, OP_OR_ASSIGN, OP_XOR_ASSIGN,
	OP_SHL_ASSIGN, OP_SHR_ASSIGN,
	OP_DOTDOT,   /* .. (for ranges) */
	OP_COLONCOLON, /* :: */
	OP_ELVIS,    /* ?: */
};

struct token {
	enum tok_kind kind;
	int op;             /* T_PUNCT */
	uint64_t ival;      /* T_INT, T_POSPARAM */
	const char *str;    /* T_IDENT, T_STR, T_VAR, T_MAP, T_ATTACH, T_PREPROC,
			       T_CDEFN, T_ERROR (arena) */
	size_t slen;        /* length of str (T_STR may contain NULs) */
	struct srcloc loc;
	bool space_before;  /* whitespace/comment directly before this token */
	const char *pos;    /* where the token starts in the source text */
};

#define LEX_PEEK_MAX 4

struct lexer {
	const struct source *src;
	const char *p;      /* next character */
	int line, col;
	struct token peeked[LEX_PEEK_MAX];
	int npeeked;
};

void lex_init(struct lexer *lx, const struct source *src);
struct token lex_next(struct lexer *lx);
/* k = 0: next token, k = 1: the one after, ... up to LEX_PEEK_MAX - 1. */
const struct token *lex_peek(struct lexer *lx, int k);
/* Raw attach point text starting at the next token (peeked or not).
 * Stops at whitespace, one of ",{};()", a comment, or a '/' that starts a
 * predicate
 * (`kprobe:f/pid == 1/{`; a '/' in a path such as `uprobe:/bin/sh:main`
 * or `uprobe:./a/b:f` is kept).  Double-quoted parts are kept verbatim,
 * quotes included.  When the text cannot start an attach point (say '}'),
 * the ordinary token there is returned instead, for the error message. */
struct token lex_attach_point(struct lexer *lx);
/* Raw text of a C definition starting at the next token: `struct/union/enum
 * ... { ... }` (with an optional trailing ';'), or anything up to the next
 * ';' at brace depth 0 (typedefs, forward declarations).  The ';' is
 * included when present.  T_ERROR on an unterminated definition. */
struct token lex_c_definition(struct lexer *lx);
/* Name of a token for syntax errors, as bpftrace (bison) spells them:
 * "end of file", "identifier", "integer", "string", "variable", "map",
 * "positional parameter", "$#", keywords and punctuation as written, with
 * "," quoted as "\",\"". */
const char *tok_describe(const struct token *t);
/* Spelling of an operator code ("==", "+", "{"). */
const char *lex_op_str(int op);
/* The binary operator of a compound assignment: OP_ADD_ASSIGN -> '+',
 * OP_SHL_ASSIGN -> OP_SHL, ...; 0 for any other code. */
int lex_compound_binop(int op);
/* Dump one token per line for `-d tokens` and tests (ordinary tokens only,
 * attach points are not recognised here):
 *   1:1 IDENT BEGIN
 *   1:7 PUNCT {
 *   1:9 IDENT printf
 *   1:15 PUNCT (
 *   1:16 STR "hi\n"
 *   1:22 INT 42
 *   1:25 VAR $x / MAP @m / POSPARAM 1 / POSCOUNT $# / PREPROC #include <x>
 *   1:30 ERROR unterminated string
 *   1:31 EOF */
void lex_dump(FILE *out, const struct source *src);

#endif
