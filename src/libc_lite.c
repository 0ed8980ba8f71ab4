/* libc_lite.c — small versions of heavy C library functions for the
 * static binary (libc_lite.h says which and why). */
#define _GNU_SOURCE /* program_invocation_short_name */
#include "libc_lite.h"

#include <assert.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- scanf ---------------------------------------------------------- */

/* The input: a string or a stream; n counts the characters read (%n). */
struct scan_in {
	const char *s;
	FILE *f;
	int n;
};

enum { NOT_READ = -2 }; /* a width ran out: nothing to unread */

static int in_get(struct scan_in *in)
{
	int c;
	if (in->f)
		c = getc(in->f);
	else
		c = *in->s ? (unsigned char)*in->s++ : EOF;
	if (c != EOF)
		in->n++;
	return c;
}

static void in_unget(struct scan_in *in, int c)
{
	if (c < 0)
		return;
	in->n--;
	if (in->f)
		ungetc(c, in->f);
	else
		in->s--;
}

static int skip_space(struct scan_in *in)
{
	int c;
	while ((c = in_get(in)) != EOF && isspace(c))
		;
	in_unget(in, c);
	return c;
}

/* The scanset of a %[ conversion starting after the '[': the characters
 * it accepts into set[]; returns the ']' that ends it (NULL: none). */
static const char *scanset(const char *f, bool set[256])
{
	bool neg = *f == '^';
	f += neg;
	memset(set, 0, 256 * sizeof(bool));
	const char *p = f;
	if (*p == ']')
		set[(unsigned char)*p++] = true;
	for (; *p && *p != ']'; p++) {
		unsigned char a = (unsigned char)*p;
		if (p[1] == '-' && p[2] && p[2] != ']' &&
		    (unsigned char)p[2] >= a) {
			for (int c = a; c <= (unsigned char)p[2]; c++)
				set[c] = true;
			p += 2;
		} else {
			set[a] = true;
		}
	}
	if (!*p)
		return NULL;
	if (neg)
		for (int c = 0; c < 256; c++)
			set[c] = !set[c];
	return p;
}

/* A growing string for %s, %c and %[ (into the caller's buffer, or
 * into malloc'ed memory for %m). */
struct sbuf {
	char *p;
	size_t n, cap;
	bool alloc;
};

static bool sbuf_put(struct sbuf *b, int c)
{
	if (b->alloc && b->n + 1 >= b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 32;
		char *p = realloc(b->p, cap);
		if (!p)
			return false;
		b->p = p;
		b->cap = cap;
	}
	if (b->p)
		b->p[b->n] = (char)c;
	b->n++;
	return true;
}

static void store_int(va_list *ap, int size, unsigned long long v)
{
	void *p = va_arg(*ap, void *);
	switch (size) {
	case 1: *(unsigned char *)p = (unsigned char)v; break;
	case 2: *(unsigned short *)p = (unsigned short)v; break;
	case 4: *(unsigned int *)p = (unsigned int)v; break;
	default: *(unsigned long long *)p = v; break;
	}
}

/* Reads an integer of base (0: C's prefixes) of at most width characters
 * into *v; false on a matching failure. */
static bool scan_int(struct scan_in *in, int width, int base, bool is_signed,
		     unsigned long long *v)
{
	char buf[80];
	int k = 0, digits = 0, left = width ? width : INT_MAX;
	int c = left-- > 0 ? in_get(in) : NOT_READ;

#define NEXT() (c = left-- > 0 ? in_get(in) : NOT_READ)
	if (c == '+' || c == '-') {
		buf[k++] = (char)c;
		NEXT();
	}
	if ((base == 0 || base == 16) && c == '0') {
		buf[k++] = '0';
		digits++;
		NEXT();
		if (c == 'x' || c == 'X') {
			buf[k++] = (char)c;
			base = 16;
			NEXT();
		} else if (base == 0) {
			base = 8;
		}
	}
	if (base == 0)
		base = 10;
	for (;;) {
		int d = c >= '0' && c <= '9'   ? c - '0'
			: c >= 'a' && c <= 'z' ? c - 'a' + 10
			: c >= 'A' && c <= 'Z' ? c - 'A' + 10
					       : 99;
		if (d >= base || k >= (int)sizeof(buf) - 1)
			break;
		buf[k++] = (char)c;
		digits++;
		NEXT();
	}
#undef NEXT
	in_unget(in, c);
	if (!digits)
		return false;
	buf[k] = 0;
	if (is_signed)
		*v = (unsigned long long)strtoll(buf, NULL, base);
	else
		*v = strtoull(buf, NULL, base);
	return true;
}

