/* output.c — printf formatting, value and map printing, text and JSON.
 *
 * Takes: raw bytes laid out as types.h's storage contract says (a ring
 * buffer record's argument tuple, or map keys and values read from the
 * kernel), and their types.
 * Produces: bpftrace's text and JSON output, byte for byte, in a strbuf.
 *
 * Aggregation values (TY_AGG) in per-CPU maps are merged here:
 *   count, sum        8 bytes per CPU, summed
 *   min, max          { int64 value; uint64 is_set; } per CPU (16 bytes),
 *                     unset CPUs skipped; with an 8-byte value a CPU
 *                     holding 0 counts as unset
 *   avg, stats        { int64 total; uint64 count; } per CPU, summed; the
 *                     average is total / count in the value's signedness
 * A string whose buffer holds no NUL was truncated: the configured
 * str_trunc_trailer ("..") follows it. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "fmt_values.h"
#include "mapio.h"
#include "output.h"
#include "symbols.h"
#include "types.h"

static const char *trunc_trailer = "..";

void out_init(const struct tt_config *cfg)
{
	if (cfg && cfg->str_trunc_trailer)
		trunc_trailer = cfg->str_trunc_trailer;
}

/* ---- raw reads ---------------------------------------------------------- */

static uint64_t load_u(const void *p, int size)
{
	const uint8_t *b = p;
	uint8_t v8;
	uint16_t v16;
	uint32_t v32;
	uint64_t v64;

	switch (size) {
	case 1: memcpy(&v8, b, 1); return v8;
	case 2: memcpy(&v16, b, 2); return v16;
	case 4: memcpy(&v32, b, 4); return v32;
	default: memcpy(&v64, b, 8); return v64;
	}
}

static int64_t load_s(const void *p, int size)
{
	uint64_t u = load_u(p, size);

	switch (size) {
	case 1: return (int8_t)u;
	case 2: return (int16_t)u;
	case 4: return (int32_t)u;
	default: return (int64_t)u;
	}
}

static bool is_int(const struct type *t)
{
	return t && (t->kind == TY_INT || t->kind == TY_BOOL);
}

/* ---- JSON scalars ------------------------------------------------------- */

void out_json_string(struct strbuf *sb, const char *s, size_t n)
{
	size_t run = 0; /* s[run..i) needs no escape: copied at once */

	sb_putc(sb, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];
		if (c > 0x1f && c != '"' && c != '\\')
			continue;
		sb_putn(sb, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"': sb_puts(sb, "\\\""); break;
		case '\\': sb_puts(sb, "\\\\"); break;
		case '\n': sb_puts(sb, "\\n"); break;
		case '\r': sb_puts(sb, "\\r"); break;
		case '\t': sb_puts(sb, "\\t"); break;
		default: sb_printf(sb, "\\u%04x", c);
		}
	}
	sb_putn(sb, s + run, n - run);
	sb_putc(sb, '"');
}

/* Decimal, octal and hexadecimal digits without printf's machinery (a
 * printf per event spends most of its time there): what "%" PRIu64,
 * "%" PRIo64, "%" PRIx64 and "%" PRIX64 print. */
static void put_u64_base(struct strbuf *sb, uint64_t v, unsigned base,
			 bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char buf[24];
	size_t i = sizeof(buf);

	do {
		buf[--i] = digits[v % base];
		v /= base;
	} while (v);
	sb_putn(sb, buf + i, sizeof(buf) - i);
}

static void put_u64(struct strbuf *sb, uint64_t v)
{
	put_u64_base(sb, v, 10, false);
}

static void put_i64(struct strbuf *sb, int64_t v)
{
	if (v < 0)
		sb_putc(sb, '-');
	put_u64(sb, v < 0 ? -(uint64_t)v : (uint64_t)v);
}

/* JSON numbers are doubles: an integer a double cannot hold exactly is
 * written as a string, as bpftrace does. */
static void json_i64(struct strbuf *sb, int64_t v)
{
	double d = (double)v;
	bool exact = d < 9223372036854775808.0 && (int64_t)d == v;
	if (!exact)
		sb_putc(sb, '"');
	put_i64(sb, v);
	if (!exact)
		sb_putc(sb, '"');
}

static void json_u64(struct strbuf *sb, uint64_t v)
{
	double d = (double)v;
	bool exact = d < 18446744073709551616.0 && (uint64_t)d == v;
	if (!exact)
		sb_putc(sb, '"');
	put_u64(sb, v);
	if (!exact)
		sb_putc(sb, '"');
}

static void put_int(struct strbuf *sb, bool is_signed, uint64_t v, bool json)
{
	if (json && is_signed)
		json_i64(sb, (int64_t)v);
	else if (json)
		json_u64(sb, v);
	else if (is_signed)
		put_i64(sb, (int64_t)v);
	else
		put_u64(sb, v);
}

/* ---- aggregations --------------------------------------------------------- */

/* How a value is spread over CPUs and scaled (map printing). */
struct vctx {
	bool json;
	int ncpus;        /* per-CPU copies (1: plain map or ring record) */
	uint32_t stride;  /* bytes between copies */
	uint64_t div;     /* print(@m, top, div); 1 = none */
};

static bool agg_signed(const struct type *t)
{
	return t->is_signed || (t->elem && t->elem->is_signed);
}

/* Sum of an 8-byte counter over all CPUs. */
static uint64_t agg_sum(const uint8_t *d, const struct vctx *c)
{
	uint64_t s = 0;
	for (int i = 0; i < c->ncpus; i++)
		s += load_u(d + (size_t)i * c->stride, 8);
	return s;
}

/* min or max over the CPUs that saw a value; *set tells whether any did. */
static int64_t agg_minmax(const struct type *t, const uint8_t *d,
			  const struct vctx *c, uint32_t valsize, bool *set)
{
	bool is_max = t->agg == AGG_MAX, sgn = agg_signed(t), any = false;
	int64_t best = 0;

	for (int i = 0; i < c->ncpus; i++) {
		const uint8_t *p = d + (size_t)i * c->stride;
		int64_t v = load_s(p, 8);
		bool is_set = valsize >= 16 ? load_u(p + 8, 8) != 0 : v != 0;
		if (!is_set)
			continue;
		if (!any)
			best = v;
		else if (sgn ? (is_max ? v > best : v < best)
			     : (is_max ? (uint64_t)v > (uint64_t)best
				       : (uint64_t)v < (uint64_t)best))
			best = v;
		any = true;
	}
	if (set)
		*set = any;
	return best;
}

struct stats { uint64_t total, count, avg; };

static struct stats agg_stats(const struct type *t, const uint8_t *d,
			      const struct vctx *c)
{
	struct stats s = { 0, 0, 0 };
	for (int i = 0; i < c->ncpus; i++) {
		const uint8_t *p = d + (size_t)i * c->stride;
		s.total += load_u(p, 8);
		s.count += load_u(p + 8, 8);
	}
	if (s.count) {
		if (agg_signed(t))
			s.avg = (uint64_t)((int64_t)s.total / (int64_t)s.count);
		else
			s.avg = s.total / s.count;
	}
	return s;
}

static uint64_t div_val(uint64_t v, bool sgn, uint64_t div)
{
	if (div <= 1)
		return v;
	return sgn ? (uint64_t)((int64_t)v / (int64_t)div) : v / div;
}

/* The number a map is sorted by, and printed as for scalar kinds.
 * *sgn says how to compare it. */
static uint64_t sort_value(const struct type *t, const uint8_t *d,
			   const struct vctx *c, bool *sgn)
{
	*sgn = false;
	if (t->kind == TY_INT || t->kind == TY_BOOL) {
		*sgn = t->is_signed;
		if (c->ncpus > 1)
			return agg_sum(d, c);
		return t->is_signed ? (uint64_t)load_s(d, t->size)
				    : load_u(d, t->size);
	}
	switch (t->agg) {
	case AGG_COUNT:
		return agg_sum(d, c);
	case AGG_SUM:
		*sgn = agg_signed(t);
		return agg_sum(d, c);
	case AGG_MIN:
	case AGG_MAX:
		/* bpftrace compares min/max values as unsigned */
		return (uint64_t)agg_minmax(t, d, c, t->size, NULL);
	case AGG_AVG:
	case AGG_STATS:
		*sgn = agg_signed(t);
		return agg_stats(t, d, c).avg;
	default:
		return 0;
	}
}

