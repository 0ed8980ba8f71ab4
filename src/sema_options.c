/* sema_options.c — the script's named options: getopt(), for sema.
 *
 * Takes: a getopt(name[, default[, description]]) call and the named
 * parameters of the command line (`-- --name[=value]`, tt_config).
 * Produces: the call rewritten into the literal of its value (a bool, an
 * int64 or a string: a compile-time value, as in bpftrace), and the
 * option in sema_result.options, from which --help lists them and the
 * command line is checked for options the script does not have
 * (sema_options_check, after sema).
 *
 * config().NAME and config.NAME (the config variables of language.md,
 * as the script runs with them) are compile-time values too: the field
 * access becomes the literal.
 *
 * The type is the default's: none (a flag, false unless given), true or
 * false, an integer or a string.  A flag is true when given bare or as
 * =true or =1, false as =false or =0. */
#include "sema_impl.h"

#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[] = { "BOOL", "INT", "STRING" };

/* An integer literal, negative ones included: its value in *v. */
static bool int_literal(const struct node *n, int64_t *v)
{
	if (n->kind == N_INT && n->ival <= INT64_MAX) {
		*v = (int64_t)n->ival;
		return true;
	}
	if (n->kind == N_UNOP && n->op == '-' && n->a->kind == N_INT &&
	    n->a->ival <= (uint64_t)INT64_MAX + 1) {
		*v = (int64_t)(0 - n->a->ival);
		return true;
	}
	return false;
}

/* The value the command line gives option name: "name=value" -> "value"
 * (*bare false), a bare "name" -> "" (*bare true), NULL when not given
 * (the last one counts). */
static const char *given(const struct tt_config *c, const char *name,
			 bool *bare)
{
	const char *v = NULL;
	size_t n = strlen(name);
	for (int i = 0; i < c->nnamed_params; i++) {
		const char *p = c->named_params[i];
		if (strncmp(p, name, n) != 0 || (p[n] && p[n] != '='))
			continue;
		*bare = !p[n];
		v = *bare ? "" : p + n + 1;
	}
	return v;
}

/* Rewrites n into the literal `lit`; for an int, a cast to int64 around
 * it. */
static void become(struct node *n, struct node *lit, bool int64)
{
	struct srcloc loc = n->loc;
	if (int64) {
		struct node *c = ast_new(N_CAST, &loc);
		c->ctype = tt_alloc(sizeof(*c->ctype));
		c->ctype->text = "int64";
		c->ctype->loc = loc;
		c->a = lit;
		lit = c;
	}
	*n = *lit;
	n->loc = loc;
}

/* Records the option (once per name; a second getopt of a name must agree
 * on the type).  False after an error. */
static bool declare(struct sema *s, const struct node *n, const char *name,
		    enum sema_opt_kind kind, const char *dflt,
		    const char *desc)
{
	struct sema_result *r = sema_res(s);
	for (int i = 0; i < r->options.n; i++) {
		struct sema_option *o = &r->options.v[i];
		if (strcmp(o->name, name) != 0)
			continue;
		if (o->kind != kind) {
			sema_err(s, &n->loc,
				 "getopt(\"%s\") is already a %s option "
				 "(%s:%d); this one is a %s",
				 name, kind_names[o->kind], o->loc.src->name,
				 o->loc.line, kind_names[kind]);
			return false;
		}
		if (!o->desc)
			o->desc = desc;
		return true;
	}
	struct sema_option o = { name, kind, dflt, desc, n->loc };
	vec_push(&r->options, o);
	return true;
}

struct type *sema_getopt(struct sema *s, struct node *n)
{
	int na = n->args.n;
	for (int i = 0; i < na; i++)
		if (is_none(sema_expr(s, n->args.v[i])))
			return type_none();
	const struct node *a = n->args.v[0];
	const struct node *d = na > 1 ? n->args.v[1] : NULL;
	const struct node *ds = na > 2 ? n->args.v[2] : NULL;
	if (a->kind != N_STR || !a->str[0] || a->str[strcspn(a->str, "= ")]) {
		sema_err(s, &a->loc,
			 "getopt() expects an option name as its first "
			 "argument: a string literal without '=' or spaces");
		return type_none();
	}
	if (ds && ds->kind != N_STR) {
		sema_err(s, &ds->loc,
			 "getopt() expects a string literal as the option's "
			 "description");
		return type_none();
	}
	int64_t iv = 0;
	enum sema_opt_kind kind;
	if (!d || d->kind == N_BOOL)
		kind = OPT_BOOL;
	else if (int_literal(d, &iv))
		kind = OPT_INT;
	else if (d->kind == N_STR)
		kind = OPT_STR;
	else {
		sema_err(s, &d->loc,
			 "getopt() expects a literal default value: true, "
			 "false, an integer or a string");
		return type_none();
	}

