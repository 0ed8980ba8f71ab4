/* import.c — `import "path";`: other .bt files and .h headers spliced
 * into the program (import.h).  Takes the parsed program, reads and parses the files it
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

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && !strcmp(s + n - k, suffix);
}

/* Writable by others: the path itself or the directory holding it.
 * bpftrace refuses to import from such places. */
static bool world_writable(const char *path)
{
	struct stat st;
	if (!stat(path, &st) && (st.st_mode & S_IWOTH))
		return true;
	return !stat(dir_of(path), &st) && (st.st_mode & S_IWOTH);
}

/* The items of one .bt file: its own imports spliced in; a `config`
 * block is an error (only the root script has one). */
static int import_bt(struct importer *im, const char *path,
		     const struct node *imp, struct node_vec *out)
{
	struct source *src = source_read(path);
	if (!src) {
		diag_error(&imp->loc, "error reading import \"%s\": %s", path,
			   strerror(errno));
		return -1;
	}

	struct node *sub = parse_program(src);
	if (!sub)
		return -1;
	int err = 0;
	for (int i = 0; i < sub->args.n; i++) {
		struct node *it = sub->args.v[i];
		if (it->kind == N_CONFIG) {
			diag_error(&it->loc, "invalid `config` within import");
			err = -1;
		} else if (it->kind == N_IMPORT) {
			/* relative to the imported file's directory */
			int added = splice(im, sub, i, it);
			if (added < 0)
				return -1;
			i += added - 1;
		}
	}
	for (int i = 0; i < sub->args.n; i++)
		vec_push(out, sub->args.v[i]);
	return err;
}

/* One file, by its kind: a .bt script's items, a .h header as an
 * `#include` of it (its definitions are read with the script's, cdecl.h).
 * bpftrace compiles .bpf.c sources with clang and links .bpf.o objects:
 * tinytrace carries neither a C compiler nor a linker.  Each file is
 * imported once.  0 or -1. */
static int import_file(struct importer *im, const char *path,
		       const struct node *imp, struct node_vec *out)
{
	char real[PATH_MAX];
	if (!realpath(path, real)) {
		diag_error(&imp->loc, "error reading import \"%s\": %s", path,
			   strerror(errno));
		return -1;
	}
	for (int i = 0; i < im->seen.n; i++)
		if (!strcmp(im->seen.v[i], real))
			return 0; /* already imported */
	vec_push(&im->seen, tt_strdup(real));

	if (has_suffix(path, ".h")) {
		struct node *n = ast_new(N_CDEFN, &imp->loc);
		n->str = tt_sprintf("#include \"%s\"", real);
		n->slen = strlen(n->str);
		vec_push(out, n);
		return 0;
	}
	if (has_suffix(path, ".bpf.c") || has_suffix(path, ".bpf.o")) {
		diag_error(&imp->loc, "cannot import \"%s\": BPF C %s are "
			   "compiled with clang and linked, and tinytrace "
			   "carries no C compiler or linker", path,
			   has_suffix(path, ".c") ? "sources" : "objects");
		diag_hint("write the functions as bpftrace macros, and the "
			  "types in a .h header");
		return -1;
	}
	return import_bt(im, path, imp, out);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every supported file of a directory (.bt, .h, .bpf.c, .bpf.o; not its
 * subdirectories), in name order. */
static int import_dir(struct importer *im, const char *path,
		      const struct node *imp, struct node_vec *out)
{
	static const char *const kinds[] = { ".bt", ".h", ".bpf.c", ".bpf.o" };
	DIR *d = opendir(path);
	VEC(char *) names = { 0 };
	struct dirent *e;
	int err = 0;

	while (d && (e = readdir(d))) {
		for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
			char *f = tt_sprintf("%s/%s", path, e->d_name);
			if (has_suffix(e->d_name, kinds[k]) && is_file(f)) {
				vec_push(&names, f);
				break;
			}
		}
	}
	if (d)
		closedir(d);
	if (names.n)
		qsort(names.v, names.n, sizeof(char *), cmp_str);
	for (int i = 0; i < names.n && !err; i++) {
		if (world_writable(names.v[i])) {
			diag_error(&imp->loc, "cowardly refusing to import "
				   "from a directory with global write "
				   "permissions: \"%s\"", names.v[i]);
			err = -1;
		} else {
			err = import_file(im, names.v[i], imp, out);
		}
	}
	vec_free(&names);
	return err;
}

/* The items `import "name"` brings: the path relative to the importing
 * file's directory ("x" also finds "x.bt"); a world-writable one is
 * skipped, as bpftrace skips it.  0 or -1. */
static int import_path(struct importer *im, const struct node *imp,
		       struct node_vec *items)
{
	const char *name = imp->str;
	const char *dir = dir_of(imp->loc.src ? imp->loc.src->name : "stdin");
	char *path = name[0] == '/' || !strcmp(dir, ".") ? tt_strdup(name)
		: tt_sprintf("%s/%s", dir, name);
	if (!is_dir(path) && !is_file(path) &&
	    is_file(tt_sprintf("%s.bt", path)))
		path = tt_sprintf("%s.bt", path);
	bool found = is_dir(path) || is_file(path);
	if (found && world_writable(path)) {
		diag_warning(&imp->loc, "skipping due to global write "
			     "permissions: \"%s\"", path);
		found = false;
	}
	if (!found) {
		diag_error(&imp->loc, "Unable to find suitable path for import");
		diag_hint("checked: %s", path);
		return -1;
	}
	if (is_dir(path))
		return import_dir(im, path, imp, items);
	if (!has_suffix(path, ".bt") && !has_suffix(path, ".h") &&
	    !has_suffix(path, ".bpf.c") && !has_suffix(path, ".bpf.o")) {
		const char *base = strrchr(path, '/');
		diag_error(&imp->loc, "unknown import type: \"%s\"",
			   base ? base + 1 : path);
		return -1;
	}
	return import_file(im, path, imp, items);
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
	struct node_vec items = { 0 };
	int err = import_path(im, imp, &items);
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