/* The scanf engine: the number of conversions assigned, or EOF when the
 * input ends before the first one. */
static int vscan(struct scan_in *in, const char *f, va_list ap0)
{
	va_list ap;
	int done = 0;
	bool eof = false;

	va_copy(ap, ap0);
	for (; *f; f++) {
		if (isspace((unsigned char)*f)) {
			skip_space(in);
			continue;
		}
		if (*f != '%' || f[1] == '%') {
			if (*f == '%') {
				f++;
				skip_space(in);
			}
			int c = in_get(in);
			if (c == EOF) {
				eof = true;
				break;
			}
			if (c != (unsigned char)*f) {
				in_unget(in, c);
				break;
			}
			continue;
		}
		f++;
		bool suppress = *f == '*', alloc = false;
		f += suppress;
		int width = 0, size = 4;
		while (*f >= '0' && *f <= '9')
			width = width * 10 + (*f++ - '0');
		if (*f == 'm') {
			alloc = true;
			f++;
		}
		if (f[0] == 'h' && f[1] == 'h')
			size = 1, f += 2;
		else if (f[0] == 'l' && f[1] == 'l')
			size = 8, f += 2;
		else if (*f == 'h')
			size = 2, f++;
		else if (strchr("ljztqL", *f) && *f)
			size = 8, f++;

		int conv = *f, c;
		if (conv == 'n') {
			if (!suppress)
				store_int(&ap, size, (unsigned long long)in->n);
			continue;
		}
		if (strchr("diuoxXp", conv) && conv) {
			if (skip_space(in) == EOF) {
				eof = true;
				break;
			}
			int base = conv == 'd' || conv == 'u' ? 10
				   : conv == 'i'	      ? 0
				   : conv == 'o'	      ? 8
							      : 16;
			unsigned long long v;
			if (!scan_int(in, width, base, conv == 'd' || conv == 'i',
				      &v))
				break;
			if (!suppress) {
				store_int(&ap, conv == 'p' ? 8 : size, v);
				done++;
			}
			continue;
		}
		if (conv != 's' && conv != 'c' && conv != '[')
			break; /* not supported: a matching failure */

		bool set[256];
		if (conv == '[') {
			f = scanset(f + 1, set);
			if (!f)
				break;
		} else if (conv == 's') {
			for (int k = 0; k < 256; k++)
				set[k] = !isspace(k);
			if (skip_space(in) == EOF) {
				eof = true;
				break;
			}
		} else {
			memset(set, 1, sizeof(set));
			if (!width)
				width = 1;
		}
		struct sbuf b = { .alloc = alloc && !suppress };
		char **where = NULL;
		if (!suppress) {
			if (alloc)
				where = va_arg(ap, char **);
			else
				b.p = va_arg(ap, char *);
		}
		int left = width ? width : INT_MAX;
		c = NOT_READ;
		while (left-- > 0 && (c = in_get(in)) != EOF && set[c]) {
			if (!sbuf_put(&b, c)) {
				free(b.p);
				va_end(ap);
				errno = ENOMEM;
				return done ? done : EOF;
			}
			c = NOT_READ;
		}
		in_unget(in, c);
		if (!b.n) {
			free(b.alloc ? b.p : NULL);
			eof = c == EOF;
			break;
		}
		if (conv != 'c' && !sbuf_put(&b, 0)) {
			free(b.p);
			break;
		}
		if (!suppress) {
			if (where)
				*where = b.p;
			done++;
		}
	}
	va_end(ap);
	return eof && !done ? EOF : done;
}

