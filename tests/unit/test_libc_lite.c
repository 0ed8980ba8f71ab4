/* test_libc_lite.c — the small C library functions of libc_lite.c against
 * glibc's own (this test is not linked with --wrap, so sscanf, fnmatch and
 * glob here are glibc's): the same result for every format tinytrace and
 * libbpf 1.1 pass to scanf, on the inputs they read (/proc, tracefs,
 * uname, USDT notes, verifier logs) and on malformed ones; fnmatch
 * patterns with every construct; glob over a directory tree. */
#include <criterion/criterion.h>
#include <fnmatch.h>
#include <getopt.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libc_lite.h"

/* ---- scanf ---- */

enum { NBUF = 6, BUFSZ = 512 };

/* Runs fmt on in with glibc and with tt_sscanf, each into its own zeroed
 * buffers, and compares the results and every byte stored. */
static void same_scan(const char *in, const char *fmt)
{
	static char a[NBUF][BUFSZ], b[NBUF][BUFSZ];
	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#pragma GCC diagnostic ignored "-Wformat"
	int ra = sscanf(in, fmt, a[0], a[1], a[2], a[3], a[4], a[5]);
	int rb = tt_sscanf(in, fmt, b[0], b[1], b[2], b[3], b[4], b[5]);
#pragma GCC diagnostic pop
	cr_expect_eq(ra, rb, "sscanf(\"%s\", \"%s\"): glibc %d, ours %d", in,
		     fmt, ra, rb);
	for (int i = 0; i < NBUF; i++)
		cr_expect(!memcmp(a[i], b[i], BUFSZ),
			  "sscanf(\"%s\", \"%s\"): argument %d differs", in,
			  fmt, i + 1);
}

Test(scanf, formats_of_tinytrace)
{
	static const char *const ints[] = { "42", " -7", "+3x", "abc", "",
					    "   ", "2147483648", "0x10" };
	for (size_t i = 0; i < sizeof(ints) / sizeof(*ints); i++) {
		same_scan(ints[i], "%d");
		same_scan(ints[i], "%ld");
		same_scan(ints[i], "%u");
		same_scan(ints[i], "%i");
		same_scan(ints[i], "%x");
	}
	same_scan("config:63\n", "config:%d");
	same_scan("config:x", "config:%d");
	same_scan("conf", "config:%d");
	same_scan("", "config:%d");
	same_scan("6.18.0-1-amd64", "%u.%u.%u");
	same_scan("6.1", "%u.%u.%u");
	same_scan("6.1", "%d.%d");
	same_scan("x.1", "%d.%d");
	same_scan("12: (85) call bpf_probe_read#4", "%d: (%*x)%n");
	same_scan("12: call", "%d: (%*x)%n");
	same_scan("7f12a000-7f12b000 r-xp 00001000 08:01 1234 /usr/lib/libc.so.6",
		  "%*s %7s %*s %*s %*s %n");
	same_scan("7f12a000-7f12b000 r-xp 00001000 08:01 1234   /usr/lib/libc.so.6",
		  "%llx-%llx %*s %llx %*s %*s %n");
	same_scan("7f12a000-7f12b000 rw-p 00000000 00:00 0",
		  "%llx-%llx %*s %llx %*s %*s %n");
	same_scan("/dev/sda1 /boot ext4 rw,relatime 0 0",
		  "%255s %2047s %63s %1023s");
	same_scan("tracefs /sys/kernel/tracing", "%255s %2047s %63s %1023s");
	same_scan("string[16]", "string[%d%c");
	same_scan("string[", "string[%d%c");
	same_scan("int64", "string[%d%c");
}

