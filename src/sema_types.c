/* sema_types.c — sema's type rules and type names.
 *
 * The rules sema.h lists for literals and for widening variables, maps
 * and ?: branches (sema_int_literal_type, sema_promote), and the C type
 * names a script writes in casts, let declarations, sizeof and offsetof
 * (sema_resolve_ctype): integer names, bool, string[N], arrays, pointers,
 * the script's own definitions and kernel types (BTF). */
#include <limits.h>
#include <string.h>

#include "btf.h"
#include "cdecl.h"
#include "probes.h"
#include "sema_impl.h"
#include "types.h"

struct type *sema_int_literal_type(uint64_t v, bool negative)
{
	if (negative) {
		/* value is -v */
		if (v <= 128)
			return type_int(1, true);
		if (v <= 32768)
			return type_int(2, true);
		if (v <= 2147483648ull)
			return type_int(4, true);
		return type_int(8, true);
	}
	if (v <= 127)
		return type_int_lit(1);
	if (v <= 32767)
		return type_int_lit(2);
	if (v <= 2147483647ull)
		return type_int_lit(4);
	if (v <= (uint64_t)INT64_MAX)
		return type_int_lit(8);
	return type_int(8, false);
}

static struct type *promote_int(struct type *a, struct type *b)
{
	if (a->kind == TY_BOOL && b->kind == TY_BOOL)
		return a;
	if (a->kind == TY_BOOL)
		a = type_int(1, false);
	if (b->kind == TY_BOOL)
		b = type_int(1, false);
	if (a->is_lit && b->is_lit)
		return a->size >= b->size ? a : b;
	if (a->is_lit || b->is_lit) {
		/* a non-negative literal takes the other side's sign: its
		   value fits an unsigned type of its size too */
		struct type *o = a->is_lit ? b : a;
		int size = a->size >= b->size ? a->size : b->size;
		return size == o->size ? o : type_int(size, o->is_signed);
	}
	if (a->is_signed == b->is_signed)
		return a->size >= b->size ? a : b;
	struct type *s = a->is_signed ? a : b, *u = a->is_signed ? b : a;
	if (s->size > u->size)
		return s;
	/* the smallest signed type holding both, or int64 when none
	   does (language.md: "the resulting type is an int64") */
	return type_int(u->size < 8 ? u->size * 2 : 8, true);
}

bool sema_lit_differs(const struct type *a, const struct type *b)
{
	if (!a || !b || a->kind != b->kind)
		return false;
	if (a->kind == TY_INT)
		return a->is_lit != b->is_lit;
	if (a->kind != TY_TUPLE && a->kind != TY_RECORD)
		return false;
	for (int i = 0; i < a->fields.n && i < b->fields.n; i++)
		if (sema_lit_differs(a->fields.v[i].type, b->fields.v[i].type))
			return true;
	return false;
}

struct type *sema_promote(struct type *a, struct type *b)
{
	if (is_none(a))
		return b;
	if (is_none(b))
		return a;
	if (type_is_int(a) && type_is_int(b))
		return promote_int(a, b);
	if (a->kind != b->kind)
		return NULL;
	switch (a->kind) {
	case TY_STR:
		return a->size >= b->size ? a : b;
	case TY_RECORD:
	case TY_TUPLE: {
		if (a->fields.n != b->fields.n)
			return NULL;
		/* record fields pair up by name, in a's order */
		const struct field **bf = tt_alloc(sizeof(*bf) * (a->fields.n + 1));
		for (int i = 0; i < a->fields.n; i++) {
			bf[i] = a->kind == TY_RECORD
					? type_field(b, a->fields.v[i].name)
					: &b->fields.v[i];
			if (!bf[i])
				return NULL;
		}
		struct type **el = tt_alloc(sizeof(*el) * (a->fields.n + 1));
		bool same = true;
		for (int i = 0; i < a->fields.n; i++) {
			el[i] = sema_promote(a->fields.v[i].type, bf[i]->type);
			if (!el[i])
				return NULL;
			if (el[i] != a->fields.v[i].type)
				same = false;
		}
		if (same)
			return a;
		if (a->kind == TY_TUPLE)
			return type_tuple(el, a->fields.n);
		const char **names = tt_alloc(sizeof(*names) * (a->fields.n + 1));
		for (int i = 0; i < a->fields.n; i++)
			names[i] = a->fields.v[i].name;
		return type_record(names, el, a->fields.n);
	}
	default:
		return type_equal(a, b) ? a : NULL;
	}
}

/* t, or when t is a pointer of no address space yet (from a script
 * definition), the same pointer into `as`. */
struct type *sema_with_as(struct type *t, enum addrspace as)
{
	if (t->kind != TY_PTR || t->as != AS_NONE || as == AS_NONE)
		return t;
	return type_ptr(t->elem, as);
}

/* Pointers made by casts in user-space probes point into user memory. */
enum addrspace sema_default_as(struct sema *s)
{
	return prov_has(sema_ap(s), PF_USER) ? AS_USER : AS_KERNEL;
}

