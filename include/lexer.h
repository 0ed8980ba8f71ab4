/* lexer.h — script text -> tokens, each with a source location.
 *
 * Pull-based: the parser calls lex_next() (and lex_peek()).  Attach points
 * (`tracepoint:syscalls:sys_enter_openat`, `uprobe:/bin/bash:readline`,
 * `interval:s:1`, `kprobe:vfs_*`) are not ordinary tokens: in probe position
 * the parser calls lex_attach_point(), which returns the raw text up to
 * whitespace, ',' or '{' (a "quoted part" may contain those). */
#ifndef LEXER_H
#define LEXER_H

#include "tt.h"

enum tok_kind {
	T_EOF,
	T_IDENT,    /* pid, printf, struct, if, ... (keywords are idents; the
		       parser decides) */
	T_INT,      /* 42 0x2a 052 1_000 1e6 10ms: value in tok.ival, unsigned */
	T_STR,      /* "..." with escapes decoded: tok.str, tok.slen (may hold NUL) */
	T_VAR,      /* $x       : tok.str = "$x" */
	T_POSPARAM, /* $1 ..    : tok.ival = 1.. */
	T_POSCOUNT, /* $#  */
	T_MAP,      /* @x or @  : tok.str = "@x" / "@" */
	T_ATTACH,   /* raw attach point text, only from lex_attach_point() */
	T_PUNCT,    /* operator or punctuation: tok.op, one of enum op below */
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
	const char *str;    /* T_IDENT, T_STR, T_VAR, T_MAP, T_ATTACH (arena) */
	size_t slen;        /* length of str (T_STR may contain NULs) */
	struct srcloc loc;
	bool space_before;  /* whitespace/comment directly before this token */
};

struct lexer {
	const struct source *src;
	const char *p;      /* next character */
	int line, col;
	struct token peeked[2];
	int npeeked;
};

void lex_init(struct lexer *lx, const struct source *src);
struct token lex_next(struct lexer *lx);
/* k = 0: next token, k = 1: the one after (no more look-ahead needed). */
const struct token *lex_peek(struct lexer *lx, int k);
/* Raw attach point text starting at the next non-space character.  Only
 * valid when nothing has been peeked. */
struct token lex_attach_point(struct lexer *lx);
/* Human-readable name of a token for messages ("'{'", "identifier 'x'"). */
const char *tok_describe(const struct token *t);
/* Dump one token per line for `-d tokens` and tests:
 *   1:1 IDENT BEGIN
 *   1:7 PUNCT {
 *   1:9 IDENT printf ... */
void lex_dump(FILE *out, const struct source *src);

#endif
