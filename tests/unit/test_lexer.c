/* test_lexer.c — every token kind, integer literal forms and suffixes,
 * string escapes, comments, positions (line:col), attach points and C
 * definitions as raw text, and the lexer's error tokens.  Each test compares
 * lex_dump() output (or a token's fields) exactly. */
#include <criterion/criterion.h>
#include <string.h>

#include "lexer.h"

static struct source src_of(const char *text)
{
	return (struct source){ "stdin", text, strlen(text) };
}

/* lex_dump() of text, as a string (malloc'd, leaked: tests are short). */
static char *dump(const char *text)
{
	struct source *s = malloc(sizeof(*s));
	*s = src_of(text);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	lex_dump(f, s);
	fclose(f);
	return buf;
}

#define DUMP_EQ(text, expect) cr_assert_str_eq(dump(text), expect)

/* First token of text. */
static struct token first(const char *text)
{
	struct source *s = malloc(sizeof(*s));
	*s = src_of(text);
	struct lexer lx;
	lex_init(&lx, s);
	return lex_next(&lx);
}

static uint64_t int_of(const char *text)
{
	struct token t = first(text);
	cr_assert_eq(t.kind, T_INT, "%s: not an integer (%s)", text,
		     t.kind == T_ERROR ? t.str : "?");
	return t.ival;
}

static const char *error_of(const char *text)
{
	struct token t = first(text);
	cr_assert_eq(t.kind, T_ERROR, "%s: no error", text);
	return t.str;
}

Test(lexer, probe_with_call)
{
	DUMP_EQ("BEGIN { printf(\"hello %d\\n\", 1 + 2); exit(); }",
		"1:1 IDENT BEGIN\n"
		"1:7 PUNCT {\n"
		"1:9 IDENT printf\n"
		"1:15 PUNCT (\n"
		"1:16 STR \"hello %d\\n\"\n"
		"1:28 PUNCT ,\n"
		"1:30 INT 1\n"
		"1:32 PUNCT +\n"
		"1:34 INT 2\n"
		"1:35 PUNCT )\n"
		"1:36 PUNCT ;\n"
		"1:38 IDENT exit\n"
		"1:42 PUNCT (\n"
		"1:43 PUNCT )\n"
		"1:44 PUNCT ;\n"
		"1:46 PUNCT }\n"
		"1:47 EOF\n");
}

Test(lexer, variables_maps_params)
{
	DUMP_EQ("$x $_y1 @ @m @m_2 $1 $12 $#",
		"1:1 VAR $x\n"
		"1:4 VAR $_y1\n"
		"1:9 MAP @\n"
		"1:11 MAP @m\n"
		"1:14 MAP @m_2\n"
		"1:19 POSPARAM 1\n"
		"1:22 POSPARAM 12\n"
		"1:26 POSCOUNT $#\n"
		"1:28 EOF\n");
}

Test(lexer, every_operator)
{
	DUMP_EQ("== != <= >= && || << >> -> ++ -- += -= *= /= %= &= |= ^= <<= >>= .. :: ?:",
		"1:1 PUNCT ==\n1:4 PUNCT !=\n1:7 PUNCT <=\n1:10 PUNCT >=\n"
		"1:13 PUNCT &&\n1:16 PUNCT ||\n1:19 PUNCT <<\n1:22 PUNCT >>\n"
		"1:25 PUNCT ->\n1:28 PUNCT ++\n1:31 PUNCT --\n1:34 PUNCT +=\n"
		"1:37 PUNCT -=\n1:40 PUNCT *=\n1:43 PUNCT /=\n1:46 PUNCT %=\n"
		"1:49 PUNCT &=\n1:52 PUNCT |=\n1:55 PUNCT ^=\n1:58 PUNCT <<=\n"
		"1:62 PUNCT >>=\n1:66 PUNCT ..\n1:69 PUNCT ::\n1:72 PUNCT ?:\n"
		"1:74 EOF\n");
	DUMP_EQ("+-*/%&|^!~<>=?:;,.()[]{}",
		"1:1 PUNCT +\n1:2 PUNCT -\n1:3 PUNCT *\n1:4 PUNCT /\n"
		"1:5 PUNCT %\n1:6 PUNCT &\n1:7 PUNCT |\n1:8 PUNCT ^\n"
		"1:9 PUNCT !\n1:10 PUNCT ~\n1:11 PUNCT <\n1:12 PUNCT >=\n"
		"1:14 PUNCT ?:\n1:16 PUNCT ;\n1:17 PUNCT ,\n1:18 PUNCT .\n"
		"1:19 PUNCT (\n1:20 PUNCT )\n1:21 PUNCT [\n1:22 PUNCT ]\n"
		"1:23 PUNCT {\n1:24 PUNCT }\n1:25 EOF\n");
}

