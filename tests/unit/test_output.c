/* test_output.c — printf conversions, value printing, map printing and
 * sorting, JSON — on hand-made bytes, no kernel needed.  Types are built
 * here by hand (types.h layout rules) so the tests depend on output.c
 * alone. */
#include <criterion/criterion.h>
#include <string.h>

#include "output.h"
#include "types.h"

static struct type *mk(enum type_kind k, int size)
{
	struct type *t = calloc(1, sizeof(*t));
	t->kind = k;
	t->size = size;
	t->align = size > 8 ? 8 : (size ? size : 1);
	return t;
}

static struct type *ity(int size, bool sgn)
{
	struct type *t = mk(TY_INT, size);
	t->is_signed = sgn;
	return t;
}

static struct type *sty(int size)
{
	struct type *t = mk(TY_STR, size);
	t->align = 1;
	return t;
}

static struct type *agg(enum agg_kind a, bool sgn)
{
	struct type *t = mk(TY_AGG, a == AGG_AVG || a == AGG_STATS ||
					    a == AGG_MIN || a == AGG_MAX ? 16 : 8);
	t->agg = a;
	t->is_signed = sgn;
	return t;
}

static void add_field(struct type *t, const char *name, struct type *ft)
{
	int off = (t->size + ft->align - 1) / ft->align * ft->align;
	if (t->fields.n == t->fields.cap) {
		t->fields.cap = t->fields.cap ? 2 * t->fields.cap : 4;
		t->fields.v = realloc(t->fields.v, t->fields.cap * sizeof(struct field));
	}
	t->fields.v[t->fields.n++] = (struct field){ .name = name, .type = ft,
						     .offset = off };
	t->size = off + ft->size;
	if (ft->align > t->align)
		t->align = ft->align;
	t->size = (t->size + t->align - 1) / t->align * t->align;
}

/* A tuple type of n element types. */
static struct type *tup(int n, ...)
{
	struct type *t = mk(TY_TUPLE, 0);
	t->align = 1;
	va_list ap;
	va_start(ap, n);
	for (int i = 0; i < n; i++)
		add_field(t, NULL, va_arg(ap, struct type *));
	va_end(ap);
	return t;
}

static char *fmt(const char *f, const struct type *args, const void *data)
{
	struct strbuf sb = { 0 };
	out_printf(&sb, f, args, data);
	return sb.s ? sb.s : strdup("");
}

static char *val(const struct type *t, const void *d, bool json)
{
	struct strbuf sb = { 0 };
	out_value(&sb, t, d, json);
	return sb.s ? sb.s : strdup("");
}

static char *mapstr(const struct out_mapdata *m, uint32_t top, uint32_t div,
		    bool json)
{
	struct strbuf sb = { 0 };
	out_mapdata_print(&sb, m, top, div, json);
	return sb.s ? sb.s : strdup("");
}

/* ---- printf -------------------------------------------------------------- */

Test(printf, plain_text_and_percent)
{
	cr_assert_str_eq(fmt("hello\n", NULL, NULL), "hello\n");
	cr_assert_str_eq(fmt("100%% done", NULL, NULL), "100% done");
}

Test(printf, ints_signed_unsigned)
{
	struct type *a = tup(3, ity(8, true), ity(8, false), ity(4, true));
	struct { int64_t a; uint64_t b; int32_t c; } d = { -5, 18446744073709551615ull, -7 };
	cr_assert_str_eq(fmt("%lld|%llu|%d", a, &d), "-5|18446744073709551615|-7");
	cr_assert_str_eq(fmt("%i|%d|%u", a, &d), "-5|-1|4294967289");
	cr_assert_str_eq(fmt("%u", a, &d), "4294967291");
}

Test(printf, length_modifiers_truncate_like_c)
{
	/* bpftrace's test printf_length_modifiers */
	struct type *a = tup(4, ity(8, true), ity(8, true), ity(8, true), ity(8, true));
	int64_t x = 0x12345678abcdef;
	int64_t d[4] = { x, x, x, x };
	cr_assert_str_eq(fmt("%hhx %hx %x %jx", a, d), "ef cdef 78abcdef 12345678abcdef");
}

