/* types.c — constructors, layout, equality and bpftrace-style names of the
 * types in types.h.
 *
 * Takes nothing but arguments; produces arena-allocated struct type values
 * (simple ones are shared singletons, so never modify a type you did not
 * just create).  Layout follows C: each field at the next multiple of its
 * alignment, the whole rounded up to the largest alignment. */
#include "types.h"

#include <limits.h>
#include <string.h>

struct type *type_new(enum type_kind k, int size, int align)
{
	struct type *t = tt_alloc(sizeof(*t));
	t->kind = k;
	t->size = size;
	t->align = align ? align : 1;
	return t;
}

struct type *type_void(void)
{
	static struct type t = { .kind = TY_VOID, .align = 1 };
	return &t;
}

struct type *type_none(void)
{
	static struct type t = { .kind = TY_NONE, .align = 1 };
	return &t;
}

struct type *type_int(int size, bool is_signed)
{
	static struct type ints[2][4] = {
		{ { .kind = TY_INT, .size = 1, .align = 1 },
		  { .kind = TY_INT, .size = 2, .align = 2 },
		  { .kind = TY_INT, .size = 4, .align = 4 },
		  { .kind = TY_INT, .size = 8, .align = 8 } },
		{ { .kind = TY_INT, .size = 1, .align = 1, .is_signed = true },
		  { .kind = TY_INT, .size = 2, .align = 2, .is_signed = true },
		  { .kind = TY_INT, .size = 4, .align = 4, .is_signed = true },
		  { .kind = TY_INT, .size = 8, .align = 8, .is_signed = true } },
	};
	int i = size <= 1 ? 0 : size <= 2 ? 1 : size <= 4 ? 2 : 3;
	return &ints[is_signed][i];
}

struct type *type_int_lit(int size)
{
	static struct type lits[4] = {
		{ .kind = TY_INT, .size = 1, .align = 1, .is_signed = true,
		  .is_lit = true },
		{ .kind = TY_INT, .size = 2, .align = 2, .is_signed = true,
		  .is_lit = true },
		{ .kind = TY_INT, .size = 4, .align = 4, .is_signed = true,
		  .is_lit = true },
		{ .kind = TY_INT, .size = 8, .align = 8, .is_signed = true,
		  .is_lit = true },
	};
	int i = size <= 1 ? 0 : size <= 2 ? 1 : size <= 4 ? 2 : 3;
	return &lits[i];
}

struct type *type_bool(void)
{
	static struct type t = { .kind = TY_BOOL, .size = 1, .align = 1 };
	return &t;
}

struct type *type_str(int size)
{
	return type_new(TY_STR, size, 1);
}

struct type *type_ptr(struct type *elem, enum addrspace as)
{
	struct type *t = type_new(TY_PTR, 8, 8);
	t->elem = elem;
	t->as = as;
	return t;
}

struct type *type_array(struct type *elem, int nelem)
{
	/* callers check sizes against their limits; never overflow here */
	int64_t size = (int64_t)elem->size * nelem;
	if (size < 0 || size > INT_MAX)
		size = INT_MAX;
	struct type *t = type_new(TY_ARRAY, (int)size, elem->align);
	t->elem = elem;
	t->nelem = nelem;
	return t;
}

static int align_up(int x, int a)
{
	return a > 1 ? (x + a - 1) / a * a : x;
}

void type_add_field(struct type *t, const char *name, struct type *ft,
		    int offset)
{
	int fa = ft->align ? ft->align : 1;
	if (offset < 0) {
		offset = t->is_union ? 0 : align_up(t->size, fa);
		if (fa > t->align)
			t->align = fa;
		int end = offset + ft->size;
		if (end > t->size)
			t->size = end;
		t->size = align_up(t->size, t->align);
	} else if (offset + ft->size > t->size) {
		t->size = offset + ft->size;
	}
	struct field f = { .name = name, .type = ft, .offset = offset };
	vec_push(&t->fields, f);
}