static void fmt_value(struct strbuf *sb, const struct type *t,
		      const uint8_t *d, const struct vctx *c);

static void fmt_agg(struct strbuf *sb, const struct type *t, const uint8_t *d,
		    const struct vctx *c)
{
	bool sgn = agg_signed(t);

	switch (t->agg) {
	case AGG_COUNT:
		put_int(sb, false, div_val(agg_sum(d, c), false, c->div),
			c->json);
		break;
	case AGG_SUM:
		put_int(sb, sgn, div_val(agg_sum(d, c), sgn, c->div), c->json);
		break;
	case AGG_MIN:
	case AGG_MAX: {
		uint64_t v = (uint64_t)agg_minmax(t, d, c, t->size, NULL);
		put_int(sb, sgn, div_val(v, sgn, c->div), c->json);
		break;
	}
	case AGG_AVG: {
		struct stats s = agg_stats(t, d, c);
		put_int(sb, sgn, div_val(s.avg, sgn, c->div), c->json);
		break;
	}
	case AGG_STATS: {
		struct stats s = agg_stats(t, d, c);
		uint64_t avg = div_val(s.avg, sgn, c->div);
		if (c->json) {
			sb_puts(sb, "{\"count\": ");
			put_int(sb, sgn, s.count, true);
			sb_puts(sb, ", \"average\": ");
			put_int(sb, sgn, avg, true);
			sb_puts(sb, ", \"total\": ");
			put_int(sb, sgn, s.total, true);
			sb_putc(sb, '}');
		} else {
			sb_puts(sb, "{ .count = ");
			put_int(sb, sgn, s.count, false);
			sb_puts(sb, ", .average = ");
			put_int(sb, sgn, avg, false);
			sb_puts(sb, ", .total = ");
			put_int(sb, sgn, s.total, false);
			sb_puts(sb, " }");
		}
		break;
	}
	default:
		sb_puts(sb, c->json ? "null" : "<unsupported aggregation>");
	}
}

/* ---- values ------------------------------------------------------------- */

static void fmt_str(struct strbuf *sb, const struct type *t, const uint8_t *d,
		    bool json)
{
	size_t n = strnlen((const char *)d, t->size);
	bool truncated = t->size > 0 && n == (size_t)t->size;

	if (json) {
		struct strbuf tmp = { 0 };
		sb_putn(&tmp, (const char *)d, n);
		if (truncated)
			sb_puts(&tmp, trunc_trailer);
		out_json_string(sb, tmp.s ? tmp.s : "", tmp.len);
		sb_free(&tmp);
		return;
	}
	sb_putn(sb, (const char *)d, n);
	if (truncated)
		sb_puts(sb, trunc_trailer);
}

/* A bitfield's value: width bits from bit_offset of the bytes at d, as
 * a member access reads it (zero-extended, as bpftrace reads signed ones
 * too). */
static void fmt_bitfield(struct strbuf *sb, const struct field *f,
			 const uint8_t *d, bool json)
{
	int nbytes = (f->bit_offset + f->bit_width + 7) / 8;
	uint64_t v = 0;
	for (int i = 0; i < nbytes && i < 8; i++)
		v |= (uint64_t)d[i] << (8 * i);
	v >>= f->bit_offset;
	if (f->bit_width < 64)
		v &= (1ull << f->bit_width) - 1;
	put_int(sb, false, v, json);
}

/* The members of a struct or record as `.name = value` (JSON
 * `"name": value`) from the separator on; an anonymous struct or union
 * member's own members take its place, as bpftrace prints them. */
static void fmt_members(struct strbuf *sb, const struct type *t,
			const uint8_t *d, const struct vctx *fc, bool *first)
{
	for (int i = 0; i < t->fields.n; i++) {
		const struct field *f = &t->fields.v[i];
		bool anon = !f->name || !*f->name;
		if (anon && f->type && f->type->kind == TY_STRUCT &&
		    !f->bit_width) {
			fmt_members(sb, f->type, d + f->offset, fc, first);
			continue;
		}
		if (!*first)
			sb_puts(sb, ", ");
		*first = false;
		if (fc->json) {
			out_json_string(sb, f->name ? f->name : "",
					f->name ? strlen(f->name) : 0);
			sb_puts(sb, ": ");
		} else {
			sb_printf(sb, ".%s = ", f->name ? f->name : "");
		}
		if (f->bit_width)
			fmt_bitfield(sb, f, d + f->offset, fc->json);
		else
			fmt_value(sb, f->type, d + f->offset, fc);
	}
}

static void fmt_fields(struct strbuf *sb, const struct type *t,
		       const uint8_t *d, const struct vctx *c)
{
	/* fields are plain values: no per-CPU copies, no division */
	struct vctx nested = { c->json, 1, 0, 1 };
	const struct vctx *fc = &nested;

	if (t->kind == TY_TUPLE) {
		sb_putc(sb, c->json ? '[' : '(');
		for (int i = 0; i < t->fields.n; i++) {
			const struct field *f = &t->fields.v[i];
			if (i)
				sb_puts(sb, c->json ? "," : ", ");
			fmt_value(sb, f->type, d + f->offset, fc);
		}
		sb_putc(sb, c->json ? ']' : ')');
		return;
	}
	if (!c->json && t->fields.n == 0) {
		sb_puts(sb, "{}");
		return;
	}
	bool first = true;
	sb_puts(sb, c->json ? "{" : "{ ");
	fmt_members(sb, t, d, fc, &first);
	sb_puts(sb, c->json ? "}" : " }");
}

static void fmt_value(struct strbuf *sb, const struct type *t,
		      const uint8_t *d, const struct vctx *c)
{
	if (!t) {
		sb_puts(sb, c->json ? "null" : "");
		return;
	}
	switch (t->kind) {
	case TY_INT: {
		if (c->ncpus > 1 || c->div > 1) {
			bool sgn;
			uint64_t v = sort_value(t, d, c, &sgn);
			put_int(sb, sgn, div_val(v, sgn, c->div), c->json);
			break;
		}
		uint64_t v = t->is_signed ? (uint64_t)load_s(d, t->size)
					  : load_u(d, t->size);
		/* an enum's value prints as its enumerator's name (JSON
		   keeps the number) */
		const char *en = c->json ? NULL : type_enum_name(t, v);
		if (en)
			sb_puts(sb, en);
		else
			put_int(sb, t->is_signed, v, c->json);
		break;
	}
	case TY_BOOL:
		sb_puts(sb, d[0] ? "true" : "false");
		break;
	case TY_STR:
		fmt_str(sb, t, d, c->json);
		break;
	case TY_PTR:
		if (c->json)
			json_u64(sb, load_u(d, 8));
		else
			sb_printf(sb, "0x%" PRIx64, load_u(d, 8));
		break;
	case TY_ARRAY:
		if (t->is_float) { /* bpftrace has no value for floats */
			sb_puts(sb, "null");
			break;
		}
		sb_putc(sb, '[');
		for (int i = 0; t->elem && i < t->nelem; i++) {
			if (i)
				sb_putc(sb, ',');
			struct vctx nested = { c->json, 1, 0, 1 };
			fmt_value(sb, t->elem, d + (size_t)i * t->elem->size,
				  &nested);
		}
		sb_putc(sb, ']');
		break;
	case TY_TUPLE:
	case TY_RECORD:
	case TY_STRUCT:
		fmt_fields(sb, t, d, c);
		break;
	case TY_AGG:
		fmt_agg(sb, t, d, c);
		break;
	case TY_TIMESTAMP: case TY_BUFFER: case TY_INET: case TY_MAC:
	case TY_CGROUP_PATH: case TY_STRERROR: case TY_USERNAME:
		if (c->json) { /* fmt_values.c */
			struct strbuf text = { 0 };
			fmt_resolved_value(&text, t, d);
			out_json_string(sb, text.s ? text.s : "", text.len);
			sb_free(&text);
		} else {
			fmt_resolved_value(sb, t, d);
		}
		break;
	case TY_NONE:
	case TY_VOID:
		sb_puts(sb, c->json ? "null" : "");
		break;
	case TY_KSYM:
	case TY_USYM:
	case TY_KSTACK:
	case TY_USTACK: {
		/* names, as text; JSON gets the same text as a string */
		struct strbuf tmp = { 0 };
		if (t->kind == TY_KSYM)
			sym_put_ksym(&tmp, load_u(d, 8));
		else if (t->kind == TY_USYM)
			sym_put_usym(&tmp, d);
		else
			sym_put_stack(&tmp, t, d);
		if (c->json)
			out_json_string(sb, tmp.s ? tmp.s : "", tmp.len);
		else
			sb_putn(sb, tmp.s ? tmp.s : "", tmp.len);
		sb_free(&tmp);
		break;
	}
	default:
		/* ksym, stacks, inet, ... are later issues: show the raw
		   number so nothing is silently lost. */
		if (c->json)
			json_u64(sb, load_u(d, t->size >= 8 ? 8 : t->size));
		else
			sb_printf(sb, "0x%" PRIx64,
				  load_u(d, t->size >= 8 ? 8 : t->size));
	}
}

