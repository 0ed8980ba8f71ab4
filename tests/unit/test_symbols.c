/* test_symbols.c — addresses to names (symbols.c): kallsyms parsing and
 * lookup (blazesym's rules: exact address -> first symbol there, inside
 * -> the last symbol below), bpftrace's forms of unknown addresses, the
 * stack layouts of types.h printed in every stack mode, and user
 * addresses: ELF virtual addresses of the helper programs, and this
 * test's own functions found through /proc/self/maps (the kernel's view
 * of where they are), per pid and per program.
 *
 * Kallsyms data is a file written here, so nothing depends on the running
 * kernel; the helper programs come from `make testprogs` (tests/testprogs
 * or $TT_TESTPROGS). */
#include <criterion/criterion.h>
#include <elf.h>
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "elf_syms.h"
#include "output.h"
#include "probes.h"
#include "prog.h"
#include "symbols.h"
#include "types.h"

static const char *progs(void)
{
	const char *d = getenv("TT_TESTPROGS");
	return d ? d : "tests/testprogs";
}

static const char *helper(const char *name)
{
	static char buf[4][512];
	static int k;
	char *p = buf[k++ % 4];
	snprintf(p, 512, "%s/%s", progs(), name);
	if (access(p, R_OK) != 0)
		cr_skip_test("helper %s not built (make testprogs)", p);
	return p;
}

/* A kallsyms file: aliases at one address, a module symbol, a zero
 * address (hidden pointers), data symbols, unsorted lines. */
static const char *kallsyms_text =
	"ffffffff81000000 T srso_alias_untrain_ret\n"
	"ffffffff81000000 T _stext\n"
	"ffffffff81000000 T _text\n"
	"ffffffff81000010 T __entry_text_start\n"
	"0000000000000000 A fixed_percpu_data\n"
	"ffffffff81200000 t do_nanosleep\n"
	"ffffffff81100000 T vfs_read\n"
	"ffffffff81100040 t vfs_read.cold\n"
	"ffffffff82000000 D some_data\n"
	"ffffffffc0001000 t nf_hook\t[nf_tables]\n";

static void load_fake_kallsyms(void)
{
	char path[] = "/tmp/tt_kallsymsXXXXXX";
	int fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, kallsyms_text, strlen(kallsyms_text)),
		     (ssize_t)strlen(kallsyms_text));
	close(fd);
	int n = ksym_load(path);
	unlink(path);
	cr_assert_eq(n, 9, "symbols loaded: %d", n); /* the zero one is not */
}

static const char *ks(uint64_t addr, uint64_t *off)
{
	const char *s = ksym_lookup(addr, off);
	return s ? s : "(null)";
}

Test(ksym, exact_address_names_the_first_symbol_there)
{
	load_fake_kallsyms();
	uint64_t off = 99;
	cr_assert_str_eq(ks(0xffffffff81000000, &off), "srso_alias_untrain_ret");
	cr_assert_eq(off, 0);
	cr_assert_str_eq(ks(0xffffffff81100000, &off), "vfs_read");
	cr_assert_str_eq(ks(0xffffffffc0001000, &off), "nf_hook");
}

Test(ksym, inside_names_the_last_symbol_below)
{
	load_fake_kallsyms();
	uint64_t off = 0;
	cr_assert_str_eq(ks(0xffffffff81000004, &off), "_text");
	cr_assert_eq(off, 4);
	cr_assert_str_eq(ks(0xffffffff81100041, &off), "vfs_read.cold");
	cr_assert_eq(off, 1);
	cr_assert_str_eq(ks(0xffffffff8110003f, &off), "vfs_read");
	cr_assert_eq(off, 0x3f);
	/* past the last symbol: still the last one, as blazesym */
	cr_assert_str_eq(ks(0xffffffffc0002000, &off), "nf_hook");
	cr_assert_eq(off, 0x1000);
}

Test(ksym, below_every_symbol_is_unknown)
{
	load_fake_kallsyms();
	cr_assert_null(ksym_lookup(0x1, NULL));
	cr_assert_null(ksym_lookup(0xffffffff80ffffff, NULL));
	cr_assert_eq(ksym_addr("do_nanosleep"), 0xffffffff81200000ull);
	cr_assert_eq(ksym_addr("_text"), 0xffffffff81000000ull);
	cr_assert_eq(ksym_addr("no_such_symbol"), 0);
}

