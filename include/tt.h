/* tt.h — things every stage uses: source locations, diagnostics, the
 * compile-time arena, growable arrays.
 *
 * Two error worlds (STYLE.md): the compiler reports diagnostics with a
 * location through diag_*() and keeps going where it can; the runtime returns
 * 0 or a negative errno.  Nothing below main.c calls exit(). */
#ifndef TT_H
#define TT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* ---- source text and locations ---------------------------------------- */

/* One script (or imported file).  name is what diagnostics print: "stdin"
 * for -e programs and scripts read from standard input, else the path. */
struct source {
	const char *name;
	const char *text; /* NUL-terminated */
	size_t len;
};
/* The whole file at path as a source named path (arena memory), or NULL
 * with errno set. */
struct source *source_read(const char *path);


/* A span of source text: 1-based line and column of its first character,
 * its length in bytes (at least 1 when it points at something; 0 = no
 * location, e.g. compiler-made nodes). */
struct srcloc {
	const struct source *src;
	int line, col, len;
	/* Set on nodes that macro expansion (macro.c) copied out of a macro's
	 * body: the call site the copy was expanded from, itself possibly
	 * inside another expansion (arena memory, like the AST).  NULL for
	 * text written where it runs.  Diagnostics may follow the chain
	 * ("expanded from"), as bpftrace does. */
	const struct srcloc *expanded_from;
};

/* ---- diagnostics --------------------------------------------------------
 * Format (bpftrace's):
 *   stdin:1:12-20: ERROR: Unknown function: foo
 *   BEGIN { $x = foo(); }
 *                ~~~~~
 * "line:col-endcol" where endcol = col + len (exclusive, as bpftrace; a span
 * of length 0 prints "line:col").  The source line and the ~ underline follow.
 * A loc with src == NULL prints "ERROR: msg" alone. */
void diag_error(const struct srcloc *loc, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void diag_warning(const struct srcloc *loc, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A C preprocessor error as clang words it, for bpftrace's C definitions:
 *   definitions.h:2:10: fatal error: 'x.h' file not found
 * ("name:line:col" given), then the source line of loc with a ^ under its
 * column.  Counts as an error. */
void diag_c_fatal(const char *name, int line, int col,
		  const struct srcloc *loc, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* The same with "error: " (clang's other errors in C definitions). */
void diag_c_error(const char *name, int line, int col,
		  const struct srcloc *loc, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* Extra line printed after the previous diagnostic ("HINT: ..."). */
void diag_hint(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int diag_error_count(void);
void diag_reset(void);          /* count to 0 (tests) */
void diag_set_stream(FILE *f);  /* default stderr; tests capture */
extern bool diag_no_warnings;   /* --no-warnings */

/* ---- compile-time arena ------------------------------------------------
 * Everything the compiler allocates (tokens, AST, types, IR) comes from one
 * arena, zero-filled, freed in one go by arena_free_all().  Out of memory
 * aborts (there is nothing sensible to do). */
void *tt_alloc(size_t n);
char *tt_strdup(const char *s);
char *tt_strndup(const char *s, size_t n);
char *tt_sprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void arena_free_all(void);
/* Changes with every arena_free_all(): a cache of arena memory is valid
 * while this stays what it was when the cache was filled. */
unsigned arena_generation(void);

/* Heap helpers that abort on out-of-memory (for runtime-owned data). */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
void *xrealloc(void *p, size_t n);

/* ---- growable arrays ---------------------------------------------------
 *   VEC(struct node *) stmts = {0};
 *   vec_push(&stmts, n);  stmts.v[i], stmts.n
 * Storage from xrealloc (not the arena); vec_free() releases it. */
#define VEC(T) struct { T *v; int n, cap; }
#define vec_push(vp, x)                                                        \
	do {                                                                   \
		if ((vp)->n == (vp)->cap) {                                    \
			(vp)->cap = (vp)->cap ? 2 * (vp)->cap : 8;             \
			(vp)->v = xrealloc((vp)->v,                            \
					   sizeof(*(vp)->v) * (vp)->cap);      \
		}                                                              \
		(vp)->v[(vp)->n++] = (x);                                      \
	} while (0)
#define vec_free(vp) (free((vp)->v), (vp)->v = NULL, (vp)->n = (vp)->cap = 0)

/* ---- growable string buffer (output formatting, dumps) ---------------- */
struct strbuf {
	char *s;
	size_t len, cap;
};
void sb_putc(struct strbuf *b, char c);
void sb_puts(struct strbuf *b, const char *s);
void sb_putn(struct strbuf *b, const char *s, size_t n);
void sb_printf(struct strbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sb_free(struct strbuf *b);

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