void out_value(struct strbuf *sb, const struct type *t, const void *data,
	       bool json)
{
	struct vctx c = { json, 1, 0, 1 };
	fmt_value(sb, t, data, &c);
}

/* ---- printf ------------------------------------------------------------- */

/* A printf argument that integer conversions (%d %u %x ...) print as a
 * number: integers, bools and pointers (printf("0x%llx", ptr)). */
static bool is_printf_int(const struct type *t)
{
	return is_int(t) || (t && t->kind == TY_PTR);
}

/* Integer argument as a 64-bit pattern, sign-extended if signed. */
static uint64_t arg_int(const struct type *t, const uint8_t *d)
{
	if (t->kind == TY_BOOL)
		return d[0];
	if (t->kind == TY_INT && t->is_signed)
		return (uint64_t)load_s(d, t->size);
	return load_u(d, t->size > 8 || t->size <= 0 ? 8 : t->size);
}

/* One conversion of a printf format, as written. */
struct pconv {
	char flags[8];   /* of "-+ #0" */
	long width, prec; /* -1: none */
	char len[4];     /* of "hlLjzt" */
	int nlen;
	char conv;       /* '\0' at the end of the format */
};

/* Reads %[flags][width][.precision][length] after the '%' at *pp into *c,
 * leaving *pp at the conversion character. */
static void parse_conv(const char **pp, struct pconv *c)
{
	const char *p = *pp;
	int nflags = 0;
	while (*p == '-' || *p == '+' || *p == ' ' || *p == '#' || *p == '0') {
		if (nflags < (int)sizeof(c->flags) - 1)
			c->flags[nflags++] = *p;
		p++;
	}
	c->flags[nflags] = '\0';
	c->width = c->prec = -1;
	if (*p >= '0' && *p <= '9')
		c->width = strtol(p, (char **)&p, 10);
	if (*p == '.') {
		p++;
		c->prec = strtol(p, (char **)&p, 10);
	}
	c->nlen = 0;
	while (*p == 'h' || *p == 'l' || *p == 'L' || *p == 'j' || *p == 'z' ||
	       *p == 't') {
		if (c->nlen < 3)
			c->len[c->nlen++] = *p;
		p++;
	}
	c->len[c->nlen] = '\0';
	c->conv = *p;
	*pp = p;
}

/* put_conv() of a conversion without flags, width or precision, the
 * common case, without building a format for sb_printf: the same bytes.
 * false: not one of the conversions it does (%c, %p). */
static bool put_conv_plain(struct strbuf *sb, const struct pconv *c,
			   const struct type *t, const uint8_t *d)
{
	char conv = c->conv;

	if (conv == 's' || !is_printf_int(t)) {
		/* "%s" stops at the first NUL the value's text holds */
		size_t start = sb->len;
		out_value(sb, t, d, false);
		char *nul = sb->len > start
				    ? memchr(sb->s + start, 0, sb->len - start)
				    : NULL;
		if (nul) {
			sb->len = (size_t)(nul - sb->s);
			sb->s[sb->len] = 0;
		}
		return true;
	}
	uint64_t v = arg_int(t, d);
	bool hh = c->nlen == 2 && c->len[0] == 'h' && c->len[1] == 'h';
	bool h = c->nlen == 1 && c->len[0] == 'h';
	bool wide = c->nlen && !hh && !h;
	switch (conv) {
	case 'd':
	case 'i':
		put_i64(sb, wide ? (int64_t)v
			    : hh ? (int64_t)(signed char)v
			    : h	 ? (int64_t)(short)v
				 : (int64_t)(int)v);
		return true;
	case 'u':
	case 'o':
	case 'x':
	case 'X':
		v = wide ? v
		    : hh ? (uint64_t)(unsigned char)v
		    : h	 ? (uint64_t)(unsigned short)v
			 : (uint64_t)(unsigned int)v;
		put_u64_base(sb, v, conv == 'u' ? 10 : conv == 'o' ? 8 : 16,
			     conv == 'X');
		return true;
	}
	return false;
}

/* Prints one argument of type t at d by conversion c (not %r). */
static void put_conv(struct strbuf *sb, const struct pconv *c,
		     const struct type *t, const uint8_t *d)
{
	char conv = c->conv;
	char spec[48];

	if (!c->flags[0] && c->width < 0 && c->prec < 0 &&
	    put_conv_plain(sb, c, t, d))
		return;
	int k = snprintf(spec, sizeof(spec), "%%%s", c->flags);
	if (c->width >= 0)
		k += snprintf(spec + k, sizeof(spec) - k, "%ld", c->width);
	if (c->prec >= 0 && conv != 'c' && conv != 'p')
		k += snprintf(spec + k, sizeof(spec) - k, ".%ld", c->prec);

	if (conv == 's' || !is_printf_int(t)) {
		struct strbuf tmp = { 0 };
		out_value(&tmp, t, d, false);
		snprintf(spec + k, sizeof(spec) - k, "s");
		sb_printf(sb, spec, tmp.s ? tmp.s : "");
		sb_free(&tmp);
		return;
	}
	uint64_t v = arg_int(t, d);
	bool hh = !strcmp(c->len, "hh"), h = !strcmp(c->len, "h");
	bool wide = c->nlen && !hh && !h;
	switch (conv) {
	case 'd':
	case 'i':
		snprintf(spec + k, sizeof(spec) - k, "lld");
		sb_printf(sb, spec,
			  wide ? (long long)v
			  : hh ? (long long)(signed char)v
			  : h	? (long long)(short)v
				: (long long)(int)v);
		break;
	case 'u':
	case 'o':
	case 'x':
	case 'X':
		snprintf(spec + k, sizeof(spec) - k, "ll%c", conv);
		sb_printf(sb, spec,
			  wide ? (unsigned long long)v
			  : hh ? (unsigned long long)(unsigned char)v
			  : h	? (unsigned long long)(unsigned short)v
				: (unsigned long long)(unsigned int)v);
		break;
	case 'c':
		snprintf(spec + k, sizeof(spec) - k, "c");
		sb_printf(sb, spec, (int)(unsigned char)v);
		break;
	case 'p': {
		char hex[24];
		int digits = snprintf(hex, sizeof(hex), "%" PRIx64, v);
		if (strchr(c->flags, '0') && !strchr(c->flags, '-') &&
		    c->width > digits + 2) {
			/* %08p zero-pads after the 0x, as C's printf */
			sb_puts(sb, "0x");
			for (long z = digits + 2; z < c->width; z++)
				sb_putc(sb, '0');
			sb_puts(sb, hex);
			break;
		}
		snprintf(hex, sizeof(hex), "0x%" PRIx64, v);
		snprintf(spec + k, sizeof(spec) - k, "s");
		sb_printf(sb, spec, hex);
		break;
	}
	}
}

