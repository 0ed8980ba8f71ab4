/* test_types_src.c — where types come from: script C definitions (cdecl.c)
 * and kernel BTF (btf.c).
 *
 * Layouts are checked against this test's own compiler: each struct is
 * written once, compiled into the test AND passed as text to cdecl, and
 * every field offset, bitfield position, size and alignment must agree.
 * BTF tests read /sys/kernel/btf/vmlinux (skipped loudly without it) and
 * compare with what libbpf itself reports for the same type.  Criterion
 * runs each test in its own process, so "BTF not loaded yet" is checked
 * from a clean start. */
#include <criterion/criterion.h>
#include <bpf/btf.h>
#include <errno.h>
#include <linux/types.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "arch.h"
#include "btf.h"
#include "cdecl.h"
#include "types.h"

typedef __u8 u8;
typedef __s16 s16;

/* ---- helpers ------------------------------------------------------------ */

static char *diag_buf;
static size_t diag_len;
static FILE *diag_f;

static void capture(void)
{
	diag_reset();
	diag_f = open_memstream(&diag_buf, &diag_len);
	diag_set_stream(diag_f);
}

/* What was reported since capture(). */
static const char *captured(void)
{
	fflush(diag_f);
	return diag_buf ? diag_buf : "";
}

static struct source src_of(const char *text)
{
	return (struct source){ "stdin", text, strlen(text) };
}

/* Defines one script text (with a location on line 1) and lays it out. */
static int defs(const char *text)
{
	static struct source s;
	s = src_of(text);
	struct srcloc loc = { .src = &s, .line = 1, .col = 1,
			      .len = (int)strlen(text) };
	int r = cdecl_parse_defs(text, &loc);
	return r < 0 ? r : cdecl_finish();
}

static struct type *lookup(const char *name)
{
	struct type *t = cdecl_lookup(name);
	cr_assert(t, "cdecl_lookup(\"%s\") found nothing", name);
	return t;
}

static const struct field *field(struct type *t, const char *name, int *off)
{
	const struct field *f = cdecl_field(t, name, off);
	cr_assert(f, "no field %s in %s", name, type_name(t));
	return f;
}

