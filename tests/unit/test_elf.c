/* test_elf.c — reading user binaries (elf.c): function symbols and their
 * file offsets in non-PIE and PIE executables and shared libraries, USDT
 * notes (pc adjusted, semaphores, argument specs), the argument spec
 * parser, ld.so.cache lookups, /proc/PID/maps; and probes_expand() of
 * uprobe/uretprobe/usdt attach points on top of them.
 *
 * The binaries are the helper programs `make testprogs` builds
 * (tests/testprogs, or $TT_TESTPROGS) and this test's own executable.
 * Expected values are checked independently of elf.c where possible: the
 * bytes at a computed file offset must be the function's prologue or the
 * USDT site's nop, and offsets of our own code must match what the kernel
 * says in /proc/self/maps. */
#include <criterion/criterion.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arch.h"
#include "cheaders.h"
#include "config.h"
#include "elf_syms.h"
#include "probes.h"
#include "prog.h"

static const char *progs(void)
{
	const char *d = getenv("TT_TESTPROGS");
	return d ? d : "tests/testprogs";
}

/* path of a helper; skips the test when `make testprogs` has not run */
static const char *helper(const char *name)
{
	static char buf[8][512];
	static int k;
	char *p = buf[k++ % 8];
	if (!strcmp(name, "libsimple.so"))
		snprintf(p, 512, "%s/../testlibs/%s", progs(), name);
	else
		snprintf(p, 512, "%s/%s", progs(), name);
	if (access(p, R_OK) != 0)
		cr_skip_test("helper %s not built (make testprogs)", p);
	return p;
}

static struct elf_bin *open_bin(const char *path)
{
	struct elf_bin *b = NULL;
	int err = elf_bin_open(path, &b);
	cr_assert_eq(err, 0, "elf_bin_open(%s) = %d", path, err);
	return b;
}

static void read_at(const char *path, uint64_t off, unsigned char *buf,
		    size_t n)
{
	int fd = open(path, O_RDONLY);
	cr_assert_geq(fd, 0);
	cr_assert_eq(pread(fd, buf, n, (off_t)off), (ssize_t)n);
	close(fd);
}

/* -O0 -fno-omit-frame-pointer: [endbr64] push %rbp; mov %rsp,%rbp */
static void assert_prologue(const char *path, uint64_t off)
{
	unsigned char b[8];
	read_at(path, off, b, sizeof(b));
	const unsigned char *p = b;
	if (p[0] == 0xf3 && p[1] == 0x0f && p[2] == 0x1e && p[3] == 0xfa)
		p += 4;
	cr_assert(p[0] == 0x55 && p[1] == 0x48 && p[2] == 0x89 && p[3] == 0xe5,
		  "%s+0x%llx is not a function prologue: %02x %02x %02x %02x",
		  path, (unsigned long long)off, p[0], p[1], p[2], p[3]);
}

static uint64_t func_offset(struct elf_bin *b, const char *name)
{
	const struct elf_sym *s = elf_sym_find(b, name);
	cr_assert_not_null(s, "no symbol %s in %s", name, b->path);
	uint64_t off;
	cr_assert_eq(elf_vaddr_to_offset(b, s->addr, &off), 0);
	return off;
}

Test(elf, non_pie_symbols_and_offsets)
{
	const char *p = helper("uprobe_test");
	struct elf_bin *b = open_bin(p);
	cr_assert_eq(b->type, ET_EXEC);
	const struct elf_sym *s = elf_sym_find(b, "uprobeFunction1");
	cr_assert_not_null(s);
	cr_assert_gt(s->size, 0);
	cr_assert_geq(s->addr, 0x400000);
	assert_prologue(p, func_offset(b, "uprobeFunction1"));
	assert_prologue(p, func_offset(b, "main"));
	/* sorted by name, one entry per name */
	for (int i = 1; i < b->nsyms; i++)
		cr_assert_lt(strcmp(b->syms[i - 1].name, b->syms[i].name), 0);
	cr_assert_null(elf_sym_find(b, "noSuchFunction"));
	/* data objects are kept apart */
	cr_assert_null(elf_sym_find(b, "GLOBAL_A"));
	cr_assert_not_null(elf_obj_find(b, "GLOBAL_A"));
	/* an address inside the function maps back to it */
	cr_assert_eq(elf_sym_at(b, s->addr + 1), s);
	uint64_t off;
	cr_assert_eq(elf_vaddr_to_offset(b, 0x10, &off), -ERANGE);
}

Test(elf, pie_and_shared_library)
{
	const char *p = helper("uprobe_test-pie");
	struct elf_bin *b = open_bin(p);
	cr_assert_eq(b->type, ET_DYN);
	assert_prologue(p, func_offset(b, "uprobeFunction1"));
	assert_prologue(p, func_offset(b, "uprobeFunction2"));

	const char *so = helper("libsimple.so");
	struct elf_bin *l = open_bin(so);
	cr_assert_eq(l->type, ET_DYN);
	assert_prologue(so, func_offset(l, "fun"));
}