void out_printf(struct strbuf *sb, const char *fmt, const struct type *args,
		const void *data)
{
	const uint8_t *base = data;
	int argi = 0, nargs = args ? args->fields.n : 0;
	const char *p = fmt;

	while (*p) {
		if (*p != '%') {
			const char *q = strchr(p, '%');
			size_t n = q ? (size_t)(q - p) : strlen(p);
			sb_putn(sb, p, n);
			p += n;
			continue;
		}
		const char *start = p++;
		if (*p == '%') {
			sb_putc(sb, '%');
			p++;
			continue;
		}
		struct pconv c;
		parse_conv(&p, &c);
		/* widths and precisions beyond OUT_MAX_WIDTH are refused (the
		   conversion is printed as written): a script's
		   "%99999999999d" must not make us write gigabytes */
		bool too_wide = c.width > OUT_MAX_WIDTH || c.prec > OUT_MAX_WIDTH;
		bool known = c.conv && (strchr("diouxXcspr", c.conv) ||
					(c.conv == 'g' && p[1] == 'r'));
		if (too_wide && known && argi < nargs)
			argi++; /* its argument is skipped with it */
		if (!known || argi >= nargs || too_wide) {
			/* not a conversion we know (or no argument left):
			   print it as written */
			if (c.conv)
				p++;
			sb_putn(sb, start, p - start);
			continue;
		}
		p++;
		const struct field *f = &args->fields.v[argi++];
		const uint8_t *d = base + f->offset;
		if (c.conv == 'g') { /* %gr: GFP flags by name (fmt_values.c) */
			p++;
			struct strbuf tmp = { 0 };
			fmt_gfp_flags(&tmp, arg_int(f->type, d));
			struct pconv sc = c;
			sc.conv = 's';
			struct type st = { .kind = TY_STR,
					   .size = (int)tmp.len + 1 };
			sb_putc(&tmp, 0);
			put_conv(sb, &sc, &st, (const uint8_t *)tmp.s);
			sb_free(&tmp);
			continue;
		}
		if (c.conv == 'r') { /* %r %rx %rh: bytes of a buffer (fmt_values.c) */
			char style = *p == 'x' || *p == 'h' ? *p++ : 0;
			fmt_buffer_value(sb, f->type, d, style);
			continue;
		}
		put_conv(sb, &c, f->type, d);
	}
}

/* ---- maps --------------------------------------------------------------- */

static bool agg_sorts_by_value(const struct type *t)
{
	if (t->kind == TY_INT || t->kind == TY_BOOL)
		return t->kind == TY_INT;
	return t->kind == TY_AGG &&
	       (t->agg == AGG_COUNT || t->agg == AGG_SUM || t->agg == AGG_MIN ||
		t->agg == AGG_MAX || t->agg == AGG_AVG || t->agg == AGG_STATS);
}

/* Key order as bpftrace's sort_by_key: integers by signed value, strings
 * by their bytes, tuples field by field (other fields do not order). */
static int key_cmp_field(const struct type *t, const uint8_t *a,
			 const uint8_t *b)
{
	if (t->kind == TY_INT) {
		int64_t x = load_s(a, t->size), y = load_s(b, t->size);
		return x < y ? -1 : x > y;
	}
	if (t->kind == TY_STR)
		return memcmp(a, b, t->size);
	return 0;
}

static int key_cmp(const struct type *t, const uint8_t *a, const uint8_t *b)
{
	if (!t)
		return 0;
	if (t->kind != TY_TUPLE)
		return key_cmp_field(t, a, b);
	for (int i = 0; i < t->fields.n; i++) {
		const struct field *f = &t->fields.v[i];
		int r = key_cmp_field(f->type, a + f->offset, b + f->offset);
		if (r)
			return r;
	}
	return 0;
}

struct sort_ent {
	int idx;
	uint64_t v;
};

/* Stable merge sort of entries: by value when by_value, else by key. */
struct sort_ctx {
	const struct out_mapdata *m;
	bool by_value, sgn;
};

static int ent_cmp(const struct sort_ctx *sc, const struct sort_ent *a,
		   const struct sort_ent *b)
{
	if (sc->by_value) {
		if (a->v != b->v) {
			if (sc->sgn)
				return (int64_t)a->v < (int64_t)b->v ? -1 : 1;
			return a->v < b->v ? -1 : 1;
		}
	}
	return key_cmp(sc->m->key_type, sc->m->keys + (size_t)a->idx * sc->m->key_size,
		       sc->m->keys + (size_t)b->idx * sc->m->key_size);
}

static void merge_sort(const struct sort_ctx *sc, struct sort_ent *v,
		       struct sort_ent *tmp, int n)
{
	if (n < 2)
		return;
	int h = n / 2;
	merge_sort(sc, v, tmp, h);
	merge_sort(sc, v + h, tmp, n - h);
	int i = 0, j = h, k = 0;
	while (i < h && j < n)
		tmp[k++] = ent_cmp(sc, &v[j], &v[i]) < 0 ? v[j++] : v[i++];
	while (i < h)
		tmp[k++] = v[i++];
	while (j < n)
		tmp[k++] = v[j++];
	memcpy(v, tmp, sizeof(*v) * n);
}

/* A JSON map key's text: as the text key but without the spaces between
 * elements ("1,a", "{.a=1,.b=x}", "(2,b)" nested) and in stacks;
 * strings and other values keep theirs. */
static void fmt_key_compact(struct strbuf *sb, const struct type *t,
			    const uint8_t *d, bool top)
{
	switch (t ? t->kind : TY_NONE) {
	case TY_TUPLE:
		if (!top)
			sb_putc(sb, '(');
		for (int i = 0; i < t->fields.n; i++) {
			if (i)
				sb_putc(sb, ',');
			fmt_key_compact(sb, t->fields.v[i].type,
					d + t->fields.v[i].offset, false);
		}
		if (!top)
			sb_putc(sb, ')');
		return;
	case TY_RECORD:
	case TY_STRUCT: {
		struct strbuf k = { 0 };
		sb_putc(sb, '{');
		for (int i = 0, n = 0; i < t->fields.n; i++) {
			const struct field *f = &t->fields.v[i];
			if ((!f->name || !*f->name) && f->type &&
			    f->type->kind == TY_STRUCT && !f->bit_width) {
				/* an anonymous member's members in its place */
				k.len = 0;
				fmt_key_compact(&k, f->type, d + f->offset,
						false);
				if (k.len > 2) {
					if (n++)
						sb_putc(sb, ',');
					sb_putn(sb, k.s + 1, k.len - 2);
				}
				continue;
			}
			if (n++)
				sb_putc(sb, ',');
			sb_printf(sb, ".%s=", f->name ? f->name : "");
			if (f->bit_width)
				fmt_bitfield(sb, f, d + f->offset, false);
			else
				fmt_key_compact(sb, f->type, d + f->offset,
						false);
		}
		sb_putc(sb, '}');
		sb_free(&k);
		return;
	}
	case TY_ARRAY:
		if (t->elem && !t->is_float) {
			sb_putc(sb, '[');
			for (int i = 0; i < t->nelem; i++) {
				if (i)
					sb_putc(sb, ',');
				fmt_key_compact(sb, t->elem,
						d + (size_t)i * t->elem->size,
						false);
			}
			sb_putc(sb, ']');
			return;
		}
		break;
	case TY_KSTACK:
	case TY_USTACK: { /* a stack's frames lose their indentation */
		struct strbuf k = { 0 };
		out_value(&k, t, d, false);
		for (size_t i = 0; i < k.len; i++)
			if (k.s[i] != ' ')
				sb_putc(sb, k.s[i]);
		sb_free(&k);
		return;
	}
	default:
		break;
	}
	out_value(sb, t, d, false);
}

/* A key as text, tuple parentheses dropped (JSON: fmt_key_compact). */
static void fmt_key(struct strbuf *sb, const struct type *t, const uint8_t *d,
		    bool json)
{
	if (json) {
		struct strbuf k = { 0 };
		fmt_key_compact(&k, t, d, true);
		out_json_string(sb, k.s ? k.s : "", k.len);
		sb_free(&k);
		return;
	}
	if (t && t->kind == TY_TUPLE) { /* its elements, without ( ) */
		for (int i = 0; i < t->fields.n; i++) {
			if (i)
				sb_puts(sb, ", ");
			out_value(sb, t->fields.v[i].type,
				  d + t->fields.v[i].offset, false);
		}
		return;
	}
	out_value(sb, t, d, false);
}