Test(ksym, unreadable_kallsyms_gives_numbers)
{
	cr_assert_lt(ksym_load("/nonexistent/kallsyms"), 0);
	cr_assert_null(ksym_lookup(0xffffffff81000000, NULL));
	struct strbuf sb = { 0 };
	sym_put_ksym(&sb, 0xffffffff81000000);
	cr_assert_str_eq(sb.s, "0xffffffff81000000");
	sb_free(&sb);
}

Test(sym, unknown_addresses_print_as_bpftrace_does)
{
	struct strbuf sb = { 0 };
	sym_put_addr(&sb, 0);
	sb_puts(&sb, " ");
	sym_put_addr(&sb, 1);
	sb_puts(&sb, " ");
	sym_put_addr(&sb, 0x7f00deadbeef);
	cr_assert_str_eq(sb.s, "0 0x1 0x7f00deadbeef");
	sb_free(&sb);
}

static struct type *stack_type(enum type_kind k, int mode, int limit)
{
	bool user = k == TY_USTACK;
	int esize = user && mode == STACK_MODE_BUILD_ID ? 32 : 8;
	struct type *t = type_new(k, (user ? 16 : 8) + limit * esize, 8);
	t->nelem = limit;
	t->stack_mode = mode;
	return t;
}

/* a kstack value: nr frames, then the addresses (zero-padded to 4) */
static void kstack_data(uint8_t *d, uint64_t nr, const uint64_t *ips)
{
	memset(d, 0, 8 + 4 * 8);
	memcpy(d, &nr, 8);
	memcpy(d + 8, ips, nr * 8);
}

static char *stack_text(struct type *t, const void *d)
{
	struct strbuf sb = { 0 };
	sym_put_stack(&sb, t, d);
	return sb.s ? sb.s : strdup("");
}

Test(stack, kstack_in_each_mode)
{
	load_fake_kallsyms();
	uint64_t ips[] = { 0xffffffff81200011, 0xffffffff81100040, 0x10 };
	uint8_t d[8 + 4 * 8];
	kstack_data(d, 3, ips);

	char *s = stack_text(stack_type(TY_KSTACK, STACK_MODE_BPFTRACE, 4), d);
	cr_assert_str_eq(s, "\n        do_nanosleep+17\n"
			    "        vfs_read.cold+0\n        0x10\n");
	free(s);
	s = stack_text(stack_type(TY_KSTACK, STACK_MODE_PERF, 4), d);
	cr_assert_str_eq(s, "\n\tffffffff81200011 do_nanosleep+17\n"
			    "\tffffffff81100040 vfs_read.cold+0\n\t10 0x10\n");
	free(s);
	s = stack_text(stack_type(TY_KSTACK, STACK_MODE_RAW, 4), d);
	cr_assert_str_eq(s, "\nffffffff81200011\nffffffff81100040\n10\n");
	free(s);
}

Test(stack, frame_count_never_passes_the_limit)
{
	load_fake_kallsyms();
	uint64_t ips[] = { 0xffffffff81200011, 0xffffffff81100040 };
	uint8_t d[8 + 4 * 8];
	kstack_data(d, 2, ips);
	uint64_t lie = 1000;
	memcpy(d, &lie, 8);
	char *s = stack_text(stack_type(TY_KSTACK, STACK_MODE_RAW, 2), d);
	cr_assert_str_eq(s, "\nffffffff81200011\nffffffff81100040\n");
	free(s);
	/* an empty stack is one newline */
	memset(d, 0, sizeof(d));
	s = stack_text(stack_type(TY_KSTACK, STACK_MODE_BPFTRACE, 4), d);
	cr_assert_str_eq(s, "\n");
	free(s);
}