/* A type name in a cast or let: the integer types, bool, string[N],
 * pointers to them, kernel structs and typedefs (BTF). */
struct type *sema_resolve_ctype(struct sema *s, struct ctype *ct)
{
	static const struct { const char *name; int size; bool sign; } ints[] = {
		{ "int8", 1, true },   { "uint8", 1, false },
		{ "int16", 2, true },  { "uint16", 2, false },
		{ "int32", 4, true },  { "uint32", 4, false },
		{ "int64", 8, true },  { "uint64", 8, false },
		{ "int8_t", 1, true }, { "uint8_t", 1, false },
		{ "int16_t", 2, true }, { "uint16_t", 2, false },
		{ "int32_t", 4, true }, { "uint32_t", 4, false },
		{ "int64_t", 8, true }, { "uint64_t", 8, false },
		{ "char", 1, true },   { "unsigned char", 1, false },
		{ "short", 2, true },  { "unsigned short", 2, false },
		{ "int", 4, true },    { "unsigned int", 4, false },
		{ "unsigned", 4, false }, { "long", 8, true },
		{ "unsigned long", 8, false }, { "long long", 8, true },
		{ "unsigned long long", 8, false }, { "size_t", 8, false },
		{ "u8", 1, false }, { "u16", 2, false }, { "u32", 4, false },
		{ "u64", 8, false }, { "s8", 1, true }, { "s16", 2, true },
		{ "s32", 4, true }, { "s64", 8, true },
	};
	const char *t = ct->text;
	if (!strcmp(t, "typeof") && ct->expr) {
		struct type *et = sema_expr(s, ct->expr);
		return et;
	}
	size_t tl = strlen(t);
	const char *br = strrchr(t, '[');
	if (tl && t[tl - 1] == ']' && br && strncmp(t, "string[", 7) &&
	    strncmp(t, "buffer[", 7)) {
		/* T[N], T[] (nelem 0: the cast gives the size) */
		size_t k = (size_t)(br - t);
		while (k && t[k - 1] == ' ')
			k--;
		struct ctype inner = { .text = tt_strndup(t, k), .loc = ct->loc };
		struct type *elem = sema_resolve_ctype(s, &inner);
		if (is_none(elem))
			return type_none();
		long long nelem = strtoll(br + 1, NULL, 0);
		if (nelem < 0 || (elem->size && nelem > INT_MAX / elem->size)) {
			sema_err(s, &ct->loc, "Array too large: %s", t);
			return type_none();
		}
		return type_array(elem, (int)nelem);
	}
	if (tl && t[tl - 1] == '*') {
		/* T * : the pointee, then the pointer */
		size_t k = tl - 1;
		while (k && t[k - 1] == ' ')
			k--;
		struct ctype inner = { .text = tt_strndup(t, k), .loc = ct->loc };
		struct type *elem;
		if (!strcmp(inner.text, "void"))
			elem = type_void();
		else
			elem = sema_resolve_ctype(s, &inner);
		if (is_none(elem))
			return type_none();
		return type_ptr(elem, sema_default_as(s));
	}
	if (!strncmp(t, "const ", 6) || !strncmp(t, "volatile ", 9)) {
		struct ctype inner = { .text = strchr(t, ' ') + 1,
				       .loc = ct->loc };
		return sema_resolve_ctype(s, &inner);
	}
	for (size_t i = 0; i < ARRAY_SIZE(ints); i++)
		if (!strcmp(t, ints[i].name))
			return type_int(ints[i].size, ints[i].sign);
	if (!strcmp(t, "bool"))
		return type_bool();
	if (!strcmp(t, "string"))
		return type_str(sema_cfg(s)->max_strlen);
	int n;
	char tail;
	if (sscanf(t, "string[%d%c", &n, &tail) == 2 && tail == ']' && n > 0)
		return type_str(n);
	/* buffer[N]: N bytes of data after a uint32 length (types.h) */
	if (sscanf(t, "buffer[%d%c", &n, &tail) == 2 && tail == ']' && n > 0 &&
	    n <= INT_MAX - 4)
		return type_new(TY_BUFFER, 4 + n, 4);
	/* the script's struct/union/enum/typedef definitions, then BTF */
	struct type *ty = cdecl_lookup(t);
	if (ty && ty->kind != TY_NONE && ty->kind != TY_VOID)
		return ty;
	if (!strncmp(t, "struct ", 7) || !strncmp(t, "union ", 6) ||
	    !strncmp(t, "enum ", 5)) {
		if (!btf_available())
			sema_err(s, &ct->loc,
				 "Cannot resolve unknown type \"%s\": this "
				 "kernel has no BTF; define it in the script",
				 t);
		else
			sema_err(s, &ct->loc,
				 "Cannot resolve unknown type \"%s\"", t);
		return type_none();
	}
	sema_err(s, &ct->loc, "Cannot resolve unknown type \"%s\"", t);
	return type_none();
}
