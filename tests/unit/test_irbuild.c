/* test_irbuild.c — golden files for ir_build: each tests/golden/ir/NAME.bt
 * is compiled (parse, macros, sema, ir_build — no optimisation) and must give
 * exactly NAME.ir: the maps and actions of the tt_prog, then `-d ir` of
 * every program.  Every function must also pass ir_check().
 *
 * TT_UPDATE_GOLDEN=1 rewrites the .ir files (review the diff!).
 * Tracepoints come from a fake tracefs written by the fixture. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "arch.h"
#include "config.h"
#include "ir_build.h"
#include "macro.h"
#include "parser.h"
#include "probes.h"
#include "sema.h"
#include "types.h"
#include "golden.h"

static const char *openat_enter =
	"name: sys_enter_openat\nID: 782\nformat:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"
	"\tfield:int __syscall_nr;\toffset:8;\tsize:4;\tsigned:1;\n"
	"\tfield:int dfd;\toffset:16;\tsize:8;\tsigned:0;\n"
	"\tfield:const char * filename;\toffset:24;\tsize:8;\tsigned:0;\n"
	"\tfield:int flags;\toffset:32;\tsize:8;\tsigned:0;\n"
	"\tfield:umode_t mode;\toffset:40;\tsize:8;\tsigned:0;\n";

static const char *openat_exit =
	"name: sys_exit_openat\nID: 781\nformat:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n\n"
	"\tfield:int __syscall_nr;\toffset:8;\tsize:4;\tsigned:1;\n"
	"\tfield:long ret;\toffset:16;\tsize:8;\tsigned:1;\n";

static const char *process_exec =
	"name: sched_process_exec\nID: 320\nformat:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n\n"
	"\tfield:__data_loc char[] filename;\toffset:8;\tsize:4;\tsigned:0;\n"
	"\tfield:pid_t pid;\toffset:12;\tsize:4;\tsigned:1;\n";

static char root[64];

static void write_format(const char *cat, const char *ev, const char *text)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/events", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/events/%s", root, cat);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/events/%s/%s", root, cat, ev);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/events/%s/%s/format", root, cat, ev);
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
}

static void setup(void)
{
	strcpy(root, "/tmp/tt_irb_XXXXXX");
	cr_assert_not_null(mkdtemp(root));
	write_format("syscalls", "sys_enter_openat", openat_enter);
	write_format("syscalls", "sys_exit_openat", openat_exit);
	write_format("sched", "sched_process_exec", process_exec);
	probes_set_tracefs_root(root);
	unsetenv("BPFTRACE_MAX_STRLEN");
}

static void teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", root);
}

TestSuite(irbuild, .init = setup, .fini = teardown);

static const char *map_type_name(uint32_t t)
{
	switch (t) {
	case BPF_MAP_TYPE_HASH: return "hash";
	case BPF_MAP_TYPE_PERCPU_HASH: return "percpu_hash";
	case BPF_MAP_TYPE_ARRAY: return "array";
	case BPF_MAP_TYPE_PERCPU_ARRAY: return "percpu_array";
	case BPF_MAP_TYPE_RINGBUF: return "ringbuf";
	default: return "other";
	}
}

static const char *action_name(enum action_kind k)
{
	switch (k) {
	case ACT_PRINTF: return "printf";
	case ACT_EXIT: return "exit";
	case ACT_PRINT_MAP: return "print_map";
	case ACT_CLEAR: return "clear";
	case ACT_ZERO: return "zero";
	case ACT_PRINT_VALUE: return "print_value";
	default: return "other";
	}
}

/* Compiles text; the dump, or "FAILED\n" and the diagnostics. */
static char *build(const char *text)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	diag_set_stream(f);
	diag_reset();
	struct source *src = malloc(sizeof(*src));
	*src = (struct source){ "stdin", text, strlen(text) };
	struct tt_prog p = { 0 };
	struct sema_result sr = { 0 };
	config_defaults(&p.cfg);
	struct node *prog = parse_program(src);
	int rc = prog ? 0 : -1;
	if (!rc)
		rc = macro_expand(prog);
	if (!rc)
		rc = config_apply(prog, &p.cfg);
	if (!rc)
		rc = sema_run(prog, &p.cfg, &sr);
	if (!rc)
		rc = ir_build(prog, &sr, &p, NULL, NULL);
	if (!rc) {
		for (int i = 0; i < p.maps.n; i++) {
			struct tt_map *m = &p.maps.v[i];
			fprintf(f, "map%d %s %s key %u value %u max %u", i,
				m->name, map_type_name(m->type), m->key_size,
				m->value_size, m->max_entries);
			if (m->kind == MAPK_USER)
				fprintf(f, " [%s] %s",
					m->key_type ? type_name(m->key_type) : "",
					type_name(m->value_type));
			fputc('\n', f);
		}
		for (int i = 0; i < p.actions.n; i++) {
			struct tt_action *a = &p.actions.v[i];
			fprintf(f, "action%d %s", i, action_name(a->kind));
			if (a->fmt) {
				fputs(" \"", f);
				for (const char *c = a->fmt; *c; c++)
					if (*c == '\n')
						fputs("\\n", f);
					else
						fputc(*c, f);
				fputc('"', f);
			}
			if (a->args)
				fprintf(f, " %s size %d", type_name(a->args),
					a->args->size);
			if (a->konst && a->args) {
				/* the constant arguments, left out of the record */
				fputs(" const", f);
				for (int k = 0; k < a->args->fields.n; k++)
					if (a->from[k] < 0)
						fprintf(f, " %d", k);
			}
			if (a->map >= 0)
				fprintf(f, " map%d", a->map);
			fputc('\n', f);
		}
		for (int i = 0; i < p.probes.n; i++) {
			struct tt_probe *pr = &p.probes.v[i];
			fprintf(f, "\n# %s prog_type %u index %d\n", pr->name,
				pr->prog_type, pr->index);
			ir_dump(f, pr->ir);
			cr_expect_eq(ir_check(pr->ir), 0, "%s: ir_check failed",
				     pr->name);
		}
	}
	diag_set_stream(NULL);
	fclose(f);
	if (!rc)
		return buf;
	char *r = malloc(len + 8);
	strcpy(r, "FAILED\n");
	strcat(r, buf);
	free(buf);
	return r;
}