Test(printf, width_precision_flags)
{
	struct type *a = tup(2, sty(8), ity(8, false));
	struct { char s[8]; uint64_t v; } d = { "ba", 2 };
	cr_assert_str_eq(fmt("%5s %04x", a, &d), "   ba 0002");
	cr_assert_str_eq(fmt("[%-5s|%-4d]", a, &d), "[ba   |2   ]");
	cr_assert_str_eq(fmt("[%.1s|%#x]", a, &d), "[b|0x2]");
	cr_assert_str_eq(fmt("[%+d|%X]", tup(2, ity(8, true), ity(8, true)),
			     (int64_t[]){ 2, 0xab }), "[+2|AB]");
}

Test(printf, chars_octal_hex_upper_pointer)
{
	struct type *a = tup(4, ity(8, false), ity(8, false), ity(8, false), ity(8, false));
	uint64_t d[4] = { 0x41, 8, 0xabc, 0xffff8880deadbeefull };
	cr_assert_str_eq(fmt("%c %o %X %p", a, d), "A 10 ABC 0xffff8880deadbeef");
}

Test(printf, small_ints_and_char_args)
{
	struct type *a = tup(3, ity(1, true), ity(1, true), ity(2, false));
	struct { int8_t a, b; uint16_t c; } d = { 'h', -1, 65535 };
	cr_assert_str_eq(fmt("%c %d %d", a, &d), "h -1 65535");
}

Test(printf, s_of_ints_and_tuples)
{
	struct type *in = tup(2, ity(8, true), sty(4));
	struct type *a = tup(2, ity(8, true), in);
	struct { int64_t a; struct { int64_t x; char s[4]; char pad[4]; } t; } d = {
		-3, { 1, "abc", { 0 } } };
	cr_assert_str_eq(fmt("%s %s", a, &d), "-3 (1, abc)");
}

Test(printf, missing_args_and_unknown_conversion_print_verbatim)
{
	struct type *a = tup(1, ity(8, true));
	int64_t d = 7;
	cr_assert_str_eq(fmt("%d %d", a, &d), "7 %d");
	cr_assert_str_eq(fmt("%q", NULL, NULL), "%q");
}

/* ---- values -------------------------------------------------------------- */

Test(value, strings_and_truncation)
{
	char full[4] = { 'a', 'b', 'c', 'd' };
	cr_assert_str_eq(val(sty(8), "hi\0\0\0\0\0", false), "hi");
	cr_assert_str_eq(val(sty(4), full, false), "abcd..");
	struct tt_config cfg = { .str_trunc_trailer = "_xxx" };
	out_init(&cfg);
	cr_assert_str_eq(val(sty(4), full, false), "abcd_xxx");
	cfg.str_trunc_trailer = "..";
	out_init(&cfg);
}

Test(value, tuples_records_bools)
{
	struct type *inner = tup(2, ity(8, true), sty(3));
	struct type *t = tup(3, ity(8, true), sty(4), inner);
	struct { int64_t a; char s[4]; char pad[4]; int64_t x; char y[3]; char pad2[5]; } d = {
		1, "abc", { 0 }, -2, "", { 0 } };
	cr_assert_str_eq(val(t, &d, false), "(1, abc, (-2, ))");
	cr_assert_str_eq(val(t, &d, true), "[1,\"abc\",[-2,\"\"]]");

	struct type *r = mk(TY_RECORD, 0);
	r->align = 1;
	add_field(r, "a", ity(8, true));
	add_field(r, "b", mk(TY_BOOL, 1));
	struct { int64_t a; uint8_t b; } rd = { 5, 1 };
	cr_assert_str_eq(val(r, &rd, false), "{ .a = 5, .b = true }");
	cr_assert_str_eq(val(r, &rd, true), "{\"a\": 5, \"b\": true}");
}

Test(value, json_big_ints_are_strings)
{
	uint64_t big = 18446744073709551615ull, small = 12345;
	cr_assert_str_eq(val(ity(8, false), &big, true), "\"18446744073709551615\"");
	cr_assert_str_eq(val(ity(8, false), &small, true), "12345");
}

