/* test_dump.c — golden files for every `-d` dump of the compiler's later
 * stages: each tests/golden/dump/NAME.bt is compiled as `tinytrace -d
 * STAGE` compiles it (driver_run, a dry run) and must print exactly
 *   NAME.types  the typed syntax tree (sema)
 *   NAME.ir     the IR after optimisation, per probe (ir_build, ir_opt)
 *   NAME.live   live-in/live-out registers and slots per block (liveness)
 *   NAME.stack  frame offsets and shared slots (stackalloc)
 *   NAME.mir    machine IR after register allocation (isel, regalloc)
 *   NAME.asm    the BPF instructions under their script lines (emit)
 * (tokens and ast have theirs in test_lexer and tests/golden/parse).  Every
 * NAME.bt has all six; a compile error fails the case.
 *
 * TT_UPDATE_GOLDEN=1 rewrites them (review the diff!).  Tracepoints come
 * from a fake tracefs, BPFTRACE_* variables are cleared: no root, kernel or
 * BTF is needed and the dumps do not depend on the machine. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "driver.h"
#include "golden.h"
#include "fake_tracefs.h"

static const struct {
	const char *name;
	unsigned flag;
} stages[] = {
	{ "types", DUMP_TYPES }, { "ir", DUMP_IR },   { "live", DUMP_LIVE },
	{ "stack", DUMP_STACK }, { "mir", DUMP_MIR }, { "asm", DUMP_ASM },
};

static void setup(void)
{
	fake_tracefs_create("dump");
	fake_tracefs_clear_env();
}

static void teardown(void)
{
	fake_tracefs_remove();
}

TestSuite(dump, .init = setup, .fini = teardown);

/* `tinytrace -d <flag> -e text`: what it printed; *diags what it
 * reported (malloc'd, "" when nothing). */
static char *dump(const char *text, unsigned flag, char **diags, int *status)
{
	struct source src = { "stdin", text, strlen(text) };
	struct driver_opts o = { .src = &src, .dump = flag };
	config_defaults(&o.cfg);
	char *out = NULL, *err = NULL;
	size_t outlen = 0, errlen = 0;
	o.dump_out = open_memstream(&out, &outlen);
	FILE *ef = open_memstream(&err, &errlen);
	diag_set_stream(ef);
	diag_reset();
	*status = driver_run(&o);
	diag_set_stream(NULL);
	fclose(ef);
	fclose(o.dump_out);
	*diags = err;
	return out;
}

Test(dump, golden_files)
{
	const char *dir = golden_dir("dump");
	cr_assert_not_null(dir, "tests/golden/dump not found (set TT_SRCDIR)");
	int n;
	char **names = golden_names(dir, ".bt", &n);
	cr_assert_not_null(names);
	for (int i = 0; i < n; i++) {
		char path[4200];
		snprintf(path, sizeof(path), "%s/%s.bt", dir, names[i]);
		char *text = golden_slurp(path);
		cr_assert_not_null(text);
		for (size_t k = 0; k < ARRAY_SIZE(stages); k++) {
			char *diags;
			int status;
			char *got = dump(text, stages[k].flag, &diags, &status);
			snprintf(path, sizeof(path), "%s/%s.%s", dir, names[i],
				 stages[k].name);
			if (status != 0 || *diags) {
				cr_expect_fail("%s.bt, -d %s: status %d\n%s",
					       names[i], stages[k].name, status,
					       diags);
			} else if (golden_update()) {
				cr_expect(golden_write(path, got),
					  "cannot write %s", path);
			} else {
				char *want = golden_slurp(path);
				cr_expect_not_null(want, "%s missing", path);
				if (want)
					cr_expect_str_eq(got, want,
							 "%s.%s differs",
							 names[i],
							 stages[k].name);
				free(want);
			}
			free(got);
			free(diags);
		}
		free(text);
	}
	for (size_t k = 0; k < ARRAY_SIZE(stages); k++) {
		char ext[16];
		snprintf(ext, sizeof(ext), ".%s", stages[k].name);
		golden_expect_no_orphans(dir, ext);
	}
	golden_free_names(names);
	cr_assert_geq(n, 5, "only %d golden scripts in %s", n, dir);
}
