/* golden.h — shared by the unit tests that compare against golden files
 * (tests/golden/<kind>/): find the directory, read a file, sort names. */
#ifndef TESTS_GOLDEN_H
#define TESTS_GOLDEN_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The whole file as a NUL-terminated string (malloc'd), NULL if missing. */
static inline char *golden_slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t cap = 0, len = 0;
	for (;;) {
		if (len + 4096 > cap)
			buf = realloc(buf, cap = 2 * cap + 4096);
		size_t n = fread(buf + len, 1, cap - len - 1, f);
		if (!n)
			break;
		len += n;
	}
	buf[len] = 0;
	fclose(f);
	return buf;
}

/* tests/golden/<kind> under $TT_SRCDIR, the current directory or its
 * parents (a VPATH build runs the tests from the build directory). */
static inline const char *golden_dir(const char *kind)
{
	static char dir[4096];
	const char *base[] = { getenv("TT_SRCDIR"), ".", "..", "../.." };
	for (size_t i = 0; i < sizeof(base) / sizeof(base[0]); i++) {
		struct stat st;
		if (!base[i])
			continue;
		snprintf(dir, sizeof(dir), "%s/tests/golden/%s", base[i], kind);
		if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
			return dir;
	}
	return NULL;
}

/* qsort comparator for an array of file names. */
static inline int golden_cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

#endif