Test(value, json_string_escapes)
{
	struct strbuf sb = { 0 };
	const char s[] = "test \r \n \t \\ \" bar\x01";
	out_json_string(&sb, s, strlen(s));
	cr_assert_str_eq(sb.s, "\"test \\r \\n \\t \\\\ \\\" bar\\u0001\"");
}

/* ---- maps ---------------------------------------------------------------- */

/* A map with 8-byte int keys and int64 values. */
static struct out_mapdata int_map(const char *name, int n, const int64_t *k,
				  const int64_t *v)
{
	struct out_mapdata m = { .name = name, .key_type = ity(8, true),
				 .value_type = ity(8, true), .key_size = 8,
				 .stride = 8, .ncpus = 1, .n = n };
	m.keys = malloc(8 * n);
	m.values = malloc(8 * n);
	memcpy(m.keys, k, 8 * n);
	memcpy(m.values, v, 8 * n);
	return m;
}

Test(map, sorted_by_value_ties_by_key)
{
	int64_t k[] = { 3, 1, 2, 0 }, v[] = { 3, 3, 1, 3 };
	struct out_mapdata m = int_map("@", 4, k, v);
	cr_assert_str_eq(mapstr(&m, 0, 0, false), "@[2]: 1\n@[0]: 3\n@[1]: 3\n@[3]: 3\n");
	cr_assert_str_eq(mapstr(&m, 2, 0, false), "@[1]: 3\n@[3]: 3\n");
}

Test(map, negative_values_sort_signed)
{
	int64_t k[] = { 1, 2, 3 }, v[] = { 5, -1, 0 };
	struct out_mapdata m = int_map("@a", 3, k, v);
	cr_assert_str_eq(mapstr(&m, 0, 0, false), "@a[2]: -1\n@a[3]: 0\n@a[1]: 5\n");
	cr_assert_str_eq(mapstr(&m, 0, 0, true),
			 "{\"type\": \"map\", \"data\": {\"@a\": {\"2\": -1, \"3\": 0, \"1\": 5}}}\n");
}

Test(map, scalar)
{
	int64_t v = 5;
	struct out_mapdata m = { .name = "@scalar", .value_type = ity(8, true),
				 .key_size = 8, .stride = 8, .ncpus = 1, .n = 1,
				 .keys = calloc(1, 8), .values = (uint8_t *)&v };
	cr_assert_str_eq(mapstr(&m, 0, 0, false), "@scalar: 5\n");
	cr_assert_str_eq(mapstr(&m, 0, 0, true),
			 "{\"type\": \"map\", \"data\": {\"@scalar\": 5}}\n");
	m.n = 0;
	cr_assert_str_eq(mapstr(&m, 0, 0, false), "");
}

Test(map, string_values_sort_by_key_tuple_keys)
{
	/* @s["b", 1] = "x"; @s["a", 2] = "y"; @s["a", 1] = "z" */
	struct type *kt = tup(2, sty(4), ity(8, true));
	struct k { char s[4]; char pad[4]; int64_t n; } keys[3] = {
		{ "b", { 0 }, 1 }, { "a", { 0 }, 2 }, { "a", { 0 }, 1 } };
	char vals[3][4] = { "x", "y", "z" };
	struct out_mapdata m = { .name = "@s", .key_type = kt, .value_type = sty(4),
				 .key_size = 16, .stride = 4, .ncpus = 1, .n = 3,
				 .keys = (uint8_t *)keys, .values = (uint8_t *)vals };
	cr_assert_str_eq(mapstr(&m, 0, 0, false), "@s[a, 1]: z\n@s[a, 2]: y\n@s[b, 1]: x\n");
	cr_assert_str_eq(mapstr(&m, 0, 0, true),
			 "{\"type\": \"map\", \"data\": {\"@s\": {\"a,1\": \"z\", "
			 "\"a,2\": \"y\", \"b,1\": \"x\"}}}\n");
}

