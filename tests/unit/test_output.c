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

/* A width or precision nobody means (fuzzing found "%99999999999d", which
 * used to pad for minutes) is printed as written and skips its argument. */
Test(printf, absurd_width_is_printed_as_written)
{
	struct type *a = tup(2, ity(8, true), ity(8, true));
	int64_t d[] = { 42, 7 };
	cr_assert_str_eq(fmt("[%99999999999d] [%3d]", a, d),
			 "[%99999999999d] [  7]");
	cr_assert_str_eq(fmt("[%.70000d] [%d]", a, d), "[%.70000d] [7]");
	cr_assert_str_eq(fmt("[%65536d]", a, d) + 65530, "     42]");
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

/* Conversions without flags, width or precision are formatted without the
 * C library's printf (put_conv_plain): the same text as C's printf of the
 * value cast the way the length modifier says, for every length and for
 * values at the edges of every size. */
Test(printf, plain_conversions_match_c_printf)
{
	static const uint64_t vals[] = {
		0, 1, 7, 8, 9, 10, 99, 100, 127, 128, 255, 256, 32767, 32768,
		65535, 65536, 0x7fffffff, 0x80000000ull, 0xffffffffull,
		0x100000000ull, 0x12345678abcdefull, 9007199254740993ull,
		0x7fffffffffffffffull, 0x8000000000000000ull,
		0xfffffffffffffffeull, 0xffffffffffffffffull,
		(uint64_t)-100, (uint64_t)-129, (uint64_t)-32769,
	};
	static const char *const lens[] = { "", "hh", "h", "l", "ll", "j",
					    "z", "t" };
	const char convs[] = "diuoxX";
	struct type *a = tup(1, ity(8, false));

	for (size_t v = 0; v < sizeof(vals) / sizeof(vals[0]); v++)
		for (size_t l = 0; l < sizeof(lens) / sizeof(lens[0]); l++)
			for (const char *c = convs; *c; c++) {
				char f[16], want[64];
				uint64_t x = vals[v];
				bool sgn = *c == 'd' || *c == 'i';
				snprintf(f, sizeof(f), "<%%%s%c>", lens[l], *c);
				if (!strcmp(lens[l], "hh"))
					snprintf(want, sizeof(want),
						 sgn ? "<%hhd>" : *c == 'u' ? "<%hhu>"
						 : *c == 'o' ? "<%hho>" : *c == 'x'
						 ? "<%hhx>" : "<%hhX>",
						 sgn ? (int)(signed char)x
						     : (int)(unsigned char)x);
				else if (!strcmp(lens[l], "h"))
					snprintf(want, sizeof(want),
						 sgn ? "<%hd>" : *c == 'u' ? "<%hu>"
						 : *c == 'o' ? "<%ho>" : *c == 'x'
						 ? "<%hx>" : "<%hX>",
						 sgn ? (int)(short)x
						     : (int)(unsigned short)x);
				else if (!lens[l][0])
					snprintf(want, sizeof(want),
						 sgn ? "<%d>" : *c == 'u' ? "<%u>"
						 : *c == 'o' ? "<%o>" : *c == 'x'
						 ? "<%x>" : "<%X>",
						 (unsigned)x);
				else
					snprintf(want, sizeof(want),
						 sgn ? "<%lld>" : *c == 'u' ? "<%llu>"
						 : *c == 'o' ? "<%llo>" : *c == 'x'
						 ? "<%llx>" : "<%llX>",
						 (unsigned long long)x);
				cr_expect_str_eq(fmt(f, a, &x), want,
						 "%s of %#llx", f,
						 (unsigned long long)x);
			}
	/* narrower arguments are sign- or zero-extended first */
	int8_t m = -128;
	cr_assert_str_eq(fmt("%d %u %x %ld %lu", tup(5, ity(1, true),
			     ity(1, true), ity(1, true), ity(1, true),
			     ity(1, true)), (int8_t[]){ m, m, m, m, m }),
			 "-128 4294967168 ffffff80 -128 18446744073709551488");
}

/* "%s" prints a value's text up to its first NUL, as C's "%s" of it
 * would; a string argument's text has none, a char argument's may. */
Test(printf, plain_s_stops_at_nul)
{
	struct type *a = tup(3, sty(8), ity(1, true), sty(4));
	struct { char s[8]; int8_t c; char t[4]; } d = { "ab", 0, "xyz" };
	cr_assert_str_eq(fmt("[%s|%s|%s]", a, &d), "[ab|0|xyz]");
	struct { char s[8]; int8_t c; char t[4]; } full = { "abcdefgh", 5,
							    "wxyz" };
	cr_assert_str_eq(fmt("[%s|%s]", tup(2, sty(8), ity(1, true)), &full),
			 "[abcdefgh..|5]");
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
	/* escapes first, last, side by side; bytes past the NUL count */
	sb_free(&sb);
	out_json_string(&sb, "\"\"ab\x1f\x7f\xc3\xa9\n\0z\\", 12);
	cr_assert_eq(sb.len, 28);
	cr_assert_eq(memcmp(sb.s, "\"\\\"\\\"ab\\u001f\x7f\xc3\xa9\\n\\u0000z\\\\\"",
			    28), 0);
	sb_free(&sb);
	out_json_string(&sb, "", 0);
	cr_assert_str_eq(sb.s, "\"\"");
	sb_free(&sb);
}

/* sb_printf formats into the room a buffer has and grows it when the text
 * does not fit: the same text either way. */
Test(value, sb_printf_in_place_and_growing)
{
	struct strbuf sb = { 0 };
	char big[200];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	sb_printf(&sb, "%d", 42);           /* no buffer yet */
	sb_printf(&sb, "-%s-", "ab");       /* fits */
	size_t cap = sb.cap;
	sb_printf(&sb, "%s|", big);         /* grows */
	cr_assert_gt(sb.cap, cap);
	sb_printf(&sb, "%c%u", 'z', 7u);
	cr_assert_eq(sb.len, strlen(sb.s));
	cr_assert_eq(sb.len, 6 + 199 + 1 + 2);
	cr_assert_eq(strncmp(sb.s, "42-ab-xxx", 9), 0);
	cr_assert_str_eq(sb.s + sb.len - 3, "|z7");
	sb_free(&sb);
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

/* ---- histograms ------------------------------------------------------------
 * hist/lhist maps hold one per-CPU count per (key, bucket): the key is the
 * script key padded to 8 bytes followed by a uint64 bucket (types.h). */

static struct type *hist_ty(int bits)
{
	struct type *t = agg(AGG_HIST, true);
	t->hist_bits = bits;
	return t;
}

static struct type *lhist_ty(int64_t min, int64_t max, int64_t step)
{
	struct type *t = agg(AGG_LHIST, true);
	t->lhist_min = min;
	t->lhist_max = max;
	t->lhist_step = step;
	return t;
}

/* A scalar hist map from (bucket, count) pairs. */
static struct out_mapdata scalar_hist(const char *name, struct type *vt,
				      int n, const uint64_t *bc)
{
	struct out_mapdata m = { .name = name, .value_type = vt, .key_size = 8,
				 .stride = 8, .ncpus = 1, .n = n };
	m.keys = malloc(8 * n);
	m.values = malloc(8 * n);
	for (int i = 0; i < n; i++) {
		memcpy(m.keys + 8 * i, &bc[2 * i], 8);
		memcpy(m.values + 8 * i, &bc[2 * i + 1], 8);
	}
	return m;
}

Test(hist, text_like_bpftrace)
{
	/* @=hist(-1); @=hist(2); @=hist(3); @=hist(7); @=hist(20) */
	uint64_t bc[] = { 6, 1, 0, 1, 3, 2, 4, 1 };
	struct out_mapdata m = scalar_hist("@", hist_ty(0), 4, bc);
	cr_assert_str_eq(mapstr(&m, 0, 0, false),
		"@:\n"
		"(..., 0)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
		"[0]                    0 |                                                    |\n"
		"[1]                    0 |                                                    |\n"
		"[2, 4)                 2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		"[4, 8)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
		"[8, 16)                0 |                                                    |\n"
		"[16, 32)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
		"\n");
	cr_assert_str_eq(mapstr(&m, 0, 0, true),
		"{\"type\": \"hist\", \"data\": {\"@\": [{\"max\": -1, \"count\": 1},"
		"{\"min\": 0, \"max\": 0, \"count\": 0},{\"min\": 1, \"max\": 1, \"count\": 0},"
		"{\"min\": 2, \"max\": 3, \"count\": 2},{\"min\": 4, \"max\": 7, \"count\": 1},"
		"{\"min\": 8, \"max\": 15, \"count\": 0},{\"min\": 16, \"max\": 31, \"count\": 1}]}}\n");
}

Test(hist, suffixes_and_the_last_bucket)
{
	/* hist(1025) -> [1K, 2K); hist(10G) -> [8G, 16G); hist(INT64_MAX) */
	uint64_t bc[] = { 12, 1 };
	struct out_mapdata m = scalar_hist("@h", hist_ty(0), 1, bc);
	cr_assert_str_eq(mapstr(&m, 0, 0, false),
		"@h:\n[1K, 2K)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n\n");
	bc[0] = 35;
	m = scalar_hist("@h", hist_ty(0), 1, bc);
	cr_assert_str_eq(mapstr(&m, 0, 0, true),
		"{\"type\": \"hist\", \"data\": {\"@h\": [{\"min\": 8589934592, "
		"\"max\": 17179869183, \"count\": 1}]}}\n");
	bc[0] = 64;
	m = scalar_hist("@h", hist_ty(0), 1, bc);
	cr_assert_str_eq(mapstr(&m, 0, 0, false),
		"@h:\n[4E, 8E)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n\n");
	/* 2^63 - 1 is no double: a string, as bpftrace writes it */
	cr_assert_str_eq(mapstr(&m, 0, 0, true),
		"{\"type\": \"hist\", \"data\": {\"@h\": [{\"min\": 4611686018427387904, "
		"\"max\": \"9223372036854775807\", \"count\": 1}]}}\n");
}

Test(hist, bits_split_each_power_of_two)
{
	/* hist(x, 2): 0..7 one value each, then 4 buckets per power of 2:
	   bucket 9 = [8, 10), 12 = [14, 16), 13 = [16, 20), and 37 =
	   [1024, 1280): a K suffix only from 2^10 * 2^bits on, as bpftrace */
	uint64_t bc[] = { 8, 2, 9, 1, 12, 1, 13, 4 };
	struct out_mapdata m = scalar_hist("@", hist_ty(2), 4, bc);
	cr_assert_str_eq(mapstr(&m, 0, 0, false),
		"@:\n"
		"[7]                    2 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
		"[8, 10)                1 |@@@@@@@@@@@@@                                       |\n"
		"[10, 12)               0 |                                                    |\n"
		"[12, 14)               0 |                                                    |\n"
		"[14, 16)               1 |@@@@@@@@@@@@@                                       |\n"
		"[16, 20)               4 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		"\n");
	uint64_t big[] = { 37, 1, 45, 1 };
	m = scalar_hist("@", hist_ty(2), 2, big);
	cr_assert_str_eq(mapstr(&m, 0, 0, false),
		"@:\n"
		"[1024, 1280)           1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		"[1280, 1536)           0 |                                                    |\n"
		"[1536, 1792)           0 |                                                    |\n"
		"[1792, 2048)           0 |                                                    |\n"
		"[2048, 2560)           0 |                                                    |\n"
		"[2560, 3072)           0 |                                                    |\n"
		"[3072, 3584)           0 |                                                    |\n"
		"[3584, 4K)             0 |                                                    |\n"
		"[4K, 5K)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		"\n");
}

Test(hist, percpu_counts_merged_and_keys_sorted_by_total)
{
	/* @h["b"] buckets 4 (1+1 on two CPUs) and 6 (0+1); @h["a"]
	   bucket 4 (1+0): "a" has the smaller total and prints first */
	struct hk { char s[8]; uint64_t bucket; } keys[] = {
		{ "b", 4 }, { "a", 4 }, { "b", 6 } };
	uint64_t v[] = { 1, 1, 1, 0, 0, 1 };
	struct out_mapdata m = { .name = "@h", .key_type = sty(2),
				 .value_type = hist_ty(0), .key_size = 16,
				 .bucket_off = 8,
				 .stride = 8, .ncpus = 2, .n = 3,
				 .keys = (uint8_t *)keys, .values = (uint8_t *)v };
	cr_assert_str_eq(mapstr(&m, 0, 0, false),
		"@h[a]:\n"
		"[4, 8)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		"\n"
		"@h[b]:\n"
		"[4, 8)                 2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		"[8, 16)                0 |                                                    |\n"
		"[16, 32)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
		"\n");
	cr_assert_str_eq(mapstr(&m, 1, 0, true),
		"{\"type\": \"hist\", \"data\": {\"@h\": {\"b\": [{\"min\": 4, \"max\": 7, "
		"\"count\": 2},{\"min\": 8, \"max\": 15, \"count\": 0},{\"min\": 16, "
		"\"max\": 31, \"count\": 1}]}}}\n");
	/* print(@h, 0, 2): counts divided, buckets kept */
	cr_assert_str_eq(mapstr(&m, 1, 2, false),
		"@h[b]:\n"
		"[4, 8)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		"[8, 16)                0 |                                                    |\n"
		"[16, 32)               0 |                                                    |\n"
		"\n");
}

Test(hist, zeroed_and_tuple_keys)
{
	/* zero(@h): the buckets stay with count 0 */
	uint64_t bc[] = { 3, 0 };
	struct out_mapdata m = scalar_hist("@hist", hist_ty(0), 1, bc);
	cr_assert_str_eq(mapstr(&m, 0, 0, false), "@hist:\n\n");
	cr_assert_str_eq(mapstr(&m, 0, 0, true),
			 "{\"type\": \"hist\", \"data\": {\"@hist\": []}}\n");
	m.n = 0;
	cr_assert_str_eq(mapstr(&m, 0, 0, true),
			 "{\"type\": \"hist\", \"data\": {\"@hist\": []}}\n");

	/* @["curl", 3] = hist(511): key (string[5], int64) + bucket */
	struct type *kt = tup(2, sty(5), ity(8, true));
	struct hk { char s[5]; char pad[3]; int64_t n; uint64_t bucket; } keys[] = {
		{ "curl", { 0 }, 3, 10 } };
	uint64_t v[] = { 1 };
	struct out_mapdata t = { .name = "@", .key_type = kt,
				 .value_type = hist_ty(0), .key_size = 24,
				 .bucket_off = 16,
				 .stride = 8, .ncpus = 1, .n = 1,
				 .keys = (uint8_t *)keys, .values = (uint8_t *)v };
	cr_assert_str_eq(mapstr(&t, 0, 0, false),
		"@[curl, 3]:\n[256, 512)             1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n\n");
	cr_assert_str_eq(mapstr(&t, 0, 0, true),
		"{\"type\": \"hist\", \"data\": {\"@\": {\"curl,3\": [{\"min\": 256, "
		"\"max\": 511, \"count\": 1}]}}}\n");
}

Test(lhist, text_and_json_like_bpftrace)
{
	/* lhist(2|3|7|-1|11, 0, 10, 2): buckets 0 (< 0), 1 + x/2, 6 (>= 10) */
	uint64_t bc[] = { 2, 2, 4, 1, 0, 1, 6, 1 };
	struct out_mapdata m = scalar_hist("@", lhist_ty(0, 10, 2), 4, bc);
	cr_assert_str_eq(mapstr(&m, 0, 0, false),
		"@:\n"
		"(..., 0)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
		"[0, 2)                 0 |                                                    |\n"
		"[2, 4)                 2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		"[4, 6)                 0 |                                                    |\n"
		"[6, 8)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
		"[8, 10)                0 |                                                    |\n"
		"[10, ...)              1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
		"\n");
	cr_assert_str_eq(mapstr(&m, 0, 0, true),
		"{\"type\": \"hist\", \"data\": {\"@\": [{\"max\": -1, \"count\": 1},"
		"{\"min\": 0, \"max\": 1, \"count\": 0},{\"min\": 2, \"max\": 3, \"count\": 2},"
		"{\"min\": 4, \"max\": 5, \"count\": 0},{\"min\": 6, \"max\": 7, \"count\": 1},"
		"{\"min\": 8, \"max\": 9, \"count\": 0},{\"min\": 10, \"count\": 1}]}}\n");
	/* div does not apply to linear histograms */
	cr_assert_str_eq(mapstr(&m, 0, 5, true), mapstr(&m, 0, 0, true));
}

Test(lhist, single_values_and_kilo_labels)
{
	/* step 1: plain neighbours print as one value */
	uint64_t bc[] = { 3, 1, 5, 1 };
	struct out_mapdata m = scalar_hist("@l", lhist_ty(1, 9, 1), 2, bc);
	cr_assert_str_eq(mapstr(&m, 0, 0, false),
		"@l:\n"
		"[3]                    1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		"[4]                    0 |                                                    |\n"
		"[5]                    1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		"\n");
	/* step 1M: M labels; the last bucket of 0..10M */
	uint64_t mb[] = { 6, 1, 11, 2 };
	m = scalar_hist("@l", lhist_ty(0, 10 << 20, 1 << 20), 2, mb);
	cr_assert_str_eq(mapstr(&m, 0, 0, false),
		"@l:\n"
		"[5M, 6M)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
		"[6M, 7M)               0 |                                                    |\n"
		"[7M, 8M)               0 |                                                    |\n"
		"[8M, 9M)               0 |                                                    |\n"
		"[9M, 10M)              0 |                                                    |\n"
		"[10M, ...)             2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		"\n");
	/* step 1024 from 0: "0" then K */
	uint64_t kb[] = { 1, 1, 2, 1 };
	m = scalar_hist("@l", lhist_ty(0, 10240, 1024), 2, kb);
	cr_assert_str_eq(mapstr(&m, 0, 0, false),
		"@l:\n"
		"[0, 1K)                1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		"[1K, 2K)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		"\n");
}

Test(map, stats_keyed_signed_json_and_zero)
{
	/* @s["a"] = stats(-10), stats(4); @s["b"] = stats(7) */
	char keys[2][2] = { "b", "a" };
	int64_t v[] = { 7, 1, -6, 2 };
	struct out_mapdata m = { .name = "@s", .key_type = sty(2),
				 .value_type = agg(AGG_STATS, true), .key_size = 2,
				 .stride = 16, .ncpus = 1, .n = 2,
				 .keys = (uint8_t *)keys, .values = (uint8_t *)v };
	cr_assert_str_eq(mapstr(&m, 0, 0, false),
			 "@s[a]: { .count = 2, .average = -3, .total = -6 }\n"
			 "@s[b]: { .count = 1, .average = 7, .total = 7 }\n");
	cr_assert_str_eq(mapstr(&m, 0, 0, true),
			 "{\"type\": \"stats\", \"data\": {\"@s\": {\"a\": {\"count\": 2, "
			 "\"average\": -3, \"total\": -6}, \"b\": {\"count\": 1, "
			 "\"average\": 7, \"total\": 7}}}}\n");
	/* zero(@s): count 0, average 0 (no division by zero) */
	memset(v, 0, sizeof(v));
	cr_assert_str_eq(mapstr(&m, 1, 0, false),
			 "@s[b]: { .count = 0, .average = 0, .total = 0 }\n");
}

/* ---- values resolved in userspace, actions (fmt_values.c, fmt_actions.c) - */

#include <errno.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fmt_actions.h"
#include "fmt_values.h"

static struct type *buf_ty(int cap)
{
	struct type *t = mk(TY_BUFFER, 4 + cap);
	t->align = 4;
	return t;
}

Test(extra, buffer_styles)
{
	/* bpftrace's buf_no_ascii, buf_no_ascii_no_escaping, %r */
	struct bufv { uint32_t len; char d[8]; } b = { 6, "Hello\0\n" };
	struct bufv b3[3] = { b, b, b };
	struct type *a = tup(3, buf_ty(8), buf_ty(8), buf_ty(8));
	cr_assert_str_eq(fmt("%r|%rx|%rh.", a, b3),
			 "Hello\\x00|\\x48\\x65\\x6c\\x6c\\x6f\\x00|48 65 6c 6c 6f 00.");
	/* bytes past len are not part of the value; the map/print form is %r */
	b.len = 7;
	cr_assert_str_eq(val(buf_ty(8), &b, false), "Hello\\x00\\x0a");
	cr_assert_str_eq(val(buf_ty(8), &b, true), "\"Hello\\\\x00\\\\x0a\"");
	/* a string printed with %r: its bytes before the NUL */
	cr_assert_str_eq(fmt("%rx", tup(1, sty(4)), "hi\0"), "\\x68\\x69");
}

Test(extra, inet_mac_strerror)
{
	struct { int64_t af; uint8_t a[16]; } v4 = { 2, { 127, 0, 0, 1 } },
					     v6 = { 10, { [15] = 1 } };
	cr_assert_str_eq(val(mk(TY_INET, 24), &v4, false), "127.0.0.1");
	cr_assert_str_eq(val(mk(TY_INET, 24), &v6, false), "::1");
	cr_assert_str_eq(val(mk(TY_INET, 24), &v6, true), "\"::1\"");
	uint8_t mac[6] = { 5, 4, 3, 2, 0xab, 0x0c };
	cr_assert_str_eq(val(mk(TY_MAC, 6), mac, false), "05:04:03:02:AB:0C");
	int64_t e = 22;
	cr_assert_str_eq(fmt("%s", tup(1, mk(TY_STRERROR, 8)), &e),
			 "Invalid argument");
	e = 7;
	cr_assert_str_eq(val(mk(TY_STRERROR, 8), &e, true),
			 "\"Argument list too long\"");
}

/* The microseconds since the epoch strftime("%s.%f") prints for ns. */
static long long epoch_us(uint64_t ns, enum ts_mode mode)
{
	struct strbuf sb = { 0 };
	fmt_strftime(&sb, "%s.%f", ns, mode);
	char *dot = strchr(sb.s, '.');
	cr_assert(dot && strlen(dot + 1) == 6, "%s", sb.s);
	long long us = atoll(sb.s) * 1000000 + atoll(dot + 1);
	sb_free(&sb);
	return us;
}

Test(extra, strftime_microseconds_and_clocks)
{
	/* bpftrace's strftime_microsecond_extension(_rollover) */
	cr_assert_eq(epoch_us(1000123000, TS_BOOT) - epoch_us(0, TS_BOOT),
		     1000123);
	cr_assert_eq(epoch_us(123000, TS_BOOT) - epoch_us(0, TS_BOOT), 123);
	/* now, read from each clock, is now on the wall clock (within 1 s) */
	struct timespec ts, rt;
	clockid_t cl[] = { CLOCK_BOOTTIME, CLOCK_MONOTONIC, CLOCK_TAI };
	enum ts_mode md[] = { TS_BOOT, TS_MONOTONIC, TS_TAI };
	for (int i = 0; i < 3; i++) {
		clock_gettime(cl[i], &ts);
		clock_gettime(CLOCK_REALTIME, &rt);
		long long w = epoch_us((uint64_t)ts.tv_sec * 1000000000 +
					       ts.tv_nsec, md[i]) / 1000000;
		cr_assert(w >= rt.tv_sec - 1 && w <= rt.tv_sec + 1, "mode %d", i);
	}
	/* %% stays a percent sign, %f after it is not microseconds */
	struct strbuf sb = { 0 };
	fmt_strftime(&sb, "%%f|100%%", 0, TS_BOOT);
	cr_assert_str_eq(sb.s, "%f|100%");
	sb_free(&sb);
}

Test(extra, strftime_value_uses_the_programs_format)
{
	/* TY_TIMESTAMP: { fmt action id, mode, ns }; format from ACT_STRING */
	struct tt_prog p = { 0 };
	struct tt_action a0 = { .kind = ACT_PRINTF, .fmt = "x" };
	struct tt_action a1 = { .kind = ACT_STRING, .fmt = "[%%|%f]" };
	vec_push(&p.actions, a0);
	vec_push(&p.actions, a1);
	fmt_set_prog(&p);
	struct { uint32_t id, mode; uint64_t ns; } v = { 1, TS_BOOT, 0 };
	char *s = val(mk(TY_TIMESTAMP, 16), &v, false);
	cr_assert(strlen(s) == 10 && !strncmp(s, "[%|", 3) && s[9] == ']',
		  "%s", s);
	char *j = val(mk(TY_TIMESTAMP, 16), &v, true);
	cr_assert(j[0] == '"' && !strncmp(j + 1, s, 10) && j[11] == '"', "%s",
		  j);
	/* in a tuple key or printf %s the same text */
	cr_assert_str_eq(fmt("%s", tup(1, mk(TY_TIMESTAMP, 16)), &v), s);
	fmt_set_prog(NULL);
	vec_free(&p.actions);
}

/* A directory tree standing for / with proc/self/mounts and cgroups. */
static char *fake_root(void)
{
	char *root = strdup("/tmp/tt_fmt_extraXXXXXX");
	cr_assert(mkdtemp(root));
	char cmd[512];
	snprintf(cmd, sizeof(cmd),
		 "mkdir -p %s/proc/self %s/etc %s/sys/fs/cgroup/user.slice/a "
		 "%s/cg1/x && "
		 "printf 'cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid 0 0\\n"
		 "proc /proc proc rw 0 0\\n"
		 "cgroup /cg1 cgroup rw,nosuid,cpu,cpuacct 0 0\\n' "
		 "> %s/proc/self/mounts && "
		 "printf 'root:x:0:0::/root:/bin/sh\\nalice:x:1000:1000::/:/bin/sh\\n'"
		 " > %s/etc/passwd",
		 root, root, root, root, root, root);
	cr_assert_eq(system(cmd), 0);
	return root;
}

static uint64_t ino_of(const char *root, const char *path)
{
	char p[512];
	struct stat st;
	snprintf(p, sizeof(p), "%s%s", root, path);
	cr_assert_eq(stat(p, &st), 0, "%s", p);
	return st.st_ino;
}

Test(extra, cgroup_path_and_username)
{
	char *root = fake_root();
	struct strbuf sb = { 0 };
	fmt_cgroup_path(&sb, ino_of(root, "/sys/fs/cgroup/user.slice/a"), NULL,
			root);
	cr_assert_str_eq(sb.s, "unified:/user.slice/a");
	sb_free(&sb);
	fmt_cgroup_path(&sb, ino_of(root, "/cg1/x"), NULL, root);
	cr_assert_str_eq(sb.s, "cpu,cpuacct:/x");
	sb_free(&sb);
	/* the filter is a wildcard on the hierarchy name */
	fmt_cgroup_path(&sb, ino_of(root, "/cg1/x"), "uni*", root);
	cr_assert_null(sb.s);
	fmt_cgroup_path(&sb, ino_of(root, "/sys/fs/cgroup"), "uni*", root);
	cr_assert_str_eq(sb.s, "unified:/");
	sb_free(&sb);
	fmt_username(&sb, 1000, root);
	cr_assert_str_eq(sb.s, "alice");
	sb_free(&sb);
	fmt_username(&sb, 4242, root);
	cr_assert_str_eq(sb.s, "4242");
	sb_free(&sb);
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	cr_assert_eq(system(cmd), 0);
	free(root);
}

static char *act(const struct tt_action *a, const void *payload, size_t len,
		 const struct tt_config *cfg, int *err)
{
	struct strbuf sb = { 0 };
	*err = fmt_action_text(&sb, a, payload, len, cfg);
	return sb.s ? sb.s : strdup("");
}

Test(extra, actions_join_cat_system_errorf)
{
	int err;
	/* join: strings until the first empty one, with the separator */
	struct type *s8 = sty(8), *arr = mk(TY_ARRAY, 4 * 8);
	arr->elem = s8;
	arr->nelem = 4;
	char argv[4][8] = { "echo", "a b", "", "zz" };
	struct tt_action j = { .kind = ACT_JOIN, .fmt = ",", .args = arr };
	cr_assert_str_eq(act(&j, argv, sizeof(argv), NULL, &err), "echo,a b");
	j.fmt = " ";
	cr_assert_str_eq(act(&j, argv, sizeof(argv), NULL, &err), "echo a b");

	/* cat: the path is a printf format; at most max_cat_bytes */
	char path[] = "/tmp/tt_catXXXXXX";
	int fd = mkstemp(path);
	cr_assert(fd >= 0);
	cr_assert_eq(write(fd, "0.25 0.50\n", 10), 10);
	close(fd);
	struct tt_config cfg = { .max_cat_bytes = 10240 };
	struct type *st = tup(1, sty(32));
	char arg[32] = { 0 };
	strcpy(arg, path + 5);
	struct tt_action c = { .kind = ACT_CAT, .fmt = "/tmp/%s", .args = st };
	cr_assert_str_eq(act(&c, arg, 32, &cfg, &err), "0.25 0.50\n");
	cfg.max_cat_bytes = 1;
	cr_assert_str_eq(act(&c, arg, 32, &cfg, &err), "0");
	unlink(path);
	cr_assert_str_eq(act(&c, arg, 32, &cfg, &err),
			 tt_sprintf("failed to open file '%s' (No such file or "
				    "directory)", path));
	cr_assert_eq(err, -ENOENT);

	/* system: the command's output (through /bin/sh) */
	struct type *it = tup(2, ity(8, true), ity(8, true));
	int64_t nums[2] = { 1, 2 };
	struct tt_action sy = { .kind = ACT_SYSTEM, .fmt = "echo %d  %d",
				.args = it };
	cr_assert_str_eq(act(&sy, nums, 16, &cfg, &err), "1 2\n");
	/* errorf/warnf: the formatted message (the location is added when
	   printed) */
	struct tt_action e = { .kind = ACT_ERRORF, .fmt = "bad %d, %d",
			       .args = it };
	cr_assert_str_eq(act(&e, nums, 16, &cfg, &err), "bad 1, 2");
	/* time: strftime of the wall clock */
	struct tt_action t = { .kind = ACT_TIME, .fmt = "%%|%Y" };
	char *y = act(&t, NULL, 0, &cfg, &err);
	cr_assert(y[0] == '%' && y[1] == '|' && strlen(y) == 6, "%s", y);
}

/* ---- time series ------------------------------------------------------------
 * tseries maps: key = (script key, uint64 epoch % n), per-CPU value
 * { int64 value; uint64 meta; uint64 epoch; }.  Times are TAI: the
 * expected strings are made with this machine's TAI offset (whole
 * seconds), text in local time (TZ=UTC here), JSON in UTC. */

struct tsval { int64_t v; uint64_t meta, epoch; };

static struct type *tseries_ty(int64_t interval, int n, enum agg_kind a,
			       bool sgn)
{
	struct type *t = agg(AGG_TSERIES, sgn);
	t->size = 24;
	t->elem = ity(8, sgn);
	t->tseries_interval = interval;
	t->tseries_n = n;
	t->tseries_agg = a;
	return t;
}

/* "HH:MM:SS.mmm" (ms) or "YYYY-MM-DD HH:MM:SS.nnnnnnnnn" of TAI ns. */
static const char *ts_str(uint64_t tai_ns, bool json)
{
	static char out[8][64];
	static int k;
	struct timespec tai, real;
	clock_gettime(CLOCK_TAI, &tai);
	clock_gettime(CLOCK_REALTIME, &real);
	int64_t off = ((int64_t)(tai.tv_sec - real.tv_sec) * 1000000000 +
		       (tai.tv_nsec - real.tv_nsec) + 500000000) / 1000000000;
	int64_t ns = (int64_t)tai_ns - off * 1000000000;
	time_t sec = ns / 1000000000;
	struct tm tm;
	char buf[40];
	gmtime_r(&sec, &tm);
	char *o = out[k++ % 8];
	if (json) {
		strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
		snprintf(o, 64, "%s.%09lld", buf, (long long)(ns % 1000000000));
	} else {
		strftime(buf, sizeof(buf), "%H:%M:%S", &tm);
		snprintf(o, 64, "%s.%03lld", buf,
			 (long long)(ns % 1000000000 / 1000000));
	}
	return o;
}

Test(tseries, last_value_per_interval_text_and_json)
{
	setenv("TZ", "UTC", 1);
	tzset();
	/* tseries(x, 100ms, 5) at epochs 11..13 (bucket = epoch % 5); on
	   two CPUs the most recent write (meta) of the newest epoch wins */
	uint64_t keys[] = { 1, 2, 3 };
	struct tsval v[] = {
		{ 4, 100, 11 }, { 9, 50, 11 },   /* bucket 1: 4 (newer)   */
		{ 7, 10, 7 }, { 5, 20, 12 },     /* bucket 2: epoch 12: 5 */
		{ -2, 30, 13 }, { 0, 0, 0 },     /* bucket 3: -2          */
	};
	struct out_mapdata m = { .name = "@a",
				 .value_type = tseries_ty(100000000, 5, AGG_NONE,
							  true),
				 .key_size = 8, .stride = 24, .ncpus = 2, .n = 3,
				 .keys = (uint8_t *)keys, .values = (uint8_t *)v };
	char exp[2048];
	snprintf(exp, sizeof(exp),
		 "@a:\n"
		 "             -2                                                  5\n"
		 "hh:mm:ss.ms  |___________________________________________________|\n"
		 "%s |              .                            *       | 4\n"
		 "%s |              .                                    * 5\n"
		 "%s *              .                                    | -2\n"
		 "             v___________________________________________________v\n"
		 "             -2                                                  5\n"
		 "\n",
		 ts_str(1100000000, false), ts_str(1200000000, false),
		 ts_str(1300000000, false));
	cr_assert_str_eq(mapstr(&m, 0, 0, false), exp);
	snprintf(exp, sizeof(exp),
		 "{\"type\": \"tseries\", \"data\": {\"@a\": ["
		 "{\"interval_start\": \"%s\", \"value\": 4}, "
		 "{\"interval_start\": \"%s\", \"value\": 5}, "
		 "{\"interval_start\": \"%s\", \"value\": -2}]}}\n",
		 ts_str(1100000000, true), ts_str(1200000000, true),
		 ts_str(1300000000, true));
	cr_assert_str_eq(mapstr(&m, 0, 0, true), exp);
}

Test(tseries, keys_missing_intervals_avg_and_zeroed)
{
	setenv("TZ", "UTC", 1);
	tzset();
	/* avg over 4 intervals of 1s: @t["a"] at epochs 2 and 3, @t["b"]
	   at epoch 5 only; "a" prints 2..5 with "-" for 4 and 5 */
	struct hk { char s[8]; uint64_t bucket; } keys[] = {
		{ "b", 1 }, { "a", 2 }, { "a", 3 } };
	struct tsval v[] = { { 30, 3, 5 }, { 10, 2, 2 }, { 7, 1, 3 } };
	struct out_mapdata m = { .name = "@t", .key_type = sty(2),
				 .value_type = tseries_ty(1000000000, 4, AGG_AVG,
							  false),
				 .key_size = 16, .bucket_off = 8, .stride = 24,
				 .ncpus = 1, .n = 3,
				 .keys = (uint8_t *)keys, .values = (uint8_t *)v };
	char exp[2048], ta[3][16];
	for (int i = 0; i < 3; i++) {
		/* whole seconds: no fraction */
		snprintf(ta[i], sizeof(ta[i]), "%.8s",
			 ts_str((uint64_t)(2 + i) * 1000000000, false));
	}
	snprintf(exp, sizeof(exp),
		 "@t[a]:\n"
		 "         5                                                   7\n"
		 "hh:mm:ss |___________________________________________________|\n"
		 "%s *                                                   | 5\n"
		 "%s |                                                   * 7\n"
		 "%s |                                                   | -\n"
		 "%.8s |                                                   | -\n"
		 "         v___________________________________________________v\n"
		 "         5                                                   7\n"
		 "\n"
		 "@t[b]:\n"
		 "                   9                                                  11\n"
		 "hh:mm:ss.ns        |___________________________________________________|\n",
		 ta[0], ta[1], ta[2], ts_str(5000000000ull, false));
	char *got = mapstr(&m, 0, 0, false);
	cr_assert(strncmp(got, exp, strlen(exp)) == 0, "got:\n%s\nwant:\n%s", got,
		  exp);
	/* zero(@t): every epoch 0, nothing to show */
	memset(v, 0, sizeof(v));
	cr_assert_str_eq(mapstr(&m, 0, 0, true),
			 "{\"type\": \"tseries\", \"data\": {\"@t\": {\"a\": [], "
			 "\"b\": []}}}\n");
	cr_assert_str_eq(mapstr(&m, 0, 0, false),
			 "@t[a]:\n<no data>\n@t[b]:\n<no data>\n");
}

Test(extra, signal_names)
{
	/* bpftrace's signal_name(): strsignal's texts, N/A out of range */
	int64_t v[] = { 2, 0, 1024, 40, 33, -1 };
	const char *want[] = { "Interrupt", "Unknown signal 0", "N/A",
			       "Real-time signal 6", "Unknown signal 33", "N/A" };
	struct type *t = mk(TY_STRERROR, 8);
	t->name = "signal_name";
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		cr_assert_str_eq(val(t, &v[i], false), want[i]);
	cr_assert_str_eq(val(t, &v[0], true), "\"Interrupt\"");
}