Test(elf, not_elf)
{
	struct elf_bin *b;
	cr_assert_eq(elf_bin_open("/etc/hostname", &b), -ENOEXEC);
	cr_assert_eq(elf_bin_open("/nonexistent/x", &b), -ENOENT);
	cr_assert(!elf_is_elf("/etc/hostname"));
	cr_assert(elf_is_elf(helper("uprobe_test")));
}

__attribute__((noinline)) int tt_elf_target(int x)
{
	__asm__ volatile("" ::: "memory");
	return x * 3;
}

/* The file and file offset of code address a, from /proc/self/maps. */
static uint64_t kernel_offset(const void *a, char *path, size_t n)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[1024];
	uint64_t off = 0;
	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi, foff;
		char file[600] = "";
		if (sscanf(line, "%lx-%lx %*s %lx %*s %*s %599s", &lo, &hi,
			   &foff, file) >= 3 &&
		    (uintptr_t)a >= lo && (uintptr_t)a < hi) {
			off = (uintptr_t)a - lo + foff;
			snprintf(path, n, "%s", file);
		}
	}
	fclose(f);
	return off;
}

Test(elf, own_code_offset_matches_the_kernel)
{
	char path[600];
	uint64_t want = kernel_offset((void *)tt_elf_target, path, sizeof(path));
	struct elf_bin *b = open_bin(path);
	cr_assert_eq(func_offset(b, "tt_elf_target"), want);
}

/* ---- USDT ----------------------------------------------------------------- */

static const struct usdt_note *note(struct elf_bin *b, const char *prov,
				    const char *name, int nth)
{
	for (int i = 0; i < b->nnotes; i++)
		if (!strcmp(b->notes[i].provider, prov) &&
		    !strcmp(b->notes[i].name, name) && nth-- == 0)
			return &b->notes[i];
	cr_assert_fail("no USDT note %s:%s in %s", prov, name, b->path);
	return NULL;
}

static void assert_nop(const char *path, uint64_t off)
{
	unsigned char c;
	read_at(path, off, &c, 1);
	cr_assert_eq(c, 0x90, "%s+0x%llx: no nop at the USDT site", path,
		     (unsigned long long)off);
}

Test(elf, usdt_notes)
{
	const char *names[] = { "usdt_test", "usdt_test-pie" };
	for (int k = 0; k < 2; k++) {
		const char *p = helper(names[k]);
		struct elf_bin *b = open_bin(p);
		cr_assert_eq(b->nnotes, 3);
		const struct usdt_note *n = note(b, "tracetest", "testprobe", 0);
		note(b, "tracetest", "testprobe2", 0);
		note(b, "tracetest2", "testprobe2", 0);
		cr_assert_eq(n->sema, 0);
		cr_assert_eq(n->sema_off, 0);
		cr_assert(n->args_ok);
		cr_assert_eq(n->nargs, 2);
		/* tv_sec: a signed long; the string: a pointer */
		cr_assert_eq(n->args[0].size, 8);
		cr_assert(n->args[0].is_signed);
		cr_assert_eq(n->args[1].size, 8);
		cr_assert(!n->args[1].is_signed);
		for (int i = 0; i < b->nnotes; i++)
			assert_nop(p, b->notes[i].pc_off);
	}
}

Test(elf, usdt_multiple_locations)
{
	const char *p = helper("usdt_multiple_locations");
	struct elf_bin *b = open_bin(p);
	cr_assert_eq(b->nnotes, 6);
	const struct usdt_note *a = note(b, "tracetest", "testprobe", 0);
	const struct usdt_note *c = note(b, "tracetest", "testprobe", 1);
	cr_assert_neq(a->pc_off, c->pc_off);
	assert_nop(p, a->pc_off);
	assert_nop(p, c->pc_off);
}

Test(elf, usdt_semaphore)
{
	const char *p = helper("usdt_semaphore_test");
	struct elf_bin *b = open_bin(p);
	const struct usdt_note *n = note(b, "tracetest", "testprobe", 0);
	cr_assert_neq(n->sema, 0);
	const struct elf_sym *s = elf_obj_find(b, "tracetest_testprobe_semaphore");
	cr_assert_not_null(s);
	cr_assert_eq(n->sema, s->addr);
	uint64_t off;
	cr_assert_eq(elf_vaddr_to_offset(b, s->addr, &off), 0);
	cr_assert_eq(n->sema_off, off);
	unsigned char v[2];
	read_at(p, off, v, 2);
	cr_assert(v[0] == 0 && v[1] == 0, "the semaphore starts at 0");
}