Test(stack, ustack_build_id_frames)
{
	struct type *t = stack_type(TY_USTACK, STACK_MODE_BUILD_ID, 2);
	uint8_t d[16 + 2 * 32];
	memset(d, 0, sizeof(d));
	int32_t pid = 1234, probe = -1;
	uint64_t nr = 2;
	memcpy(d, &pid, 4);
	memcpy(d + 4, &probe, 4);
	memcpy(d + 8, &nr, 8);
	struct bpf_stack_build_id f[2];
	memset(f, 0, sizeof(f));
	f[0].status = BPF_STACK_BUILD_ID_VALID;
	for (int i = 0; i < BPF_BUILD_ID_SIZE; i++)
		f[0].build_id[i] = (unsigned char)(0xa0 + i);
	f[0].offset = 0x5;
	f[1].status = BPF_STACK_BUILD_ID_IP;
	f[1].ip = 0x7f0011223344;
	memcpy(d + 16, f, sizeof(f));
	char *s = stack_text(t, d);
	cr_assert_str_eq(s, "\na0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3 0x05\n"
			    "7f0011223344\n");
	free(s);
}

Test(stack, values_print_through_output)
{
	load_fake_kallsyms();
	uint64_t ips[] = { 0xffffffff81200011 };
	uint8_t d[8 + 4 * 8];
	kstack_data(d, 1, ips);
	struct type *t = stack_type(TY_KSTACK, STACK_MODE_BPFTRACE, 4);
	struct strbuf sb = { 0 };
	out_value(&sb, t, d, false);
	cr_assert_str_eq(sb.s, "\n        do_nanosleep+17\n");
	sb_free(&sb);
	out_value(&sb, t, d, true);
	cr_assert_str_eq(sb.s, "\"\\n        do_nanosleep+17\\n\"");
	sb_free(&sb);
	uint64_t a = 0xffffffff81100001;
	out_value(&sb, type_new(TY_KSYM, 8, 8), &a, false);
	cr_assert_str_eq(sb.s, "vfs_read");
	sb_free(&sb);
}

/* ---- user symbols ---------------------------------------------------------- */

Test(usym, elf_virtual_addresses)
{
	sym_init(NULL);
	const char *path = helper("uprobe_test");
	struct elf_bin *b = NULL;
	cr_assert_eq(elf_bin_open(path, &b), 0);
	const struct elf_sym *f = elf_sym_find(b, "uprobeFunction1");
	cr_assert_not_null(f);
	uint64_t off = 99;
	const char *n = usym_lookup_file(path, f->addr, &off);
	cr_assert_str_eq(n ? n : "(null)", "uprobeFunction1");
	cr_assert_eq(off, 0);
	n = usym_lookup_file(path, f->addr + 3, &off);
	cr_assert_str_eq(n ? n : "(null)", "uprobeFunction1");
	cr_assert_eq(off, 3);
	/* past the end of a sized function: another one, or nothing */
	n = usym_lookup_file(path, f->addr + f->size, &off);
	cr_assert(!n || strcmp(n, "uprobeFunction1"));
	cr_assert_null(usym_lookup_file(path, 1, NULL));
	cr_assert_null(usym_lookup_file("/nonexistent", f->addr, NULL));
	sym_reset();
}

/* blazesym's rule, which bpftrace prints: an address past every sized
 * symbol belongs to the last symbol below it when that one has size 0 —
 * in a gcc-built executable crtend's __TMC_END__ object. */
Test(usym, size_zero_symbols_hold_what_follows)
{
	sym_init(NULL);
	const char *path = helper("uprobe_test");
	struct elf_bin *b = NULL;
	cr_assert_eq(elf_bin_open(path, &b), 0);
	const struct elf_sym *tmc = elf_obj_find(b, "__TMC_END__");
	if (!tmc)
		cr_skip_test("no __TMC_END__ in %s (not gcc's crtend)", path);
	uint64_t off = 0;
	const char *n = usym_lookup_file(path, 0x7f0000001000ull, &off);
	cr_assert_str_eq(n ? n : "(null)", "__TMC_END__");
	cr_assert_eq(off, 0x7f0000001000ull - tmc->addr);
	/* a function's own bytes stay the function's */
	const struct elf_sym *m = elf_sym_find(b, "main");
	cr_assert_str_eq(usym_lookup_file(path, m->addr + 1, NULL), "main");
	sym_reset();
}

Test(usym, pie_virtual_addresses)
{
	sym_init(NULL);
	const char *path = helper("uprobe_test-pie");
	struct elf_bin *b = NULL;
	cr_assert_eq(elf_bin_open(path, &b), 0);
	cr_assert_eq(b->type, ET_DYN);
	const struct elf_sym *f = elf_sym_find(b, "main");
	uint64_t off;
	const char *n = usym_lookup_file(path, f->addr + 1, &off);
	cr_assert_str_eq(n ? n : "(null)", "main");
	cr_assert_eq(off, 1);
	sym_reset();
}

