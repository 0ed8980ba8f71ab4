/* test_diag.c — the golden diagnostics of tests/golden/errors/.
 *
 * Each NAME.bt there is compiled as "stdin" by the whole compiler, exactly
 * as `tinytrace --dry-run` does (parse, macros, config, sema, ir_build and
 * the back end, whose limits such as the 512-byte stack are errors too),
 * and what it reports must be exactly NAME.err: every error and warning
 * with its file:line:col-end, source line and ~ underline.  Optional
 * companions:
 *   NAME.args   positional parameters $1, $2, ..., one per line.
 * A script whose .err holds an ERROR must fail to compile; one with only
 * warnings must compile.
 *
 * Tracepoints come from a fake tracefs written by the fixture (format
 * files as a 6.x kernel has them), so no root, tracefs or kernel is needed;
 * no case uses kernel BTF.  The suite must cover at least 60 distinct
 * messages (counted with their variable parts — names, numbers, quoted
 * text — blanked out).  TT_UPDATE_GOLDEN=1 rewrites the .err files. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "driver.h"
#include "probes.h"
#include "golden.h"
#include "fake_tracefs.h"

static void setup(void)
{
	fake_tracefs_create("diag");
	fake_tracefs_clear_env();
}

static void teardown(void)
{
	fake_tracefs_remove();
}

TestSuite(diag, .init = setup, .fini = teardown);

/* Compiles text like `tinytrace --dry-run -e text` with positional
 * parameters args (NULL: none); returns what it reported, *status the
 * exit status. */
static char *compile(const char *text, char *args, int *status)
{
	struct source src = { "stdin", text, strlen(text) };
	struct driver_opts o = { .src = &src };
	config_defaults(&o.cfg);
	o.cfg.dry_run = true;
	char **pos = NULL;
	int npos = 0;
	for (char *p = args; p && *p;) {
		size_t n = strcspn(p, "\n");
		pos = realloc(pos, (npos + 1) * sizeof(*pos));
		pos[npos++] = strndup(p, n);
		p += n + (p[n] == '\n');
	}
	o.cfg.pos_params = pos;
	o.cfg.npos_params = npos;

	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	diag_set_stream(f);
	diag_reset();
	*status = driver_run(&o);
	diag_set_stream(NULL);
	fclose(f);
	for (int i = 0; i < npos; i++)
		free(pos[i]);
	free(pos);
	return buf;
}

/* True when the word at p (up to a space) is followed by one of the
 * texts that make it a parameter of its message: "f() ...", "kprobe probe
 * type ...", "The + operator ...", "x is not a ...", "a:b". */
static bool variable_word(const char *msg, const char *p)
{
	size_t n = strcspn(p, " ");
	if (p[n] == 0 && !memchr(p, ':', n))
		return false;
	if (memchr(p, ':', n) && p[n - 1] != ':')
		return true;
	if (n > 2 && !strncmp(p + n - 2, "()", 2))
		return true;
	if (!strncmp(p + n, " probe type", 11) ||
	    !strncmp(p + n, " operator", 9) || !strncmp(p + n, " is not a", 9))
		return true;
	/* "Return value discarded for f." */
	return p - msg > 4 && !strncmp(p - 4, "for ", 4) && p[n - 1] == '.';
}

/* The shape of a message: its text with names, numbers and quoted parts
 * blanked, so "Unknown function: 'a'" and "Unknown function: 'b'" are one
 * message. */
static char *shape(const char *msg)
{
	char *out = malloc(strlen(msg) + 1), *o = out;
	for (const char *p = msg; *p;) {
		if ((p == msg || p[-1] == ' ') && variable_word(msg, p)) {
			*o++ = '*';
			p += strcspn(p, " ");
			continue;
		}
		if (*p == '\'' || *p == '"') {
			const char *e = strchr(p + 1, *p);
			if (e) {
				*o++ = '*';
				p = e + 1;
				continue;
			}
		}
		if ((*p == '$' || *p == '@' || *p == '%') && p[1] &&
		    !strchr(" .,:)", p[1])) {
			*o++ = '*';
			p++;
			while (*p && !strchr(" .,:;)'\"", *p))
				p++;
			continue;
		}
		if (*p >= '0' && *p <= '9') {
			*o++ = '#';
			while (*p >= '0' && *p <= '9')
				p++;
			continue;
		}
		*o++ = *p++;
	}
	*o = 0;
	return out;
}