Test(irbuild, golden_files)
{
	const char *dir = golden_dir("ir");
	cr_assert_not_null(dir, "tests/golden/ir not found (set TT_SRCDIR)");
	bool update = golden_update();
	int n;
	char **names = golden_names(dir, ".bt", &n);
	cr_assert_not_null(names);
	for (int i = 0; i < n; i++) {
		char *text = golden_slurp(tt_sprintf("%s/%s.bt", dir, names[i]));
		char *got = build(text);
		char *path = tt_sprintf("%s/%s.ir", dir, names[i]);
		if (update) {
			cr_assert(golden_write(path, got), "cannot write %s", path);
			continue;
		}
		char *want = golden_slurp(path);
		cr_expect_not_null(want, "%s.ir missing", names[i]);
		if (want)
			cr_expect_str_eq(got, want, "%s.ir differs", names[i]);
	}
	golden_expect_no_orphans(dir, ".ir");
	golden_free_names(names);
	cr_assert_geq(n, 8, "only %d golden scripts", n);
}

/* Properties the golden files rely on, checked directly. */
Test(irbuild, slice_programs_have_the_right_shape)
{
	char *d = build("BEGIN { printf(\"hello %d\\n\", pid + 2); exit(); }");
	cr_assert(strncmp(d, "FAILED", 6), "%s", d);
	/* record: [u64 id][int64] written with ringbuf_output */
	cr_assert(strstr(d, "action0 printf \"hello %d\\n\" (int64) size 8"), "%s", d);
	cr_assert(strstr(d, "call ringbuf_output(map0, s0, 16, 0)"), "%s", d);
	cr_assert(strstr(d, "action1 exit"), "%s", d);
	/* count() goes to a per-CPU hash keyed by comm */
	d = build("tracepoint:syscalls:sys_enter_openat { @[comm] = count(); }");
	cr_assert(strstr(d, "map0 @ percpu_hash key 16 value 8 max 4096 "
			    "[string[16]] count_t"), "%s", d);
	cr_assert(strstr(d, "call get_current_comm("), "%s", d);
	cr_assert(strstr(d, "prog_type 5 index 0"), "%s", d); /* TRACEPOINT */
}