Test(lexer, longest_match)
{
	/* a+++b is a ++ + b, as in C; x->y; a<<=b; a<=b */
	DUMP_EQ("a+++b",
		"1:1 IDENT a\n1:2 PUNCT ++\n1:4 PUNCT +\n1:5 IDENT b\n1:6 EOF\n");
	DUMP_EQ("$x->y",
		"1:1 VAR $x\n1:3 PUNCT ->\n1:5 IDENT y\n1:6 EOF\n");
	DUMP_EQ("0..10", "1:1 INT 0\n1:2 PUNCT ..\n1:4 INT 10\n1:6 EOF\n");
	/* tuple access: $t.0.1 is field 0 then field 1, no floats */
	DUMP_EQ("$t.0.1",
		"1:1 VAR $t\n1:3 PUNCT .\n1:4 INT 0\n1:5 PUNCT .\n1:6 INT 1\n1:7 EOF\n");
}

Test(lexer, integer_bases)
{
	cr_assert_eq(int_of("0"), 0);
	cr_assert_eq(int_of("42"), 42);
	cr_assert_eq(int_of("0x2a"), 42);
	cr_assert_eq(int_of("0X2A"), 42);
	cr_assert_eq(int_of("052"), 42);
	cr_assert_eq(int_of("0b101010"), 42);
	cr_assert_eq(int_of("1_000_000"), 1000000);
	cr_assert_eq(int_of("0xffff_ffff"), 0xffffffffULL);
	cr_assert_eq(int_of("18446744073709551615"), UINT64_MAX);
	cr_assert_eq(int_of("0xffffffffffffffff"), UINT64_MAX);
}

Test(lexer, integer_scientific)
{
	cr_assert_eq(int_of("1e6"), 1000000);
	cr_assert_eq(int_of("2e3"), 2000);
	cr_assert_eq(int_of("5E0"), 5);
	cr_assert_eq(int_of("1e19"), 10000000000000000000ULL);
	cr_assert_str_eq(error_of("1e20"), "integer literal out of range");
}

Test(lexer, integer_c_suffixes)
{
	cr_assert_eq(int_of("123U"), 123);
	cr_assert_eq(int_of("123u"), 123);
	cr_assert_eq(int_of("123UL"), 123);
	cr_assert_eq(int_of("123LL"), 123);
	cr_assert_eq(int_of("123ull"), 123);
	cr_assert_eq(int_of("0x10UL"), 16);
	cr_assert_eq(int_of("123l"), 123);
}

Test(lexer, integer_duration_suffixes)
{
	cr_assert_eq(int_of("5ns"), 5);
	cr_assert_eq(int_of("5us"), 5000);
	cr_assert_eq(int_of("5ms"), 5000000);
	cr_assert_eq(int_of("5s"), 5000000000ULL);
	cr_assert_eq(int_of("1m"), 60000000000ULL);
	cr_assert_eq(int_of("2h"), 7200000000000ULL);
	cr_assert_eq(int_of("1d"), 86400000000000ULL);
	cr_assert_eq(int_of("1_000ms"), 1000000000ULL);
	/* the suffix is a unit, so the token ends there */
	DUMP_EQ("10ms+1",
		"1:1 INT 10000000\n1:5 PUNCT +\n1:6 INT 1\n1:7 EOF\n");
	/* upper case is not a duration */
	cr_assert_str_eq(error_of("5S"), "Found trailing non-numeric characters");
}