int tt_symbols_marker(int x);
int __attribute__((noinline)) tt_symbols_marker(int x)
{
	return x * 3 + 1;
}

static struct tt_prog *prog_with_mode(const char *mode)
{
	static struct tt_prog p;
	memset(&p, 0, sizeof(p));
	p.cfg.cache_user_symbols = mode;
	return &p;
}

Test(usym, own_function_through_proc_maps)
{
	const char *modes[] = { "PER_PID", "NONE" };
	for (int i = 0; i < 2; i++) {
		sym_init(prog_with_mode(modes[i]));
		uint64_t addr = (uint64_t)(uintptr_t)&tt_symbols_marker;
		uint64_t off = 99;
		const char *module = NULL;
		const char *n = usym_lookup(addr + 2, getpid(), -1, &off,
					    &module);
		cr_assert_str_eq(n ? n : "(null)", "tt_symbols_marker",
				 "mode %s", modes[i]);
		cr_assert_eq(off, 2);
		char exe[4096];
		ssize_t k = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		cr_assert_gt(k, 0);
		exe[k] = 0;
		cr_assert_str_eq(module, exe);

		/* the text forms: usym() and a ustack frame in perf mode */
		uint8_t u[16];
		int32_t pid = getpid(), probe = -1;
		memcpy(u, &addr, 8);
		memcpy(u + 8, &pid, 4);
		memcpy(u + 12, &probe, 4);
		struct strbuf sb = { 0 };
		sym_put_usym(&sb, u);
		cr_assert_str_eq(sb.s, "tt_symbols_marker");
		sb_free(&sb);

		uint8_t st[16 + 2 * 8];
		uint64_t nr = 2, bad = 0x10;
		memcpy(st, &pid, 4);
		memcpy(st + 4, &probe, 4);
		memcpy(st + 8, &nr, 8);
		memcpy(st + 16, &addr, 8);
		memcpy(st + 24, &bad, 8);
		struct type *t = stack_type(TY_USTACK, STACK_MODE_PERF, 2);
		sym_put_stack(&sb, t, st);
		char want[8192];
		snprintf(want, sizeof(want),
			 "\n\t%llx tt_symbols_marker+0 (%s)\n\t10 0x10 ([unknown])\n",
			 (unsigned long long)addr, exe);
		cr_assert_str_eq(sb.s, want);
		sb_free(&sb);
		t = stack_type(TY_USTACK, STACK_MODE_BPFTRACE, 2);
		sym_put_stack(&sb, t, st);
		cr_assert_str_eq(sb.s, "\n        tt_symbols_marker+0\n        0x10\n");
		sb_free(&sb);
		sym_reset();
	}
}

Test(usym, process_gone_per_pid_gives_numbers)
{
	sym_init(prog_with_mode("PER_PID"));
	/* a pid that cannot exist (above pid_max's limit) */
	cr_assert_null(usym_lookup(0x401000, 0x7ffffff0, -1, NULL, NULL));
	sym_reset();
}

Test(usym, per_program_uses_the_probes_binary)
{
	const char *path = helper("uprobe_test");
	struct elf_bin *b = NULL;
	cr_assert_eq(elf_bin_open(path, &b), 0);
	const struct elf_sym *f = elf_sym_find(b, "uprobeFunction2");
	cr_assert_not_null(f);

	struct tt_prog *p = prog_with_mode("PER_PROGRAM");
	struct attach_point ap = { .prov = PROV_UPROBE, .target = path,
				   .path = path };
	struct tt_probe pr = { .ap = &ap };
	vec_push(&p->probes, pr);
	sym_init(p);
	uint64_t off;
	const char *module = NULL;
	/* the process is gone: probe 0's binary, the address taken as its
	   virtual address */
	const char *n = usym_lookup(f->addr + 4, 0x7ffffff0, 0, &off, &module);
	cr_assert_str_eq(n ? n : "(null)", "uprobeFunction2");
	cr_assert_eq(off, 4);
	cr_assert_str_eq(module, path);
	/* no such probe: nothing to go on */
	cr_assert_null(usym_lookup(f->addr, 0x7ffffff0, 5, NULL, NULL));
	sym_reset();
	vec_free(&p->probes);
}