/* Whether a line of d contains both a and (after it) b. */
static bool has_line(const char *d, const char *a, const char *b)
{
	for (const char *p = d; (p = strstr(p, a)); p++) {
		const char *eol = strchr(p, '\n');
		const char *q = strstr(p, b);
		if (q && (!eol || q < eol))
			return true;
	}
	return false;
}

/* The registers come from the architecture's table (arch.h): the same
 * script reads x86-64's struct pt_regs or aarch64's user_pt_regs. */
Test(irbuild, registers_come_from_the_architecture_table)
{
	const char *k = "kprobe:vfs_read { @a = arg0; @b = arg5; @c = "
			"reg(\"sp\"); @d = usermode; @e = func; }";
	const char *r = "kretprobe:vfs_read { @r = retval; }";
	cr_assert_eq(arch_select("x86_64"), 0);
	char *d = build(k);
	/* di, r9, sp, cs & 3 == 3, ip */
	cr_assert(strstr(d, "= load8 %0+112\n"), "%s", d);
	cr_assert(strstr(d, "= load8 %0+64\n"), "%s", d);
	cr_assert(strstr(d, "= load8 %0+152\n"), "%s", d);
	cr_assert(strstr(d, "= load8 %0+136\n"), "%s", d);
	cr_assert(has_line(d, "= and %", ", 3\n"), "%s", d);
	cr_assert(has_line(d, "= set.eq %", ", 3\n"), "%s", d);
	cr_assert(strstr(d, "= load8 %0+128\n"), "%s", d);
	d = build(r);
	cr_assert(strstr(d, "= load8 %0+80\n"), "%s", d); /* ax */
	d = build("kprobe:vfs_read { @a = arg6; }");
	cr_assert(strstr(d, "arg6 is not available in kprobe probes "
			    "(arg0-arg5 are)"), "%s", d);
	d = build("kprobe:vfs_read { @a = reg(\"x0\"); }");
	cr_assert(strstr(d, "'x0' is not a valid register on this "
			    "architecture (x86_64)"), "%s", d);

	cr_assert_eq(arch_select("aarch64"), 0);
	d = build(k);
	/* x0, x5, sp, pstate & 0xf == 0 (EL0), pc */
	cr_assert(strstr(d, "= load8 %0+0\n"), "%s", d);
	cr_assert(strstr(d, "= load8 %0+40\n"), "%s", d);
	cr_assert(strstr(d, "= load8 %0+248\n"), "%s", d);
	cr_assert(strstr(d, "= load8 %0+264\n"), "%s", d);
	cr_assert(has_line(d, "= and %", ", 15\n"), "%s", d);
	cr_assert(has_line(d, "= set.eq %", ", 0\n"), "%s", d);
	cr_assert(strstr(d, "= load8 %0+256\n"), "%s", d);
	cr_assert(!strstr(d, "+112"), "%s", d);
	d = build(r);
	cr_assert(strstr(d, "= load8 %0+0\n"), "%s", d); /* x0 */
	d = build("kprobe:vfs_read { @a = arg7; @b = reg(\"r29\"); }");
	cr_assert(strstr(d, "= load8 %0+56\n"), "%s", d);
	cr_assert(strstr(d, "= load8 %0+232\n"), "%s", d);
	d = build("kprobe:vfs_read { @a = arg8; }");
	cr_assert(strstr(d, "arg8 is not available in kprobe probes "
			    "(arg0-arg7 are)"), "%s", d);
	d = build("kprobe:vfs_read { @a = reg(\"di\"); }");
	cr_assert(strstr(d, "'di' is not a valid register on this "
			    "architecture (aarch64)"), "%s", d);
}