#define CHECK_FIELD(t, S, f)                                                   \
	do {                                                                   \
		int off_;                                                      \
		field(t, #f, &off_);                                           \
		cr_expect_eq(off_, (int)offsetof(S, f),                        \
			     "%s.%s at %d, the compiler says %d", #S, #f,      \
			     off_, (int)offsetof(S, f));                       \
	} while (0)

#define CHECK_SIZE(t, S)                                                       \
	do {                                                                   \
		cr_expect_eq((t)->size, (int)sizeof(S), "sizeof %s: %d, the "  \
			     "compiler says %d", #S, (t)->size,                \
			     (int)sizeof(S));                                  \
		cr_expect_eq((t)->align, (int)alignof(S), "alignof %s: %d, "   \
			     "the compiler says %d", #S, (t)->align,           \
			     (int)alignof(S));                                 \
	} while (0)

/* Bit position of bitfield f of S by experiment: set it to all ones in a
 * zeroed struct and find the lowest bit that changed. */
#define BITPOS(S, f)                                                           \
	({                                                                     \
		S s_;                                                          \
		memset(&s_, 0, sizeof(s_));                                    \
		s_.f = -1;                                                     \
		const unsigned char *p_ = (const unsigned char *)&s_;          \
		int pos_ = -1;                                                 \
		for (int i_ = 0; i_ < (int)sizeof(s_) * 8 && pos_ < 0; i_++)   \
			if (p_[i_ / 8] >> (i_ % 8) & 1)                        \
				pos_ = i_;                                     \
		pos_;                                                          \
	})

#define CHECK_BITS(t, S, f, width)                                             \
	do {                                                                   \
		int off_;                                                      \
		const struct field *fl_ = field(t, #f, &off_);                 \
		cr_expect_eq(fl_->bit_width, width, "%s.%s width %d", #S, #f,  \
			     fl_->bit_width);                                  \
		cr_expect_eq(off_ * 8 + fl_->bit_offset, BITPOS(S, f),         \
			     "%s.%s at bit %d, the compiler says %d", #S, #f,  \
			     off_ * 8 + fl_->bit_offset, BITPOS(S, f));        \
	} while (0)

/* The same definition for the compiler and, as text, for cdecl. */
#define BOTH(kw, name, ...)                                                    \
	kw name __VA_ARGS__;                                                   \
	static const char name##_text[] = #kw " " #name " " #__VA_ARGS__

BOTH(struct, S1, { int a; char b[10]; struct S1 *next;
		   unsigned long long c : 3; short d; void *v; });
BOTH(struct, S2, { unsigned a : 3; unsigned b : 30; unsigned char c : 4;
		   unsigned short d : 9; int e; long long f : 40;
		   long long g : 30; char h; });
BOTH(struct, S3, { char a; int : 0; char b; short : 3; char c; });
BOTH(union, U1, { int a; char b[7]; long long c; unsigned bits : 5; });
BOTH(struct, S4, { int x; union { int a; struct { char p, q; }; };
		   struct { short m; } named; long tail; });
BOTH(struct, S5, { struct S1 arr[3]; char c; struct S4 s4; });
BOTH(struct, S6, { int (*fn)(int, char *); void (*arr[2])(void);
		   int x; char *(*getter)(void); });
BOTH(struct, S7, { u8 a; __u32 b; uint64_t c; int8_t d; s16 e;
		   unsigned long f; long long g; _Bool h; signed char i;
		   unsigned int j[3]; });
BOTH(struct, P1, { char a; int b; short c; } __attribute__((packed)));
BOTH(struct, A1, { char a; int b __attribute__((aligned(16))); char c; });
BOTH(struct, M1, { char a, b[3], *c; int d[2][3]; short e; });

/* ---- script definitions: layout ---------------------------------------- */

Test(cdecl, struct_layout_matches_compiler)
{
	cr_assert_eq(defs(S1_text), 0);
	struct type *t = lookup("struct S1");
	cr_expect_eq(t->kind, TY_STRUCT);
	cr_expect_str_eq(t->name, "S1");
	CHECK_SIZE(t, struct S1);
	CHECK_FIELD(t, struct S1, a);
	CHECK_FIELD(t, struct S1, b);
	CHECK_FIELD(t, struct S1, next);
	CHECK_FIELD(t, struct S1, d);
	CHECK_FIELD(t, struct S1, v);
	CHECK_BITS(t, struct S1, c, 3);
	int off;
	cr_expect_str_eq(type_name(field(t, "b", &off)->type), "string[10]");
	cr_expect_str_eq(type_name(field(t, "next", &off)->type),
			 "struct S1 *");
	cr_expect_eq(field(t, "next", &off)->type->elem, t,
		     "a pointer to the struct itself is the same type");
	cr_expect_str_eq(type_name(field(t, "c", &off)->type), "uint64");
	cr_expect_str_eq(type_name(field(t, "v", &off)->type), "void *");
}

Test(cdecl, bitfields_match_compiler)
{
	cr_assert_eq(defs(S2_text), 0);
	struct type *t = lookup("struct S2");
	CHECK_SIZE(t, struct S2);
	CHECK_BITS(t, struct S2, a, 3);
	CHECK_BITS(t, struct S2, b, 30);
	CHECK_BITS(t, struct S2, c, 4);
	CHECK_BITS(t, struct S2, d, 9);
	CHECK_FIELD(t, struct S2, e);
	CHECK_BITS(t, struct S2, f, 40);
	CHECK_BITS(t, struct S2, g, 30);
	CHECK_FIELD(t, struct S2, h);

	cr_assert_eq(defs(S3_text), 0);
	t = lookup("struct S3");
	CHECK_SIZE(t, struct S3);
	CHECK_FIELD(t, struct S3, a);
	CHECK_FIELD(t, struct S3, b);
	CHECK_FIELD(t, struct S3, c);
	cr_expect_eq(t->fields.n, 3, "unnamed bitfields are no fields");
}

Test(cdecl, unions_and_anonymous_members)
{
	cr_assert_eq(defs(U1_text), 0);
	struct type *u = lookup("union U1");
	cr_expect(u->is_union);
	CHECK_SIZE(u, union U1);
	CHECK_FIELD(u, union U1, a);
	CHECK_FIELD(u, union U1, b);
	CHECK_FIELD(u, union U1, c);
	CHECK_BITS(u, union U1, bits, 5);

	cr_assert_eq(defs(S4_text), 0);
	struct type *t = lookup("struct S4");
	CHECK_SIZE(t, struct S4);
	CHECK_FIELD(t, struct S4, x);
	CHECK_FIELD(t, struct S4, a);  /* inside the anonymous union */
	CHECK_FIELD(t, struct S4, p);  /* anonymous struct in it */
	CHECK_FIELD(t, struct S4, q);
	CHECK_FIELD(t, struct S4, named);
	CHECK_FIELD(t, struct S4, tail);
	int off;
	struct type *named = field(t, "named", &off)->type;
	int moff;
	field(named, "m", &moff);
	cr_expect_eq(off + moff, (int)offsetof(struct S4, named.m));
	cr_expect_null(cdecl_field(t, "nope", &off));
}

Test(cdecl, nested_arrays_function_pointers_fixed_width)
{
	cr_assert_eq(defs(S1_text), 0);
	cr_assert_eq(defs(S4_text), 0);
	cr_assert_eq(defs(S5_text), 0);
	struct type *t = lookup("struct S5");
	CHECK_SIZE(t, struct S5);
	CHECK_FIELD(t, struct S5, arr);
	CHECK_FIELD(t, struct S5, c);
	CHECK_FIELD(t, struct S5, s4);
	int off;
	cr_expect_str_eq(type_name(field(t, "arr", &off)->type),
			 "struct S1[3]");

	cr_assert_eq(defs(S6_text), 0);
	t = lookup("struct S6");
	CHECK_SIZE(t, struct S6);
	CHECK_FIELD(t, struct S6, fn);
	CHECK_FIELD(t, struct S6, arr);
	CHECK_FIELD(t, struct S6, x);
	CHECK_FIELD(t, struct S6, getter);
	cr_expect_str_eq(type_name(field(t, "fn", &off)->type), "void *");
	cr_expect_str_eq(type_name(field(t, "arr", &off)->type), "void *[2]");

	cr_assert_eq(defs(S7_text), 0);
	t = lookup("struct S7");
	CHECK_SIZE(t, struct S7);
	CHECK_FIELD(t, struct S7, a);
	CHECK_FIELD(t, struct S7, b);
	CHECK_FIELD(t, struct S7, c);
	CHECK_FIELD(t, struct S7, d);
	CHECK_FIELD(t, struct S7, e);
	CHECK_FIELD(t, struct S7, f);
	CHECK_FIELD(t, struct S7, g);
	CHECK_FIELD(t, struct S7, h);
	CHECK_FIELD(t, struct S7, i);
	CHECK_FIELD(t, struct S7, j);
	static const char *const names[] = { "a", "uint8", "b", "uint32",
		"c", "uint64", "d", "int8", "e", "int16", "f", "uint64",
		"g", "int64", "h", "bool", "i", "int8", "j", "uint32[3]" };
	for (size_t i = 0; i < ARRAY_SIZE(names); i += 2)
		cr_expect_str_eq(type_name(field(t, names[i], &off)->type),
				 names[i + 1], "S7.%s", names[i]);

	cr_assert_eq(defs(M1_text), 0);
	t = lookup("struct M1");
	CHECK_SIZE(t, struct M1);
	CHECK_FIELD(t, struct M1, a);
	CHECK_FIELD(t, struct M1, b);
	CHECK_FIELD(t, struct M1, c);
	CHECK_FIELD(t, struct M1, d);
	CHECK_FIELD(t, struct M1, e);
	cr_expect_str_eq(type_name(field(t, "d", &off)->type), "int32[3][2]"
			 /* type_name spells arrays inside out */);
	cr_expect_eq(field(t, "d", &off)->type->nelem, 2);
	cr_expect_eq(field(t, "d", &off)->type->elem->nelem, 3);
}

Test(cdecl, packed_and_aligned)
{
	cr_assert_eq(defs(P1_text), 0);
	struct type *t = lookup("struct P1");
	CHECK_SIZE(t, struct P1);
	CHECK_FIELD(t, struct P1, a);
	CHECK_FIELD(t, struct P1, b);
	CHECK_FIELD(t, struct P1, c);
	cr_assert_eq(defs("struct __attribute__((__packed__)) P2 { char a; "
			  "int b; short c; }"), 0);
	cr_expect_eq(lookup("struct P2")->size, (int)sizeof(struct P1));

	cr_assert_eq(defs(A1_text), 0);
	t = lookup("struct A1");
	CHECK_SIZE(t, struct A1);
	CHECK_FIELD(t, struct A1, b);
	CHECK_FIELD(t, struct A1, c);
}

Test(cdecl, enums_are_named_ints_with_constants)
{
	enum E { A, B = 5, C, D = -1, F = 1 << 4 | 2 };
	cr_assert_eq(defs("enum E { A, B = 5, C, D = -1, F = 1 << 4 | 2 }"),
		     0);
	struct type *e = lookup("enum E");
	cr_expect_eq(e->kind, TY_INT);
	cr_expect_eq(e->size, (int)sizeof(enum E));
	cr_expect(e->is_signed);
	cr_expect_str_eq(type_name(e), "enum E");
	static const struct { const char *n; int64_t v; } vals[] = {
		{ "A", A }, { "B", B }, { "C", C }, { "D", D }, { "F", F },
	};
	for (size_t i = 0; i < ARRAY_SIZE(vals); i++) {
		int64_t v;
		struct type *ty;
		cr_assert(cdecl_constant(vals[i].n, &v, &ty), "%s", vals[i].n);
		cr_expect_eq(v, vals[i].v, "%s = %lld", vals[i].n,
			     (long long)v);
		cr_expect_eq(ty, e);
	}
	/* an enum as a member, and an unsigned one */
	cr_assert_eq(defs("enum U { X = 1, Y = 4000000000 };"), 0);
	cr_expect_not(lookup("enum U")->is_signed);
	cr_assert_eq(defs("struct WithEnum { char c; enum E e; enum U u; }"),
		     0);
	struct type *t = lookup("struct WithEnum");
	int off;
	cr_expect_eq(field(t, "e", &off)->type, e);
	cr_expect_eq(off, 4);
	cr_expect_eq(t->size, 12);
}

Test(cdecl, typedef_chains)
{
	cr_assert_eq(defs(S1_text), 0);
	cr_assert_eq(defs("typedef unsigned int myu;"), 0);
	cr_assert_eq(defs("typedef myu myu2, *myu2p;"), 0);
	cr_assert_eq(defs("typedef struct S1 s1_t;"), 0);
	cr_assert_eq(defs("typedef s1_t *s1p;"), 0);
	cr_assert_eq(defs("typedef struct { int q; char r; } anon_t;"), 0);
	cr_assert_eq(defs("typedef char name_t[8];"), 0);
	cr_expect_str_eq(type_name(lookup("myu2")), "uint32");
	cr_expect_str_eq(type_name(lookup("myu2p")), "uint32 *");
	cr_expect_eq(lookup("s1_t"), lookup("struct S1"));
	cr_expect_eq(lookup("s1p")->elem, lookup("struct S1"));
	struct type *a = lookup("anon_t");
	cr_expect_str_eq(type_name(a), "struct anon_t");
	cr_expect_eq(a->size, 8);
	cr_expect_str_eq(type_name(lookup("name_t")), "string[8]");
	/* a name nobody defines is an error when the struct is laid out */
	btf_set_vmlinux_path("/nonexistent/vmlinux");
	capture();
	cr_expect_eq(defs("struct Later { later_t x; }"), -1);
	cr_expect(strstr(captured(), "unknown type name 'later_t'"));
}

Test(cdecl, forward_use_resolves_at_finish)
{
	struct source s = src_of("");
	struct srcloc loc = { .src = &s, .line = 1, .col = 1 };
	cr_assert_eq(cdecl_parse_defs("struct Outer { struct Inner in; "
				      "inner_t n; }", &loc), 0);
	cr_assert_eq(cdecl_parse_defs("struct Inner { long a, b; }", &loc),
		     0);
	cr_assert_eq(cdecl_parse_defs("typedef short inner_t;", &loc), 0);
	cr_assert_eq(cdecl_finish(), 0);
	struct type *t = lookup("struct Outer");
	cr_expect_eq(t->size, 24);
	int off;
	cr_expect_eq(field(t, "n", &off)->type, type_int(2, true));
	cr_expect_eq(off, 16);
}

Test(cdecl, type_names)
{
	cr_assert_eq(defs(S1_text), 0);
	static const struct { const char *text, *name; int size; } names[] = {
		{ "struct S1 *", "struct S1 *", 8 },
		{ "struct S1", "struct S1", (int)sizeof(struct S1) },
		{ "int8[4]", "int8[4]", 4 },
		{ "uint16", "uint16", 2 },
		{ "char *", "int8 *", 8 },
		{ "const char *", "int8 *", 8 },
		{ "unsigned long", "uint64", 8 },
		{ "unsigned", "uint32", 4 },
		{ "long long int", "int64", 8 },
		{ "short", "int16", 2 },
		{ "unsigned char", "uint8", 1 },
		{ "char", "int8", 1 },
		{ "int", "int32", 4 },
		{ "u64", "uint64", 8 },
		{ "__s32", "int32", 4 },
		{ "int64_t", "int64", 8 },
		{ "uint8_t[]", "uint8[0]", 0 },
		{ "size_t", "uint64", 8 },
		{ "bool", "bool", 1 },
		{ "void *", "void *", 8 },
		{ "struct S1 **", "struct S1 * *", 8 },
		{ "struct S1[10]", "struct S1[10]", 10 * (int)sizeof(struct S1) },
		{ "char[16]", "string[16]", 16 },
		{ "int (*)(int)", "void *", 8 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		struct type *t = cdecl_parse_typename(names[i].text, NULL);
		cr_assert(t, "'%s' did not parse", names[i].text);
		cr_expect_str_eq(type_name(t), names[i].name, "'%s'",
				 names[i].text);
		cr_expect_eq(t->size, names[i].size, "'%s' size %d",
			     names[i].text, t->size);
	}
	cr_expect_eq(cdecl_parse_typename("struct S1 *", NULL)->as, AS_NONE,
		     "pointer casts take their address space from sema");
}

/* Plain char is signed on x86-64 and unsigned on aarch64 (arch.h). */
Test(cdecl, plain_char_follows_the_architecture)
{
	cr_assert_eq(arch_select("x86_64"), 0);
	cr_expect_str_eq(type_name(cdecl_parse_typename("char", NULL)), "int8");
	cr_expect_str_eq(type_name(cdecl_parse_typename("unsigned char", NULL)),
			 "uint8");
	cr_assert_eq(arch_select("aarch64"), 0);
	cr_expect_str_eq(type_name(cdecl_parse_typename("char", NULL)), "uint8");
	cr_expect_str_eq(type_name(cdecl_parse_typename("signed char", NULL)),
			 "int8");
	cr_expect_str_eq(type_name(cdecl_parse_typename("char[4]", NULL)),
			 "string[4]");
}

/* ---- diagnostics -------------------------------------------------------- */

static void expect_error(const char *text, const char *msg)
{
	cdecl_reset();
	capture();
	cr_expect_eq(defs(text), -1, "'%s' was accepted", text);
	cr_expect(strstr(captured(), msg), "'%s': expected \"%s\" in:\n%s",
		  text, msg, captured());
}

Test(cdecl, errors_with_locations)
{
	btf_set_vmlinux_path("/nonexistent/vmlinux"); /* no BTF: exact */
	expect_error("struct A { foo_t x; }",
		     "definitions.h:2:12: error: unknown type name 'foo_t'\n"
		     "struct A { foo_t x; }\n"
		     "           ^");
	expect_error("struct A { struct B b; }",
		     "definitions.h:2:12: error: field has incomplete type "
		     "'struct B'");
	expect_error("struct A { int x:40; }",
		     "error: width of bit-field 'x' (40 bits) exceeds the width "
		     "of its type (32 bits)");
	expect_error("struct A { struct A self; }",
		     "field has incomplete type 'struct A'");
	expect_error("struct A { int x float; }", "definitions.h:2:18: error: "
						   "expected ';'");
	expect_error("enum E { A = B }", "use of undeclared identifier 'B'");
	expect_error("struct A { struct S x : 3; }",
		     "field has incomplete type 'struct S'");
	expect_error("struct A { float f : 3; }",
		     "bit-field 'f' has non-integral type");
	/* an error on the third line of a definition */
	expect_error("struct A {\n  int a;\n  nope_t b;\n}",
		     "definitions.h:4:3: error: unknown type name 'nope_t'\n"
		     "  nope_t b;\n  ^");

	/* nesting is bounded: an error, not a stack overflow */
	static char deep[4096];
	strcpy(deep, "struct A { int x[");
	for (int i = 0; i < 1000; i++)
		strcat(deep, "(");
	strcat(deep, "1");
	for (int i = 0; i < 1000; i++)
		strcat(deep, ")");
	strcat(deep, "]; }");
	expect_error(deep, "nested too deeply (limit is 200 levels)");

	cdecl_reset();
	capture();
	cr_assert_eq(defs("struct A { int x; }"), 0);
	cr_expect_eq(defs("struct A { int y; }"), -1);
	cr_expect(strstr(captured(), "error: redefinition of 'A'"), "%s",
		  captured());

	cdecl_reset();
	capture();
	struct source s = src_of("(struct Nope *)0");
	struct srcloc loc = { .src = &s, .line = 1, .col = 2, .len = 13 };
	cr_expect_null(cdecl_parse_typename("struct Nope *", &loc));
	cr_expect(strstr(captured(), "stdin:1:2-15: ERROR: Unknown "
				     "struct/union: 'struct Nope'"),
		  "%s", captured());
	cr_expect_null(cdecl_parse_typename("nope_t", NULL));
	cr_expect(strstr(captured(), "unknown type name 'nope_t'"), "%s",
		  captured());
}

/* ---- preprocessor lines ------------------------------------------------- */

Test(cdecl, preprocessor_lines)
{
	btf_set_vmlinux_path("/nonexistent/vmlinux");
	capture();
	cr_assert_eq(cdecl_parse_defs("#define _UNDERSCORE 314", NULL), 0);
	cr_assert_eq(cdecl_parse_defs("#define TWICE (_UNDERSCORE * 2) "
				      "// comment", NULL), 0);
	cr_assert_eq(cdecl_parse_defs("#define STR \"x\"", NULL), 0);
	cr_assert_eq(cdecl_parse_defs("#define MAX(a, b) ((a) > (b) ? (a) : "
				      "(b))", NULL), 0);
	int64_t v;
	cr_assert(cdecl_constant("_UNDERSCORE", &v, NULL));
	cr_expect_eq(v, 314);
	cr_assert(cdecl_constant("TWICE", &v, NULL));
	cr_expect_eq(v, 628);
	cr_expect_not(cdecl_constant("STR", &v, NULL));
	cr_expect_str_eq(cdecl_macro("STR"), "\"x\"");
	cr_expect_str_eq(cdecl_macro("MAX"), "(a, b) ((a) > (b) ? (a) : (b))");

	/* a false branch skips definitions; BPFTRACE_HAVE_BTF is unset */
	cr_assert_eq(cdecl_parse_defs("#ifndef BPFTRACE_HAVE_BTF", NULL), 0);
	cr_assert_eq(cdecl_parse_defs("struct InNoBtf { int a; }", NULL), 0);
	cr_assert_eq(cdecl_parse_defs("#else", NULL), 0);
	cr_assert_eq(cdecl_parse_defs("struct InBtf { int a; }", NULL), 0);
	cr_assert_eq(cdecl_parse_defs("#endif", NULL), 0);
	cr_assert_eq(cdecl_parse_defs("#if defined(_UNDERSCORE) && "
				      "_UNDERSCORE > 300", NULL), 0);
	cr_assert_eq(cdecl_parse_defs("struct Big { int a; }", NULL), 0);
	cr_assert_eq(cdecl_parse_defs("#elif 1", NULL), 0);
	cr_assert_eq(cdecl_parse_defs("struct NotBig { int a; }", NULL), 0);
	cr_assert_eq(cdecl_parse_defs("#endif", NULL), 0);
	cr_assert_eq(cdecl_finish(), 0, "%s", captured());
	cr_expect(cdecl_lookup("struct InNoBtf"));
	cr_expect_null(cdecl_lookup("struct InBtf"));
	cr_expect(cdecl_lookup("struct Big"));
	cr_expect_null(cdecl_lookup("struct NotBig"));

	cr_expect_eq(cdecl_parse_defs("#include <lol/no.h>", NULL), -1);
	cr_expect(strstr(captured(), "definitions.h:1:0: fatal error: "
				     "'lol/no.h' file not found"), "%s",
		  captured());
	cr_expect_eq(cdecl_parse_defs("#include <stddef.h>", NULL), 0);
	cr_expect(strstr(captured(), "WARNING: #include <stddef.h> is not "
				     "read"), "%s", captured());
	cr_expect_eq(cdecl_parse_defs("#endif", NULL), -1);
	cr_expect(strstr(captured(), "#endif without #if"));
	cdecl_parse_defs("#ifdef X", NULL);
	cr_expect_eq(cdecl_finish(), -1);
	cr_expect(strstr(captured(), "unterminated conditional directive"));
}

/* ---- kernel BTF --------------------------------------------------------- */

static void need_btf(void)
{
	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0)
		cr_skip_test("BTF TEST SKIPPED: /sys/kernel/btf/vmlinux is "
			     "missing (kernel without CONFIG_DEBUG_INFO_BTF)");
}

/* Byte offset and BTF kind/size of member `m` of struct `s`, from libbpf
 * directly (the independent answer). */
static int libbpf_member(const char *s, const char *m, int *size)
{
	struct btf *b = btf__parse_raw("/sys/kernel/btf/vmlinux");
	cr_assert(b);
	int id = btf__find_by_name_kind(b, s, BTF_KIND_STRUCT);
	cr_assert_gt(id, 0);
	const struct btf_type *t = btf__type_by_id(b, id);
	const struct btf_member *mm = btf_members(t);
	int off = -1;
	for (int i = 0; i < btf_vlen(t); i++, mm++) {
		if (!strcmp(btf__name_by_offset(b, mm->name_off), m)) {
			off = (int)btf_member_bit_offset(t, i) / 8;
			*size = (int)btf__resolve_size(b, mm->type);
		}
	}
	btf__free(b);
	return off;
}

Test(btf, loads_only_on_first_use)
{
	need_btf();
	cr_expect(btf_available(), "btf_available() only checks the file");
	cr_expect_eq(btf_load_count(), 0);
	/* definitions with built-in types, type names, constants: no BTF */
	cr_assert_eq(defs(S7_text), 0);
	cr_assert_eq(defs("struct C { uint32_t a; uint64_t b; struct "
			  "task_struct *t; pid_t p; }"), 0);
	cr_assert(cdecl_parse_typename("struct C *", NULL));
	cr_assert(cdecl_parse_typename("uint64", NULL));
	cr_assert(cdecl_lookup("struct C"));
	cr_expect_eq(btf_load_count(), 0, "BTF read without need");
	cr_expect_not(btf_loaded());
	/* the first kernel type loads it, once */
	cr_assert(cdecl_lookup("struct task_struct"));
	cr_expect_eq(btf_load_count(), 1);
	cr_expect(btf_loaded());
	cr_assert(cdecl_lookup("struct file"));
	cr_expect_eq(btf_load_count(), 1);
}

Test(btf, task_struct_fields)
{
	need_btf();
	struct type *t = btf_type_by_name("struct task_struct");
	cr_assert(t);
	cr_expect_str_eq(type_name(t), "struct task_struct");
	int size, off;
	int want = libbpf_member("task_struct", "pid", &size);
	const struct field *f = cdecl_field(t, "pid", &off);
	cr_assert(f);
	cr_expect_eq(off, want, "pid at %d, libbpf says %d", off, want);
	cr_expect_str_eq(type_name(f->type), "int32");
	want = libbpf_member("task_struct", "comm", &size);
	f = cdecl_field(t, "comm", &off);
	cr_assert(f);
	cr_expect_eq(off, want);
	/* char comm[16] is a string, as bpftrace types it */
	cr_expect_eq(f->type->kind, TY_STR);
	cr_expect_eq(f->type->size, 16);
	cr_expect_eq(size, 16);
	/* the same struct by bare name and through cdecl */
	cr_expect_eq(btf_type_by_name("task_struct"), t);
	cr_expect_eq(cdecl_lookup("struct task_struct"), t);
	/* typedefs resolved */
	cr_expect_str_eq(type_name(btf_type_by_name("size_t")), "uint64");
	cr_expect_str_eq(type_name(btf_type_by_name("pid_t")), "int32");
	cr_expect_null(btf_type_by_name("struct no_such_struct_xyz"));
	/* typedef struct { int counter; } atomic_t */
	cr_expect_str_eq(type_name(btf_type_by_name("atomic_t")),
			 "struct atomic_t");
	cr_expect_str_eq(type_name(btf_type_by_name("enum pid_type")),
			 "enum pid_type");
}

Test(btf, pointer_chains_complete_on_demand)
{
	need_btf();
	struct type *t = cdecl_lookup("struct task_struct");
	cr_assert(t);
	int off;
	const struct field *parent = cdecl_field(t, "real_parent", &off);
	cr_assert(parent);
	cr_expect_eq(parent->type->kind, TY_PTR);
	cr_expect_eq(parent->type->as, AS_KERNEL);
	cr_expect_eq(parent->type->elem, t, "cached per BTF id");
	/* mm is only reachable through a pointer: its body waits */
	const struct field *mm = cdecl_field(t, "mm", &off);
	cr_assert(mm);
	struct type *mms = mm->type->elem;
	cr_expect_str_eq(type_name(mms), "struct mm_struct");
	cr_expect(btf_pending(mms));
	cr_expect_eq(mms->fields.n, 0);
	cr_expect_gt(mms->size, 0, "size is known before the fields");
	cr_expect_eq(cdecl_complete(mms), mms);
	cr_expect_not(btf_pending(mms));
	cr_expect_gt(mms->fields.n, 0);
	/* a field inside an anonymous member of mm_struct */
	cr_expect(cdecl_field(mms, "mmap_base", &off) ||
		  cdecl_field(mms, "pgd", &off));
	/* a struct known only by name (tracepoint `struct file *`) */
	struct type *byname = type_struct("file", false);
	struct type *file = cdecl_complete(byname);
	cr_assert(file);
	cr_expect_neq(file, byname);
	cr_expect(cdecl_field(file, "f_flags", &off));
	/* function pointer members are opaque pointers */
	struct type *fops = cdecl_lookup("struct file_operations");
	cr_assert(fops);
	const struct field *rd = cdecl_field(fops, "read", &off);
	cr_assert(rd);
	cr_expect_str_eq(type_name(rd->type), "void *");
}

Test(btf, function_args)
{
	need_btf();
	struct btf_fn f;
	cr_assert_eq(btf_func_args(NULL, "vfs_read", &f), 0);
	cr_expect_str_eq(f.module, "vmlinux");
	cr_assert_eq(f.nargs, 4);
	static const char *const want[][3] = {
		{ "file", "struct file *", "struct file *" },
		{ "buf", "char *", "int8 *" },
		{ "count", "size_t", "uint64" },
		{ "pos", "loff_t *", "int64 *" },
	};
	for (int i = 0; i < 4; i++) {
		cr_expect_str_eq(f.args[i].name, want[i][0]);
		cr_expect_str_eq(f.args[i].ctext, want[i][1]);
		cr_expect_str_eq(type_name(f.args[i].type), want[i][2]);
		cr_expect_eq(f.args[i].slot, i);
	}
	cr_expect_str_eq(f.ret_ctext, "ssize_t");
	cr_expect_str_eq(type_name(f.ret), "int64");
	cr_expect_eq(f.retval_slot, 4);
	struct type *args = btf_args_type(&f);
	cr_expect(args->is_ctx);
	int off;
	cr_expect(cdecl_field(args, "count", &off));
	cr_expect_eq(off, 16);
	cr_expect_eq(btf_func_args("vmlinux", "vfs_read", &f), 0);
	cr_expect_eq(btf_func_args(NULL, "no_such_function_xyz", &f),
		     -ENOENT);
	cr_expect_eq(btf_func_args("no_such_module_xyz", "vfs_read", &f),
		     -ENODATA);
}

Test(btf, tracepoint_args)
{
	need_btf();
	struct btf_fn f;
	cr_assert_eq(btf_tracepoint_args(NULL, "sched_switch", &f), 0);
	cr_assert_geq(f.nargs, 3);
	cr_expect_str_eq(f.args[0].name, "preempt");
	cr_expect_str_eq(f.args[1].name, "prev");
	cr_expect_str_eq(type_name(f.args[1].type), "struct task_struct *");
	cr_expect_str_eq(f.args[2].name, "next");
	cr_assert_eq(btf_tracepoint_args(NULL, "sys_enter", &f), 0);
	cr_expect_str_eq(f.args[0].name, "regs");
	cr_expect_str_eq(f.args[1].name, "id");
	cr_expect_eq(btf_tracepoint_args(NULL, "nonsense_xyz", &f), -ENOENT);
}

static int count_cb(void *arg, const char *module, const char *name)
{
	(void)module;
	int *n = arg;
	if (!strcmp(name, "vfs_read"))
		n[1] = 1;
	n[0]++;
	return 0;
}

static int stop_cb(void *arg, const char *module, const char *name)
{
	(void)arg;
	(void)module;
	return !strcmp(name, "sched_switch") ? 42 : 0;
}

Test(btf, iterate_functions_and_tracepoints)
{
	need_btf();
	int n[2] = { 0, 0 };
	cr_expect_eq(btf_each_func("vmlinux", count_cb, n), 0);
	cr_expect_gt(n[0], 1000);
	cr_expect(n[1], "vfs_read was listed");
	cr_expect_eq(btf_each_tracepoint("vmlinux", stop_cb, NULL), 42);
}

Test(btf, enum_values)
{
	need_btf();
	int64_t v = -1;
	struct type *ty;
	cr_assert(btf_enum_value("BTF_VAR_STATIC", &v, &ty));
	cr_expect_eq(v, 0);
	cr_expect_eq(ty->kind, TY_INT);
	cr_assert(cdecl_constant("BPF_MAP_TYPE_HASH", &v, NULL));
	cr_expect_eq(v, 1);
	cr_expect_not(cdecl_constant("NO_SUCH_ENUMERATOR_XYZ", &v, NULL));
	/* a script enumerator wins over the kernel's */
	cr_assert_eq(defs("enum Mine { BPF_MAP_TYPE_HASH = 77 }"), 0);
	cr_assert(cdecl_constant("BPF_MAP_TYPE_HASH", &v, NULL));
	cr_expect_eq(v, 77);
}

Test(btf, script_definitions_use_btf)
{
	need_btf();
	capture();
	cr_assert_eq(defs("struct foo { struct task_struct t; pid_t p; "
			  "struct file *f; }"), 0, "%s", captured());
	struct type *ts = btf_type_by_name("struct task_struct");
	struct type *t = lookup("struct foo");
	int off;
	cr_expect_eq(field(t, "t", &off)->type, ts);
	cr_expect_eq(t->size, ts->size + 8 + 8);
	/* typedef names only BTF knows */
	cr_assert_eq(defs("struct bar { umode_t m; atomic_t a; }"), 0, "%s",
		     captured());
	cr_expect_eq(lookup("struct bar")->size, 8);
}

Test(btf, redefined_kernel_type_must_be_complete)
{
	need_btf();
	capture();
	/* bpftrace: once a script redefines a kernel type, BTF is not used
	 * for the script's definitions */
	cr_expect_eq(defs("struct task_struct { struct thread_info x; }"),
		     -1);
	cr_expect(strstr(captured(), "field has incomplete type 'struct "
				     "thread_info'"), "%s", captured());
	cr_expect(strstr(captured(), "redefines struct task_struct"), "%s",
		  captured());
	/* a redefinition that is complete wins over BTF */
	cdecl_reset();
	cr_assert_eq(defs("struct task_struct { int x; }"), 0);
	struct type *t = cdecl_lookup("struct task_struct");
	cr_expect_eq(t->size, 4);
	cr_expect_eq(cdecl_complete(type_struct("task_struct", false)), t);
}

Test(btf, no_btf_file)
{
	btf_set_vmlinux_path("/nonexistent/vmlinux");
	cr_expect_not(btf_available());
	cr_expect_null(btf_type_by_name("struct task_struct"));
	cr_expect_null(cdecl_lookup("struct task_struct"));
	struct btf_fn f;
	cr_expect_eq(btf_func_args(NULL, "vfs_read", &f), -ENODATA);
	int64_t v;
	cr_expect_not(btf_enum_value("BTF_VAR_STATIC", &v, NULL));
	cr_expect_eq(btf_load_count(), 0);
}