/* ---- DWARF line tables ------------------------------------------------------ */

#include "dwarf.h"

static const char *line_of(struct dwarf_lines *dl, uint64_t a, unsigned *ln)
{
	const char *f = NULL;
	if (!dwarf_line_at(dl, a, &f, ln))
		return "(none)";
	return f;
}

/* A DWARF 4 line program: include directories, two files, rows by
 * special and standard opcodes, two rows at one address, end_sequence. */
Test(dwarf, v4_program)
{
	static const uint8_t prog[] = {
		/* header after unit_length: version 4, header_length */
		4, 0, 0, 0, 0, 0, /* header_length patched below */
		1, 1, 1, (uint8_t)-5, 14, 13,
		0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1,
		's', 'r', 'c', 0, 0,
		'a', '.', 'c', 0, 1, 0, 0,
		'/', 'a', 'b', 's', '/', 'b', '.', 'h', 0, 0, 0, 0,
		0,
		/* program */
		0, 9, 2, 0x00, 0x10, 0, 0, 0, 0, 0, 0, /* set_address 0x1000 */
		1,                                     /* copy: line 1 */
		3, 4,                                  /* advance_line 4 */
		47,                                    /* +2 addr, +1 line: 6 */
		4, 2, 2, 3, 1,                         /* file 2, +3, copy */
		3, 1, 1,                               /* line 7 same address */
		2, 5, 0, 1, 1,                         /* +5, end_sequence */
	};
	uint8_t buf[sizeof(prog) + 4];
	uint32_t len = sizeof(prog);
	memcpy(buf, &len, 4);
	memcpy(buf + 4, prog, sizeof(prog));
	/* header_length: from after that field to the first opcode */
	uint32_t hl = 6 + 12 + 5 + 7 + 12 + 1;
	memcpy(buf + 4 + 2, &hl, 4);
	struct dwarf_lines *dl = NULL;
	cr_assert_eq(dwarf_lines_parse(buf, sizeof(buf), NULL, 0, NULL, 0,
				       "/comp", &dl), 0);
	unsigned ln = 0;
	cr_assert_str_eq(line_of(dl, 0x1000, &ln), "/comp/src/a.c");
	cr_assert_eq(ln, 1);
	cr_assert_str_eq(line_of(dl, 0x1001, &ln), "/comp/src/a.c");
	cr_assert_eq(ln, 1);
	cr_assert_str_eq(line_of(dl, 0x1002, &ln), "/comp/src/a.c");
	cr_assert_eq(ln, 6);
	cr_assert_str_eq(line_of(dl, 0x1005, &ln), "/abs/b.h");
	cr_assert_eq(ln, 7, "the last row at an address counts");
	cr_assert_str_eq(line_of(dl, 0x1009, &ln), "/abs/b.h");
	cr_assert_str_eq(line_of(dl, 0x100a, &ln), "(none)");
	cr_assert_str_eq(line_of(dl, 0xfff, &ln), "(none)");
	dwarf_lines_free(dl);
}

/* A DWARF 5 line program: directory and file tables described by
 * (content, form) pairs, directory 0 the compilation directory, files
 * numbered from 0. */
Test(dwarf, v5_program)
{
	static const uint8_t prog[] = {
		5, 0, 8, 0, 0, 0, 0, 0, /* version, address size, seg, hl */
		1, 1, 1, (uint8_t)-5, 14, 13,
		0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1,
		1, 1, 0x08,                         /* dirs: path string */
		2, '/', 'c', 'o', 'm', 'p', 0, 'i', 'n', 'c', 0,
		2, 1, 0x08, 2, 0x0b,                /* files: path, dir data1 */
		2, 'a', '.', 'c', 0, 0, 'b', '.', 'h', 0, 1,
		0, 9, 2, 0x00, 0x20, 0, 0, 0, 0, 0, 0, /* set_address 0x2000 */
		4, 0, 1,             /* file 0 (the register starts at 1), copy */
		4, 1, 76,                              /* file 1, +4, +2 line */
		2, 4, 0, 1, 1,
	};
	uint8_t buf[sizeof(prog) + 4];
	uint32_t len = sizeof(prog);
	memcpy(buf, &len, 4);
	memcpy(buf + 4, prog, sizeof(prog));
	uint32_t hl = 6 + 12 + 3 + 11 + 5 + 11;
	memcpy(buf + 4 + 4, &hl, 4);
	struct dwarf_lines *dl = NULL;
	cr_assert_eq(dwarf_lines_parse(buf, sizeof(buf), NULL, 0, NULL, 0, NULL,
				       &dl), 0);
	unsigned ln = 0;
	cr_assert_str_eq(line_of(dl, 0x2000, &ln), "/comp/a.c");
	cr_assert_eq(ln, 1);
	cr_assert_str_eq(line_of(dl, 0x2005, &ln), "/comp/inc/b.h");
	cr_assert_eq(ln, 3);
	cr_assert_str_eq(line_of(dl, 0x2008, &ln), "(none)");
	dwarf_lines_free(dl);
}