Test(irbuild, big_strings_live_in_scratch_space)
{
	char *d = build("tracepoint:syscalls:sys_enter_openat { "
			"printf(\"%s\\n\", str(args.filename)); }");
	cr_assert(strncmp(d, "FAILED", 6), "%s", d);
	cr_assert(strstr(d, "scratch"), "%s", d);
	/* str() reads straight into the printf record, one byte more than
	 * the field into a spare byte after it (a longer string leaves no
	 * NUL in the field: no second read for the truncation) */
	cr_assert(strstr(d, "slot s0 1033 scratch \"printf#0\""), "%s", d);
	cr_assert(strstr(d, "call probe_read_user_str(s0+8, 1025, "), "%s", d);
	cr_assert(!strstr(d, "call probe_read_user("), "%s", d);
	cr_assert(strstr(d, "call ringbuf_output(map0, s0, 1032, 0)"), "%s", d);
	d = build("config = { max_strlen = 16 } tracepoint:syscalls:sys_enter_openat"
		  " { printf(\"%s\\n\", str(args.filename)); }");
	cr_assert(!strstr(d, "scratch"), "%s", d);
}

Test(irbuild, big_copies_and_zeroing_are_one_helper_call)
{
	/* a 1 KiB string variable used as a key: zeroed (NULL source: the
	 * helper fails and fills with zeros) and copied with
	 * probe_read_kernel, not 128 stores or 256 loads and stores */
	char *d = build("tracepoint:syscalls:sys_enter_openat { "
			"$k = str(args.filename); @[$k, 1] = 1; }");
	cr_assert(strncmp(d, "FAILED", 6), "%s", d);
	cr_assert(strstr(d, "call probe_read_kernel(s0, 1024, 0)"), "%s", d);
	cr_assert(strstr(d, "call probe_read_kernel(s1, 1024, s0)"), "%s", d);
	cr_assert(!strstr(d, "memcpy"), "%s", d);
	cr_assert(!strstr(d, "memzero"), "%s", d);
	/* a string that is only printed is not zeroed at all */
	d = build("tracepoint:syscalls:sys_enter_openat { "
		  "printf(\"%s\\n\", str(args.filename)); }");
	cr_assert(strncmp(d, "FAILED", 6), "%s", d);
	cr_assert(!strstr(d, "memzero"), "%s", d);
	cr_assert(!strstr(d, "probe_read_kernel"), "%s", d);
	/* padding of a key is zeroed, the fields are not zeroed first */
	d = build("begin { @[(int8)1, (int64)2] = 1; }");
	cr_assert(strstr(d, "memzero s0+1, 7"), "%s", d);
	cr_assert(!strstr(d, "memzero s0+0"), "%s", d);
}

Test(irbuild, tuples_compare_element_by_element)
{
	char *d = build("begin { $x = 1; $y = ($x, 2) == ($x, 3); }");
	cr_assert(strncmp(d, "FAILED", 6), "%s", d);
	/* each element loaded with its own width and sign, then compared */
	cr_assert(strstr(d, "load1 s0+1"), "%s", d);
	cr_assert(strstr(d, "load1 s1+1"), "%s", d);
	cr_assert(strstr(d, "br.eq"), "%s", d);
	/* strings inside tuples compare up to their NUL, not all bytes */
	d = build("begin { $a = (1, \"ab\"); if ($a != (1, \"abc\")) { "
		  "exit(); } }");
	cr_assert(strncmp(d, "FAILED", 6), "%s", d);
}

Test(irbuild, address_of_a_variable_pins_its_slot)
{
	/* &$a keeps $a in memory (a slot, not a register) and every return
	 * marks the slot used, so nothing else shares its bytes while the
	 * pointer may still be read */
	char *d = build("begin { $a = 1; $b = &$a; $a = 2; print(*$b); }");
	cr_assert(strncmp(d, "FAILED", 6), "%s", d);
	cr_assert(strstr(d, "slot s0 1 stack \"$a\""), "%s", d);
	cr_assert(strstr(d, "= mov s0"), "%s", d);
	cr_assert(strstr(d, "use s0"), "%s", d);
	cr_assert(strstr(d, "call probe_read_kernel("), "%s", d);
}