int tt_vsscanf(const char *s, const char *fmt, va_list ap)
{
	struct scan_in in = { .s = s };
	return vscan(&in, fmt, ap);
}

int tt_vfscanf(FILE *f, const char *fmt, va_list ap)
{
	struct scan_in in = { .f = f };
	return vscan(&in, fmt, ap);
}

int tt_sscanf(const char *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = tt_vsscanf(s, fmt, ap);
	va_end(ap);
	return r;
}

/* ---- fnmatch -------------------------------------------------------- */

static const struct {
	const char *name;
	int (*is)(int);
} char_classes[] = {
	{ "alnum", isalnum }, { "alpha", isalpha }, { "blank", isblank },
	{ "cntrl", iscntrl }, { "digit", isdigit }, { "graph", isgraph },
	{ "lower", islower }, { "print", isprint }, { "punct", ispunct },
	{ "space", isspace }, { "upper", isupper }, { "xdigit", isxdigit },
};

/* Matches c against the bracket expression at p (after the '['); the
 * character after its ']' in *end.  -1: not a bracket expression (no
 * ']'; the '[' is then an ordinary character). */
static int bracket(const char *p, unsigned char c, const char **end)
{
	bool neg = *p == '!' || *p == '^', hit = false;
	p += neg;
	for (bool first = true; first || *p != ']'; first = false) {
		if (!*p)
			return -1;
		if (p[0] == '[' && p[1] == ':') {
			const char *e = strstr(p + 2, ":]");
			size_t n = e ? (size_t)(e - p - 2) : 0;
			size_t i = 0;
			for (; e && i < sizeof(char_classes) / sizeof(*char_classes);
			     i++)
				if (strlen(char_classes[i].name) == n &&
				    !strncmp(char_classes[i].name, p + 2, n))
					break;
			if (e && i < sizeof(char_classes) / sizeof(*char_classes)) {
				hit |= char_classes[i].is(c) != 0;
				p = e + 2;
				continue;
			}
		}
		unsigned char lo = (unsigned char)*p++;
		if (lo == '\\' && *p)
			lo = (unsigned char)*p++;
		unsigned char hi = lo;
		if (p[0] == '-' && p[1] && p[1] != ']') {
			p++;
			hi = (unsigned char)*p++;
			if (hi == '\\' && *p)
				hi = (unsigned char)*p++;
		}
		hit |= c >= lo && c <= hi;
	}
	*end = p + 1;
	return hit != neg;
}

/* The match; period: a leading '.' of s must be matched by a '.' of the
 * pattern (glob's rule for file names). */
static int match(const char *p, const char *s, bool period)
{
	const char *star_p = NULL, *star_s = NULL;

	if (period && *s == '.' && *p != '.' && !(p[0] == '\\' && p[1] == '.'))
		return FNM_NOMATCH;
	for (;;) {
		const char *next = p + 1;
		bool ok;
		switch (*p) {
		case '\0':
			if (!*s)
				return 0;
			ok = false;
			break;
		case '*':
			star_p = ++p;
			star_s = s;
			continue;
		case '?':
			ok = *s != 0;
			break;
		case '[': {
			int r = *s ? bracket(p + 1, (unsigned char)*s, &next) : 0;
			ok = r < 0 ? *s == '[' : r == 1;
			if (r < 0)
				next = p + 1;
			break;
		}
		case '\\': /* a pattern ending in one: no match, as glibc */
			if (!p[1])
				return FNM_NOMATCH;
			next = p + 2;
			p++;
			/* fall through */
		default:
			ok = *s == *p;
			break;
		}
		if (ok) {
			p = next;
			s++;
			continue;
		}
		if (!star_p || !*star_s)
			return FNM_NOMATCH;
		p = star_p;
		s = ++star_s;
	}
}

int tt_fnmatch(const char *pattern, const char *s, int flags)
{
	if (flags)
		return -1;
	return match(pattern, s, false);
}

