/* config.c — the settings a script runs with.
 *
 * Takes a parsed program (its `config = { ... }` blocks) and the
 * environment (BPFTRACE_* variables); produces a filled struct tt_config
 * (prog.h), on top of the defaults and the command line's settings.
 * Errors are diagnostics with the location of the offending entry. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "ast.h"

void config_defaults(struct tt_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->max_strlen = 1024;
	cfg->max_map_keys = 4096;
	cfg->print_maps_on_exit = true;
	cfg->on_stack_limit = 64;
	cfg->output_format = "text";
	cfg->log_size = 1000000;
	cfg->stack_mode = "bpftrace";
	cfg->str_trunc_trailer = "..";
	cfg->max_cat_bytes = 10240;
	cfg->max_probes = 1024;
	cfg->max_bpf_progs = 1024;
	cfg->perf_rb_pages = 64; /* 256 KiB with 4 KiB pages */
	cfg->show_debug_info = true;
	cfg->cpp_demangle = true;
}

enum cfg_kind { CFG_INT, CFG_BOOL, CFG_STR, CFG_IGNORED };

static const struct {
	const char *name;
	enum cfg_kind kind;
	size_t off;
} cfg_opts[] = {
	{ "max_strlen", CFG_INT, offsetof(struct tt_config, max_strlen) },
	{ "max_map_keys", CFG_INT, offsetof(struct tt_config, max_map_keys) },
	{ "print_maps_on_exit", CFG_BOOL,
	  offsetof(struct tt_config, print_maps_on_exit) },
	{ "on_stack_limit", CFG_INT, offsetof(struct tt_config, on_stack_limit) },
	{ "log_size", CFG_INT, offsetof(struct tt_config, log_size) },
	{ "stack_mode", CFG_STR, offsetof(struct tt_config, stack_mode) },
	{ "str_trunc_trailer", CFG_STR,
	  offsetof(struct tt_config, str_trunc_trailer) },
	{ "max_cat_bytes", CFG_INT, offsetof(struct tt_config, max_cat_bytes) },
	{ "max_probes", CFG_INT, offsetof(struct tt_config, max_probes) },
	{ "max_bpf_progs", CFG_INT, offsetof(struct tt_config, max_bpf_progs) },
	{ "missing_probes", CFG_STR,
	  offsetof(struct tt_config, missing_probes) },
	{ "cache_user_symbols", CFG_STR,
	  offsetof(struct tt_config, cache_user_symbols) },
	{ "cpp_demangle", CFG_BOOL, offsetof(struct tt_config, cpp_demangle) },
	{ "lazy_symbolication", CFG_IGNORED, 0 },
	{ "license", CFG_IGNORED, 0 },
	{ "perf_rb_pages", CFG_INT, offsetof(struct tt_config, perf_rb_pages) },
	{ "show_debug_info", CFG_BOOL,
	  offsetof(struct tt_config, show_debug_info) },
	{ "use_blazesym", CFG_IGNORED, 0 },
	{ "unstable_map_decl", CFG_IGNORED, 0 },
	{ "unstable_tseries", CFG_IGNORED, 0 },
	{ "unstable_addr", CFG_IGNORED, 0 },
	{ "unstable_macro", CFG_IGNORED, 0 },
	{ "unstable_import", CFG_IGNORED, 0 },
	{ "dummy_ts_map", CFG_IGNORED, 0 },
};

/* Values of the options tinytrace accepts and ignores, as bpftrace's
 * defaults (what config() reads). */
static const struct {
	const char *name;
	enum cfg_kind kind;
	int64_t ival;
	const char *sval;
} ignored_values[] = {
	{ "cpp_demangle", CFG_BOOL, 1, NULL },
	{ "lazy_symbolication", CFG_BOOL, 0, NULL },
	{ "license", CFG_STR, 0, "GPL" },
	{ "use_blazesym", CFG_BOOL, 0, NULL },
};