/* The argument specs gcc wrote for usdt_args: every operand form. */
Test(elf, usdt_args_specs)
{
	struct elf_bin *b = open_bin(helper("usdt_args"));
	static const char *groups[] = { "const", "reg", "addr", "rip", "index" };
	static const char *types[] = { "u64", "64", "u32", "32",
				       "u16", "16", "u8", "8" };
	static const enum usdt_arg_kind kinds[] = {
		USDT_ARG_CONST, USDT_ARG_REG, USDT_ARG_MEM, USDT_ARG_MEM_IP,
		USDT_ARG_MEM
	};
	for (int g = 0; g < 5; g++) {
		for (int t = 0; t < 8; t++) {
			char name[32];
			snprintf(name, sizeof(name), "%s_%s", groups[g], types[t]);
			const struct usdt_note *n = note(b, "usdt_args", name, 0);
			cr_assert(n->args_ok, "%s: %s", name, n->args_err);
			cr_assert_eq(n->nargs, 1);
			const struct usdt_arg *a = &n->args[0];
			cr_assert_eq(a->kind, kinds[g], "%s: %s", name,
				     n->args_text);
			cr_assert_eq(a->size, 8 >> (t / 2), "%s", name);
			cr_assert_eq(a->is_signed, t % 2 == 1, "%s", name);
			if (g == 0) /* the immediate as gcc prints it */
				cr_assert_eq((uint64_t)a->val << (64 - 8 * a->size),
					     0xf7f6f5f4f3f2f1f0ull << (64 - 8 * a->size));
			if (g == 4)
				cr_assert_geq(a->idx, 0, "%s", name);
		}
	}
	/* rip-relative: the displacement leads from the probe's address to
	   the global */
	const struct usdt_note *n = note(b, "usdt_args", "rip_u64", 0);
	const struct elf_sym *g = elf_obj_find(b, "g_u64");
	cr_assert_not_null(g);
	cr_assert_eq(n->pc_vaddr + (uint64_t)n->args[0].disp, g->addr);
}

struct spec_case {
	const char *spec;
	enum usdt_arg_kind kind;
	int size;
	bool sign;
	int reg, shift, idx, scale;
	int64_t val, disp;
};

