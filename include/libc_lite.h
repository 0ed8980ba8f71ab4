/* libc_lite.h — small versions of C library functions whose glibc
 * implementations drag large parts of glibc into a static binary: scanf
 * (with strtod, strtold and strtof128, for conversions nobody uses here),
 * glob (user names through NSS, which brings the DNS resolver and
 * dlopen), fnmatch (wide characters and collation tables), the string
 * functions whose ifunc variants are large, __assert_fail, perror and
 * getopt_long (they print through the wide-character printf), and
 * regcomp/regexec (tt_regcomp: a small backtracking matcher).
 *
 * Each behaves as glibc's does for what tinytrace and the libraries it
 * links (libbpf, libelf) ask of it, in the C locale tinytrace runs in
 * (test_libc_lite.c compares them with glibc's).  The linker sends every
 * call to the glibc name to ours in src/tinytrace (-Wl,--wrap=NAME, see
 * Makefile.am), so callers keep writing sscanf, glob, fnmatch, perror...
 * (the tt_ names below are for the tests); main.c calls tt_getopt_long. */
#ifndef LIBC_LITE_H
#define LIBC_LITE_H

#include <getopt.h>
#include <glob.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* scanf: whitespace, literal characters, %%, and the conversions
 * d i u o x X p c s [ n with *, a width, m (allocate) and the length
 * modifiers hh h l ll j z t q L.  No floating point (e f g a): such a
 * conversion is a matching failure. */
int tt_vsscanf(const char *s, const char *fmt, va_list ap);
int tt_vfscanf(FILE *f, const char *fmt, va_list ap);
int tt_sscanf(const char *s, const char *fmt, ...)
	__attribute__((format(scanf, 2, 3)));

/* fnmatch with flags 0 (the only flags anyone here passes): * ? [...]
 * (ranges, ! and ^, [:class:]) and backslash escapes, byte by byte;
 * 0 on a match, FNM_NOMATCH otherwise.  Other flags: -1. */
int tt_fnmatch(const char *pattern, const char *s, int flags);

/* glob with flags 0 and no error callback: sorted paths, * ? and [...]
 * not matching a leading '.'; 0, GLOB_NOMATCH or GLOB_NOSPACE. */
int tt_glob(const char *pattern, int flags,
	    int (*errfunc)(const char *, int), glob_t *g);
void tt_globfree(glob_t *g);

/* getopt_long for option strings starting with '+' (stop at the first
 * operand, as POSIX says), printing nothing (opterr = 0): '?' for an
 * unknown option, a missing argument, an ambiguous abbreviation or an
 * argument given to an option that takes none.  Its own tt_optind and
 * tt_optarg: glibc's optind and optarg would bring glibc's getopt (and
 * with it the wide-character printf of its messages).  tt_optind = 0
 * starts again. */
extern int tt_optind;
extern char *tt_optarg;
int tt_getopt_long(int argc, char *const argv[], const char *opts,
		   const struct option *longopts, int *longindex);

/* Extended regular expressions (POSIX ERE, as regcomp's REG_EXTENDED
 * and REG_NOSUB, plus \d \w \s and their complements), byte by byte,
 * searched for anywhere in a string: --probe-filter.  tt_regcomp returns
 * NULL with *err set for a bad pattern. */
struct tt_regex;
struct tt_regex *tt_regcomp(const char *pattern, const char **err);
bool tt_regsearch(const struct tt_regex *re, const char *s);
void tt_regfree(struct tt_regex *re);

int tt_strcasecmp(const char *a, const char *b);
int tt_strncasecmp(const char *a, const char *b, size_t n);

#endif