Test(scanf, formats_of_libbpf)
{
	same_scan("Linux version 6.1.0-21-amd64 (gcc)", "%*s %*s %d.%d.%d");
	same_scan("map_type:\t2\n", "map_type:\t%u");
	same_scan("key_size:\t8", "key_size:\t%u");
	same_scan("0-3", "%d%n-%d%n");
	same_scan("5", "%d%n-%d%n");
	same_scan("5,7-9", "%d%n-%d%n");
	same_scan("12: (85) call unknown#195896080", "%d: (%*d) call unknown#%d");
	same_scan("7f0000-7f1000 r-xp 00001000 08:01 99 /bin/true\n",
		  "%zx-%zx %s %zx %*s %*d%[^\n]\n");
	same_scan("7f0000-7f1000 rw-p 00000000 00:00 0\n",
		  "%zx-%zx %s %zx %*s %*d%[^\n]\n");
	same_scan("-4@-8(%rbp)", " %d @ %ld ( %%%15[^)] ) %n");
	same_scan("8@(%rax)", " %d @ ( %%%15[^)] ) %n");
	same_scan("8@%rax", " %d @ %%%15s %n");
	same_scan("-4@$5", " %d @ $%ld %n");
	same_scan("-4@$5", " %d @ %ld ( %%%15[^)] ) %n");
	same_scan("4@%averyveryverylongregistername", " %d @ %%%15s %n");
	same_scan("ffffffff81000000 T _stext\n", "%llx %c %499s%*[^\n]\n");
	same_scan("ffffffffc0000000 t foo\t[mod]\n", "%llx %c %499s%*[^\n]\n");
	same_scan("abc", "%3c%c");
	same_scan("a", "%3c");
	same_scan("100%", "%d%%");
	same_scan("255 65535", "%hhu %hu");
	same_scan("  x", "%[x]");
	same_scan("]a", "%[]a]");
	same_scan("b-", "%[a-c-]");
}

/* The %m conversions (allocated strings) of libbpf's probe specs: nstr
 * strings, then a long when the format ends in %li. */
static void same_alloc_scan(const char *in, const char *fmt, int nstr)
{
	char *a[3] = { 0 }, *b[3] = { 0 };
	long oa = -1, ob = -1;
	int ra, rb;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#pragma GCC diagnostic ignored "-Wformat"
	if (nstr == 1) {
		ra = sscanf(in, fmt, &a[0], &oa);
		rb = tt_sscanf(in, fmt, &b[0], &ob);
	} else {
		ra = sscanf(in, fmt, &a[0], &a[1], &a[2], &oa);
		rb = tt_sscanf(in, fmt, &b[0], &b[1], &b[2], &ob);
	}
#pragma GCC diagnostic pop
	cr_expect_eq(ra, rb, "sscanf(\"%s\", \"%s\"): glibc %d, ours %d", in,
		     fmt, ra, rb);
	for (int i = 0; i < 3; i++) {
		cr_expect((!a[i] && !b[i]) || (a[i] && b[i] && !strcmp(a[i], b[i])),
			  "sscanf(\"%s\", \"%s\"): string %d: glibc %s, ours %s",
			  in, fmt, i + 1, a[i] ? a[i] : "(none)",
			  b[i] ? b[i] : "(none)");
		free(a[i]);
		free(b[i]);
	}
	cr_expect_eq(oa, ob, "sscanf(\"%s\", \"%s\"): offset", in, fmt);
}

Test(scanf, allocating)
{
	const char *k = "%m[a-zA-Z0-9_.]+%li";
	same_alloc_scan("do_sys_open+0x10", k, 1);
	same_alloc_scan("do_sys_open+16", k, 1);
	same_alloc_scan("do_sys_open", k, 1);
	same_alloc_scan("+5", k, 1);
	const char *u = "%m[^/]/%m[^:]:%m[a-zA-Z0-9_.]+%li";
	same_alloc_scan("/bin/bash:readline", u, 3);
	same_alloc_scan("u/bin/bash:readline+8", u, 3);
	same_alloc_scan("usdt/bin/x:prov:probe", "usdt/%m[^:]:%m[^:]:%m[^:]", 3);
	same_alloc_scan("usdt/bin/x:prov", "usdt/%m[^:]:%m[^:]:%m[^:]", 3);
	same_alloc_scan("vfs_*", "%m[a-zA-Z0-9_.*?]", 1);
	same_alloc_scan("", "%m[a-zA-Z0-9_.*?]", 1);
}

/* tt_vfscanf with fscanf's arguments. */
static int tt_fscanf(FILE *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = tt_vfscanf(f, fmt, ap);
	va_end(ap);
	return r;
}

