/* config.h — the settings a script runs with (struct tt_config, prog.h):
 * defaults, then the command line (main.c), then `config = { ... }` blocks
 * in the script, then BPFTRACE_* environment variables, which win.
 *
 * An option has three spellings: max_strlen in a config block,
 * BPFTRACE_MAX_STRLEN in the environment, and MAX_STRLEN (any case) in a
 * config block too.  Options bpftrace has and tinytrace does not need are
 * accepted and ignored (license, cpp_demangle, ...). */
#ifndef CONFIG_H
#define CONFIG_H

#include "prog.h"

struct node;

/* bpftrace's defaults: max_strlen 1024, max_map_keys 4096, ... */
void config_defaults(struct tt_config *cfg);

/* Applies the config = { } blocks of program (an N_PROGRAM; NULL for
 * none), then BPFTRACE_* environment variables.  Unknown names are errors
 * ("bad_config: not a known configuration option"), and so are values of
 * the wrong kind.  Returns 0, or -1 after reporting every error. */
int config_apply(struct node *program, struct tt_config *cfg);

/* The value of option name (its config-block spelling) for config():
 * 'i' with *ival for a number, 'b' with *ival 0/1 for a bool, 's' with
 * *sval for a string; 0 when there is no such option. */
int config_value(const struct tt_config *cfg, const char *name,
		 int64_t *ival, const char **sval);

#endif