/* Adds the shapes of the ERROR/WARNING lines of err to *shapes (a
 * growing array of *n). */
static void collect_shapes(const char *err, char ***shapes, int *n)
{
	for (const char *l = err; *l;) {
		size_t len = strcspn(l, "\n");
		char *line = strndup(l, len);
		const char *m = strstr(line, "ERROR: ");
		if (!m)
			m = strstr(line, "WARNING: ");
		if (m && strncmp(m, "ERROR: expanded from", 20)) {
			char *s = shape(m);
			int k;
			for (k = 0; k < *n; k++)
				if (!strcmp((*shapes)[k], s))
					break;
			if (k == *n) {
				*shapes = realloc(*shapes,
						  (*n + 1) * sizeof(**shapes));
				(*shapes)[(*n)++] = s;
			} else {
				free(s);
			}
		}
		free(line);
		l += len + (l[len] == '\n');
	}
}

Test(diag, golden_errors)
{
	const char *dir = golden_dir("errors");
	cr_assert_not_null(dir, "tests/golden/errors not found (set TT_SRCDIR)");
	int n;
	char **names = golden_names(dir, ".bt", &n);
	cr_assert_not_null(names);

	char **shapes = NULL;
	int nshapes = 0, failed = 0;
	for (int i = 0; i < n; i++) {
		char path[4200];
		snprintf(path, sizeof(path), "%s/%s.bt", dir, names[i]);
		char *text = golden_slurp(path);
		snprintf(path, sizeof(path), "%s/%s.err", dir, names[i]);
		char *want = golden_slurp(path);
		snprintf(path, sizeof(path), "%s/%s.args", dir, names[i]);
		char *args = golden_slurp(path);
		cr_assert_not_null(text);
		if (golden_update()) {
			int status;
			char *got = compile(text, args, &status);
			snprintf(path, sizeof(path), "%s/%s.err", dir, names[i]);
			cr_assert(golden_write(path, got), "cannot write %s", path);
			free(got);
			free(text);
			free(want);
			free(args);
			continue;
		}
		if (!want) {
			cr_expect_fail("%s.bt has no %s.err", names[i], names[i]);
			failed++;
			continue;
		}
		int status;
		char *got = compile(text, args, &status);
		if (strcmp(got, want)) {
			cr_expect_fail("%s.bt: diagnostics differ\n"
				       "--- expected (%s.err)\n%s"
				       "--- actual\n%s---",
				       names[i], names[i], want, got);
			failed++;
		} else {
			bool error = strstr(want, "ERROR:") != NULL;
			cr_expect_eq(status, error ? 1 : 0,
				     "%s.bt: exit status %d, expected %d",
				     names[i], status, error ? 1 : 0);
		}
		collect_shapes(want, &shapes, &nshapes);
		free(text);
		free(want);
		free(args);
		free(got);
	}
	golden_expect_no_orphans(dir, ".err");
	golden_expect_no_orphans(dir, ".args");
	cr_log_info("%d scripts, %d distinct messages, %d differ", n, nshapes,
		    failed);
	if (!golden_update())
		cr_expect_geq(nshapes, 60, "only %d distinct messages in %s",
			      nshapes, dir);
	for (int i = 0; i < nshapes; i++)
		free(shapes[i]);
	free(shapes);
	golden_free_names(names);
}

/* sema reports every independent error it finds, in source order, before
 * giving up (the golden files hold more such scripts). */
Test(diag, all_errors_are_reported)
{
	int status;
	char *got = compile("begin { $x = nosuch(); @m = 1; @m = \"s\";\n"
			    "  printf(\"%d\\n\", $undefined); }\n",
			    NULL, &status);
	cr_assert_eq(status, 1);
	int count = 0;
	for (const char *p = got; (p = strstr(p, ": ERROR: ")); p++)
		count++;
	cr_assert_eq(count, 3, "expected 3 errors, got:\n%s", got);
	cr_assert(strstr(got, "stdin:1:14-22: ERROR: Unknown function: 'nosuch'"),
		  "%s", got);
	cr_assert(strstr(got, "stdin:2:18-28: ERROR: Undefined or undeclared "
			      "variable: $undefined"),
		  "%s", got);
	free(got);
}