/* ---- glob ----------------------------------------------------------- */

struct paths {
	char **v;
	size_t n, cap;
};

static bool paths_add(struct paths *ps, char *s)
{
	if (!s)
		return false;
	if (ps->n + 2 > ps->cap) {
		size_t cap = ps->cap ? 2 * ps->cap : 16;
		char **v = realloc(ps->v, cap * sizeof(*v));
		if (!v) {
			free(s);
			return false;
		}
		ps->v = v;
		ps->cap = cap;
	}
	ps->v[ps->n++] = s;
	return true;
}

static bool has_magic(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '*' || s[i] == '?' || s[i] == '[')
			return true;
	return false;
}

static char *join(const char *dir, const char *name, size_t n)
{
	size_t d = strlen(dir);
	char *s = malloc(d + n + 2);
	if (s) {
		memcpy(s, dir, d);
		if (d && dir[d - 1] != '/')
			s[d++] = '/';
		memcpy(s + d, name, n);
		s[d + n] = 0;
	}
	return s;
}

/* Adds to out the paths that match rest (the pattern's components after
 * dir) below dir ("" for a relative pattern); false: out of memory. */
static bool expand(const char *dir, const char *rest, struct paths *out)
{
	while (*rest == '/')
		rest++;
	const char *slash = strchr(rest, '/');
	size_t n = slash ? (size_t)(slash - rest) : strlen(rest);
	bool ok = true;
	struct stat st;

	if (!n) { /* the pattern ended with '/': dir, if a directory */
		return stat(*dir ? dir : ".", &st) < 0 || !S_ISDIR(st.st_mode) ||
		       paths_add(out, join(dir, "", 0));
	}
	if (!has_magic(rest, n)) { /* a plain name: unescape, go on */
		char *name = malloc(n + 1), *q = name;
		if (!name)
			return false;
		for (size_t i = 0; i < n; i++) {
			if (rest[i] == '\\' && i + 1 < n)
				i++;
			*q++ = rest[i];
		}
		*q = 0;
		char *path = join(dir, name, strlen(name));
		free(name);
		if (!path)
			return false;
		if (slash)
			ok = expand(path, slash, out);
		else if (lstat(path, &st) == 0)
			return paths_add(out, path);
		free(path);
		return ok;
	}
	char *pat = strndup(rest, n);
	DIR *d = pat ? opendir(*dir ? dir : ".") : NULL;
	struct dirent *de;
	while (ok && d && (de = readdir(d)) != NULL) {
		if (match(pat, de->d_name, true))
			continue;
		char *path = join(dir, de->d_name, strlen(de->d_name));
		if (!path)
			ok = false;
		else if (slash) {
			ok = expand(path, slash, out);
			free(path);
		} else {
			ok = paths_add(out, path);
		}
	}
	if (d)
		closedir(d);
	free(pat);
	return ok && (pat != NULL);
}