Test(lexer, integer_errors)
{
	cr_assert_str_eq(error_of("08"), "Found trailing non-numeric characters");
	cr_assert_str_eq(error_of("12abc"), "Found trailing non-numeric characters");
	cr_assert_str_eq(error_of("0x"), "invalid hexadecimal literal");
	cr_assert_str_eq(error_of("18446744073709551616"),
			 "integer literal out of range");
	cr_assert_str_eq(error_of("100000000d"), "integer literal out of range");
	struct token t = first("  123abc;");
	cr_assert_eq(t.loc.col, 3);
	cr_assert_eq(t.loc.len, 6);
}

Test(lexer, string_escapes)
{
	struct token t = first("\"a\\nb\\tc\\\\d\\\"e\\x41\\101\\0f\\rg\"");
	cr_assert_eq(t.kind, T_STR);
	const char want[] = "a\nb\tc\\d\"eAA\0f\rg";
	cr_assert_eq(t.slen, sizeof(want) - 1);
	cr_assert_eq(memcmp(t.str, want, t.slen), 0);
	cr_assert_eq(t.loc.len, 29);
	t = first("\"\\x4\\7\"");
	cr_assert_eq(t.slen, 2);
	cr_assert_eq(t.str[0], 4);
	cr_assert_eq(t.str[1], 7);
	t = first("\"\"");
	cr_assert_eq(t.kind, T_STR);
	cr_assert_eq(t.slen, 0);
	DUMP_EQ("\"x\\ty\\001\"", "1:1 STR \"x\\ty\\x01\"\n1:11 EOF\n");
}

Test(lexer, string_errors)
{
	struct token t0;
	cr_assert_str_eq(error_of("\"\\q\""), "invalid escape character '\\q'");
	cr_assert_str_eq(error_of("\"\\e\""), "invalid escape character '\\e'");
	cr_assert_str_eq(error_of("\"\\xZ\""), "invalid escape character '\\x'");
	cr_assert_str_eq(error_of("\"\\400\""),
			 "octal escape sequence out of range '\\400'");
	cr_assert_str_eq(error_of("\"abc"), "unterminated string");
	cr_assert_str_eq(error_of("\"abc\ndef"), "unterminated string");
	t0 = first("\"ab\ncd\" x");
	cr_assert_eq(t0.kind, T_STR); /* a raw newline is kept */
	cr_assert_eq(t0.slen, 5);
	cr_assert_eq(memcmp(t0.str, "ab\ncd", 5), 0);
	struct token t = first("\"abc }");
	cr_assert_eq(t.loc.col, 1);
	cr_assert_eq(t.loc.len, 6);
}

Test(lexer, comments_and_positions)
{
	DUMP_EQ("// line comment\n"
		"a /* block\n comment */ b\n"
		"\tc // end\n"
		"  d",
		"2:1 IDENT a\n"
		"3:13 IDENT b\n"
		"4:2 IDENT c\n"
		"5:3 IDENT d\n"
		"5:4 EOF\n");
	struct token t = first("/* x */y");
	cr_assert(t.space_before);
	t = first("y");
	cr_assert(!t.space_before);
	cr_assert_str_eq(error_of("/* never closed"),
			 "end of file during comment");
}

Test(lexer, shebang_and_preprocessor)
{
	DUMP_EQ("#!/usr/bin/env bpftrace\n"
		"#include <linux/sched.h>\n"
		"  #define RED \"\\033[31m\"\n"
		"#define TWO \\\n  2\n"
		"x",
		"2:1 PREPROC #include <linux/sched.h>\n"
		"3:3 PREPROC #define RED \"\\033[31m\"\n"
		"4:1 PREPROC #define TWO \\\n  2\n"
		"6:1 IDENT x\n"
		"6:2 EOF\n");
	/* '#' after other text on a line is not a directive */
	DUMP_EQ("a #b", "1:1 IDENT a\n1:3 ERROR invalid character '#'\n"
			"1:4 IDENT b\n1:5 EOF\n");
}