struct type *type_tuple(struct type **elems, int n)
{
	struct type *t = type_new(TY_TUPLE, 0, 1);
	for (int i = 0; i < n; i++)
		type_add_field(t, NULL, elems[i], -1);
	return t;
}

struct type *type_record(const char **names, struct type **elems, int n)
{
	struct type *t = type_new(TY_RECORD, 0, 1);
	for (int i = 0; i < n; i++)
		type_add_field(t, names[i], elems[i], -1);
	return t;
}

struct type *type_struct(const char *name, bool is_union)
{
	struct type *t = type_new(TY_STRUCT, 0, 1);
	t->name = name;
	t->is_union = is_union;
	return t;
}

struct type *type_agg(enum agg_kind agg, struct type *elem)
{
	int size = (agg == AGG_COUNT || agg == AGG_SUM) ? 8 : 16;
	struct type *t = type_new(TY_AGG, size, 8);
	t->agg = agg;
	t->elem = elem;
	t->is_signed = elem && elem->kind == TY_INT && elem->is_signed;
	return t;
}

struct type *type_enum_as(const struct type *t, int size, bool is_signed)
{
	struct type *r = type_new(TY_INT, size, size);
	r->is_signed = is_signed;
	r->name = t->name;
	r->enums = t->enums;
	return r;
}

void type_enum_add(struct type *t, const char *name, int64_t value)
{
	struct enumerator_vec *e = (struct enumerator_vec *)t->enums;
	if (!e) {
		e = tt_alloc(sizeof(*e));
		t->enums = e;
	}
	if (e->n == e->cap) { /* in the arena: types outlive no arena */
		int cap = e->cap ? 2 * e->cap : 8;
		struct enumerator *v = tt_alloc(sizeof(*v) * cap);
		if (e->n)
			memcpy(v, e->v, sizeof(*v) * e->n);
		e->v = v;
		e->cap = cap;
	}
	e->v[e->n++] = (struct enumerator){ name, value };
}

const char *type_enum_name(const struct type *t, uint64_t v)
{
	if (!t || t->kind != TY_INT || !t->name || !t->enums)
		return NULL;
	uint64_t mask = t->size >= 8 ? ~0ull : (1ull << (8 * t->size)) - 1;
	for (int i = 0; i < t->enums->n; i++)
		if (((uint64_t)t->enums->v[i].value & mask) == (v & mask))
			return t->enums->v[i].name;
	return NULL;
}

bool type_equal(const struct type *a, const struct type *b)
{
	if (a == b)
		return true;
	if (!a || !b || a->kind != b->kind)
		return false;
	switch (a->kind) {
	case TY_INT:
		return a->size == b->size && a->is_signed == b->is_signed;
	case TY_STR:
		return a->size == b->size;
	case TY_PTR:
		return type_equal(a->elem, b->elem);
	case TY_ARRAY:
		return a->nelem == b->nelem && type_equal(a->elem, b->elem);
	case TY_STRUCT:
		if (a->name && b->name)
			return a->is_union == b->is_union &&
			       !strcmp(a->name, b->name);
		return false;
	case TY_TUPLE:
	case TY_RECORD:
		if (a->fields.n != b->fields.n)
			return false;
		for (int i = 0; i < a->fields.n; i++) {
			const struct field *fa = &a->fields.v[i],
					   *fb = &b->fields.v[i];
			if ((fa->name || fb->name) &&
			    (!fa->name || !fb->name || strcmp(fa->name, fb->name)))
				return false;
			if (!type_equal(fa->type, fb->type))
				return false;
		}
		return true;
	case TY_AGG:
		return a->agg == b->agg;
	case TY_KSTACK:
	case TY_USTACK:
		return a->nelem == b->nelem && a->stack_mode == b->stack_mode;
	default:
		return a->size == b->size;
	}
}

bool type_is_int(const struct type *t)
{
	return t && (t->kind == TY_INT || t->kind == TY_BOOL);
}

