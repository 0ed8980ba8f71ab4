/* test_dwarf.c — the .debug_info reader of dwarf.c against the helper
 * program uprobe_test (built with -g -O0 by `make testprogs`, or found in
 * $TT_TESTPROGS): functions' parameters with their C text and converted
 * types (struct Foo/Bar with members, offsets, strings and arrays), and
 * source lines to addresses (the entry of uprobeFunction1 is line 22). */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dwarf.h"
#include "elf_syms.h"
#include "types.h"

static const char *helper(const char *name)
{
	static char buf[4][512];
	static int k;
	const char *d = getenv("TT_TESTPROGS");
	char *p = buf[k++ % 4];
	snprintf(p, 512, "%s/%s", d ? d : "tests/testprogs", name);
	if (access(p, R_OK) != 0)
		cr_skip_test("helper %s not built (make testprogs)", p);
	return p;
}

static const struct dwarf_param *params(const char *fn, int want)
{
	struct dwarf_param *ps;
	int n;
	int r = dwarf_func_params(helper("uprobe_test"), fn, &ps, &n);
	cr_assert_eq(r, 0, "%s: %d", fn, r);
	cr_assert_eq(n, want, "%s: %d parameters", fn, n);
	return ps;
}

Test(dwarf, scalar_and_pointer_params)
{
	const struct dwarf_param *p = params("uprobeFunction1", 2);
	cr_assert_str_eq(p[0].name, "n");
	cr_assert_str_eq(p[0].ctext, "int*");
	cr_assert_eq(p[0].type->kind, TY_PTR);
	cr_assert_eq(p[0].type->as, AS_USER);
	cr_assert_eq(p[0].type->elem->kind, TY_INT);
	cr_assert_eq(p[0].type->elem->size, 4);
	cr_assert(p[0].type->elem->is_signed);
	cr_assert_str_eq(p[1].name, "c");
	cr_assert_str_eq(p[1].ctext, "char");
	cr_assert_eq(p[1].type->kind, TY_INT);
	cr_assert_eq(p[1].type->size, 1);

	p = params("main", 2);
	cr_assert_str_eq(p[0].ctext, "int");
	cr_assert_str_eq(p[0].name, "argc");
	cr_assert_str_eq(p[1].ctext, "char**");
}

Test(dwarf, struct_members)
{
	const struct dwarf_param *p = params("uprobeFunction2", 2);
	cr_assert_str_eq(p[0].ctext, "struct Foo*");
	cr_assert_str_eq(p[1].name, "foo2");
	struct type *foo = p[0].type->elem;
	cr_assert_eq(foo->kind, TY_STRUCT);
	cr_assert_str_eq(foo->name, "Foo");
	cr_assert_eq(foo->size, 48); /* int, char[10], int[3], __int128 */
	cr_assert_eq(foo->fields.n, 4);
	const struct field *a = type_field(foo, "a"), *b = type_field(foo, "b"),
			   *c = type_field(foo, "c"), *d = type_field(foo, "d");
	cr_assert(a && b && c && d);
	cr_assert_eq(a->offset, 0);
	cr_assert_eq(b->offset, 4);
	cr_assert_eq(b->type->kind, TY_STR); /* char arrays are strings */
	cr_assert_eq(b->type->size, 10);
	cr_assert_eq(c->offset, 16);
	cr_assert_eq(c->type->kind, TY_ARRAY);
	cr_assert_eq(c->type->nelem, 3);
	cr_assert_eq(c->type->elem->size, 4);
	cr_assert_eq(d->offset, 32);
	cr_assert_eq(d->type->size, 16);
	/* both parameters share one struct Foo */
	cr_assert_eq(p[1].type->elem, foo);
}

Test(dwarf, nested_structs_and_pointer_arrays)
{
	const struct dwarf_param *p = params("uprobeFunctionBar", 1);
	struct type *bar = p[0].type->elem;
	cr_assert_str_eq(bar->name, "Bar");
	const struct field *foos = type_field(bar, "foos"),
			   *nested = type_field(bar, "nested");
	cr_assert(foos && nested);
	cr_assert_eq(foos->offset, 8);
	cr_assert_eq(foos->type->kind, TY_ARRAY);
	cr_assert_eq(foos->type->nelem, 2);
	cr_assert_eq(foos->type->elem->kind, TY_PTR);
	cr_assert_str_eq(foos->type->elem->elem->name, "Foo");
	cr_assert_eq(nested->offset, 32);
	cr_assert_eq(nested->type->kind, TY_STRUCT);
	cr_assert_eq(nested->type->size, 48);
	cr_assert_eq(bar->size, 80);
}

Test(dwarf, missing_function_and_no_debug_info)
{
	struct dwarf_param *ps;
	int n;
	cr_assert_eq(dwarf_func_params(helper("uprobe_test"), "noSuchFunction",
				       &ps, &n), -ENOENT);
	cr_assert_eq(dwarf_func_params("/nonexistent/x", "main", &ps, &n),
		     -ENOENT);
	cr_assert_eq(dwarf_func_params("/proc/self/status", "main", &ps, &n),
		     -ENOEXEC);
}

