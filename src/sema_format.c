/* sema_format.c — printf-style format strings, for sema and the builtins
 * that take one (printf, errorf, warnf, cat, system, time).
 *
 * Takes a call whose format argument is a string literal and whose other
 * arguments are typed; reports (sema_err) a malformed format, a
 * conversion that does not fit its argument and a wrong argument count,
 * as bpftrace words them. */
#include <ctype.h>
#include <string.h>

#include "sema.h"
#include "types.h"

static bool printable_as_string(const struct type *t)
{
	switch (t->kind) {
	case TY_STR: case TY_KSYM: case TY_USYM: case TY_KSTACK:
	case TY_USTACK: case TY_INET: case TY_TIMESTAMP: case TY_BUFFER:
	case TY_MAC: case TY_CGROUP_PATH: case TY_STRERROR: case TY_TUPLE:
	case TY_RECORD: case TY_ARRAY: case TY_TIMEDELTA: case TY_USERNAME:
		return true;
	case TY_INT:
		return t->name != NULL; /* enums print their name */
	default:
		return false;
	}
}

static const char *kind_word(const struct type *t)
{
	switch (t->kind) {
	case TY_INT: case TY_BOOL: return "int";
	case TY_STR: return "string";
	case TY_PTR: return "pointer";
	case TY_TUPLE: return "tuple";
	case TY_RECORD: return "record";
	case TY_STRUCT: return "struct";
	case TY_ARRAY: return "array";
	case TY_BUFFER: return "buffer";
	default: return type_name(t);
	}
}

int sema_check_format(struct sema *s, struct node *call, const char *what,
		      int first)
{
	struct node *fn = call->args.v[first - 1];
	const char *f = fn->str;
	size_t len = fn->slen;
	int nargs = call->args.n - first, argi = 0;
	int bad = 0;
	for (size_t i = 0; i < len; i++) {
		if (f[i] != '%')
			continue;
		i++;
		if (i < len && f[i] == '%')
			continue;
		while (i < len && strchr("-+ #0", f[i]))
			i++;
		while (i < len && (isdigit((unsigned char)f[i]) || f[i] == '.' ||
				   f[i] == '*'))
			i++;
		while (i < len && strchr("hljzt", f[i]))
			i++;
		if (i >= len) {
			sema_err(s, &call->loc, "%s: Invalid format string: "
						"incomplete conversion at end",
				 what);
			return -1;
		}
		char conv = f[i];
		if (conv == 'r' && i + 1 < len && (f[i + 1] == 'x' || f[i + 1] == 'h'))
			i++;
		if (!strchr("diuxXocspr", conv) &&
		    !(conv == 'g' && i + 1 < len && f[i + 1] == 'r')) {
			sema_err(s, &call->loc, "%s: Unknown format string "
						"token: %%%c",
				 what, conv);
			return -1;
		}
		if (conv == 'g')
			i++;
		if (argi >= nargs) {
			argi++;
			continue;
		}
		struct type *t = call->args.v[first + argi]->type;
		argi++;
		if (!t || t->kind == TY_NONE)
			continue;
		const char *want = NULL;
		switch (conv) {
		case 's':
			if (!printable_as_string(t))
				want = "string";
			break;
		case 'r':
			if (t->kind != TY_BUFFER && t->kind != TY_STR)
				want = "buffer";
			break;
		case 'p':
			if (!type_is_int(t) && t->kind != TY_PTR)
				want = "int";
			break;
		default:
			if (!type_is_int(t) && t->kind != TY_PTR &&
			    !(t->kind == TY_TIMESTAMP) &&
			    !(t->kind == TY_AGG && t->agg != AGG_AVG &&
			      t->agg != AGG_STATS))
				want = "int";
		}
		if (want) {
			sema_err(s, &call->loc,
				 "%s: %%%c specifier expects a value of type "
				 "%s (%s supplied)",
				 what, conv, want, kind_word(t));
			bad = 1;
		}
	}
	if (argi > nargs) {
		sema_err(s, &call->loc,
			 "%s: Not enough arguments for format string (%d "
			 "supplied, %d expected)",
			 what, nargs, argi);
		return -1;
	}
	if (argi < nargs) {
		sema_err(s, &call->loc,
			 "%s: Too many arguments for format string (%d "
			 "supplied, %d expected)",
			 what, nargs, argi);
		return -1;
	}
	return bad ? -1 : 0;
}