Test(scanf, streams)
{
	static const char text[] =
		"ffffffff81000000 T _stext\n"
		"ffffffff81001000 t do_one_initcall\t[foo]\n"
		"ffffffff81002000 D jiffies\n"
		"garbage line\n";
	FILE *fa = fmemopen((void *)text, sizeof(text) - 1, "r");
	FILE *fb = fmemopen((void *)text, sizeof(text) - 1, "r");
	cr_assert(fa && fb);
	for (int line = 0; line < 6; line++) {
		unsigned long long aa = 0, ab = 0;
		char ta = 0, tb = 0, na[500] = "", nb[500] = "";
		int ra = fscanf(fa, "%llx %c %499s%*[^\n]\n", &aa, &ta, na);
		int rb = tt_fscanf(fb, "%llx %c %499s%*[^\n]\n", &ab, &tb, nb);
		cr_expect_eq(ra, rb, "line %d: glibc %d, ours %d", line, ra, rb);
		cr_expect_eq(aa, ab, "line %d", line);
		cr_expect_eq(ta, tb, "line %d", line);
		cr_expect_str_eq(na, nb, "line %d", line);
		cr_expect_eq(ftell(fa), ftell(fb), "line %d", line);
	}
	fclose(fa);
	fclose(fb);

	static const char *const files[] = { "32768\n", "-1", "", "x" };
	for (size_t i = 0; i < sizeof(files) / sizeof(*files); i++) {
		size_t n = strlen(files[i]);
		long va = 7, vb = 7;
		fa = fmemopen((void *)files[i], n ? n : 1, "r");
		fb = fmemopen((void *)files[i], n ? n : 1, "r");
		cr_assert(fa && fb);
		cr_expect_eq(fscanf(fa, "%ld", &va), tt_fscanf(fb, "%ld", &vb),
			     "\"%s\"", files[i]);
		cr_expect_eq(va, vb);
		fclose(fa);
		fclose(fb);
	}
}

/* ---- fnmatch ---- */

Test(fnmatch, patterns)
{
	static const char *const pats[] = {
		"*", "", "sys_enter_*", "*open*", "a?c", "[abc]x", "[!a]x",
		"[^a]x", "[a-c]*", "[]]", "[!]]", "[", "a[", "a[b", "\\*",
		"*\\?", "[[:digit:]]*", "[[:alpha:]_]*", "*.so*", "libc.so.?",
		"vfs_*read*", "**", "*a*b*c", "[[:nonsense:]]", "\\", "a\\",
		"[a\\]]*", "*[0-9]", "?*", "*/*", ".*", "[.]*", "*x*y",
	};
	static const char *const strs[] = {
		"", "a", "abc", "axc", "bx", "ax", "]", "[", "a[", "a[b", "*",
		"x?", "1abc", "_x", "libc.so.6", "libc.so.66", "vfs_readv",
		"sys_enter_openat", "do_sys_open", "aXbYc", "a\\", "\\", "x9",
		"/usr/lib", ".hidden", "xyzy", "a]b",
	};
	for (size_t i = 0; i < sizeof(pats) / sizeof(*pats); i++)
		for (size_t j = 0; j < sizeof(strs) / sizeof(*strs); j++) {
			bool g = fnmatch(pats[i], strs[j], 0) == 0;
			bool t = tt_fnmatch(pats[i], strs[j], 0) == 0;
			cr_expect_eq(g, t, "fnmatch(\"%s\", \"%s\"): glibc %d, ours %d",
				     pats[i], strs[j], g, t);
		}
}

/* ---- glob ---- */

static void touch(const char *dir, const char *name)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	cr_assert(f, "%s", path);
	fclose(f);
}

static void same_glob(const char *pattern)
{
	glob_t a, b;
	int ra = glob(pattern, 0, NULL, &a);
	int rb = tt_glob(pattern, 0, NULL, &b);
	cr_expect_eq(ra, rb, "glob(\"%s\"): glibc %d, ours %d", pattern, ra, rb);
	if (ra || rb)
		return;
	cr_expect_eq(a.gl_pathc, b.gl_pathc, "glob(\"%s\"): %zu and %zu paths",
		     pattern, a.gl_pathc, b.gl_pathc);
	for (size_t i = 0; i < a.gl_pathc && i < b.gl_pathc; i++)
		cr_expect_str_eq(a.gl_pathv[i], b.gl_pathv[i], "glob(\"%s\")",
				 pattern);
	cr_expect_null(b.gl_pathv[b.gl_pathc]);
	globfree(&a);
	tt_globfree(&b);
}