Test(lexer, bad_characters)
{
	cr_assert_str_eq(error_of("`"), "invalid character '`'");
	cr_assert_str_eq(error_of("$"), "invalid character '$'");
	cr_assert_str_eq(error_of("\x01"), "invalid character '\\x01'");
	cr_assert_str_eq(error_of("$1x"), "invalid positional parameter");
}

Test(lexer, peek_and_next)
{
	struct source s = src_of("a b c d");
	struct lexer lx;
	lex_init(&lx, &s);
	cr_assert_str_eq(lex_peek(&lx, 0)->str, "a");
	cr_assert_str_eq(lex_peek(&lx, 2)->str, "c");
	cr_assert_str_eq(lex_peek(&lx, 1)->str, "b");
	cr_assert_str_eq(lex_next(&lx).str, "a");
	cr_assert_str_eq(lex_peek(&lx, 2)->str, "d");
	cr_assert_eq(lex_peek(&lx, 3)->kind, T_EOF);
	cr_assert_str_eq(lex_next(&lx).str, "b");
	cr_assert_str_eq(lex_next(&lx).str, "c");
	cr_assert_str_eq(lex_next(&lx).str, "d");
	cr_assert_eq(lex_next(&lx).kind, T_EOF);
	cr_assert_eq(lex_next(&lx).kind, T_EOF);
}

/* The attach points of text, one per line as "line:col text", read the way
 * the parser does (peek first, then take the raw text). */
static char *aps(const char *text)
{
	struct source *s = malloc(sizeof(*s));
	*s = src_of(text);
	struct lexer lx;
	lex_init(&lx, s);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	for (;;) {
		lex_peek(&lx, 0);
		struct token t = lex_attach_point(&lx);
		if (t.kind != T_ATTACH) {
			fprintf(f, "stop %s\n", tok_describe(&t));
			break;
		}
		fprintf(f, "%d:%d %s\n", t.loc.line, t.loc.col, t.str);
		cr_assert_eq(t.loc.len, (int)strlen(t.str));
		if (lex_peek(&lx, 0)->kind == T_PUNCT && lex_peek(&lx, 0)->op == ',') {
			lex_next(&lx);
			continue;
		}
		struct token n = lex_next(&lx);
		fprintf(f, "then %s\n", tok_describe(&n));
		break;
	}
	fclose(f);
	return buf;
}

Test(lexer, attach_points)
{
	cr_assert_str_eq(aps("BEGIN {"), "1:1 BEGIN\nthen {\n");
	cr_assert_str_eq(aps("tracepoint:syscalls:sys_enter_openat{"),
			 "1:1 tracepoint:syscalls:sys_enter_openat\nthen {\n");
	cr_assert_str_eq(aps("kprobe:vfs_*,kprobe:*socket* /"),
			 "1:1 kprobe:vfs_*\n1:14 kprobe:*socket*\nthen /\n");
	cr_assert_str_eq(aps("interval:s:1,\n  uprobe:/bin/bash:readline {"),
			 "1:1 interval:s:1\n2:3 uprobe:/bin/bash:readline\nthen {\n");
	cr_assert_str_eq(aps("uprobe:\"/path with space\":f {"),
			 "1:1 uprobe:\"/path with space\":f\nthen {\n");
	cr_assert_str_eq(aps("usdt:./bin:ns:\"probe\" {"),
			 "1:1 usdt:./bin:ns:\"probe\"\nthen {\n");
	cr_assert_str_eq(aps("uprobe:./testprogs/uprobe_test:uprobeFunction1 {"),
			 "1:1 uprobe:./testprogs/uprobe_test:uprobeFunction1\nthen {\n");
	cr_assert_str_eq(aps("uprobe:testprogs/x:f {"),
			 "1:1 uprobe:testprogs/x:f\nthen {\n");
	cr_assert_str_eq(aps("u:/bin/sh:main+0x10 {"),
			 "1:1 u:/bin/sh:main+0x10\nthen {\n");
	cr_assert_str_eq(aps("watchpoint:0x10000000:8:rw {"),
			 "1:1 watchpoint:0x10000000:8:rw\nthen {\n");
}