static int cmp_paths(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int tt_glob(const char *pattern, int flags, int (*errfunc)(const char *, int),
	    glob_t *g)
{
	struct paths ps = { 0 };

	assert(!flags && !errfunc);
	memset(g, 0, sizeof(*g));
	bool ok = expand(*pattern == '/' ? "/" : "", pattern, &ps);
	if (!ok || !ps.n) {
		for (size_t i = 0; i < ps.n; i++)
			free(ps.v[i]);
		free(ps.v);
		return ok ? GLOB_NOMATCH : GLOB_NOSPACE;
	}
	qsort(ps.v, ps.n, sizeof(*ps.v), cmp_paths);
	ps.v[ps.n] = NULL;
	g->gl_pathc = ps.n;
	g->gl_pathv = ps.v;
	return 0;
}

void tt_globfree(glob_t *g)
{
	for (size_t i = 0; i < g->gl_pathc; i++)
		free(g->gl_pathv[i]);
	free(g->gl_pathv);
	g->gl_pathv = NULL;
	g->gl_pathc = 0;
}

/* ---- getopt_long ---------------------------------------------------- */

int tt_optind = 1;
char *tt_optarg;
static const char *nextchar; /* the rest of a cluster of short options */

/* A --name[=value] option (arg: after the "--"). */
static int long_option(int argc, char *const argv[], const char *arg,
		       const struct option *lo, int *longindex)
{
	const char *eq = strchr(arg, '=');
	size_t n = eq ? (size_t)(eq - arg) : strlen(arg);
	int found = -1;
	bool ambiguous = false;

	tt_optind++;
	for (int i = 0; lo[i].name; i++) {
		if (strncmp(lo[i].name, arg, n))
			continue;
		if (strlen(lo[i].name) == n) { /* exact */
			found = i;
			ambiguous = false;
			break;
		}
		if (found < 0)
			found = i;
		else if (lo[i].has_arg != lo[found].has_arg ||
			 lo[i].flag != lo[found].flag || lo[i].val != lo[found].val)
			ambiguous = true;
	}
	if (found < 0 || ambiguous)
		return '?';
	const struct option *o = &lo[found];
	if (eq) {
		if (o->has_arg == no_argument)
			return '?';
		tt_optarg = (char *)eq + 1;
	} else if (o->has_arg == required_argument) {
		if (tt_optind >= argc)
			return '?';
		tt_optarg = argv[tt_optind++];
	}
	if (longindex)
		*longindex = found;
	if (o->flag) {
		*o->flag = o->val;
		return 0;
	}
	return o->val;
}

int tt_getopt_long(int argc, char *const argv[], const char *opts,
		   const struct option *longopts, int *longindex)
{
	assert(*opts == '+');
	opts++;
	tt_optarg = NULL;
	if (tt_optind == 0) { /* start again */
		tt_optind = 1;
		nextchar = NULL;
	}
	if (!nextchar || !*nextchar) {
		nextchar = NULL;
		if (tt_optind >= argc)
			return -1;
		const char *a = argv[tt_optind];
		if (a[0] != '-' || !a[1])
			return -1;
		if (a[1] == '-') {
			if (!a[2]) {
				tt_optind++;
				return -1;
			}
			return long_option(argc, argv, a + 2, longopts, longindex);
		}
		nextchar = a + 1;
	}
	int c = (unsigned char)*nextchar++;
	const char *o = c == ':' ? NULL : strchr(opts, c);
	if (!*nextchar)
		tt_optind++;
	if (!o)
		return '?';
	if (o[1] == ':') {
		if (*nextchar) {
			tt_optarg = (char *)nextchar;
			tt_optind++;
		} else if (o[2] == ':') {
			/* an optional argument is attached or absent */
		} else if (tt_optind >= argc) {
			c = '?';
		} else {
			tt_optarg = argv[tt_optind++];
		}
		nextchar = NULL;
	}
	return c;
}

/* ---- regular expressions ------------------------------------------- */

/* A pattern is parsed into a pool of nodes: a sequence is a list of atoms
 * (next), a group a list of alternatives (RE_ALT nodes: or, each with its
 * sequence in sub).  Matching backtracks, atom by atom, with the groups
 * being repeated as continuations on the C stack. */
enum { RE_CHAR, RE_ANY, RE_SET, RE_BOL, RE_EOL, RE_GROUP, RE_ALT };

struct re_node {
	int kind, c, min, max;     /* max -1: no bound */
	unsigned char set[32];     /* RE_SET: the bytes it takes */
	struct re_node *next, *sub, *or;
};

struct tt_regex {
	struct re_node *root;      /* an RE_GROUP matched once */
	int n, cap;
	struct re_node pool[];
};

struct re_parse {
	struct tt_regex *re;
	const char *p;
	const char *err;
};

static struct re_node *re_new(struct re_parse *ps, int kind)
{
	struct re_node *n = &ps->re->pool[ps->re->n++];
	assert(ps->re->n <= ps->re->cap);
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->min = n->max = 1;
	return n;
}

static void re_set_add(unsigned char *set, int c)
{
	set[c >> 3] |= (unsigned char)(1u << (c & 7));
}

/* \d \w \s (and upper case: the complement) into set; false for another
 * escape. */
static bool re_class_escape(int e, unsigned char *set)
{
	int l = tolower(e);
	if (l != 'd' && l != 'w' && l != 's')
		return false;
	for (int c = 1; c < 256; c++) {
		bool in = l == 'd' ? isdigit(c) :
			  l == 's' ? isspace(c) : isalnum(c) || c == '_';
		if (in != (e != l))
			re_set_add(set, c);
	}
	return true;
}

static bool re_bracket(struct re_parse *ps, struct re_node *n)
{
	bool neg = *ps->p == '^';
	ps->p += neg;
	unsigned char set[32] = { 0 };
	bool first = true;
	for (;; first = false) {
		int c = (unsigned char)*ps->p++;
		if (!c)
			return (ps->err = "unmatched ["), false;
		if (c == ']' && !first)
			break;
		if (c == '[' && *ps->p == ':') {
			const char *end = strstr(ps->p, ":]");
			static const char *const names[] = {
				"alpha", "digit", "alnum", "upper", "lower",
				"space", "xdigit", "punct", "print", "graph",
				"cntrl", "blank" };
			int (*const fns[])(int) = {
				isalpha, isdigit, isalnum, isupper, islower,
				isspace, isxdigit, ispunct, isprint, isgraph,
				iscntrl, isblank };
			size_t k = (sizeof(names) / sizeof(names[0]));
			for (size_t i = 0; end && i < (sizeof(names) / sizeof(names[0])); i++)
				if ((size_t)(end - ps->p - 1) == strlen(names[i]) &&
				    !strncmp(ps->p + 1, names[i], strlen(names[i])))
					k = i;
			if (k == (sizeof(names) / sizeof(names[0])))
				return (ps->err = "invalid character class"), false;
			for (int d = 1; d < 256; d++)
				if (fns[k](d))
					re_set_add(set, d);
			ps->p = end + 2;
			continue;
		}
		if (c == '\\' && *ps->p) {
			c = (unsigned char)*ps->p++;
			if (re_class_escape(c, set))
				continue;
		}
		int hi = c;
		if (ps->p[0] == '-' && ps->p[1] && ps->p[1] != ']') {
			hi = (unsigned char)ps->p[1];
			ps->p += 2;
			if (hi < c)
				return (ps->err = "invalid range"), false;
		}
		for (int d = c; d <= hi; d++)
			re_set_add(set, d);
	}
	for (int i = 0; i < 32; i++)
		n->set[i] = neg ? (unsigned char)~set[i] : set[i];
	n->set[0] &= (unsigned char)~1u; /* never the terminating NUL */
	return true;
}

static struct re_node *re_alts(struct re_parse *ps);

/* {m}, {m,}, {m,n} after an atom. */
static bool re_braces(struct re_parse *ps, struct re_node *n)
{
	char *end;
	if (!isdigit((unsigned char)*ps->p))
		return (ps->err = "invalid repetition"), false;
	long lo = strtol(ps->p, &end, 10), hi = lo;
	if (*end == ',') {
		if (isdigit((unsigned char)end[1]))
			hi = strtol(end + 1, &end, 10);
		else
			hi = -1, end++;
	}
	if (*end != '}' || lo > 255 || hi > 255 || (hi >= 0 && hi < lo))
		return (ps->err = "invalid repetition"), false;
	n->min = (int)lo;
	n->max = (int)hi;
	ps->p = end + 1;
	return true;
}

/* A sequence of atoms, up to '|', ')' or the end. */
static struct re_node *re_seq(struct re_parse *ps)
{
	struct re_node *head = NULL, **tail = &head, *n;
	while (!ps->err && *ps->p && *ps->p != '|' && *ps->p != ')') {
		int c = (unsigned char)*ps->p++;
		switch (c) {
		case '(':
			n = re_new(ps, RE_GROUP);
			n->sub = re_alts(ps);
			if (!ps->err && *ps->p++ != ')')
				ps->err = "unmatched (";
			break;
		case '[':
			n = re_new(ps, RE_SET);
			re_bracket(ps, n);
			break;
		case '.': n = re_new(ps, RE_ANY); break;
		case '^': n = re_new(ps, RE_BOL); break;
		case '$': n = re_new(ps, RE_EOL); break;
		case '*': case '+': case '?': case '{':
			ps->err = "nothing to repeat";
			return head;
		case '\\':
			c = (unsigned char)*ps->p;
			if (!c) {
				ps->err = "trailing backslash";
				return head;
			}
			ps->p++;
			n = re_new(ps, RE_SET);
			if (re_class_escape(c, n->set))
				break;
			n->kind = RE_CHAR;
			n->c = c;
			break;
		default:
			n = re_new(ps, RE_CHAR);
			n->c = c;
			break;
		}
		while (!ps->err && *ps->p && strchr("*+?{", *ps->p)) {
			if (n->kind == RE_BOL || n->kind == RE_EOL ||
			    n->min != 1 || n->max != 1) {
				/* x** and ^*: a group around the first */
				struct re_node *g = re_new(ps, RE_GROUP);
				g->sub = re_new(ps, RE_ALT);
				g->sub->sub = n;
				n = g;
			}
			c = (unsigned char)*ps->p++;
			if (c == '*')
				n->min = 0, n->max = -1;
			else if (c == '+')
				n->max = -1;
			else if (c == '?')
				n->min = 0;
			else
				re_braces(ps, n);
		}
		*tail = n;
		tail = &n->next;
	}
	return head;
}

static struct re_node *re_alts(struct re_parse *ps)
{
	struct re_node *head = NULL, **tail = &head;
	do {
		struct re_node *a = re_new(ps, RE_ALT);
		a->sub = re_seq(ps);
		*tail = a;
		tail = &a->or;
	} while (!ps->err && *ps->p == '|' && ps->p++);
	return head;
}

struct tt_regex *tt_regcomp(const char *pattern, const char **err)
{
	size_t cap = 2 * strlen(pattern) + 4;
	struct tt_regex *re = calloc(1, sizeof(*re) + cap * sizeof(re->pool[0]));
	if (!re) {
		*err = "out of memory";
		return NULL;
	}
	re->cap = (int)cap;
	struct re_parse ps = { re, pattern, NULL };
	re->root = re_new(&ps, RE_GROUP);
	re->root->sub = re_alts(&ps);
	if (!ps.err && *ps.p == ')')
		ps.err = "unmatched )";
	if (ps.err) {
		*err = ps.err;
		free(re);
		return NULL;
	}
	return re;
}

void tt_regfree(struct tt_regex *re)
{
	free(re);
}

/* What is left to do after one more pass through grp (its count-th, begun
 * at start): more passes, then what follows grp, then up. */
struct re_kont {
	const struct re_node *grp;
	int count;
	const char *start;
	const struct re_kont *up;
};

struct re_match {
	const char *bol;
	unsigned steps; /* a bound on the backtracking: no match past it */
};

static bool re_rep(struct re_match *m, const struct re_node *n,
		   const char *s, int count, const struct re_kont *k);

static bool re_seq_match(struct re_match *m, const struct re_node *n,
			 const char *s, const struct re_kont *k)
{
	if (++m->steps > 1000000)
		return false;
	if (n)
		return re_rep(m, n, s, 0, k);
	if (!k)
		return true;
	const struct re_node *g = k->grp;
	if (s == k->start && k->count > g->min) /* an empty pass: stop */
		return re_seq_match(m, g->next, s, k->up);
	return re_rep(m, g, s, k->count, k->up);
}

/* Does the one-character atom n match at s? */
static bool re_one(const struct re_node *n, const char *s)
{
	int c = (unsigned char)*s;
	switch (n->kind) {
	case RE_CHAR: return c && c == n->c;
	case RE_ANY: return c && c != '\n';
	case RE_SET: return n->set[c >> 3] & (1u << (c & 7));
	}
	return false;
}

/* n has matched count times at the text before s: more (greedily), else
 * what follows. */
static bool re_rep(struct re_match *m, const struct re_node *n,
		   const char *s, int count, const struct re_kont *k)
{
	if (n->kind == RE_BOL || n->kind == RE_EOL) {
		bool ok = n->kind == RE_BOL ? s == m->bol : !*s;
		return ok && re_seq_match(m, n->next, s, k);
	}
	if (n->max < 0 || count < n->max) {
		if (n->kind == RE_GROUP) {
			struct re_kont k2 = { n, count + 1, s, k };
			for (const struct re_node *a = n->sub; a; a = a->or)
				if (re_seq_match(m, a->sub, s, &k2))
					return true;
		} else if (re_one(n, s) && re_rep(m, n, s + 1, count + 1, k)) {
			return true;
		}
	}
	return count >= n->min && re_seq_match(m, n->next, s, k);
}

bool tt_regsearch(const struct tt_regex *re, const char *s)
{
	struct re_match m = { s, 0 };
	const char *p = s;
	do {
		if (re_rep(&m, re->root, p, 0, NULL))
			return true;
	} while (*p++);
	return false;
}

/* ---- strings -------------------------------------------------------- */

int tt_strcasecmp(const char *a, const char *b)
{
	return tt_strncasecmp(a, b, SIZE_MAX);
}

int tt_strncasecmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		int d = tolower((unsigned char)*a) - tolower((unsigned char)*b);
		if (d || !*a)
			return d;
	}
	return 0;
}

