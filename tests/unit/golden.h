/* golden.h — shared by the unit tests that compare against golden files
 * (tests/golden/<kind>/): find the directory, list its cases (all of them:
 * no limit), read and (TT_UPDATE_GOLDEN=1) rewrite a file.
 *
 * A runner lists NAME.bt, compiles each and compares with NAME.<ext>; it
 * also lists every NAME.<ext> and fails on one without its NAME.bt (a
 * golden file nothing compares is a test that silently stopped running). */
#ifndef TESTS_GOLDEN_H
#define TESTS_GOLDEN_H

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdbool.h>
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

/* The names of dir's files ending in ext (".bt"), without ext, sorted
 * (malloc'd, NULL-terminated); *n their count.  NULL if dir cannot be
 * read. */
static inline char **golden_names(const char *dir, const char *ext, int *n)
{
	DIR *d = opendir(dir);
	*n = 0;
	if (!d)
		return NULL;
	size_t cap = 16, el = strlen(ext);
	char **names = malloc(cap * sizeof(*names));
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (l <= el || strcmp(e->d_name + l - el, ext) != 0)
			continue;
		if ((size_t)*n + 1 >= cap)
			names = realloc(names, (cap *= 2) * sizeof(*names));
		names[(*n)++] = strndup(e->d_name, l - el);
	}
	closedir(d);
	names[*n] = NULL;
	qsort(names, *n, sizeof(names[0]), golden_cmp_names);
	return names;
}

static inline void golden_free_names(char **names)
{
	for (char **p = names; p && *p; p++)
		free(*p);
	free(names);
}

/* Does dir/NAME.ext exist? */
static inline bool golden_exists(const char *dir, const char *name,
				 const char *ext)
{
	size_t len = strlen(dir) + strlen(name) + strlen(ext) + 2;
	char *path = malloc(len);
	struct stat st;
	snprintf(path, len, "%s/%s%s", dir, name, ext);
	bool ok = stat(path, &st) == 0;
	free(path);
	return ok;
}

/* Fails for each dir/NAME.ext that has no NAME.bt. */
static inline void golden_expect_no_orphans(const char *dir, const char *ext)
{
	int n;
	char **names = golden_names(dir, ext, &n);
	for (int i = 0; i < n; i++)
		cr_expect(golden_exists(dir, names[i], ".bt"),
			  "%s/%s%s has no %s.bt", dir, names[i], ext, names[i]);
	golden_free_names(names);
}

/* TT_UPDATE_GOLDEN=1 (any value): runners rewrite their golden files
 * instead of comparing (review the diff!). */
static inline bool golden_update(void)
{
	return getenv("TT_UPDATE_GOLDEN") != NULL;
}

/* Writes text to path; false on failure. */
static inline bool golden_write(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return false;
	bool ok = fputs(text, f) >= 0;
	return fclose(f) == 0 && ok;
}

#endif