Test(lexer, attach_point_then_predicate)
{
	/* predicates written without a space */
	cr_assert_str_eq(aps("kprobe:f/pid == 1/{"), "1:1 kprobe:f\nthen /\n");
	cr_assert_str_eq(aps("BEGIN/1/{"), "1:1 BEGIN\nthen /\n");
	cr_assert_str_eq(aps("t:syscalls:sys_enter_read/comm==\"x\"/{"),
			 "1:1 t:syscalls:sys_enter_read\nthen /\n");
	/* a comment ends the attach point */
	cr_assert_str_eq(aps("BEGIN// c\n{"), "1:1 BEGIN\nthen {\n");
	/* not attach points */
	cr_assert_str_eq(aps("}"), "stop }\n");
	cr_assert_str_eq(aps(";"), "stop ;\n");
	cr_assert_str_eq(aps(""), "stop end of file\n");
	cr_assert_str_eq(aps("uprobe:\"/bin/x:f {"), "stop unterminated string\n");
}

static char *cdef(const char *text, int *kind)
{
	struct source *s = malloc(sizeof(*s));
	*s = src_of(text);
	struct lexer lx;
	lex_init(&lx, s);
	lex_peek(&lx, 0);
	lex_peek(&lx, 1);
	struct token t = lex_c_definition(&lx);
	*kind = t.kind;
	struct token n = lex_next(&lx);
	return strdup(tt_sprintf("%s|%s", t.str, tok_describe(&n)));
}

Test(lexer, c_definitions)
{
	int k;
	cr_assert_str_eq(cdef("struct A { int x[4]; } BEGIN", &k),
			 "struct A { int x[4]; }|identifier");
	cr_assert_eq(k, T_CDEFN);
	cr_assert_str_eq(cdef("struct A { struct { int a; } b; }; x", &k),
			 "struct A { struct { int a; } b; };|identifier");
	cr_assert_str_eq(cdef("typedef unsigned int u32x; x", &k),
			 "typedef unsigned int u32x;|identifier");
	cr_assert_str_eq(cdef("enum E { A = 1, /* } */ B } ;x", &k),
			 "enum E { A = 1, /* } */ B } ;|identifier");
	cr_assert_str_eq(cdef("struct A {\n  int a; // }\n}\n$", &k),
			 "struct A {\n  int a; // }\n}|invalid character '$'");
	cr_assert_str_eq(cdef("struct A { int a;", &k),
			 "unterminated C definition|end of file");
	cr_assert_eq(k, T_ERROR);
}

Test(lexer, describe)
{
	struct token t = { .kind = T_PUNCT, .op = ',' };
	cr_assert_str_eq(tok_describe(&t), "\",\"");
	t.op = OP_SHL_ASSIGN;
	cr_assert_str_eq(tok_describe(&t), "<<=");
	t = first("if");
	cr_assert_str_eq(tok_describe(&t), "if");
	t = first("ifx");
	cr_assert_str_eq(tok_describe(&t), "identifier");
	t = first("1");
	cr_assert_str_eq(tok_describe(&t), "integer");
	t = first("\"s\"");
	cr_assert_str_eq(tok_describe(&t), "string");
	t = first("$1");
	cr_assert_str_eq(tok_describe(&t), "positional parameter");
	t = first("@a");
	cr_assert_str_eq(tok_describe(&t), "map");
	t = first("$a");
	cr_assert_str_eq(tok_describe(&t), "variable");
	t = first("");
	cr_assert_str_eq(tok_describe(&t), "end of file");
}
