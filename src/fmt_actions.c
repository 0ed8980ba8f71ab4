/* fmt_actions.c — the asynchronous actions beyond printf (see
 * fmt_actions.h).
 *
 * Takes: action records from the ring buffer (time, cat, system, join,
 * errorf, warnf) with their tt_action.
 * Produces: bpftrace's text for them on stdout, or its JSON lines;
 * errors and errorf/warnf on stderr. */
#include "fmt_actions.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include "output.h"
#include "types.h"

/* ---- actions ------------------------------------------------------------ */

/* cat: at most max bytes of the file. */
static int cat_file(struct strbuf *out, const char *path, size_t max)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		int err = errno;
		sb_printf(out, "failed to open file '%s' (%s)", path,
			  strerror(err));
		return -err;
	}
	char buf[4096];
	size_t total = 0, n;
	while (total < max &&
	       (n = fread(buf, 1, max - total < sizeof(buf) ? max - total
							    : sizeof(buf),
			  f)) > 0) {
		sb_putn(out, buf, n);
		total += n;
	}
	fclose(f);
	return 0;
}

/* system: the command's standard output (run by /bin/sh, as popen does). */
static int run_command(struct strbuf *out, const char *cmd)
{
	fflush(stdout);
	FILE *p = popen(cmd, "r");
	if (!p) {
		int err = errno;
		sb_printf(out, "failed to run '%s' (%s)", cmd, strerror(err));
		return -err;
	}
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
		sb_putn(out, buf, n);
	pclose(p);
	return 0;
}

int fmt_action_text(struct strbuf *out, const struct tt_action *a,
		    const uint8_t *payload, size_t len,
		    const struct tt_config *cfg)
{
	switch (a->kind) {
	case ACT_TIME: {
		time_t t = time(NULL);
		struct tm tm;
		char buf[1024];
		size_t n = 0;
		if (localtime_r(&t, &tm))
			n = strftime(buf, sizeof(buf), a->fmt ? a->fmt : "", &tm);
		sb_putn(out, buf, n);
		return 0;
	}
	case ACT_JOIN: {
		/* FMT_JOIN_MAX_ARGS strings; the first empty one ends the list */
		const struct type *t = a->args;
		size_t sz = t && t->elem ? (size_t)t->elem->size : 0;
		for (int i = 0; sz && i < t->nelem && (i + 1) * sz <= len; i++) {
			const char *s = (const char *)payload + i * sz;
			size_t n = strnlen(s, sz);
			if (!n)
				break;
			if (i)
				sb_puts(out, a->fmt ? a->fmt : " ");
			sb_putn(out, s, n);
		}
		return 0;
	}
	case ACT_CAT:
	case ACT_SYSTEM:
	case ACT_ERRORF:
	case ACT_WARNF: {
		struct strbuf text = { 0 };
		out_printf(&text, a->fmt ? a->fmt : "", a->args, payload);
		const char *s = text.s ? text.s : "";
		int err = 0;
		if (a->kind == ACT_CAT)
			err = cat_file(out, s, cfg && cfg->max_cat_bytes > 0
						       ? (size_t)cfg->max_cat_bytes
						       : 10240);
		else if (a->kind == ACT_SYSTEM)
			err = run_command(out, s);
		else
			sb_putn(out, s, text.len);
		sb_free(&text);
		return err;
	}
	default:
		return -EINVAL;
	}
}

/* -k: the helper a->fmt returned the error code in the payload. */
static void helper_error(const struct tt_action *a, const uint8_t *payload,
			 size_t len, bool json)
{
	int64_t rc = 0;
	if (len >= 8)
		memcpy(&rc, payload, 8);
	const char *msg = strerror((int)-rc);
	fflush(stdout);
	if (!json) {
		diag_warning(&a->loc, "Failed to %s: %s (%lld)", a->fmt, msg,
			     (long long)rc);
		fflush(stderr);
		return;
	}
	struct strbuf line = { 0 };
	sb_puts(&line, "{\"type\": \"helper_error\", \"msg\": ");
	out_json_string(&line, msg, strlen(msg));
	sb_printf(&line, ", \"helper\": \"%s\", \"retcode\": %lld, "
			 "\"filename\": ", a->fmt, (long long)rc);
	const char *file = a->loc.src && a->loc.src->name ? a->loc.src->name
							   : "";
	out_json_string(&line, file, strlen(file));
	sb_printf(&line, ", \"line\": %d, \"col\": %d}\n", a->loc.line,
		  a->loc.col);
	fwrite(line.s, 1, line.len, stdout);
	fflush(stdout);
	sb_free(&line);
}

void fmt_action(const struct tt_action *a, const uint8_t *payload, size_t len,
		const struct tt_config *cfg, bool json)
{
	if (a->kind == ACT_HELPER_ERROR) {
		helper_error(a, payload, len, json);
		return;
	}
	struct strbuf text = { 0 };
	int err = fmt_action_text(&text, a, payload, len, cfg);
	const char *s = text.s ? text.s : "";

	if (a->kind == ACT_ERRORF || a->kind == ACT_WARNF || err < 0) {
		fflush(stdout);
		if (a->kind == ACT_WARNF)
			diag_warning(&a->loc, "%s", s);
		else if (a->kind == ACT_ERRORF)
			diag_error(&a->loc, "%s", s);
		else
			fprintf(stderr, "ERROR: %s\n", s);
		fflush(stderr);
		sb_free(&text);
		return;
	}
	if (json) {
		static const char *const types[] = {
			[ACT_TIME] = "time", [ACT_CAT] = "cat",
			[ACT_SYSTEM] = "syscall", [ACT_JOIN] = "join",
		};
		struct strbuf line = { 0 };
		sb_printf(&line, "{\"type\": \"%s\", \"data\": ", types[a->kind]);
		out_json_string(&line, s, text.len);
		sb_puts(&line, "}\n");
		fwrite(line.s, 1, line.len, stdout);
		sb_free(&line);
	} else {
		fwrite(s, 1, text.len, stdout);
		if (a->kind == ACT_JOIN)
			putchar('\n');
	}
	sb_free(&text);
}