Test(map, percpu_count_sum_merged)
{
	/* 2 CPUs: @c[1] = 1 + 2, @c[2] = 0 + 1 */
	int64_t k[] = { 1, 2 };
	uint64_t v[] = { 1, 2, 0, 1 };
	struct out_mapdata m = { .name = "@c", .key_type = ity(8, true),
				 .value_type = agg(AGG_COUNT, false), .key_size = 8,
				 .stride = 8, .ncpus = 2, .n = 2,
				 .keys = (uint8_t *)k, .values = (uint8_t *)v };
	cr_assert_str_eq(mapstr(&m, 0, 0, false), "@c[2]: 1\n@c[1]: 3\n");
	m.value_type = agg(AGG_SUM, true);
	v[0] = (uint64_t)-10;
	cr_assert_str_eq(mapstr(&m, 0, 0, false), "@c[1]: -8\n@c[2]: 1\n");
}

Test(map, percpu_min_max_skip_unset_cpus)
{
	/* value {int64 v; uint64 set} per CPU; CPU 1 never saw the key */
	int64_t v[] = { 7, 1, 0, 0 };
	struct out_mapdata m = { .name = "@mn", .value_type = agg(AGG_MIN, true),
				 .key_size = 8, .stride = 16, .ncpus = 2, .n = 1,
				 .keys = calloc(1, 8), .values = (uint8_t *)v };
	cr_assert_str_eq(mapstr(&m, 0, 0, false), "@mn: 7\n");
	v[2] = -3;
	v[3] = 1;
	cr_assert_str_eq(mapstr(&m, 0, 0, false), "@mn: -3\n");
	m.value_type = agg(AGG_MAX, true);
	cr_assert_str_eq(mapstr(&m, 0, 0, false), "@mn: 7\n");
}

Test(map, avg_and_stats)
{
	/* stats(1), stats(2), stats(3) spread over 2 CPUs */
	uint64_t v[] = { 1, 1, 5, 2 };
	struct out_mapdata m = { .name = "@stats", .value_type = agg(AGG_STATS, false),
				 .key_size = 8, .stride = 16, .ncpus = 2, .n = 1,
				 .keys = calloc(1, 8), .values = (uint8_t *)v };
	cr_assert_str_eq(mapstr(&m, 0, 0, false),
			 "@stats: { .count = 3, .average = 2, .total = 6 }\n");
	cr_assert_str_eq(mapstr(&m, 0, 0, true),
			 "{\"type\": \"stats\", \"data\": {\"@stats\": "
			 "{\"count\": 3, \"average\": 2, \"total\": 6}}}\n");
	m.value_type = agg(AGG_AVG, false);
	cr_assert_str_eq(mapstr(&m, 0, 0, false), "@stats: 2\n");
}

Test(map, avg_top_div_like_print_args)
{
	/* @["a"] = avg(10) ... @["d"] = avg(40); print(@, 2, 10) */
	char keys[4][2] = { "c", "a", "d", "b" };
	uint64_t v[] = { 30, 1, 10, 1, 40, 1, 20, 1 };
	struct out_mapdata m = { .name = "@", .key_type = sty(2),
				 .value_type = agg(AGG_AVG, false), .key_size = 2,
				 .stride = 16, .ncpus = 1, .n = 4,
				 .keys = (uint8_t *)keys, .values = (uint8_t *)v };
	cr_assert_str_eq(mapstr(&m, 2, 10, false), "@[c]: 3\n@[d]: 4\n");
	cr_assert_str_eq(mapstr(&m, 2, 10, true),
			 "{\"type\": \"stats\", \"data\": {\"@\": {\"c\": 3, \"d\": 4}}}\n");
	cr_assert_str_eq(mapstr(&m, 10, 10, false), "@[a]: 1\n@[b]: 2\n@[c]: 3\n@[d]: 4\n");
}

Test(map, attached_and_lost_lines)
{
	struct strbuf sb = { 0 };
	out_attached(&sb, 1, false);
	out_attached(&sb, 3, false);
	out_attached(&sb, 1, true);
	out_lost(&sb, 4, false);
	cr_assert_str_eq(sb.s, "Attached 1 probe\nAttached 3 probes\n"
			       "{\"type\": \"attached_probes\", \"count\": 1, "
			       "\"data\": {\"probes\": 1}}\nLost 4 events\n");
}