int config_value(const struct tt_config *cfg, const char *name,
		 int64_t *ival, const char **sval)
{
	const char *base = (const char *)cfg;
	for (size_t i = 0; i < ARRAY_SIZE(cfg_opts); i++) {
		if (strcmp(name, cfg_opts[i].name) != 0)
			continue;
		const void *p = base + cfg_opts[i].off;
		switch (cfg_opts[i].kind) {
		case CFG_INT:
			*ival = *(const int *)p;
			return 'i';
		case CFG_BOOL:
			*ival = *(const bool *)p;
			return 'b';
		case CFG_STR:
			*sval = *(const char *const *)p;
			if (!*sval && !strcmp(name, "missing_probes"))
				*sval = "error";
			if (!*sval) /* cache_user_symbols: symbols.h */
				*sval = cfg->cmd ? "PER_PROGRAM" : "PER_PID";
			return 's';
		case CFG_IGNORED:
			break;
		}
		for (size_t j = 0; j < ARRAY_SIZE(ignored_values); j++) {
			if (strcmp(name, ignored_values[j].name) != 0)
				continue;
			*ival = ignored_values[j].ival;
			*sval = ignored_values[j].sval;
			return "ibs"[ignored_values[j].kind];
		}
		if (!strncmp(name, "unstable_", 9)) {
			*sval = "warn";
			return 's';
		}
		return 0;
	}
	return 0;
}

/* "BPFTRACE_MAX_STRLEN", "MAX_STRLEN" and "max_strlen" name the same
 * option; returns its index or -1. */
static int cfg_find(const char *name)
{
	if (!strncasecmp(name, "BPFTRACE_", 9))
		name += 9;
	for (size_t i = 0; i < ARRAY_SIZE(cfg_opts); i++)
		if (!strcasecmp(name, cfg_opts[i].name))
			return (int)i;
	return -1;
}

/* The ring buffer's size in pages: a power of 2 (the kernel's rule for
 * its size in bytes), at most 2 GiB. */
static int check_rb_pages(int64_t pages, const char *what,
			  const struct srcloc *loc)
{
	long page = sysconf(_SC_PAGESIZE);
	int64_t max = ((int64_t)1 << 31) / (page > 0 ? page : 4096);

	if (pages >= 1 && !(pages & (pages - 1)) && pages <= max)
		return 0;
	diag_error(loc, "%s must be a power of 2 from 1 to %lld (the ring "
		   "buffer's size in pages), not %lld", what, (long long)max,
		   (long long)pages);
	return -1;
}

/* Sets option i from a script's literal (have_int, ival) or a string
 * (sval: the value of environment variable env, or an identifier in a
 * config block). */
static int cfg_set(struct tt_config *cfg, int i, const char *sval,
		   bool have_int, int64_t ival, const struct srcloc *loc,
		   const char *env)
{
	char *base = (char *)cfg;
	switch (cfg_opts[i].kind) {
	case CFG_INT:
		if (!have_int) {
			/* digits only: no sign, no base prefix, no suffix */
			char *end;
			errno = 0;
			ival = strtoll(sval, &end, 10);
			bool digits = *sval >= '0' && *sval <= '9' && !*end;
			if (env && (!digits || errno)) {
				diag_error(NULL, "Env var '%s' did not contain a "
					   "valid uint64_t, or was zero-valued.",
					   env);
				return -1;
			}
			if (!digits || errno) {
				diag_error(loc, "%s: expected an integer, got '%s'",
					   cfg_opts[i].name, sval);
				return -1;
			}
		}
		if (ival < 0 || ival > INT_MAX) {
			diag_error(env ? NULL : loc,
				   "%s: %llu is out of range (0 to %d)",
				   env ? env : cfg_opts[i].name,
				   (unsigned long long)ival, INT_MAX);
			return -1;
		}
		if (!strcmp(cfg_opts[i].name, "perf_rb_pages") &&
		    check_rb_pages(ival, env ? env : cfg_opts[i].name,
				   env ? NULL : loc) < 0)
			return -1;
		*(int *)(base + cfg_opts[i].off) = (int)ival;
		return 0;
	case CFG_BOOL:
		if (!have_int) {
			if (!strcmp(sval, "true") || !strcmp(sval, "1"))
				ival = 1;
			else if (!strcmp(sval, "false") || !strcmp(sval, "0"))
				ival = 0;
			else {
				diag_error(loc, "%s: expected a boolean, got '%s'",
					   cfg_opts[i].name, sval);
				return -1;
			}
		}
		*(bool *)(base + cfg_opts[i].off) = ival != 0;
		return 0;
	case CFG_STR:
		if (have_int)
			sval = tt_sprintf("%lld", (long long)ival);
		*(const char **)(base + cfg_opts[i].off) = tt_strdup(sval);
		return 0;
	case CFG_IGNORED:
		return 0;
	}
	return 0;
}