static const char *json_map_type(const struct type *vt)
{
	if (vt->kind == TY_AGG && (vt->agg == AGG_AVG || vt->agg == AGG_STATS))
		return "stats";
	if (vt->kind == TY_AGG && (vt->agg == AGG_HIST || vt->agg == AGG_LHIST))
		return "hist";
	if (vt->kind == TY_AGG && vt->agg == AGG_TSERIES)
		return "tseries";
	return "map";
}

/* ---- histograms ----------------------------------------------------------
 * hist/lhist maps are keyed by (script key padded to 8 bytes, uint64 bucket)
 * with a per-CPU count as value (types.h).  A key's buckets are gathered
 * into counts[], then printed from the first to the last non-zero bucket.
 * Bucket i covers [label(i - 1), label(i)); label(i) is what bpftrace
 * prints: a plain integer, or a "symbolic" one with a K/M/G... suffix.
 * Two plain labels one apart print as a single value ("[3]"). */

struct hlabel {
	bool plain;        /* a plain integer (else symbolic) */
	uint64_t v;
	char text[32];
};

static bool agg_is_hist(const struct type *t)
{
	return t && t->kind == TY_AGG &&
	       (t->agg == AGG_HIST || t->agg == AGG_LHIST);
}

static int hist_nbuckets(const struct type *t)
{
	if (t->agg == AGG_LHIST)
		return t->lhist_step > 0
			       ? 2 + (int)((t->lhist_max - t->lhist_min) /
					   t->lhist_step)
			       : 2;
	return (64 - t->hist_bits) * (1 << t->hist_bits) + 1;
}

static struct hlabel plain_label(int64_t v)
{
	struct hlabel l = { true, (uint64_t)v, "" };
	snprintf(l.text, sizeof(l.text), "%" PRId64, v);
	return l;
}

/* An lhist bound v as bpftrace labels it: plain, or in K/M when the step
 * is a multiple of 1024. */
static struct hlabel lhist_label(const struct type *t, int64_t v)
{
	if (t->lhist_step % 1024)
		return plain_label(v);
	struct hlabel l = { false, (uint64_t)v, "" };
	if (v == 0 || (v % 1024))
		snprintf(l.text, sizeof(l.text), "%" PRId64, v);
	else if (v % (1024 * 1024) == 0)
		snprintf(l.text, sizeof(l.text), "%" PRId64 "M",
			 v / (1024 * 1024));
	else
		snprintf(l.text, sizeof(l.text), "%" PRId64 "K", v / 1024);
	return l;
}

/* The upper bound of bucket i (exclusive), as bpftrace labels it. */
static struct hlabel hist_label(const struct type *t, int i)
{
	if (t->agg == AGG_LHIST)
		return lhist_label(t, t->lhist_min + (int64_t)i * t->lhist_step);
	int k = t->hist_bits, n = 1 << k;
	if (i <= 2 << k)
		return plain_label(i);
	int power = (i >> k) - 1, interval = i & (n - 1);
	int decade = power / 10;
	struct hlabel l = { false,
			    ((uint64_t)1 << power) * (uint64_t)(n + interval),
			    "" };
	snprintf(l.text, sizeof(l.text), "%" PRIu64 "%.1s",
		 ((uint64_t)1 << (power - 10 * decade)) *
			 (uint64_t)(n + interval),
		 &"\0KMGTPE"[decade]);
	return l;
}

/* "[4, 8)", "[3]", "(..., 0)", "[10, ...)" for bucket i of `last`. */
static void hist_header(struct strbuf *sb, const struct type *t, int i)
{
	bool lin = t->agg == AGG_LHIST;
	int nb = hist_nbuckets(t);
	if (i == 0) {
		sb_printf(sb, "(..., %s)", hist_label(t, 0).text);
		return;
	}
	if (lin && i == nb - 1) {
		/* from max, also when (max - min) is no multiple of step
		   (its values from the last full bucket's end are in it) */
		sb_printf(sb, "[%s, ...)", lhist_label(t, t->lhist_max).text);
		return;
	}
	struct hlabel lo = hist_label(t, i - 1);
	struct hlabel hi = hist_label(t, i);
	if (lo.plain && hi.plain && lo.v + 1 == hi.v)
		sb_printf(sb, "[%s]", lo.text);
	else
		sb_printf(sb, "[%s, %s)", lo.text, hi.text);
}

/* One histogram: the rows from the first to the last non-zero bucket. */
static void fmt_hist(struct strbuf *sb, const struct type *t,
		     const uint64_t *counts, uint64_t div, bool json)
{
	int nb = hist_nbuckets(t), first = -1, last = -1;
	bool lin = t->agg == AGG_LHIST;
	for (int i = 0; i < nb; i++)
		if (counts[i]) {
			if (first < 0)
				first = i;
			last = i;
		}
	if (lin || div < 1)
		div = 1;
	if (json)
		sb_putc(sb, '[');
	uint64_t max = 0;
	for (int i = first; first >= 0 && i <= last; i++)
		if (counts[i] / div > max)
			max = counts[i] / div;
	for (int i = first; first >= 0 && i <= last; i++) {
		uint64_t c = counts[i] / div;
		if (json) {
			if (i > first)
				sb_putc(sb, ',');
			sb_putc(sb, '{');
			if (i > 0) {
				sb_puts(sb, "\"min\": ");
				json_u64(sb, lin && i == nb - 1
						     ? (uint64_t)t->lhist_max
						     : hist_label(t, i - 1).v);
				sb_puts(sb, ", ");
			}
			if (!(lin && i == nb - 1)) {
				sb_puts(sb, "\"max\": ");
				json_i64(sb, (int64_t)(hist_label(t, i).v - 1));
				sb_puts(sb, ", ");
			}
			sb_printf(sb, "\"count\": %" PRIu64 "}", c);
			continue;
		}
		struct strbuf h = { 0 };
		hist_header(&h, t, i);
		int width = max ? (int)((float)c / (float)max * 52) : 0;
		sb_printf(sb, "%-16s%8" PRIu64 " |%-52.*s|\n", h.s ? h.s : "", c,
			  width,
			  "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@");
		sb_free(&h);
	}
	if (json)
		sb_putc(sb, ']');
}

struct hist_group {
	int first;         /* entry whose key starts the group */
	uint64_t total;    /* sum of all counts: the sort order */
	uint64_t *counts;
};

static const struct out_mapdata *hsort_map;
static uint32_t hsort_ks;

/* qsort order of entry indexes: by script key bytes, then by index. */
static int hist_ent_cmp(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	int r = memcmp(hsort_map->keys + (size_t)x * hsort_map->key_size,
		       hsort_map->keys + (size_t)y * hsort_map->key_size,
		       hsort_ks);
	return r ? r : (x > y) - (x < y);
}