Test(elf, usdt_parse_args_table)
{
	/* pt_regs: r15 0 .. bp 32 bx 40 .. r8 72 ax 80 cx 88 dx 96 si 104
	   di 112 ip 128 sp 152 */
	static const struct spec_case cases[] = {
		{ "-4@%edi", USDT_ARG_REG, 4, true, 112, 0, -1, 1, 0, 0 },
		{ "8@%rax", USDT_ARG_REG, 8, false, 80, 0, -1, 1, 0, 0 },
		{ "1@%ah", USDT_ARG_REG, 1, false, 80, 8, -1, 1, 0, 0 },
		{ "-2@%r8w", USDT_ARG_REG, 2, true, 72, 0, -1, 1, 0, 0 },
		{ "-1@%dil", USDT_ARG_REG, 1, true, 112, 0, -1, 1, 0, 0 },
		{ "4@%r15d", USDT_ARG_REG, 4, false, 0, 0, -1, 1, 0, 0 },
		{ "-4@$5", USDT_ARG_CONST, 4, true, -1, 0, -1, 1, 5, 0 },
		{ "8@$0x10", USDT_ARG_CONST, 8, false, -1, 0, -1, 1, 16, 0 },
		{ "8@-16(%rbp)", USDT_ARG_MEM, 8, false, 32, 0, -1, 1, 0, -16 },
		{ "4@(%rsp)", USDT_ARG_MEM, 4, false, 152, 0, -1, 1, 0, 0 },
		{ "8@0x18(%rbx)", USDT_ARG_MEM, 8, false, 40, 0, -1, 1, 0, 24 },
		{ "8@(%rax,%rdx,8)", USDT_ARG_MEM, 8, false, 80, 0, 96, 8, 0, 0 },
		{ "-4@-16(%rbp,%rdi,4)", USDT_ARG_MEM, 4, true, 32, 0, 112, 4, 0, -16 },
		{ "1@-58(%rbp,%rdi)", USDT_ARG_MEM, 1, false, 32, 0, 112, 1, 0, -58 },
		{ "%rsi", USDT_ARG_REG, 8, false, 104, 0, -1, 1, 0, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct spec_case *c = &cases[i];
		struct usdt_arg a[2];
		const char *err;
		int n = usdt_parse_args(c->spec, a, 2, NULL, 0, &err);
		cr_assert_eq(n, 1, "%s: %s", c->spec, err ? err : "");
		cr_assert_eq(a[0].kind, c->kind, "%s", c->spec);
		cr_assert_eq(a[0].size, c->size, "%s", c->spec);
		cr_assert_eq(a[0].is_signed, c->sign, "%s", c->spec);
		if (c->kind != USDT_ARG_CONST)
			cr_assert_eq(a[0].reg, c->reg, "%s", c->spec);
		cr_assert_eq(a[0].reg_shift, c->shift, "%s", c->spec);
		cr_assert_eq(a[0].idx, c->idx, "%s", c->spec);
		cr_assert_eq(a[0].scale, c->scale, "%s", c->spec);
		cr_assert_eq(a[0].val, c->val, "%s", c->spec);
		cr_assert_eq(a[0].disp, c->disp, "%s", c->spec);
	}

	struct usdt_arg a[12];
	const char *err;
	cr_assert_eq(usdt_parse_args("-8@-8(%rbp) 8@%rax  -4@$-1", a, 12, NULL,
				     0, &err), 3);
	cr_assert_eq(a[2].val, -1);
	cr_assert_eq(usdt_parse_args("", a, 12, NULL, 0, &err), 0);
	static const char *bad[] = { "3@%rax", "8@%xyz", "8@foo(%rip)",
				     "8@(%rax", "8@(%rax,%rdx,3)", "8@$x" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(usdt_parse_args(bad[i], a, 12, NULL, 0, &err),
			     -EINVAL, "%s accepted", bad[i]);
		cr_assert_not_null(err);
	}
	cr_assert_eq(usdt_parse_args("8@%rax 8@%rax", a, 1, NULL, 0, &err),
		     -EINVAL);
}

/* ---- where binaries live -------------------------------------------------- */

Test(elf, library_names)
{
	const char *c = elf_find_library("c");
	cr_assert_not_null(c, "libc not found through ld.so.cache");
	cr_assert(strstr(c, "/libc.so"), "%s", c);
	cr_assert(elf_is_elf(c));
	const char *c2 = elf_find_library("libc");
	cr_assert_str_eq(c, c2);
	const char *c6 = elf_find_library("libc.so.6");
	cr_assert_not_null(c6);
	cr_assert_null(elf_find_library("libtinytrace_no_such_library"));
	cr_assert(elf_lib_name_matches("libc.so.6", "c"));
	cr_assert(elf_lib_name_matches("libc.so.6", "libc"));
	cr_assert(elf_lib_name_matches("libc.so", "libc"));
	cr_assert(!elf_lib_name_matches("libcap.so.2", "libc"));
	cr_assert(!elf_lib_name_matches("libc.so.6", "libc.so"));
}

/* A synthetic ld.so.cache (new format) with one x86-64 and one 32-bit
 * entry for the same name. */
Test(elf, ld_cache_file)
{
#if defined(__x86_64__)
	char dir[] = "/tmp/tt_elf_XXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	char cache[600];
	snprintf(cache, sizeof(cache), "%s/ld.so.cache", dir);
	/* the "library": any ELF file will do */
	const char *lib = helper("uprobe_test");
	char strings[1024];
	int n = 0;
	int k32 = n; n += sprintf(strings + n, "libfoo.so.1") + 1;
	int v32 = n; n += sprintf(strings + n, "/nonexistent/lib32/libfoo.so.1") + 1;
	int k64 = n; n += sprintf(strings + n, "libfoo.so.1") + 1;
	int v64 = n; n += sprintf(strings + n, "%s", lib) + 1;
	unsigned char hdr[48] = { 0 };
	memcpy(hdr, "glibc-ld.so.cache1.1", 20);
	uint32_t nlibs = 2, len = (uint32_t)n;
	memcpy(hdr + 20, &nlibs, 4);
	memcpy(hdr + 24, &len, 4);
	uint32_t base = 48 + 2 * 24;
	struct { int32_t flags; uint32_t key, value, osv; uint64_t hwcap; } e[2] = {
		{ 0x0003, base + k32, base + v32, 0, 0 },
		{ 0x0303, base + k64, base + v64, 0, 0 },
	};
	FILE *f = fopen(cache, "w");
	fwrite(hdr, 1, 48, f);
	fwrite(e, 1, sizeof(e), f);
	fwrite(strings, 1, n, f);
	fclose(f);
	elf_set_ld_cache(cache);
	const char *p = elf_find_library("foo");
	elf_set_ld_cache(NULL);
	unlink(cache);
	rmdir(dir);
	cr_assert_not_null(p);
	cr_assert_str_eq(p, lib);
#else
	cr_skip_test("the synthetic cache uses x86-64 flags");
#endif
}

Test(elf, pid_modules)
{
	const char **mods;
	int n = elf_pid_modules(getpid(), &mods);
	cr_assert_gt(n, 0);
	char exe[600];
	ssize_t k = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	cr_assert_gt(k, 0);
	exe[k] = 0;
	bool found = false;
	for (int i = 0; i < n; i++)
		found = found || !strcmp(mods[i], exe);
	cr_assert(found, "%s not among the mapped files", exe);
	cr_assert_eq(elf_pid_modules(0x7ffffff0, &mods), -ESRCH);
}

/* ---- probes_expand -------------------------------------------------------- */

static char diag_buf[4096];

static int expand(const char *raw, struct ap_vec *out)
{
	static struct source src = { "stdin", "", 0 };
	struct attach_point *ap = calloc(1, sizeof(*ap));
	ap->raw = raw;
	src.text = raw;
	src.len = strlen(raw);
	ap->loc.src = &src;
	ap->loc.line = ap->loc.col = 1;
	ap->loc.len = (int)strlen(raw);
	FILE *f = fmemopen(diag_buf, sizeof(diag_buf), "w");
	diag_set_stream(f);
	int err = probes_parse(ap);
	if (!err)
		err = probes_expand(ap, out);
	fclose(f);
	diag_set_stream(stderr);
	return err;
}

static void config(int pid, bool unsafe)
{
	static struct tt_config cfg;
	config_defaults(&cfg);
	cfg.pid = pid;
	cfg.unsafe = unsafe;
	probes_set_config(&cfg);
}

Test(probes_user, uprobe_symbol_and_wildcard)
{
	config(0, false);
	char raw[600];
	const char *p = helper("uprobe_test");
	snprintf(raw, sizeof(raw), "uprobe:%s:uprobeFunction1", p);
	struct ap_vec v = { 0 };
	cr_assert_eq(expand(raw, &v), 0, "%s", diag_buf);
	cr_assert_eq(v.n, 1);
	cr_assert_str_eq(v.v[0]->raw, raw);
	cr_assert_eq(v.v[0]->nlocs, 1);
	assert_prologue(v.v[0]->path, v.v[0]->locs[0].offset);

	snprintf(raw, sizeof(raw), "uretprobe:%s:uprobeFunc*", p);
	v.n = 0;
	cr_assert_eq(expand(raw, &v), 0, "%s", diag_buf);
	cr_assert_eq(v.n, 5);
	for (int i = 0; i < v.n; i++) {
		cr_assert_eq(v.v[i]->prov, PROV_URETPROBE);
		cr_assert(!strncmp(v.v[i]->func, "uprobeFunc", 10));
		assert_prologue(v.v[i]->path, v.v[i]->locs[0].offset);
	}
	vec_free(&v);
}

Test(probes_user, uprobe_errors)
{
	config(0, false);
	char raw[600];
	struct ap_vec v = { 0 };
	const char *p = helper("uprobe_test");

	snprintf(raw, sizeof(raw), "uprobe:%s:uprobeFunction3", p);
	cr_assert_eq(expand(raw, &v), -1);
	cr_assert(strstr(diag_buf, tt_sprintf("ERROR: No matches for uprobe "
					      "%s:uprobeFunction3.", p)),
		  "%s", diag_buf);

	cr_assert_eq(expand("uprobe:./no/such/file:f", &v), -1);
	cr_assert(strstr(diag_buf, "ERROR: uprobe target file './no/such/file' "
				   "does not exist or is not executable"),
		  "%s", diag_buf);

	/* _init has no size: refused unless --unsafe */
	snprintf(raw, sizeof(raw), "uprobe:%s:_init", p);
	cr_assert_eq(expand(raw, &v), -1);
	cr_assert(!strncmp(diag_buf, "ERROR: Could not determine boundary for "
				     "_init (symbol has size 0).\nUse --unsafe",
			   55), "%s", diag_buf);
	config(0, true);
	cr_assert_eq(expand(raw, &v), 0, "%s", diag_buf);
	config(0, false);

	snprintf(raw, sizeof(raw), "uprobe:%s:uprobeFunction1+100000", p);
	cr_assert_eq(expand(raw, &v), -1);
	cr_assert(strstr(diag_buf, "Offset outside the function bounds "
				   "('uprobeFunction1' size is"), "%s", diag_buf);

	snprintf(raw, sizeof(raw), "uprobe:%s:16", p);
	cr_assert_eq(expand(raw, &v), -1);
	cr_assert(strstr(diag_buf, tt_sprintf("ERROR: Could not resolve "
					      "address: %s:0x10", p)),
		  "%s", diag_buf);
	vec_free(&v);
}

Test(probes_user, uprobe_offset_and_address)
{
	config(0, true);
	const char *p = helper("uprobe_test");
	struct elf_bin *b = open_bin(p);
	const struct elf_sym *s = elf_sym_find(b, "uprobeFunction1");
	uint64_t off = func_offset(b, "uprobeFunction1");
	char raw[600];
	struct ap_vec v = { 0 };
	snprintf(raw, sizeof(raw), "uprobe:%s:uprobeFunction1+4", p);
	cr_assert_eq(expand(raw, &v), 0, "%s", diag_buf);
	cr_assert_eq(v.v[0]->locs[0].offset, off + 4);
	snprintf(raw, sizeof(raw), "uprobe:%s:0x%llx", p,
		 (unsigned long long)s->addr);
	cr_assert_eq(expand(raw, &v), 0, "%s", diag_buf);
	cr_assert_eq(v.v[1]->locs[0].offset, off);
	config(0, false);
	vec_free(&v);
}

Test(probes_user, library_by_name)
{
	config(0, false);
	struct ap_vec v = { 0 };
	cr_assert_eq(expand("uprobe:libc:fread", &v), 0, "%s", diag_buf);
	cr_assert_eq(v.n, 1);
	cr_assert(strstr(v.v[0]->raw, "/libc.so"), "%s", v.v[0]->raw);
	cr_assert(v.v[0]->path[0] == '/');
	vec_free(&v);
}

Test(probes_user, pid_maps)
{
	char path[600];
	kernel_offset((void *)tt_elf_target, path, sizeof(path));
	config(getpid(), false);
	struct ap_vec v = { 0 };
	cr_assert_eq(expand("uprobe:*:tt_elf_target", &v), 0, "%s", diag_buf);
	config(0, false);
	cr_assert_eq(v.n, 1);
	cr_assert_eq(v.v[0]->pid, getpid());
	cr_assert_str_eq(v.v[0]->target, path);
	cr_assert_str_eq(v.v[0]->path, tt_sprintf("/proc/%d/root%s", getpid(),
						  path));
	vec_free(&v);
}

Test(probes_user, usdt_probes_and_locations)
{
	config(0, false);
	char raw[600];
	struct ap_vec v = { 0 };
	const char *p = helper("usdt_multiple_locations");
	snprintf(raw, sizeof(raw), "usdt:%s:tracetest:testprobe*", p);
	cr_assert_eq(expand(raw, &v), 0, "%s", diag_buf);
	cr_assert_eq(v.n, 3);
	cr_assert_str_eq(v.v[0]->raw, tt_sprintf("usdt:%s:tracetest:testprobe", p));
	cr_assert_eq(v.v[0]->nlocs, 2);
	cr_assert_eq(v.v[1]->nlocs, 1);
	cr_assert_eq(v.v[2]->nlocs, 3);
	for (int i = 0; i < v.n; i++)
		for (int k = 0; k < v.v[i]->nlocs; k++)
			assert_nop(p, v.v[i]->locs[k].offset);

	/* usdt:BIN:name (any provider), usdt:BIN::name */
	p = helper("usdt_test");
	v.n = 0;
	snprintf(raw, sizeof(raw), "usdt:%s:testprobe2", p);
	cr_assert_eq(expand(raw, &v), 0, "%s", diag_buf);
	cr_assert_eq(v.n, 2);
	v.n = 0;
	snprintf(raw, sizeof(raw), "usdt:%s::*probe2", p);
	cr_assert_eq(expand(raw, &v), 0, "%s", diag_buf);
	cr_assert_eq(v.n, 2);

	/* the semaphore goes to the kernel as ref_ctr_offset */
	p = helper("usdt_semaphore_test");
	v.n = 0;
	snprintf(raw, sizeof(raw), "usdt:%s:tracetest:testprobe", p);
	cr_assert_eq(expand(raw, &v), 0, "%s", diag_buf);
	cr_assert_neq(v.v[0]->locs[0].ref_ctr_offset, 0);

	v.n = 0;
	snprintf(raw, sizeof(raw), "usdt:%s:tracetest:nosuch", p);
	cr_assert_eq(expand(raw, &v), -1);
	cr_assert(strstr(diag_buf, "No matches for usdt"), "%s", diag_buf);
	vec_free(&v);
}

/* ---- x86-64 instruction lengths -------------------------------------------- */

struct insn_case {
	const char *what;
	int len;
	uint8_t bytes[16];
};

Test(elf, insn_lengths)
{
	static const struct insn_case cases[] = {
		{ "push %rbp", 1, { 0x55 } },
		{ "mov %rsp,%rbp", 3, { 0x48, 0x89, 0xe5 } },
		{ "endbr64", 4, { 0xf3, 0x0f, 0x1e, 0xfa } },
		{ "mov %rdi,-0x8(%rbp)", 4, { 0x48, 0x89, 0x7d, 0xf8 } },
		{ "lea 0xe8e(%rip),%rax", 7, { 0x48, 0x8d, 0x05, 0x8e, 0x0e, 0, 0 } },
		{ "call rel32", 5, { 0xe8, 1, 2, 3, 4 } },
		{ "jne rel8", 2, { 0x75, 0x10 } },
		{ "je rel32", 6, { 0x0f, 0x84, 1, 2, 3, 4 } },
		{ "movabs $imm64,%rax", 10, { 0x48, 0xb8, 1, 2, 3, 4, 5, 6, 7, 8 } },
		{ "mov $imm32,%eax", 5, { 0xb8, 1, 2, 3, 4 } },
		{ "mov $imm16,%ax", 4, { 0x66, 0xb8, 1, 2 } },
		{ "movl $1,-4(%rbp)", 7, { 0xc7, 0x45, 0xfc, 1, 0, 0, 0 } },
		{ "movw $1,-4(%rbp)", 6, { 0x66, 0xc7, 0x45, 0xfc, 1, 0 } },
		{ "addq $8,%rsp", 4, { 0x48, 0x83, 0xc4, 0x08 } },
		{ "mov (%rsp,%rax,8),%rdx", 4, { 0x48, 0x8b, 0x14, 0xc4 } },
		{ "mov 0x0(,%rax,8),%rdx", 8, { 0x48, 0x8b, 0x14, 0xc5, 0, 0, 0, 0 } },
		{ "testb $1,(%rdi)", 3, { 0xf6, 0x07, 0x01 } },
		{ "notl (%rdi)", 2, { 0xf7, 0x17 } },
		{ "testl $1,(%rdi)", 6, { 0xf7, 0x07, 1, 0, 0, 0 } },
		{ "ret $8", 3, { 0xc2, 8, 0 } },
		{ "enter $8,$0", 4, { 0xc8, 8, 0, 0 } },
		{ "syscall", 2, { 0x0f, 0x05 } },
		{ "nopw 0x0(%rax,%rax,1)", 6, { 0x66, 0x0f, 0x1f, 0x44, 0, 0 } },
		{ "pshufd $0,%xmm0,%xmm1", 5, { 0x66, 0x0f, 0x70, 0xc8, 0 } },
		{ "pshufb %xmm1,%xmm0", 5, { 0x66, 0x0f, 0x38, 0x00, 0xc1 } },
		{ "palignr $8,%xmm1,%xmm0", 6, { 0x66, 0x0f, 0x3a, 0x0f, 0xc1, 8 } },
		{ "vmovdqu (%rsi),%ymm0", 4, { 0xc5, 0xfe, 0x6f, 0x06 } },
		{ "vpcmpeqb (%rdi),%ymm0,%ymm1", 5, { 0xc4, 0xe2, 0x7d, 0x74, 0x0f } },
		{ "vzeroupper", 3, { 0xc5, 0xf8, 0x77 } },
		{ "vmovdqu64 (%rsi),%zmm16", 6, { 0x62, 0xe1, 0xfe, 0x48, 0x6f, 0x06 } },
		{ "mov 0x601040,%eax (moffs)", 9, { 0xa1, 0x40, 0x10, 0x60, 0, 0, 0, 0, 0 } },
		{ "lock cmpxchg %ecx,(%rdx)", 4, { 0xf0, 0x0f, 0xb1, 0x0a } },
		{ "mov %fs:0x28,%rax", 9, { 0x64, 0x48, 0x8b, 0x04, 0x25, 0x28, 0, 0, 0 } },
		{ "fwait", 1, { 0x9b } },
		{ "fnstcw 0x2(%rsp)", 4, { 0xd9, 0x7c, 0x24, 0x02 } },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cr_assert_eq(elf_insn_len(cases[i].bytes, sizeof(cases[i].bytes)),
			     cases[i].len, "%s", cases[i].what);
	/* invalid in 64-bit mode, and cut short */
	static const uint8_t pusha[] = { 0x60 }, cut[] = { 0x48, 0xb8, 1, 2 };
	cr_assert_eq(elf_insn_len(pusha, 1), -1);
	cr_assert_eq(elf_insn_len(cut, sizeof(cut)), -1);
	/* boundaries inside push %rbp; mov %rsp,%rbp; ret */
	static const uint8_t fn[] = { 0x55, 0x48, 0x89, 0xe5, 0xc3 };
	cr_assert_eq(elf_insn_boundary(fn, 5, 1), 1);
	cr_assert_eq(elf_insn_boundary(fn, 5, 2), 0);
	cr_assert_eq(elf_insn_boundary(fn, 5, 4), 1);
}

/* aarch64's USDT specs ("-4@w0", "8@[x29, -16]", "-4@5"), fixed-size
 * instructions, syscall numbers and open(2) flags come from its table
 * (arch.h); user_pt_regs: x0..x30 at 8 * n, sp 248, pc 256. */
static void collect_const(const char *name, int64_t v, void *arg)
{
	const char **want = arg;
	if (!strcmp(name, want[0]))
		want[1] = (const char *)(intptr_t)(v + 1);
}

static int64_t header_const(const char *header, const char *name)
{
	const char *want[2] = { name, NULL };
	cheader_each(header, collect_const, want);
	return (int64_t)(intptr_t)want[1] - 1;
}

Test(elf, aarch64_table)
{
	static const struct spec_case cases[] = {
		{ "-4@w0", USDT_ARG_REG, 4, true, 0, 0, -1, 1, 0, 0 },
		{ "8@x19", USDT_ARG_REG, 8, false, 152, 0, -1, 1, 0, 0 },
		{ "-4@5", USDT_ARG_CONST, 4, true, -1, 0, -1, 1, 5, 0 },
		{ "8@[x29, -16]", USDT_ARG_MEM, 8, false, 232, 0, -1, 1, 0, -16 },
		{ "4@[sp]", USDT_ARG_MEM, 4, false, 248, 0, -1, 1, 0, 0 },
		{ "-8@[x1,8]", USDT_ARG_MEM, 8, true, 8, 0, -1, 1, 0, 8 },
	};
	cr_assert_eq(arch_select("arm64"), 0);
	cr_assert_str_eq(arch_current()->name, "aarch64");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct spec_case *c = &cases[i];
		struct usdt_arg a[2];
		const char *err;
		int n = usdt_parse_args(c->spec, a, 2, NULL, 0, &err);
		cr_assert_eq(n, 1, "%s: %s", c->spec, err ? err : "");
		cr_assert_eq(a[0].kind, c->kind, "%s", c->spec);
		cr_assert_eq(a[0].size, c->size, "%s", c->spec);
		cr_assert_eq(a[0].is_signed, c->sign, "%s", c->spec);
		if (c->kind != USDT_ARG_CONST)
			cr_assert_eq(a[0].reg, c->reg, "%s", c->spec);
		cr_assert_eq(a[0].val, c->val, "%s", c->spec);
		cr_assert_eq(a[0].disp, c->disp, "%s", c->spec);
	}
	struct usdt_arg a[4];
	const char *err;
	cr_assert_eq(usdt_parse_args("-4@[x29, -4] 8@x0 -4@7", a, 4, NULL, 0,
				     &err), 3, "%s", err ? err : "");
	cr_assert_eq(a[2].val, 7);
	static const char *bad[] = { "8@%rax", "8@[x29", "8@[w1]", "8@x31",
				     "8@[x1, y]" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(usdt_parse_args(bad[i], a, 4, NULL, 0, &err),
			     -EINVAL, "%s accepted", bad[i]);
	/* every 4th byte starts an instruction */
	static const uint8_t code[12];
	cr_assert_eq(elf_insn_boundary(code, 12, 8), 1);
	cr_assert_eq(elf_insn_boundary(code, 12, 5), 0);
	/* asm-generic/unistd.h, not x86-64's numbers */
	cr_assert_str_eq(syscall_name_of(56), "openat");
	cr_assert_str_eq(syscall_name_of(63), "read");
	cr_assert_eq(header_const("sys/syscall.h", "__NR_openat"), 56);
	cr_assert_eq(header_const("fcntl.h", "O_DIRECTORY"), 16384);
	cr_assert_eq(header_const("fcntl.h", "O_CREAT"), 64);

	cr_assert_eq(arch_select("x86_64"), 0);
	cr_assert_str_eq(syscall_name_of(0), "read");
	cr_assert_eq(header_const("sys/syscall.h", "__NR_openat"), 257);
	cr_assert_eq(header_const("fcntl.h", "O_DIRECTORY"), 65536);
	cr_assert_eq(usdt_parse_args("-4@5", a, 4, NULL, 0, &err), 1);
	cr_assert_eq(a[0].kind, USDT_ARG_MEM); /* an absolute address */
	cr_assert_eq(arch_select("sparc"), -1);
}

/* Decoding every function of libc (SSE, AVX2 and AVX-512 variants of the
 * string functions included) from its start must end exactly at its
 * size: a wrong length almost never resynchronises. */
Test(elf, insn_lengths_cover_libc)
{
	const char *libc = elf_find_library("c");
	cr_assert_not_null(libc);
	struct elf_bin *b = open_bin(libc);
	int ok = 0, total = 0;
	for (int i = 0; i < b->nsyms; i++) {
		uint8_t *code;
		int n = elf_read_code(b, &b->syms[i], &code);
		if (n <= 0)
			continue;
		total++;
		size_t at = 0;
		int k = 0;
		while (at < (size_t)n &&
		       (k = elf_insn_len(code + at, (size_t)n - at)) > 0)
			at += (size_t)k;
		if (at == (size_t)n)
			ok++;
		else
			cr_log_warn("%s: decoding stops at +%zu of %d",
				    b->syms[i].name, at, n);
	}
	cr_assert_gt(total, 1000);
	cr_assert_eq(ok, total, "%d of %d functions decode to their end", ok,
		     total);
}

Test(probes_user, uprobe_offset_inside_function)
{
	config(0, false);
	const char *p = helper("uprobe_test");
	char raw[600];
	struct ap_vec v = { 0 };
	/* [endbr64;] push %rbp; mov %rsp,%rbp: +4 starts an instruction and
	   +2 is inside one, with or without endbr64 */
	snprintf(raw, sizeof(raw), "uprobe:%s:uprobeFunction1+4", p);
	cr_assert_eq(expand(raw, &v), 0, "%s", diag_buf);
	snprintf(raw, sizeof(raw), "uprobe:%s:uprobeFunction1+2", p);
	cr_assert_eq(expand(raw, &v), -1);
	cr_assert(strstr(diag_buf, tt_sprintf("ERROR: Could not add uprobe into "
					      "middle of instruction: %s:"
					      "uprobeFunction1+2", p)),
		  "%s", diag_buf);
	config(0, true);
	cr_assert_eq(expand(raw, &v), 0, "%s", diag_buf);
	config(0, false);
	vec_free(&v);
}