/* ---- the names the linker sends here (-Wl,--wrap=NAME) ------------- */

int __wrap___isoc99_sscanf(const char *s, const char *fmt, ...);
int __wrap___isoc99_fscanf(FILE *f, const char *fmt, ...);
int __wrap_fnmatch(const char *pattern, const char *s, int flags);
int __wrap_glob(const char *pattern, int flags,
		int (*errfunc)(const char *, int), glob_t *g);
void __wrap_globfree(glob_t *g);
int __wrap_strcasecmp(const char *a, const char *b);
int __wrap_strncasecmp(const char *a, const char *b, size_t n);
char *__wrap_strncat(char *d, const char *s, size_t n);
void __wrap_perror(const char *s);
void __wrap___assert_fail(const char *expr, const char *file,
			  unsigned int line, const char *func);

int __wrap___isoc99_sscanf(const char *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = tt_vsscanf(s, fmt, ap);
	va_end(ap);
	return r;
}

int __wrap___isoc99_fscanf(FILE *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = tt_vfscanf(f, fmt, ap);
	va_end(ap);
	return r;
}

int __wrap_fnmatch(const char *pattern, const char *s, int flags)
{
	return tt_fnmatch(pattern, s, flags);
}

int __wrap_glob(const char *pattern, int flags,
		int (*errfunc)(const char *, int), glob_t *g)
{
	return tt_glob(pattern, flags, errfunc, g);
}

void __wrap_globfree(glob_t *g)
{
	tt_globfree(g);
}

int __wrap_strcasecmp(const char *a, const char *b)
{
	return tt_strcasecmp(a, b);
}

int __wrap_strncasecmp(const char *a, const char *b, size_t n)
{
	return tt_strncasecmp(a, b, n);
}

char *__wrap_strncat(char *d, const char *s, size_t n)
{
	size_t k = strlen(d);
	while (n-- && *s)
		d[k++] = *s++;
	d[k] = 0;
	return d;
}

void __wrap_perror(const char *s)
{
	const char *msg = strerror(errno);
	if (s && *s)
		fprintf(stderr, "%s: %s\n", s, msg);
	else
		fprintf(stderr, "%s\n", msg);
}

/* glibc's message, then abort() */
void __wrap___assert_fail(const char *expr, const char *file,
			  unsigned int line, const char *func)
{
	const char *prog = program_invocation_short_name;
	fprintf(stderr, "%s%s%s:%u: %s%sAssertion `%s' failed.\n", prog,
		*prog ? ": " : "", file, line, func ? func : "",
		func ? ": " : "", expr);
	fflush(stderr);
	abort();
}