static void print_hist_map(struct strbuf *sb, const struct out_mapdata *m,
			   uint32_t top, uint32_t div, bool json)
{
	const struct type *vt = m->value_type;
	struct vctx c = { json, m->ncpus > 0 ? m->ncpus : 1, m->stride, 1 };
	size_t vstep = (size_t)c.ncpus * m->stride;
	uint32_t ks = m->bucket_off; /* the script key's bytes */
	int nb = hist_nbuckets(vt), ng = 0;
	int *order = xcalloc(m->n ? m->n : 1, sizeof(*order));
	struct hist_group *g = xcalloc(m->n ? m->n : 1, sizeof(*g));

	/* group the (key, bucket) entries by key */
	for (int i = 0; i < m->n; i++)
		order[i] = i;
	hsort_map = m;
	hsort_ks = ks;
	qsort(order, m->n, sizeof(*order), hist_ent_cmp);
	for (int j = 0; j < m->n; j++) {
		int e = order[j];
		const uint8_t *key = m->keys + (size_t)e * m->key_size;
		if (!ng || memcmp(key, m->keys + (size_t)g[ng - 1].first *
						     m->key_size, ks)) {
			g[ng].first = e;
			g[ng].counts = xcalloc(nb, sizeof(uint64_t));
			ng++;
		}
		uint64_t bucket = ks + 8 <= m->key_size ? load_u(key + ks, 8)
							  : 0;
		uint64_t v = agg_sum(m->values + e * vstep, &c);
		if (bucket < (uint64_t)nb) {
			g[ng - 1].counts[bucket] += v;
			g[ng - 1].total += v;
		}
	}

	/* by total count, ties in key order (stable merge sort) */
	struct sort_ent *ents = xcalloc(ng ? ng : 1, sizeof(*ents));
	struct sort_ent *tmp = xcalloc(ng ? ng : 1, sizeof(*tmp));
	struct out_mapdata km = *m;
	for (int i = 0; i < ng; i++) {
		ents[i].idx = g[i].first;
		ents[i].v = g[i].total;
	}
	struct sort_ctx sc = { &km, true, false };
	merge_sort(&sc, ents, tmp, ng);
	int first = top && (uint32_t)ng > top ? ng - (int)top : 0;

	if (json) {
		sb_puts(sb, "{\"type\": \"hist\", \"data\": {");
		out_json_string(sb, m->name, strlen(m->name));
		sb_puts(sb, ": ");
		if (m->key_type)
			sb_putc(sb, '{');
	}
	for (int i = first; i < ng; i++) {
		const struct hist_group *hg = NULL;
		for (int j = 0; j < ng && !hg; j++)
			if (g[j].first == ents[i].idx)
				hg = &g[j];
		const uint8_t *key = m->keys + (size_t)hg->first * m->key_size;
		if (json && !m->key_type) {
			fmt_hist(sb, vt, hg->counts, div, true);
			break;
		}
		if (json) {
			if (i > first)
				sb_puts(sb, ", ");
			fmt_key(sb, m->key_type, key, true);
			sb_puts(sb, ": ");
			fmt_hist(sb, vt, hg->counts, div, true);
			continue;
		}
		sb_puts(sb, m->name);
		if (m->key_type) {
			sb_putc(sb, '[');
			fmt_key(sb, m->key_type, key, false);
			sb_putc(sb, ']');
		}
		sb_puts(sb, ":\n");
		fmt_hist(sb, vt, hg->counts, div, false);
		sb_putc(sb, '\n');
	}
	if (json) {
		if (!m->key_type && !ng)
			sb_puts(sb, "[]");
		else if (m->key_type)
			sb_putc(sb, '}');
		sb_puts(sb, "}}\n");
	}
	for (int i = 0; i < ng; i++)
		free(g[i].counts);
	free(g);
	free(order);
	free(ents);
	free(tmp);
}

/* ---- time series ----------------------------------------------------------
 * tseries maps are keyed like hist maps with bucket = epoch % n; each
 * per-CPU value is { int64 value; uint64 meta; uint64 epoch; } (types.h).
 * A bucket's CPUs are merged within its newest epoch (epoch 0 means never
 * written: a bucket with nothing else reads as epoch 0, value 0, as in
 * bpftrace).  The printed range is the newest epoch of all keys and the
 * n - 1 before it; each key starts at its first epoch in that range, and
 * intervals it has no value for print as "-" (text) or are left out
 * (JSON).  Times are TAI, shown as wall-clock time: local in text, UTC in
 * JSON. */

struct tspoint {
	uint64_t epoch;
	int64_t v;
};

struct tsgroup {
	int first;              /* entry whose key starts the group */
	uint64_t latest;        /* newest epoch: the sort order */
	struct tspoint *pts;    /* sorted by epoch, unique */
	int n;
};

static int64_t tai_offset_ns(void)
{
	static bool done;
	static int64_t off;
	if (!done) {
		struct timespec tai, real;
		clock_gettime(CLOCK_TAI, &tai);
		clock_gettime(CLOCK_REALTIME, &real);
		/* the kernel's TAI offset is whole seconds */
		int64_t d = (int64_t)(tai.tv_sec - real.tv_sec) * 1000000000 +
			    (tai.tv_nsec - real.tv_nsec);
		off = (d >= 0 ? d + 500000000 : d - 500000000) / 1000000000 *
		      1000000000;
		done = true;
	}
	return off;
}

/* One bucket's per-CPU values merged: *epoch and *v of its newest epoch. */
static void ts_reduce(const struct type *t, const uint8_t *d,
		      const struct vctx *c, uint64_t *epoch, int64_t *v)
{
	bool sgn = t->elem && t->elem->is_signed;
	enum agg_kind agg = t->tseries_agg;
	uint64_t best = 0;
	int64_t val = 0;
	uint64_t meta = 0;
	*epoch = 0;
	*v = 0;
	for (int i = 0; i < c->ncpus; i++) {
		const uint8_t *p = d + (size_t)i * c->stride;
		uint64_t e = load_u(p + 16, 8);
		if (e > best)
			best = e;
	}
	if (!best)
		return;
	bool any = false;
	for (int i = 0; i < c->ncpus; i++) {
		const uint8_t *p = d + (size_t)i * c->stride;
		if (load_u(p + 16, 8) != best)
			continue;
		int64_t x = load_s(p, 8);
		uint64_t m = load_u(p + 8, 8);
		if (!any) {
			val = x;
			meta = m;
			any = true;
			continue;
		}
		switch (agg) {
		case AGG_NONE:
			if (m > meta) {
				val = x;
				meta = m;
			}
			break;
		case AGG_AVG:
			val = (int64_t)((uint64_t)val + (uint64_t)x);
			meta += m;
			break;
		case AGG_SUM:
			val = (int64_t)((uint64_t)val + (uint64_t)x);
			break;
		default: {
			bool less = sgn ? x < val : (uint64_t)x < (uint64_t)val;
			if (agg == AGG_MIN ? less : (!less && x != val))
				val = x;
		}
		}
	}
	if (agg == AGG_AVG && meta)
		val = sgn ? val / (int64_t)meta : (int64_t)((uint64_t)val / meta);
	*epoch = best;
	*v = val;
}

static void ts_put(struct strbuf *sb, bool sgn, int64_t v)
{
	if (sgn)
		sb_printf(sb, "%" PRId64, v);
	else
		sb_printf(sb, "%" PRIu64, (uint64_t)v);
}

/* A time as bpftrace prints it: local "%H:%M:%S" and the fraction the
 * unit asks for (digits 0, 3, 6 or 9), or JSON's UTC date. */
static void ts_time(struct strbuf *sb, uint64_t tai_ns, int digits, bool json)
{
	int64_t ns = (int64_t)tai_ns - tai_offset_ns();
	time_t sec = (time_t)(ns >= 0 ? ns / 1000000000
				      : (ns - 999999999) / 1000000000);
	int64_t frac = ns - (int64_t)sec * 1000000000;
	struct tm tm;
	char buf[64];
	if (json) {
		gmtime_r(&sec, &tm);
		strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
		sb_printf(sb, "\"%s.%09" PRId64 "\"", buf, frac);
		return;
	}
	localtime_r(&sec, &tm);
	strftime(buf, sizeof(buf), "%H:%M:%S", &tm);
	sb_puts(sb, buf);
	if (digits == 3)
		sb_printf(sb, ".%03" PRId64, frac / 1000000);
	else if (digits == 6)
		sb_printf(sb, ".%06" PRId64, frac / 1000);
	else if (digits == 9)
		sb_printf(sb, ".%09" PRId64, frac);
}

/* A series as JSON: [{"interval_start": TIME, "value": V}, ...]. */
static void ts_json(struct strbuf *sb, const struct tsgroup *g, bool sgn,
		    uint64_t iv, uint64_t first, uint64_t to, bool empty)
{
	sb_putc(sb, '[');
	bool any = false;
	for (uint64_t e = first; !empty && e <= to && e >= first; e++) {
		for (int i = 0; i < g->n; i++) {
			if (g->pts[i].epoch != e)
				continue;
			if (any)
				sb_puts(sb, ", ");
			sb_puts(sb, "{\"interval_start\": ");
			ts_time(sb, e * iv, 9, true);
			sb_puts(sb, ", \"value\": ");
			ts_put(sb, sgn, g->pts[i].v);
			sb_putc(sb, '}');
			any = true;
		}
		if (e == UINT64_MAX)
			break;
	}
	sb_putc(sb, ']');
}