Test(glob, tree)
{
	char dir[] = "/tmp/tt-glob.XXXXXX", sub[600], pat[700];
	cr_assert(mkdtemp(dir));
	static const char *const dirs[] = { "a", "b", "b/sub", "c d", ".dot" };
	for (size_t i = 0; i < sizeof(dirs) / sizeof(*dirs); i++) {
		snprintf(sub, sizeof(sub), "%s/%s", dir, dirs[i]);
		cr_assert(mkdir(sub, 0755) == 0);
	}
	static const char *const files[] = {
		"a/lib1.so", "a/lib2.so", "a/.hidden.so", "a/Z", "b/lib3.so",
		"b/sub/x", "c d/e*", ".dot/lib4.so", "top",
	};
	for (size_t i = 0; i < sizeof(files) / sizeof(*files); i++)
		touch(dir, files[i]);

	static const char *const pats[] = {
		"*/lib*.so", "a/*", "a/.*", "*/sub/x", "nomatch*", "a/lib1.so",
		"a/missing", "[ab]/lib?.so", "*/", "*", ".*/*", "c d/e\\*",
		"c d/*", "*/*/*", "a/[!l]*", "b/*/",
	};
	for (size_t i = 0; i < sizeof(pats) / sizeof(*pats); i++) {
		snprintf(pat, sizeof(pat), "%s/%s", dir, pats[i]);
		same_glob(pat);
	}
	/* relative patterns */
	char cwd[4096];
	cr_assert(getcwd(cwd, sizeof(cwd)));
	cr_assert(chdir(dir) == 0);
	for (size_t i = 0; i < sizeof(pats) / sizeof(*pats); i++)
		same_glob(pats[i]);
	cr_assert(chdir(cwd) == 0);

	char cmd[700];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_expect(system(cmd) == 0);
}

/* ---- strings ---- */

Test(strings, casecmp)
{
	static const char *const s[] = { "", "a", "A", "begin", "BEGIN",
					 "Begin2", "b", "[", "_", "z" };
	for (size_t i = 0; i < sizeof(s) / sizeof(*s); i++)
		for (size_t j = 0; j < sizeof(s) / sizeof(*s); j++) {
			int g = strcasecmp(s[i], s[j]), t = tt_strcasecmp(s[i], s[j]);
			cr_expect((g < 0) == (t < 0) && (g > 0) == (t > 0),
				  "strcasecmp(\"%s\", \"%s\")", s[i], s[j]);
			for (size_t n = 0; n < 4; n++) {
				g = strncasecmp(s[i], s[j], n);
				t = tt_strncasecmp(s[i], s[j], n);
				cr_expect((g < 0) == (t < 0) && (g > 0) == (t > 0),
					  "strncasecmp(\"%s\", \"%s\", %zu)",
					  s[i], s[j], n);
			}
		}
}

/* ---- getopt_long ---- */

/* main.c's options: the sequence of results, arguments and the final
 * optind of glibc's getopt_long and ours on argv. */
static void same_getopt(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "info", no_argument, NULL, 1 },
		{ "debuginfo", required_argument, NULL, 2 },
		{ "dry-run", no_argument, NULL, 3 },
		{ "pid", required_argument, NULL, 'p' },
		{ "verify-llvm-ir", no_argument, NULL, 4 },
		{ "usdt-file-activation", no_argument, NULL, 4 },
		{ "include", required_argument, NULL, 5 },
		{ 0 },
	};
	const char *opts = "+e:f:o:qvkp:c:ld:hVB:I:";
	char *copy[16];
	for (int i = 0; i < argc; i++)
		copy[i] = argv[i];
	optind = 0;
	opterr = 0;
	tt_optind = 0;
	for (int step = 0;; step++) {
		int g = getopt_long(argc, copy, opts, lo, NULL);
		const char *ga = optarg;
		int t = tt_getopt_long(argc, argv, opts, lo, NULL);
		cr_expect_eq(g, t, "%s ... step %d: glibc %d, ours %d",
			     argv[1], step, g, t);
		cr_expect((!ga && !tt_optarg) ||
				  (ga && tt_optarg && !strcmp(ga, tt_optarg)),
			  "%s ... step %d: argument", argv[1], step);
		cr_expect_eq(optind, tt_optind, "%s ... step %d: optind %d, ours %d",
			     argv[1], step, optind, tt_optind);
		if (g == -1 || t == -1 || step > 20)
			break;
	}
}