Test(dwarf, garbage_is_not_a_crash)
{
	uint8_t junk[64];
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)(i * 37 + 11);
	for (size_t n = 0; n <= sizeof(junk); n++) {
		struct dwarf_lines *dl = NULL;
		cr_assert_eq(dwarf_lines_parse(junk, n, NULL, 0, NULL, 0, NULL,
					       &dl), 0);
		const char *f;
		unsigned ln;
		dwarf_line_at(dl, 0x1000, &f, &ln);
		dwarf_lines_free(dl);
	}
}

/* A helper built with -g: the entry of uprobeFunction1 is at its
 * definition in uprobe_loop.c (the line of the name or of the brace). */
Test(dwarf, helper_program_lines)
{
	const char *path = helper("uprobe_loop");
	struct elf_bin *b = NULL;
	cr_assert_eq(elf_bin_open(path, &b), 0);
	const struct elf_sym *f = elf_sym_find(b, "uprobeFunction1");
	cr_assert_not_null(f);
	struct dwarf_lines *dl = NULL;
	cr_assert_eq(dwarf_lines_open(path, &dl), 0);
	unsigned ln = 0;
	const char *file = line_of(dl, f->addr, &ln);
	size_t n = strlen(file);
	cr_assert(n > 14 && !strcmp(file + n - 14, "/uprobe_loop.c"), "%s", file);
	cr_assert(ln == 4 || ln == 5, "line %u", ln);
	dwarf_lines_free(dl);
	cr_assert_eq(dwarf_lines_open("/nonexistent", &dl), -ENOENT);
}

/* usdt_inlined puts one USDT site in myclock() inlined into loop(), and
 * one in myclock() inlined into mywrapper_inlined() inlined into
 * mywrapper(): the inlined calls at each site, outermost first, with the
 * lines of their call sites. */
Test(dwarf, inlined_calls_at_usdt_sites)
{
	const char *path = helper("usdt_inlined");
	struct elf_bin *b = NULL;
	cr_assert_eq(elf_bin_open(path, &b), 0);
	cr_assert_eq(b->nnotes, 2);
	struct dwarf_lines *dl = NULL;
	cr_assert_eq(dwarf_lines_open(path, &dl), 0);
	int seen1 = 0, seen2 = 0;
	for (int i = 0; i < b->nnotes; i++) {
		struct dwarf_inline in[4];
		int n = dwarf_inlined_at(dl, b->notes[i].pc_vaddr, in, 4);
		if (n == 1) {
			cr_assert_str_eq(in[0].name, "myclock");
			cr_assert_eq(in[0].call_line, 39);
			seen1++;
		} else {
			cr_assert_eq(n, 2);
			cr_assert_str_eq(in[0].name, "mywrapper_inlined");
			cr_assert_eq(in[0].call_line, 30);
			cr_assert_str_eq(in[1].name, "myclock");
			cr_assert_eq(in[1].call_line, 25);
			size_t k = strlen(in[1].call_file);
			cr_assert(k > 15 && !strcmp(in[1].call_file + k - 15,
						    "/usdt_inlined.c"));
			seen2++;
		}
	}
	cr_assert_eq(seen1, 1);
	cr_assert_eq(seen2, 1);
	/* outside any inlined call */
	const struct elf_sym *m = elf_sym_find(b, "main");
	struct dwarf_inline in[4];
	cr_assert_eq(dwarf_inlined_at(dl, m->addr, in, 4), 0);
	dwarf_lines_free(dl);
}