/* min and max of the values in epochs [first, to].  Equal ones are widened
 * by one on each side, except that a 0 stays the bottom (all zeros draw
 * 0..1 with the stars on the left border, as bpftrace's runtime test
 * call.tseries_min shows). */
static void ts_minmax(const struct tsgroup *g, bool sgn, uint64_t first,
		      uint64_t to, int64_t *mnp, int64_t *mxp)
{
	int64_t mn = 0, mx = 0;
	bool have = false;
	for (int i = 0; i < g->n; i++) {
		const struct tspoint *p = &g->pts[i];
		if (p->epoch < first || p->epoch > to)
			continue;
		if (!have || (sgn ? p->v < mn : (uint64_t)p->v < (uint64_t)mn))
			mn = p->v;
		if (!have || (sgn ? p->v > mx : (uint64_t)p->v > (uint64_t)mx))
			mx = p->v;
		have = true;
	}
	if (mn == mx) {
		if (mn != 0 && (!sgn || mn > INT64_MIN))
			mn--;
		if (sgn ? mx < INT64_MAX : (uint64_t)mx < UINT64_MAX)
			mx++;
	}
	*mnp = mn;
	*mxp = mx;
}

/* The chart's rows, one per epoch in [first, to]: the time, the '*' at the
 * value's place between mn and mx (zero: the column of 0, or 0), the value
 * or '-'. */
static void ts_rows(struct strbuf *sb, const struct tsgroup *g, bool sgn,
		    uint64_t iv, uint64_t first, uint64_t to, int digits,
		    int64_t mn, double range, int zero)
{
	for (uint64_t e = first; e <= to && e >= first; e++) {
		char line[54];
		memset(line, ' ', 53);
		line[53] = '\0';
		line[0] = line[52] = '|';
		if (zero > 0)
			line[zero] = '.';
		ts_time(sb, e * iv, digits, false);
		sb_putc(sb, ' ');
		const struct tspoint *p = NULL;
		for (int i = 0; i < g->n && !p; i++)
			if (g->pts[i].epoch == e)
				p = &g->pts[i];
		if (p) {
			double dv = sgn ? (double)p->v - (double)mn
					: (double)(uint64_t)p->v -
						  (double)(uint64_t)mn;
			int off = (int)((float)52 * (float)dv / (float)range);
			line[off < 0 ? 0 : off > 52 ? 52 : off] = '*';
			sb_printf(sb, "%s ", line);
			ts_put(sb, sgn, p->v);
		} else {
			sb_printf(sb, "%s -", line);
		}
		sb_putc(sb, '\n');
		if (e == UINT64_MAX)
			break;
	}
}

/* The rows of one series: epochs [from, to], values where pts has them. */
static void fmt_tseries(struct strbuf *sb, const struct type *t,
			const struct tsgroup *g, uint64_t from, uint64_t to,
			bool json)
{
	bool sgn = t->elem && t->elem->is_signed;
	uint64_t iv = (uint64_t)t->tseries_interval, first = to;
	for (int i = 0; i < g->n; i++)
		if (g->pts[i].epoch >= from && g->pts[i].epoch < first)
			first = g->pts[i].epoch;
	bool empty = from > to || g->n == 0;
	if (!empty) {
		bool found = false;
		for (int i = 0; i < g->n; i++)
			if (g->pts[i].epoch >= from && g->pts[i].epoch <= to)
				found = true;
		empty = !found;
	}
	if (json) {
		ts_json(sb, g, sgn, iv, first, to, empty);
		return;
	}
	if (empty) {
		sb_puts(sb, "<no data>");
		return;
	}
	int64_t mn, mx;
	ts_minmax(g, sgn, first, to, &mn, &mx);
	/* the time unit: of the interval between the rows shown */
	uint64_t rows = to - first + 1;
	uint64_t step = (to - first) * iv / (rows > 1 ? rows - 1 : 1);
	int digits = step >= 1000000000 ? 0 : step >= 1000000 ? 3
		     : step >= 1000 ? 6 : 9;
	const char *fmtname = digits == 0 ? "hh:mm:ss" : digits == 3
			      ? "hh:mm:ss.ms" : digits == 6 ? "hh:mm:ss.\u03bcs"
			      : "hh:mm:ss.ns";
	int tsize = 8 + (digits ? 1 + digits : 0);
	double range = sgn ? (double)mx - (double)mn
			   : (double)(uint64_t)mx - (double)(uint64_t)mn;
	struct strbuf scale = { 0 };
	sb_printf(&scale, "%*s", tsize + 1, "");
	struct strbuf a = { 0 }, z = { 0 };
	ts_put(&a, sgn, mn);
	ts_put(&z, sgn, mx);
	sb_printf(&scale, "%-21s%32s\n", a.s, z.s);
	sb_free(&a);
	sb_free(&z);
	sb_putn(sb, scale.s, scale.len);
	sb_printf(sb, "%-*s|", tsize + 1, fmtname);
	for (int i = 0; i < 51; i++)
		sb_putc(sb, '_');
	sb_puts(sb, "|\n");
	int zero = 0;
	if (sgn && mn < 0 && mx > 0)
		zero = (int)((float)53 * (float)(0 - (double)mn) / (float)range);
	ts_rows(sb, g, sgn, iv, first, to, digits, mn, range, zero);
	sb_printf(sb, "%*s v", tsize, "");
	for (int i = 0; i < 51; i++)
		sb_putc(sb, '_');
	sb_puts(sb, "v\n");
	sb_putn(sb, scale.s, scale.len);
	sb_free(&scale);
}

static int tspoint_cmp(const void *a, const void *b)
{
	const struct tspoint *x = a, *y = b;
	return (x->epoch > y->epoch) - (x->epoch < y->epoch);
}

static void print_tseries_map(struct strbuf *sb, const struct out_mapdata *m,
			      bool json)
{
	const struct type *vt = m->value_type;
	struct vctx c = { json, m->ncpus > 0 ? m->ncpus : 1, m->stride, 1 };
	size_t vstep = (size_t)c.ncpus * m->stride;
	uint32_t ks = m->bucket_off; /* the script key's bytes */
	int ng = 0;
	int *order = xcalloc(m->n ? m->n : 1, sizeof(*order));
	struct tsgroup *g = xcalloc(m->n ? m->n : 1, sizeof(*g));

	for (int i = 0; i < m->n; i++)
		order[i] = i;
	hsort_map = m;
	hsort_ks = ks;
	qsort(order, m->n, sizeof(*order), hist_ent_cmp);
	for (int j = 0; j < m->n; j++) {
		int e = order[j];
		const uint8_t *key = m->keys + (size_t)e * m->key_size;
		if (!ng || memcmp(key, m->keys + (size_t)g[ng - 1].first *
						     m->key_size, ks)) {
			g[ng].first = e;
			g[ng].pts = xcalloc(m->n, sizeof(struct tspoint));
			ng++;
		}
		struct tsgroup *cur = &g[ng - 1];
		struct tspoint pt;
		ts_reduce(vt, m->values + e * vstep, &c, &pt.epoch, &pt.v);
		bool dup = false;
		for (int i = 0; i < cur->n; i++)
			if (cur->pts[i].epoch == pt.epoch)
				dup = true;
		if (!dup)
			cur->pts[cur->n++] = pt;
		if (pt.epoch > cur->latest)
			cur->latest = pt.epoch;
	}
	uint64_t last = 0;
	for (int i = 0; i < ng; i++) {
		qsort(g[i].pts, g[i].n, sizeof(struct tspoint), tspoint_cmp);
		if (g[i].latest > last)
			last = g[i].latest;
	}
	uint64_t from = last - (uint64_t)vt->tseries_n + 1;

	/* least recently updated first */
	struct sort_ent *ents = xcalloc(ng ? ng : 1, sizeof(*ents));
	struct sort_ent *tmp = xcalloc(ng ? ng : 1, sizeof(*tmp));
	struct out_mapdata km = *m;
	for (int i = 0; i < ng; i++) {
		ents[i].idx = g[i].first;
		ents[i].v = g[i].latest;
	}
	struct sort_ctx sc = { &km, true, false };
	merge_sort(&sc, ents, tmp, ng);

	if (json) {
		sb_puts(sb, "{\"type\": \"tseries\", \"data\": {");
		out_json_string(sb, m->name, strlen(m->name));
		sb_puts(sb, ": ");
		if (m->key_type)
			sb_putc(sb, '{');
	}
	for (int i = 0; i < ng; i++) {
		const struct tsgroup *tg = NULL;
		for (int j = 0; j < ng && !tg; j++)
			if (g[j].first == ents[i].idx)
				tg = &g[j];
		const uint8_t *key = m->keys + (size_t)tg->first * m->key_size;
		if (json && !m->key_type) {
			fmt_tseries(sb, vt, tg, from, last, true);
			break;
		}
		if (json) {
			if (i)
				sb_puts(sb, ", ");
			fmt_key(sb, m->key_type, key, true);
			sb_puts(sb, ": ");
			fmt_tseries(sb, vt, tg, from, last, true);
			continue;
		}
		sb_puts(sb, m->name);
		if (m->key_type) {
			sb_putc(sb, '[');
			fmt_key(sb, m->key_type, key, false);
			sb_putc(sb, ']');
		}
		sb_puts(sb, ":\n");
		fmt_tseries(sb, vt, tg, from, last, false);
		sb_putc(sb, '\n');
	}
	if (json) {
		if (!m->key_type && !ng)
			sb_puts(sb, "[]");
		else if (m->key_type)
			sb_putc(sb, '}');
		sb_puts(sb, "}}\n");
	}
	for (int i = 0; i < ng; i++)
		free(g[i].pts);
	free(g);
	free(order);
	free(ents);
	free(tmp);
}

