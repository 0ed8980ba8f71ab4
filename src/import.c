/* import.c — `import "path";`: other .bt files spliced into the program
 * (import.h).  Takes the parsed program, reads and parses the files it
 * imports (recursively), produces the same program with every N_IMPORT
 * replaced by the imported top-level items. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "import.h"
#include "parser.h"

struct importer {
	VEC(char *) seen;    /* real paths already imported */
	int depth;
};

/* Directory part of a source name ("." for stdin and bare names). */
static char *dir_of(const char *name)
{
	const char *slash = strrchr(name, '/');
	if (!slash || !strcmp(name, "stdin"))
		return tt_strdup(".");
	return tt_strndup(name, slash == name ? 1 : (size_t)(slash - name));
}

static bool is_dir(const char *p)
{
	struct stat st;
	return !stat(p, &st) && S_ISDIR(st.st_mode);
}

static bool is_file(const char *p)
{
	struct stat st;
	return !stat(p, &st) && S_ISREG(st.st_mode);
}

static int splice(struct importer *im, struct node *prog, int at,
		  struct node *imp);

/* Read and parse one file; append its items to *out.  0 or -1. */
static int import_file(struct importer *im, const char *path,
		       const struct node *imp, struct node_vec *out)
{
	char real[PATH_MAX];
	if (!realpath(path, real)) {
		diag_error(&imp->loc, "Failed to import '%s': %s", path, strerror(errno));
		return -1;
	}
	for (int i = 0; i < im->seen.n; i++)
		if (!strcmp(im->seen.v[i], real))
			return 0; /* already imported */
	vec_push(&im->seen, tt_strdup(real));

	FILE *f = fopen(path, "r");
	if (!f) {
		diag_error(&imp->loc, "Failed to import '%s': %s", path, strerror(errno));
		return -1;
	}
	struct strbuf b = { 0 };
	char buf[8192];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sb_putn(&b, buf, n);
	fclose(f);
	struct source *src = tt_alloc(sizeof(*src));
	src->name = tt_strdup(path);
	src->text = tt_strndup(b.s ? b.s : "", b.len);
	src->len = b.len;
	sb_free(&b);

	struct node *sub = parse_program(src);
	if (!sub)
		return -1;
	/* the imported file's own imports, relative to its directory */
	for (int i = 0; i < sub->args.n; i++) {
		if (sub->args.v[i]->kind != N_IMPORT)
			continue;
		int added = splice(im, sub, i, sub->args.v[i]);
		if (added < 0)
			return -1;
		i += added - 1;
	}
	for (int i = 0; i < sub->args.n; i++)
		vec_push(out, sub->args.v[i]);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replace prog->args.v[at] (the import `imp`) by the items it brings.
 * Returns how many items now stand in its place, or -1. */
static int splice(struct importer *im, struct node *prog, int at,
		  struct node *imp)
{
	if (++im->depth > 64) {
		diag_error(&imp->loc, "Imports nested too deeply (limit is 64)");
		return -1;
	}
	const char *name = imp->str;
	char *path = name[0] == '/' ? tt_strdup(name)
		: tt_sprintf("%s/%s", dir_of(imp->loc.src ? imp->loc.src->name : "stdin"), name);
	struct node_vec items = { 0 };
	int err = 0;

	if (is_dir(path)) {
		DIR *d = opendir(path);
		VEC(char *) names = { 0 };
		struct dirent *e;
		while (d && (e = readdir(d))) {
			size_t l = strlen(e->d_name);
			if (l > 3 && !strcmp(e->d_name + l - 3, ".bt"))
				vec_push(&names, tt_sprintf("%s/%s", path, e->d_name));
		}
		if (d)
			closedir(d);
		if (names.n)
			qsort(names.v, names.n, sizeof(char *), cmp_str);
		for (int i = 0; i < names.n && !err; i++)
			err = import_file(im, names.v[i], imp, &items);
		vec_free(&names);
	} else if (is_file(path)) {
		err = import_file(im, path, imp, &items);
	} else if (is_file(tt_sprintf("%s.bt", path))) {
		err = import_file(im, tt_sprintf("%s.bt", path), imp, &items);
	} else {
		diag_error(&imp->loc, "Failed to import '%s': no such file or directory",
			   name);
		err = -1;
	}
	im->depth--;
	if (err) {
		vec_free(&items);
		return -1;
	}

	/* prog->args: [0, at) + items + (at, n) */
	struct node_vec out = { 0 };
	for (int i = 0; i < at; i++)
		vec_push(&out, prog->args.v[i]);
	for (int i = 0; i < items.n; i++)
		vec_push(&out, items.v[i]);
	for (int i = at + 1; i < prog->args.n; i++)
		vec_push(&out, prog->args.v[i]);
	vec_free(&prog->args);
	prog->args = out;
	int added = items.n;
	vec_free(&items);
	return added;
}

int import_resolve(struct node *program)
{
	struct importer im = { 0 };
	int err = 0;
	if (program->args.n && program->args.v[0]->loc.src) {
		char real[PATH_MAX];
		if (realpath(program->args.v[0]->loc.src->name, real))
			vec_push(&im.seen, tt_strdup(real));
	}
	for (int i = 0; i < program->args.n; i++) {
		if (program->args.v[i]->kind != N_IMPORT)
			continue;
		int added = splice(&im, program, i, program->args.v[i]);
		if (added < 0) {
			err = -1;
			continue;
		}
		i += added - 1;
	}
	vec_free(&im.seen);
	return err;
}