static void name_into(struct strbuf *b, const struct type *t)
{
	if (!t) {
		sb_puts(b, "none");
		return;
	}
	switch (t->kind) {
	case TY_NONE: sb_puts(b, "none"); return;
	case TY_VOID: sb_puts(b, "void"); return;
	case TY_INT:
		if (t->name) /* enum-typed */
			sb_printf(b, "enum %s", t->name);
		else
			sb_printf(b, "%sint%d", t->is_signed ? "" : "u",
				  t->size * 8);
		return;
	case TY_BOOL: sb_puts(b, "bool"); return;
	case TY_STR: sb_printf(b, "string[%d]", t->size); return;
	case TY_PTR:
		name_into(b, t->elem);
		sb_puts(b, " *");
		return;
	case TY_ARRAY:
		name_into(b, t->elem);
		sb_printf(b, "[%d]", t->nelem);
		return;
	case TY_STRUCT:
		sb_printf(b, "%s %s", t->is_union ? "union" : "struct",
			  t->name ? t->name : "<anon>");
		return;
	case TY_TUPLE:
	case TY_RECORD:
		sb_putc(b, '(');
		for (int i = 0; i < t->fields.n; i++) {
			if (i)
				sb_putc(b, ',');
			if (t->kind == TY_RECORD)
				sb_printf(b, "%s=", t->fields.v[i].name);
			name_into(b, t->fields.v[i].type);
		}
		sb_putc(b, ')');
		return;
	case TY_AGG: {
		static const char *const names[] = {
			[AGG_NONE] = "agg_t",   [AGG_COUNT] = "count_t",
			[AGG_SUM] = "sum_t",    [AGG_MIN] = "min_t",
			[AGG_MAX] = "max_t",    [AGG_AVG] = "avg_t",
			[AGG_STATS] = "stats_t", [AGG_HIST] = "hist_t",
			[AGG_LHIST] = "lhist_t", [AGG_TSERIES] = "tseries_t",
		};
		sb_puts(b, names[t->agg]);
		return;
	}
	case TY_CTX: sb_puts(b, "ctx"); return;
	case TY_KSYM: sb_puts(b, "ksym_t"); return;
	case TY_USYM: sb_puts(b, "usym_t"); return;
	case TY_KSTACK: sb_puts(b, "kstack_t"); return;
	case TY_USTACK: sb_puts(b, "ustack_t"); return;
	case TY_INET: sb_puts(b, "inet"); return;
	case TY_TIMESTAMP: sb_puts(b, "timestamp"); return;
	case TY_BUFFER: sb_printf(b, "buffer[%d]", t->size); return;
	case TY_MAC: sb_puts(b, "macaddr_t"); return;
	case TY_CGROUP_PATH: sb_puts(b, "cgroup_path_t"); return;
	case TY_STRERROR: sb_puts(b, "strerror_t"); return;
	case TY_TIMEDELTA: sb_puts(b, "timedelta"); return;
	case TY_USERNAME: sb_puts(b, "username"); return;
	}
	sb_puts(b, "?");
}

const char *type_name(const struct type *t)
{
	struct strbuf b = { 0 };
	name_into(&b, t);
	char *s = tt_strdup(b.s ? b.s : "");
	sb_free(&b);
	return s;
}

const struct field *type_field(const struct type *t, const char *name)
{
	if (!t)
		return NULL;
	for (int i = 0; i < t->fields.n; i++)
		if (t->fields.v[i].name && !strcmp(t->fields.v[i].name, name))
			return &t->fields.v[i];
	return NULL;
}

const struct field *type_find_field(struct type *t, const char *name,
				    int *offset)
{
	if (!t)
		return NULL;
	for (int i = 0; i < t->fields.n; i++) {
		struct field *f = &t->fields.v[i];
		if (f->name && !strcmp(f->name, name)) {
			*offset = f->offset;
			return f;
		}
	}
	for (int i = 0; i < t->fields.n; i++) {
		struct field *f = &t->fields.v[i];
		if (f->name || f->type->kind != TY_STRUCT)
			continue;
		int inner;
		const struct field *r = type_find_field(f->type, name, &inner);
		if (r) {
			*offset = f->offset + inner;
			return r;
		}
	}
	return NULL;
}