void out_mapdata_print(struct strbuf *sb, const struct out_mapdata *m,
		       uint32_t top, uint32_t div, bool json)
{
	if (agg_is_hist(m->value_type)) {
		print_hist_map(sb, m, top, div, json);
		return;
	}
	if (m->value_type && m->value_type->kind == TY_AGG &&
	    m->value_type->agg == AGG_TSERIES) {
		print_tseries_map(sb, m, json); /* top and div do not apply */
		return;
	}
	struct vctx c = { json, m->ncpus > 0 ? m->ncpus : 1, m->stride,
			  div > 1 ? div : 1 };
	const struct type *vt = m->value_type;
	size_t vstep = (size_t)c.ncpus * m->stride;
	struct sort_ctx sc = { m, agg_sorts_by_value(vt), false };
	struct sort_ent *ents = xcalloc(m->n ? m->n : 1, sizeof(*ents));
	struct sort_ent *tmp = xcalloc(m->n ? m->n : 1, sizeof(*tmp));

	for (int i = 0; i < m->n; i++) {
		ents[i].idx = i;
		if (sc.by_value)
			ents[i].v = sort_value(vt, m->values + i * vstep, &c,
					       &sc.sgn);
	}
	merge_sort(&sc, ents, tmp, m->n);
	int first = top && (uint32_t)m->n > top ? m->n - (int)top : 0;

	if (json) {
		sb_printf(sb, "{\"type\": \"%s\", \"data\": {", json_map_type(vt));
		out_json_string(sb, m->name, strlen(m->name));
		sb_puts(sb, ": ");
		if (!m->key_type && m->n > 0) {
			fmt_value(sb, vt, m->values + ents[first].idx * vstep, &c);
		} else {
			sb_putc(sb, '{');
			for (int i = first; m->key_type && i < m->n; i++) {
				int e = ents[i].idx;
				if (i > first)
					sb_puts(sb, ", ");
				fmt_key(sb, m->key_type,
					m->keys + (size_t)e * m->key_size, true);
				sb_puts(sb, ": ");
				fmt_value(sb, vt, m->values + e * vstep, &c);
			}
			sb_putc(sb, '}');
		}
		sb_puts(sb, "}}\n");
	} else if (!m->key_type) {
		if (m->n > 0) {
			sb_printf(sb, "%s: ", m->name);
			fmt_value(sb, vt, m->values + ents[first].idx * vstep, &c);
			sb_putc(sb, '\n');
		}
	} else {
		for (int i = first; i < m->n; i++) {
			int e = ents[i].idx;
			sb_printf(sb, "%s[", m->name);
			fmt_key(sb, m->key_type, m->keys + (size_t)e * m->key_size,
				false);
			sb_puts(sb, "]: ");
			fmt_value(sb, vt, m->values + e * vstep, &c);
			sb_putc(sb, '\n');
		}
	}
	free(ents);
	free(tmp);
}

int out_mapdata_read(const struct tt_prog *p, int map, struct out_mapdata *m)
{
	const struct tt_map *tm = &p->maps.v[map];
	const struct mapio_shape shape = { tm->type, tm->key_size,
					   tm->value_size, tm->max_entries };
	struct mapio_snapshot snap;

	memset(m, 0, sizeof(*m));
	m->name = tm->name;
	m->key_type = tm->key_type;
	m->value_type = tm->value_type;
	m->key_size = tm->key_size;
	m->bucket_off = tm->bucket_off >= 0 ? (uint32_t)tm->bucket_off : 0;
	m->stride = tm->value_size;
	m->ncpus = 1;
	if (mapio_percpu(tm->type)) {
		int ncpus = libbpf_num_possible_cpus();
		if (ncpus < 1)
			return ncpus < 0 ? ncpus : -EINVAL;
		m->stride = (tm->value_size + 7) & ~7u;
		m->ncpus = ncpus;
	}
	if (tm->fd < 0)
		return -EBADF;
	int err = mapio_read(tm->fd, &shape, &snap);
	if (err < 0)
		return err;
	m->keys = snap.keys;
	m->values = snap.values;
	m->n = (int)snap.n;
	return 0;
}

void out_mapdata_free(struct out_mapdata *m)
{
	free(m->keys);
	free(m->values);
	m->keys = m->values = NULL;
	m->n = 0;
}

int out_map_top(FILE *f, const struct tt_prog *p, int map, uint32_t top,
		uint32_t div, bool json)
{
	struct out_mapdata m;
	struct strbuf sb = { 0 };
	int err = out_mapdata_read(p, map, &m);

	if (err < 0)
		return err;
	out_mapdata_print(&sb, &m, top, div, json);
	if (sb.len)
		fwrite(sb.s, 1, sb.len, f);
	sb_free(&sb);
	out_mapdata_free(&m);
	return 0;
}

int out_map(FILE *f, const struct tt_prog *p, int map, bool json)
{
	return out_map_top(f, p, map, 0, 0, json);
}

void out_attached(struct strbuf *sb, int n, bool json)
{
	if (json)
		sb_printf(sb,
			  "{\"type\": \"attached_probes\", \"count\": %d, "
			  "\"data\": {\"probes\": %d}}\n", n, n);
	else
		sb_printf(sb, "Attached %d probe%s\n", n, n == 1 ? "" : "s");
}

void out_bench(struct strbuf *sb, int n, const char *const *names,
	       const uint64_t *avg_ns, const uint64_t *iters, bool json)
{
	if (!json)
		sb_printf(sb, "%-41s%-15s%s\n%.66s\n", "Benchmark", "Time(ns)",
			  "Iterations",
			  "------------------------------------------------"
			  "------------------------------------------------");
	for (int i = 0; i < n; i++) {
		if (json)
			sb_printf(sb, "{\"type\": \"benchmark_result\", "
				  "\"data\": {\"%s\": {\"average\": %" PRIu64
				  ", \"iters\": %" PRIu64 "}}}\n",
				  names[i], avg_ns[i], iters[i]);
		else
			sb_printf(sb, "%-41s%-15" PRIu64 "%" PRIu64 "\n",
				  names[i], avg_ns[i], iters[i]);
	}
}

void out_lost(struct strbuf *sb, uint64_t n, bool json)
{
	if (json)
		sb_printf(sb,
			  "{\"type\": \"lost_events\", \"count\": %" PRIu64
			  ", \"data\": {\"events\": %" PRIu64 "}}\n", n, n);
	else
		sb_printf(sb, "Lost %" PRIu64 " events\n", n);
}