	bool bare = false;
	const char *name = a->str, *v = given(sema_cfg(s), name, &bare);
	const char *dflt = kind == OPT_BOOL ? (d && d->ival ? "true" : "false")
			 : kind == OPT_INT ? tt_sprintf("%" PRId64, iv)
					   : d->str;
	if (!declare(s, n, name, kind, dflt, ds ? ds->str : NULL))
		return type_none();
	struct node *lit;
	switch (kind) {
	case OPT_BOOL: {
		bool b = d && d->ival;
		if (v && (!*v || !strcmp(v, "true") || !strcmp(v, "1")))
			b = true;
		else if (v && (!strcmp(v, "false") || !strcmp(v, "0")))
			b = false;
		else if (v) {
			sema_err(s, &n->loc,
				 "Program option --%s is a bool: its value "
				 "must be true, false, 1 or 0, not '%s'",
				 name, v);
			return type_none();
		}
		lit = ast_new(N_BOOL, &n->loc);
		lit->ival = b;
		break;
	}
	case OPT_INT:
		if (bare) {
			sema_err(s, &n->loc,
				 "Program option --%s needs a value: "
				 "--%s=INT",
				 name, name);
			return type_none();
		}
		if (v) {
			char *end;
			errno = 0;
			long long x = strtoll(v, &end, 0);
			if (!*v || *end || errno) {
				sema_err(s, &n->loc,
					 "Program option --%s is an integer: "
					 "'%s' is not one",
					 name, v);
				return type_none();
			}
			iv = x;
		}
		lit = ast_new(N_INT, &n->loc);
		lit->ival = (uint64_t)iv;
		if (iv < 0) { /* -N as the parser writes it */
			struct node *neg = ast_new(N_UNOP, &n->loc);
			neg->op = '-';
			neg->a = lit;
			lit->ival = 0 - (uint64_t)iv;
			lit = neg;
		}
		break;
	default:
		if (bare) {
			sema_err(s, &n->loc,
				 "Program option --%s needs a value: "
				 "--%s=STRING",
				 name, name);
			return type_none();
		}
		lit = ast_new(N_STR, &n->loc);
		lit->str = v ? v : d->str;
		lit->slen = strlen(lit->str);
		break;
	}
	become(n, lit, kind == OPT_INT);
	return sema_expr(s, n);
}

/* ---- config() ---- */

static bool is_config(const struct node *n)
{
	return (n->kind == N_CALL || n->kind == N_BUILTIN) && !n->args.n &&
	       (!strcmp(n->name, "config") ||
		!strcmp(n->name, "__builtin_config"));
}

bool sema_config_field(struct sema *s, struct node *n)
{
	if (n->kind != N_FIELD || n->is_arrow || !is_config(n->a))
		return false;
	int64_t iv = 0;
	const char *sv = NULL;
	struct node *lit;
	switch (config_value(sema_cfg(s), n->name, &iv, &sv)) {
	case 'i':
		lit = ast_new(N_INT, &n->loc);
		lit->ival = (uint64_t)iv;
		break;
	case 'b':
		lit = ast_new(N_BOOL, &n->loc);
		lit->ival = iv != 0;
		break;
	case 's':
		lit = ast_new(N_STR, &n->loc);
		lit->str = sv;
		lit->slen = strlen(sv);
		break;
	default:
		sema_err(s, &n->loc, "config has no field '%s' (the config "
				     "variables of language.md: max_strlen, "
				     "stack_mode, ...)",
			 n->name);
		return false;
	}
	become(n, lit, lit->kind == N_INT);
	return true;
}

struct type *sema_config(struct sema *s, struct node *n)
{
	sema_err(s, &n->loc, "config is read one value at a time: "
			     "config.NAME or config().NAME");
	return type_none();
}

int sema_options_check(const struct sema_result *r,
		       const struct tt_config *c, FILE *help)
{
	for (int i = 0; i < c->nnamed_params; i++) {
		if (strcmp(c->named_params[i], "help") != 0)
			continue;
		fputs("PROGRAM OPTIONS:\n", help);
		if (!r->options.n)
			fputs("    (this script has none: it uses no "
			      "getopt())\n",
			      help);
		for (int j = 0; j < r->options.n; j++) {
			const struct sema_option *o = &r->options.v[j];
			const char *spec =
				o->kind == OPT_BOOL
					? tt_sprintf("--%s", o->name)
					: tt_sprintf("--%s=%s", o->name,
						     kind_names[o->kind]);
			fprintf(help, "    %-24s %s%s(default: %s%s%s)\n", spec,
				o->desc ? o->desc : "", o->desc ? " " : "",
				o->kind == OPT_STR ? "\"" : "", o->dflt,
				o->kind == OPT_STR ? "\"" : "");
		}
		return 1;
	}
	int bad = 0;
	for (int i = 0; i < c->nnamed_params; i++) {
		const char *p = c->named_params[i];
		size_t k = strcspn(p, "=");
		bool known = false;
		for (int j = 0; j < r->options.n; j++)
			if (strlen(r->options.v[j].name) == k &&
			    !strncmp(r->options.v[j].name, p, k))
				known = true;
		if (!known) {
			diag_error(NULL,
				   "Unexpected program option: --%.*s (the "
				   "script's options: -- --help)",
				   (int)k, p);
			bad++;
		}
	}
	return bad ? -1 : 0;
}