Test(getopt, main_options)
{
#define ARGV(...)                                                              \
	do {                                                                   \
		char *v[] = { "tinytrace", __VA_ARGS__, NULL };                \
		same_getopt((int)(sizeof(v) / sizeof(*v)) - 1, v);             \
	} while (0)
	ARGV("-e", "BEGIN {}");
	ARGV("-eBEGIN {}", "x");
	ARGV("-qv", "-k", "script.bt", "-v");
	ARGV("-qe", "prog", "--", "-p");
	ARGV("-e");
	ARGV("-x");
	ARGV("-:");
	ARGV("-", "-q");
	ARGV("--help");
	ARGV("--hel");
	ARGV("--h");
	ARGV("--in");
	ARGV("--i");
	ARGV("--d");
	ARGV("--de", "/usr/lib/debug", "-q");
	ARGV("--debuginfo=/x", "-l");
	ARGV("--debuginfo");
	ARGV("--dry-run=1");
	ARGV("--pid", "12", "-c", "true");
	ARGV("--pid=12");
	ARGV("--v");
	ARGV("--ve");
	ARGV("--nonsense", "-q");
	ARGV("-lv", "tracepoint:*", "--debuginfo", "/x");
	ARGV("-d", "all", "-Bnone", "-I", "/inc", "-f", "json", "-o", "out");
	ARGV("-pq");
	ARGV("-qp");
#undef ARGV
}

/* ---- regular expressions ---- */

#include <regex.h>

/* Each pattern finds the same strings as glibc's regexec (REG_EXTENDED). */
Test(regex, same_as_glibc)
{
	static const char *const pats[] = {
		":200", "interval:ms:(200|300)", "^a.c$", "a+b*c?", "x{2,3}",
		"x{2,}", "[a-c]+z", "[^:]+:[^:]+$", "(ab|a)*b", "^(a|b)*$",
		"k:.*vfs_", "[[:digit:]]+", "a|^b", "(a*)*x", "\\.", "a{0}b",
		"(^a|c)d", "[]a]", "[a-]x", "(a|)+$", "((a)(b))?c", "",
	};
	static const char *const strs[] = {
		"interval:ms:200", "interval:ms:300", "interval:ms:100", "abc",
		"aac", "xx", "xxxx", "bbz", "k:vfs_read", "ab", "aab", "abab",
		"b", "", "a.b", "ab123", "cd", "ad", "xd", "]", "-x", "bc",
	};
	for (size_t i = 0; i < sizeof(pats) / sizeof(*pats); i++) {
		regex_t g;
		const char *err = NULL;
		cr_assert(!regcomp(&g, pats[i], REG_EXTENDED | REG_NOSUB));
		struct tt_regex *t = tt_regcomp(pats[i], &err);
		cr_assert(t, "%s: %s", pats[i], err);
		for (size_t j = 0; j < sizeof(strs) / sizeof(*strs); j++)
			cr_expect_eq(!regexec(&g, strs[j], 0, NULL, 0),
				     tt_regsearch(t, strs[j]),
				     "/%s/ on \"%s\"", pats[i], strs[j]);
		regfree(&g);
		tt_regfree(t);
	}
}

Test(regex, errors)
{
	static const char *const bad[] = { "[invalid", "(a", "a)", "*a",
					   "a{2,1}", "[z-a]", "a\\" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		const char *err = NULL;
		cr_expect_null(tt_regcomp(bad[i], &err), "%s", bad[i]);
		cr_expect(err && *err, "%s: no message", bad[i]);
	}
	/* \d \w \s, as bpftrace's (ECMAScript) patterns have them */
	const char *err;
	struct tt_regex *t = tt_regcomp("^\\w+:\\d+$", &err);
	cr_assert(t);
	cr_expect(tt_regsearch(t, "ms_1:200"));
	cr_expect(!tt_regsearch(t, "ms:2x0"));
	tt_regfree(t);
}