Test(dwarf, source_line_to_address)
{
	const char *path = helper("uprobe_test");
	struct elf_bin *b;
	cr_assert_eq(elf_bin_open(path, &b), 0);
	const struct elf_sym *f1 = NULL, *br = NULL;
	for (int i = 0; i < b->nsyms; i++) {
		if (!strcmp(b->syms[i].name, "uprobeFunction1"))
			f1 = &b->syms[i];
		if (!strcmp(b->syms[i].name, "uprobeFunctionBranching"))
			br = &b->syms[i];
	}
	cr_assert(f1 && br);
	uint64_t a = 0;
	cr_assert_eq(dwarf_line_addr(path, "uprobe_test.c", 22, &a), 0);
	cr_assert_eq(a, f1->addr, "line 22 at 0x%llx, function at 0x%llx",
		     (unsigned long long)a, (unsigned long long)f1->addr);
	/* lines 34, 36, 39 are inside uprobeFunctionBranching, in order */
	uint64_t l34, l36, l39;
	cr_assert_eq(dwarf_line_addr(path, "uprobe_test.c", 34, &l34), 0);
	cr_assert_eq(dwarf_line_addr(path, "uprobe_test.c", 36, &l36), 0);
	cr_assert_eq(dwarf_line_addr(path, "uprobe_test.c", 39, &l39), 0);
	cr_assert(l34 > br->addr && l34 < l36 && l36 < l39 &&
		  l39 < br->addr + br->size);
	/* a path suffix matches, a partial name does not */
	cr_assert_eq(dwarf_line_addr(path, "testprogs/uprobe_test.c", 22, &a),
		     0);
	cr_assert_eq(dwarf_line_addr(path, "test.c", 22, &a), -ENOENT);
	cr_assert_eq(dwarf_line_addr(path, "uprobe_test.c", 100000, &a),
		     -ENOENT);
}

Test(dwarf, separate_debug_files)
{
	struct dwarf_param *ps;
	int n;
	/* .gnu_debuglink to .debug/uprobe_separate_debug-stripped.debug */
	cr_assert_eq(dwarf_func_params(helper("uprobe_separate_debug-stripped"),
				       "fn", &ps, &n), 0);
	cr_assert_eq(n, 2);
	cr_assert_str_eq(ps[0].ctext, "int");
	cr_assert_str_eq(ps[1].ctext, "const char*");
	cr_assert_str_eq(ps[1].name, "str");
	/* no debuglink: <name>.debug in a --debuginfo directory, relative
	   to the binary's */
	const char *s = helper("uprobe_test-stripped");
	uint64_t a;
	cr_assert_eq(dwarf_func_params(s, "main", &ps, &n), -ENODATA);
	cr_assert_eq(dwarf_line_addr(s, "uprobe_test.c", 22, &a), -ENODATA);
	dwarf_add_debuginfo_path("./external_debug");
	cr_assert_eq(dwarf_func_params(s, "uprobeFunction1", &ps, &n), 0);
	cr_assert_str_eq(ps[0].ctext, "int*");
	cr_assert_eq(dwarf_line_addr(s, "uprobe_test.c", 22, &a), 0);
}

/* -gsplit-dwarf: the DIEs in the .dwo beside the binary (DWARF 5,
   skeleton unit) or in <binary>.dwp (DWARF 4, GNU forms, cu_index). */
static void check_split(const char *path)
{
	struct dwarf_param *ps;
	int n;
	cr_assert_eq(dwarf_func_params(path, "uprobeFunction2", &ps, &n), 0,
		     "%s", path);
	cr_assert_eq(n, 2);
	cr_assert_str_eq(ps[0].name, "foo1");
	cr_assert_str_eq(ps[0].ctext, "struct Foo*");
	const struct field *b = type_field(ps[0].type->elem, "b");
	cr_assert(b);
	cr_assert_eq(b->offset, 4);
	cr_assert_eq(b->type->kind, TY_STR);
	dwarf_add_type_source(path);
	struct type *bar = dwarf_type_by_name("struct Bar");
	cr_assert(bar);
	cr_assert_eq(bar->size, 80);
	/* the line table stays in the binary */
	struct elf_bin *eb;
	cr_assert_eq(elf_bin_open(path, &eb), 0);
	uint64_t f1 = 0, a = 0;
	for (int i = 0; i < eb->nsyms; i++)
		if (!strcmp(eb->syms[i].name, "uprobeFunction1"))
			f1 = eb->syms[i].addr;
	cr_assert_eq(dwarf_line_addr(path, "uprobe_test.c", 22, &a), 0);
	cr_assert_eq(a, f1);
}

Test(dwarf, split_dwarf)
{
	check_split(helper("external_debug/dwo/uprobe_test-split"));
	check_split(helper("external_debug/dwp/uprobe_test-split"));
}

Test(dwarf, split_dwarf_without_its_dwo)
{
	/* the binary alone: its skeleton names a .dwo that is not there */
	const char *src = helper("external_debug/dwo/uprobe_test-split");
	char dir[] = "/tmp/tt-dwo-XXXXXX";
	cr_assert(mkdtemp(dir));
	char dst[64];
	snprintf(dst, sizeof(dst), "%s/uprobe_test-split", dir);
	FILE *in = fopen(src, "rb"), *out = fopen(dst, "wb");
	cr_assert(in && out);
	char buf[4096];
	size_t k;
	while ((k = fread(buf, 1, sizeof(buf), in)) > 0)
		fwrite(buf, 1, k, out);
	fclose(in);
	fclose(out);
	struct dwarf_param *ps;
	int n;
	int r = dwarf_func_params(dst, "main", &ps, &n);
	unlink(dst);
	rmdir(dir);
	cr_assert_eq(r, -ENODATA);
}