int config_apply(struct node *program, struct tt_config *cfg)
{
	int err = 0;
	for (int i = 0; program && i < program->args.n; i++) {
		struct node *c = program->args.v[i];
		if (c->kind != N_CONFIG)
			continue;
		for (int k = 0; k < c->args.n; k++) {
			struct node *nm = c->args.v[k];
			int idx = cfg_find(nm->name);
			if (idx < 0) {
				diag_error(&nm->loc,
					   "%s: not a known configuration option",
					   nm->name);
				err = -1;
				continue;
			}
			struct node *v = nm->a;
			if (!v)
				continue;
			/* bpftrace's checks of a script's values (the
			   environment's are strings, checked by cfg_set) */
			enum cfg_kind kind = cfg_opts[idx].kind;
			if ((kind == CFG_INT || kind == CFG_BOOL) &&
			    v->kind == N_STR) {
				diag_error(&nm->loc,
					   "Invalid type for %s. Type: string. "
					   "Expected Type: int",
					   nm->name);
				err = -1;
				continue;
			}
			if (kind == CFG_BOOL && v->kind == N_INT && v->ival > 1) {
				diag_error(&nm->loc,
					   "Invalid value for %s. Needs to be 0 "
					   "or 1. Value: %llu",
					   nm->name, (unsigned long long)v->ival);
				err = -1;
				continue;
			}
			if (!strcasecmp(cfg_opts[idx].name, "stack_mode") &&
			    (v->kind == N_BUILTIN || v->kind == N_STR)) {
				const char *m = v->kind == N_STR ? v->str
								 : v->name;
				if (strcmp(m, "bpftrace") && strcmp(m, "perf") &&
				    strcmp(m, "raw") && strcmp(m, "build_id")) {
					diag_error(&v->loc,
						   "Unknown stack mode: '%s'", m);
					err = -1;
					continue;
				}
			}
			if (v->kind == N_INT || v->kind == N_BOOL)
				err |= cfg_set(cfg, idx, NULL, true,
					       (int64_t)v->ival, &nm->loc, NULL);
			else if (v->kind == N_STR)
				err |= cfg_set(cfg, idx, v->str, false, 0,
					       &nm->loc, NULL);
			else if (v->kind == N_BUILTIN || v->kind == N_CALL)
				err |= cfg_set(cfg, idx, v->name, false, 0,
					       &nm->loc, NULL);
			else {
				diag_error(&nm->loc,
					   "Assignment for %s must be literal.",
					   nm->name);
				err = -1;
			}
		}
	}
	/* the environment wins over config blocks */
	for (size_t i = 0; i < ARRAY_SIZE(cfg_opts); i++) {
		char env[64];
		snprintf(env, sizeof(env), "BPFTRACE_%s", cfg_opts[i].name);
		for (char *p = env; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		const char *v = getenv(env);
		if (v) {
			struct srcloc none = { 0 };
			err |= cfg_set(cfg, (int)i, v, false, 0, &none, env);
		}
	}
	if (cfg->max_strlen < 1) {
		diag_error(NULL, "max_strlen must be at least 1");
		err = -1;
	}
	return err ? -1 : 0;
}
