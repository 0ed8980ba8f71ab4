/* util.c — diagnostics, the compile-time arena, heap helpers, string
 * buffers (tt.h). */
#include "tt.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- heap ---- */

static void oom(void)
{
	fputs("tinytrace: out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t m)
{
	void *p = calloc(n ? n : 1, m ? m : 1);
	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

/* ---- arena: a list of chunks, bump allocation ---- */

struct chunk {
	struct chunk *next;
	size_t used, cap;
	_Alignas(16) unsigned char data[];
};

static struct chunk *arena;
static unsigned generation;

unsigned arena_generation(void)
{
	return generation;
}

void *tt_alloc(size_t n)
{
	n = (n + 15) & ~(size_t)15;
	if (!arena || arena->cap - arena->used < n) {
		size_t cap = n > 65536 ? n : 65536;
		struct chunk *c = xmalloc(sizeof(*c) + cap);
		c->next = arena;
		c->used = 0;
		c->cap = cap;
		arena = c;
	}
	void *p = arena->data + arena->used;
	arena->used += n;
	memset(p, 0, n);
	return p;
}

void arena_free_all(void)
{
	generation++;
	while (arena) {
		struct chunk *next = arena->next;
		free(arena);
		arena = next;
	}
}

char *tt_strndup(const char *s, size_t n)
{
	char *p = tt_alloc(n + 1);
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

char *tt_strdup(const char *s)
{
	return tt_strndup(s, strlen(s));
}

char *tt_sprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) /* longer than INT_MAX (EOVERFLOW) */
		n = 0;
	char *p = tt_alloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

/* ---- string buffers ---- */

static void sb_grow(struct strbuf *b, size_t extra)
{
	if (b->len + extra + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + extra + 1)
		cap *= 2;
	b->s = xrealloc(b->s, cap);
	b->cap = cap;
}

void sb_putn(struct strbuf *b, const char *s, size_t n)
{
	sb_grow(b, n);
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = 0;
}

void sb_putc(struct strbuf *b, char c)
{
	if (b->len + 2 <= b->cap) {
		b->s[b->len++] = c;
		b->s[b->len] = 0;
		return;
	}
	sb_putn(b, &c, 1);
}

void sb_puts(struct strbuf *b, const char *s)
{
	sb_putn(b, s, strlen(s));
}

/* Formats into the room the buffer has; only what does not fit is
 * formatted twice (once more after growing). */
void sb_printf(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;
	size_t room = b->cap - b->len;
	va_start(ap, fmt);
	int n = vsnprintf(room ? b->s + b->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n < 0) { /* longer than INT_MAX (EOVERFLOW): nothing */
		if (room)
			b->s[b->len] = 0;
		return;
	}
	if ((size_t)n >= room) {
		sb_grow(b, (size_t)n);
		va_start(ap, fmt);
		vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	b->len += n;
}

void sb_free(struct strbuf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

/* ---- diagnostics ---- */

static FILE *diag_stream;
static int nerrors;
static const struct source *c_src; /* line_start()'s memory */
static const char *c_text, *c_pos;
static int c_line;
bool diag_no_warnings;

void diag_set_stream(FILE *f)
{
	diag_stream = f;
}

int diag_error_count(void)
{
	return nerrors;
}

void diag_reset(void)
{
	nerrors = 0;
	c_src = NULL;
}

static void diag_print_expanded(const struct srcloc *loc, const char *kind, ...);

/* The first character of line `line` of src.  Remembers where the last
 * look-up ended, so a script with many errors in line order is scanned
 * once, not once per error. */
static const char *line_start(const struct source *src, int line)
{
	if (src != c_src || src->text != c_text || line < c_line) {
		c_src = src;
		c_text = src->text;
		c_pos = src->text;
		c_line = 1;
	}
	const char *s = c_pos;
	int l = c_line;
	for (; l < line && *s; s++)
		if (*s == '\n')
			l++;
	c_pos = s;
	c_line = l;
	return s;
}

/* BPFTRACE_COLOR (auto, always, never; bpftrace.adoc): whether the
 * message line of a diagnostic is coloured, ERROR red and WARNING
 * yellow; auto colours when the stream is a terminal. */
static bool diag_colored(FILE *f)
{
	static int mode = -1; /* 0 never, 1 always, 2 auto */
	if (mode < 0) {
		const char *v = getenv("BPFTRACE_COLOR");
		mode = 2;
		if (v && !strcmp(v, "always"))
			mode = 1;
		else if (v && !strcmp(v, "never"))
			mode = 0;
		else if (v && *v && strcmp(v, "auto"))
			fprintf(f, "WARNING: BPFTRACE_COLOR: '%s' is not one of "
				"auto, always, never; using auto\n", v);
	}
	return mode == 1 || (mode == 2 && isatty(fileno(f)));
}

/* Print "name:line:col[-end]: KIND: msg", then the source line and a ~
 * underline below the span, as bpftrace does. */
static void diag_vprint(const struct srcloc *loc, const char *kind,
			const char *fmt, va_list ap)
{
	FILE *f = diag_stream ? diag_stream : stderr;
	bool color = diag_colored(f);
	if (color)
		fputs(kind[0] == 'E' ? "\033[31m" : "\033[33m", f);
	if (loc && loc->src) {
		fprintf(f, "%s:%d:%d", loc->src->name, loc->line, loc->col);
		if (loc->len > 0)
			fprintf(f, "-%d", loc->col + loc->len);
		fputs(": ", f);
	}
	fprintf(f, "%s: ", kind);
	vfprintf(f, fmt, ap);
	fputs(color ? "\033[0m\n" : "\n", f);
	if (!loc || !loc->src || loc->line < 1)
		return;
	const char *s = line_start(loc->src, loc->line);
	const char *e = strchr(s, '\n');
	int n = e ? (int)(e - s) : (int)strlen(s);
	fprintf(f, "%.*s\n", n, s);
	for (int i = 1; i < loc->col; i++)
		fputc(s[i - 1] == '\t' ? '\t' : ' ', f);
	int len = loc->len > 0 ? loc->len : 1;
	/* a span running past the end of the line is cut there */
	if (loc->col - 1 + len > n && n >= loc->col)
		len = n - loc->col + 1;
	for (int i = 0; i < len; i++)
		fputc('~', f);
	fputc('\n', f);
	/* code that came from a macro: point at each call it was expanded from */
	if (loc->expanded_from)
		diag_print_expanded(loc->expanded_from, kind);
}

static void diag_print_expanded(const struct srcloc *loc, const char *kind, ...)
{
	va_list ap;
	va_start(ap, kind);
	diag_vprint(loc, kind, "expanded from", ap);
	va_end(ap);
}

void diag_error(const struct srcloc *loc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_vprint(loc, "ERROR", fmt, ap);
	va_end(ap);
	nerrors++;
}

static void diag_c_v(const char *what, const char *name, int line, int col,
		     const struct srcloc *loc, const char *fmt, va_list ap)
{
	FILE *f = diag_stream ? diag_stream : stderr;
	fprintf(f, "%s:%d:%d: %s: ", name, line, col, what);
	vfprintf(f, fmt, ap);
	fputc('\n', f);
	nerrors++;
	if (!loc || !loc->src || loc->line < 1)
		return;
	const char *s = line_start(loc->src, loc->line);
	const char *e = strchr(s, '\n');
	int n = e ? (int)(e - s) : (int)strlen(s);
	fprintf(f, "%.*s\n", n, s);
	for (int i = 1; i < loc->col && i <= n; i++)
		fputc(s[i - 1] == '\t' ? '\t' : ' ', f);
	fputs("^\n", f);
}

void diag_c_fatal(const char *name, int line, int col,
		  const struct srcloc *loc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_c_v("fatal error", name, line, col, loc, fmt, ap);
	va_end(ap);
}

void diag_c_error(const char *name, int line, int col,
		  const struct srcloc *loc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_c_v("error", name, line, col, loc, fmt, ap);
	va_end(ap);
}

void diag_warning(const struct srcloc *loc, const char *fmt, ...)
{
	if (diag_no_warnings)
		return;
	va_list ap;
	va_start(ap, fmt);
	diag_vprint(loc, "WARNING", fmt, ap);
	va_end(ap);
}

void diag_hint(const char *fmt, ...)
{
	FILE *f = diag_stream ? diag_stream : stderr;
	va_list ap;
	va_start(ap, fmt);
	fputs("HINT: ", f);
	vfprintf(f, fmt, ap);
	fputc('\n', f);
	va_end(ap);
}

struct source *source_read(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	struct strbuf b = { 0 };
	char buf[8192];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sb_putn(&b, buf, n);
	int bad = ferror(f), err = errno;
	fclose(f);
	if (bad) {
		sb_free(&b);
		errno = err ? err : EIO;
		return NULL;
	}
	struct source *src = tt_alloc(sizeof(*src));
	src->name = tt_strdup(path);
	src->text = tt_strndup(b.s ? b.s : "", b.len);
	src->len = b.len;
	sb_free(&b);
	return src;
}
