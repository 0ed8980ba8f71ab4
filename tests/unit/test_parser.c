/* test_parser.c — the AST of every construct of the language (exact
 * ast_dump() text), operator precedence and associativity (as
 * S-expressions), node locations, parse_expr_string(), the typed dump, and
 * the golden files in tests/golden/parse/: each NAME.bt is parsed as
 * "stdin" and must give exactly NAME.err (diagnostics) or NAME.ast (dump);
 * TT_UPDATE_GOLDEN=1 rewrites them. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <string.h>
#include <sys/stat.h>

#include "lexer.h"
#include "parser.h"
#include "probes.h"
#include "types.h"
#include "golden.h"

static struct source *src_of(const char *text)
{
	struct source *s = malloc(sizeof(*s));
	*s = (struct source){ "stdin", text, strlen(text) };
	return s;
}

/* Parse text; the dump, or the diagnostics when parsing fails (prefixed
 * with "FAILED\n" so the two cannot be confused). */
static char *parse_dump(const char *text, bool with_types, struct node **out)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	diag_set_stream(f);
	diag_reset();
	struct node *n = parse_program(src_of(text));
	if (n)
		ast_dump(f, n, with_types);
	diag_set_stream(NULL);
	fclose(f);
	if (out)
		*out = n;
	if (!n) {
		char *r = malloc(len + 8);
		strcpy(r, "FAILED\n");
		strcat(r, buf);
		free(buf);
		return r;
	}
	return buf;
}

#define AST_EQ(text, expect) cr_assert_str_eq(parse_dump(text, false, NULL), expect)

/* Diagnostics of a script that must fail to parse. */
static char *errors(const char *text)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	diag_set_stream(f);
	diag_reset();
	struct node *n = parse_program(src_of(text));
	diag_set_stream(NULL);
	fclose(f);
	cr_assert_null(n, "%s: parsed but should not", text);
	cr_assert_eq(diag_error_count(), 1, "%s: one error expected", text);
	return buf;
}

/* ---- S-expressions for precedence tests ---- */

static void sx(struct strbuf *b, const struct node *n)
{
	switch (n->kind) {
	case N_INT: sb_printf(b, "%llu", (unsigned long long)n->ival); return;
	case N_STR: sb_printf(b, "\"%s\"", n->str); return;
	case N_VAR: case N_BUILTIN: sb_puts(b, n->name); return;
	case N_MAP:
		if (!n->args.n) {
			sb_puts(b, n->name);
			return;
		}
		sb_printf(b, "(%s", n->name);
		for (int i = 0; i < n->args.n; i++) {
			sb_putc(b, ' ');
			sx(b, n->args.v[i]);
		}
		sb_putc(b, ')');
		return;
	case N_CALL:
		sb_printf(b, "(%s()", n->name);
		for (int i = 0; i < n->args.n; i++) {
			sb_putc(b, ' ');
			sx(b, n->args.v[i]);
		}
		sb_putc(b, ')');
		return;
	case N_BINOP:
		sb_printf(b, "(%s ", lex_op_str(n->op));
		sx(b, n->a);
		sb_putc(b, ' ');
		sx(b, n->b);
		sb_putc(b, ')');
		return;
	case N_UNOP:
		sb_printf(b, "(%s ", lex_op_str(n->op));
		sx(b, n->a);
		sb_putc(b, ')');
		return;
	case N_INCDEC:
		sb_printf(b, n->is_post ? "(post%s " : "(%spre ", lex_op_str(n->op));
		sx(b, n->a);
		sb_putc(b, ')');
		return;
	case N_TERNARY:
		sb_puts(b, n->b ? "(? " : "(?: ");
		sx(b, n->a);
		if (n->b) {
			sb_putc(b, ' ');
			sx(b, n->b);
		}
		sb_putc(b, ' ');
		sx(b, n->c);
		sb_putc(b, ')');
		return;
	case N_CAST:
		sb_printf(b, "(cast %s ", n->ctype->text);
		sx(b, n->a);
		sb_putc(b, ')');
		return;
	case N_FIELD:
		sb_puts(b, n->is_arrow ? "(-> " : "(. ");
		sx(b, n->a);
		sb_printf(b, " %s)", n->name);
		return;
	case N_INDEX:
		sb_puts(b, "([] ");
		sx(b, n->a);
		sb_putc(b, ' ');
		sx(b, n->b);
		sb_putc(b, ')');
		return;
	default:
		sb_puts(b, ast_kind_name(n->kind));
		return;
	}
}

static char *sexpr(const char *text)
{
	diag_set_stream(stderr);
	struct node *n = parse_expr_string(src_of(text));
	cr_assert_not_null(n, "%s: does not parse", text);
	struct strbuf b = { 0 };
	sx(&b, n);
	return b.s;
}

#define SX_EQ(text, expect) cr_assert_str_eq(sexpr(text), expect)

Test(parser, precedence_arithmetic)
{
	SX_EQ("1 + 2 * 3", "(+ 1 (* 2 3))");
	SX_EQ("1 * 2 + 3", "(+ (* 1 2) 3)");
	SX_EQ("1 - 2 - 3", "(- (- 1 2) 3)");
	SX_EQ("1 * 2 / 3 % 4", "(% (/ (* 1 2) 3) 4)");
	SX_EQ("(1 + 2) * 3", "(* (+ 1 2) 3)");
	SX_EQ("a >> 1 >> 2", "(>> (>> a 1) 2)");
	SX_EQ("1 << 2 + 3", "(<< 1 (+ 2 3))");
}

Test(parser, precedence_comparison_and_bits)
{
	SX_EQ("1 + 2 >= 3 << 1", "(>= (+ 1 2) (<< 3 1))");
	SX_EQ("1 < 2 == 3 > 4", "(== (< 1 2) (> 3 4))");
	SX_EQ("a & b == c", "(& a (== b c))");
	SX_EQ("a | b ^ c & d", "(| a (^ b (& c d)))");
	SX_EQ("a ^ b | c", "(| (^ a b) c)");
	SX_EQ("a != b && c <= d", "(&& (!= a b) (<= c d))");
	SX_EQ("a || b && c", "(|| a (&& b c))");
	SX_EQ("a && b || c && d", "(|| (&& a b) (&& c d))");
	SX_EQ("a || b || c", "(|| (|| a b) c)");
}

Test(parser, precedence_unary_postfix_cast)
{
	SX_EQ("!a == b", "(== (! a) b)");
	SX_EQ("-a * b", "(* (- a) b)");
	SX_EQ("*$p + 1", "(+ (* $p) 1)");
	SX_EQ("~a & b", "(& (~ a) b)");
	SX_EQ("-$x++", "(- (post++ $x))");
	SX_EQ("++$x + 1", "(+ (++pre $x) 1)");
	SX_EQ("(uint8)$x + 1", "(+ (cast uint8 $x) 1)");
	SX_EQ("(uint8)$x.a", "(cast uint8 (. $x a))");
	SX_EQ("(uint8)-1", "(cast uint8 (- 1))");
	SX_EQ("*$p->a", "(* (-> $p a))");
	SX_EQ("&$s.a[1]", "(& ([] (. $s a) 1))");
	SX_EQ("@x[1].a + $y[2]", "(+ (. (@x 1) a) ([] $y 2))");
	SX_EQ("f(1, 2 + 3)[0]", "([] (f() 1 (+ 2 3)) 0)");
}

Test(parser, precedence_ternary)
{
	SX_EQ("a ? b : c ? d : e", "(? a b (? c d e))");
	SX_EQ("a ? b ? c : d : e", "(? a (? b c d) e)");
	SX_EQ("a ?: b ?: c", "(?: a (?: b c))");
	SX_EQ("a || b ? c + 1 : d", "(? (|| a b) (+ c 1) d)");
	SX_EQ("a ? : b", "(?: a b)");
}

Test(parser, expr_string_rejects_trailing)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	diag_set_stream(f);
	cr_assert_null(parse_expr_string(src_of("1 + 2 )")));
	diag_set_stream(NULL);
	fclose(f);
	cr_assert_str_eq(buf, "stdin:1:7-8: ERROR: syntax error, unexpected ), "
			      "expecting end of file\n1 + 2 )\n      ~\n");
}

/* ---- locations ---- */

Test(parser, node_locations_span_their_text)
{
	struct node *p;
	parse_dump("BEGIN { $x = foo(1, 2) + 3; }\n"
		   "kprobe:a,\n  kprobe:b /pid/ {\n  @m[1,\n    2] = 1 }",
		   false, &p);
	cr_assert_not_null(p);
	struct node *probe = p->args.v[0];
	cr_assert_eq(probe->loc.col, 1);
	cr_assert_eq(probe->loc.len, 5);
	struct node *as = probe->b->args.v[0];
	cr_assert_eq(as->kind, N_ASSIGN);
	cr_assert_eq(as->loc.line, 1);
	cr_assert_eq(as->loc.col, 9);
	cr_assert_eq(as->loc.len, 18); /* $x = foo(1, 2) + 3 */
	struct node *add = as->b;
	cr_assert_eq(add->loc.col, 14);
	cr_assert_eq(add->loc.len, 13); /* foo(1, 2) + 3 */
	cr_assert_eq(add->a->loc.col, 14);
	cr_assert_eq(add->a->loc.len, 9); /* foo(1, 2) */
	cr_assert_eq(add->b->loc.col, 26);
	cr_assert_eq(add->b->loc.len, 1);
	/* a probe is located at its attach points */
	struct node *p2 = p->args.v[1];
	cr_assert_eq(p2->loc.line, 2);
	cr_assert_eq(p2->aps.n, 2);
	cr_assert_eq(p2->aps.v[1]->loc.line, 3);
	cr_assert_eq(p2->aps.v[1]->loc.col, 3);
	cr_assert_eq(p2->aps.v[1]->loc.len, 8);
	cr_assert_str_eq(p2->aps.v[1]->raw, "kprobe:b");
	cr_assert_eq(p2->a->loc.line, 3);
	cr_assert_eq(p2->a->loc.col, 13);
	/* a node spanning lines is underlined to the end of its first line */
	struct node *m = p2->b->args.v[0]->a;
	cr_assert_eq(m->kind, N_MAP);
	cr_assert_eq(m->loc.line, 4);
	cr_assert_eq(m->loc.col, 3);
	cr_assert_eq(m->loc.len, 5); /* "@m[1," */
}

Test(parser, typed_dump)
{
	struct node *p;
	parse_dump("BEGIN { @x = 1 + -2; }", false, &p);
	cr_assert_not_null(p);
	struct node *add = p->args.v[0]->b->args.v[0]->b;
	add->type = type_int(8, true);
	add->a->type = type_int(1, false);
	add->b->type = type_int(8, true);
	add->b->a->type = type_int(1, false);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	ast_dump(f, add, true);
	fclose(f);
	char *want = tt_sprintf("Binop + :: %s\n Int 1 :: %s\n Unop - :: %s\n  Int 2 :: %s\n",
				type_name(add->type), type_name(add->a->type),
				type_name(add->b->type), type_name(add->b->a->type));
	cr_assert_str_eq(buf, want);
	/* without types nothing is appended */
	buf = NULL;
	f = open_memstream(&buf, &len);
	ast_dump(f, add, false);
	fclose(f);
	cr_assert_str_eq(buf, "Binop +\n Int 1\n Unop -\n  Int 2\n");
}

Test(parser, errors_inline)
{
	cr_assert_str_eq(errors("BEGIN { $x = 1 + ; }"),
			 "stdin:1:18-19: ERROR: syntax error, unexpected ;\n"
			 "BEGIN { $x = 1 + ; }\n"
			 "                 ~\n");
	cr_assert_str_eq(errors("BEGIN { @x = (1, 2 }"),
			 "stdin:1:20-21: ERROR: syntax error, unexpected }, expecting ) or \",\"\n"
			 "BEGIN { @x = (1, 2 }\n"
			 "                   ~\n");
	cr_assert_str_eq(errors("BEGIN { if (1) printf(\"x\"); }"),
			 "stdin:1:16-22: ERROR: syntax error, unexpected identifier, expecting {\n"
			 "BEGIN { if (1) printf(\"x\"); }\n"
			 "               ~~~~~~\n");
	/* a lexer error is reported with the lexer's words, once */
	cr_assert_str_eq(errors("BEGIN { $x = \"a\\qb\"; }"),
			 "stdin:1:14-20: ERROR: invalid escape character '\\q'\n"
			 "BEGIN { $x = \"a\\qb\"; }\n"
			 "             ~~~~~~\n");
}

Test(parser, nesting_limit)
{
	/* 300 levels are fine, 1001 are an error, not a stack overflow */
	struct strbuf b = { 0 };
	sb_puts(&b, "BEGIN { $x = ");
	for (int i = 0; i < 300; i++)
		sb_putc(&b, '(');
	sb_putc(&b, '1');
	for (int i = 0; i < 300; i++)
		sb_putc(&b, ')');
	sb_puts(&b, "; }");
	struct node *p;
	parse_dump(b.s, false, &p);
	cr_assert_not_null(p);
	b.len = 0;
	sb_puts(&b, "BEGIN { ");
	for (int i = 0; i < 1001; i++)
		sb_puts(&b, "{ -");
	char *err = errors(b.s);
	cr_assert(strstr(err, "ERROR: nesting too deep (limit is 1000)\n"),
		  "%s", err);
	sb_free(&b);
}

/* ---- golden files ---- */

Test(parser, golden_files)
{
	const char *dir = golden_dir("parse");
	cr_assert_not_null(dir, "tests/golden/parse not found (set TT_SRCDIR)");
	int n;
	char **names = golden_names(dir, ".bt", &n);
	cr_assert_not_null(names);
	int nerr = 0, nast = 0;
	for (int i = 0; i < n; i++) {
		char *text = golden_slurp(tt_sprintf("%s/%s.bt", dir, names[i]));
		char *err = golden_slurp(tt_sprintf("%s/%s.err", dir, names[i]));
		char *ast = golden_slurp(tt_sprintf("%s/%s.ast", dir, names[i]));
		char *got = parse_dump(text, false, NULL);
		if (golden_update()) {
			bool failed = !strncmp(got, "FAILED\n", 7);
			char *path = tt_sprintf("%s/%s.%s", dir, names[i],
						failed ? "err" : "ast");
			cr_assert(golden_write(path, failed ? got + 7 : got),
				  "cannot write %s", path);
			continue;
		}
		cr_expect(err || ast, "%s: neither .err nor .ast", names[i]);
		cr_expect(!(err && ast), "%s: both .err and .ast", names[i]);
		if (err) {
			nerr++;
			char *want = tt_sprintf("FAILED\n%s", err);
			cr_expect_str_eq(got, want, "%s.err differs", names[i]);
		} else if (ast) {
			nast++;
			cr_expect_str_eq(got, ast, "%s.ast differs", names[i]);
		}
	}
	golden_expect_no_orphans(dir, ".err");
	golden_expect_no_orphans(dir, ".ast");
	golden_free_names(names);
	if (golden_update())
		return;
	/* the suite must actually be there */
	cr_assert_geq(nerr, 15, "only %d syntax error cases", nerr);
	cr_assert_geq(nast, 1);
}
/* language.md: [name=]probe[,probe] — the name is accepted and kept off
 * the attach points. */
Test(parser, named_probe)
{
	struct node *prog = NULL;
	AST_EQ("myname=begin { exit(); }",
	       "Program\n Probe begin\n  Block\n   Call exit\n");
	parse_dump("n_1=interval:s:1,begin { exit(); }", false, &prog);
	cr_assert_not_null(prog);
	struct node *p = prog->args.v[0];
	cr_assert_str_eq(p->name, "n_1");
	cr_assert_eq(p->aps.n, 2);
	cr_assert_str_eq(p->aps.v[0]->raw, "interval:s:1");
	cr_assert_eq(p->aps.v[0]->loc.col, 5);
	AST_EQ("x= begin { }", "Program\n Probe begin\n  Block\n");
}

Test(parser, program_hello)
{
	AST_EQ("BEGIN { printf(\"hello %d\\n\", 1 + 2); exit(); }",
		"Program\n"
		" Probe BEGIN\n"
		"  Block\n"
		"   Call printf\n"
		"    Str \"hello %d\\n\"\n"
		"    Binop +\n"
		"     Int 1\n"
		"     Int 2\n"
		"   Call exit\n");
}

Test(parser, program_count_interval)
{
	AST_EQ("tracepoint:syscalls:sys_enter_openat { @[comm] = count(); } interval:s:1 { exit(); }",
		"Program\n"
		" Probe tracepoint:syscalls:sys_enter_openat\n"
		"  Block\n"
		"   Assign =\n"
		"    Map @\n"
		"     Builtin comm\n"
		"    Call count\n"
		" Probe interval:s:1\n"
		"  Block\n"
		"   Call exit\n");
}

Test(parser, predicate_args_dot)
{
	AST_EQ("tracepoint:syscalls:sys_enter_openat /comm == \"cat\"/ { printf(\"%s\\n\", str(args.filename)); }",
		"Program\n"
		" Probe tracepoint:syscalls:sys_enter_openat\n"
		"  Predicate\n"
		"   Binop ==\n"
		"    Builtin comm\n"
		"    Str \"cat\"\n"
		"  Block\n"
		"   Call printf\n"
		"    Str \"%s\\n\"\n"
		"    Call str\n"
		"     Field .filename\n"
		"      Builtin args\n");
}

Test(parser, predicate_args_arrow)
{
	AST_EQ("tracepoint:syscalls:sys_enter_openat /comm == \"cat\"/ { printf(\"%s\\n\", str(args->filename)); }",
		"Program\n"
		" Probe tracepoint:syscalls:sys_enter_openat\n"
		"  Predicate\n"
		"   Binop ==\n"
		"    Builtin comm\n"
		"    Str \"cat\"\n"
		"  Block\n"
		"   Call printf\n"
		"    Str \"%s\\n\"\n"
		"    Call str\n"
		"     Field ->filename\n"
		"      Builtin args\n");
}

Test(parser, map_key_reassigned)
{
	AST_EQ("begin { $key = \"test\"; @map[$key] = 1; $key = \"other\"; @map[$key] = 2; }",
		"Program\n"
		" Probe begin\n"
		"  Block\n"
		"   Assign =\n"
		"    Var $key\n"
		"    Str \"test\"\n"
		"   Assign =\n"
		"    Map @map\n"
		"     Var $key\n"
		"    Int 1\n"
		"   Assign =\n"
		"    Var $key\n"
		"    Str \"other\"\n"
		"   Assign =\n"
		"    Map @map\n"
		"     Var $key\n"
		"    Int 2\n");
}

Test(parser, if_else_end)
{
	AST_EQ("t:syscalls:sys_exit_openat { $key = @keymap[tid]; if (@t[tid, $key]) { printf(\"lat %d\\n\", nsecs - @t[tid, $key]); } else { @x = sum(1); } } END { print(@x); }",
		"Program\n"
		" Probe t:syscalls:sys_exit_openat\n"
		"  Block\n"
		"   Assign =\n"
		"    Var $key\n"
		"    Map @keymap\n"
		"     Builtin tid\n"
		"   If\n"
		"    Map @t\n"
		"     Builtin tid\n"
		"     Var $key\n"
		"    Block\n"
		"     Call printf\n"
		"      Str \"lat %d\\n\"\n"
		"      Binop -\n"
		"       Builtin nsecs\n"
		"       Map @t\n"
		"        Builtin tid\n"
		"        Var $key\n"
		"    Else\n"
		"     Block\n"
		"      Assign =\n"
		"       Map @x\n"
		"       Call sum\n"
		"        Int 1\n"
		" Probe END\n"
		"  Block\n"
		"   Call print\n"
		"    Map @x\n");
}

Test(parser, attach_point_lists)
{
	AST_EQ("kprobe:f,kretfunc:g, kfunc:h\n"
		"  /(pid / 2) > 1 && comm != \"x\"/ { @[probe] = count(); }\n"
		"uprobe:\"/path with space\":f,usdt:./bin:ns:\"probe\" {}\n"
		"k:f/pid==1/{}",
		"Program\n"
		" Probe kprobe:f, kretfunc:g, kfunc:h\n"
		"  Predicate\n"
		"   Binop &&\n"
		"    Binop >\n"
		"     Binop /\n"
		"      Builtin pid\n"
		"      Int 2\n"
		"     Int 1\n"
		"    Binop !=\n"
		"     Builtin comm\n"
		"     Str \"x\"\n"
		"  Block\n"
		"   Assign =\n"
		"    Map @\n"
		"     Builtin probe\n"
		"    Call count\n"
		" Probe uprobe:\"/path with space\":f, usdt:./bin:ns:\"probe\"\n"
		"  Block\n"
		" Probe k:f\n"
		"  Predicate\n"
		"   Binop ==\n"
		"    Builtin pid\n"
		"    Int 1\n"
		"  Block\n");
}

Test(parser, casts)
{
	AST_EQ("BEGIN { $x = (struct task_struct *)curtask; $y = (uint8)$x; $z = (int8[4])1; $w = (unsigned long long)1; $v = (pid_t)2; $u = (foo **)3; $t = (int)-1; $s = (int8[])\"ab\"; }",
		"Program\n"
		" Probe BEGIN\n"
		"  Block\n"
		"   Assign =\n"
		"    Var $x\n"
		"    Cast (struct task_struct *)\n"
		"     Builtin curtask\n"
		"   Assign =\n"
		"    Var $y\n"
		"    Cast (uint8)\n"
		"     Var $x\n"
		"   Assign =\n"
		"    Var $z\n"
		"    Cast (int8[4])\n"
		"     Int 1\n"
		"   Assign =\n"
		"    Var $w\n"
		"    Cast (unsigned long long)\n"
		"     Int 1\n"
		"   Assign =\n"
		"    Var $v\n"
		"    Cast (pid_t)\n"
		"     Int 2\n"
		"   Assign =\n"
		"    Var $u\n"
		"    Cast (foo **)\n"
		"     Int 3\n"
		"   Assign =\n"
		"    Var $t\n"
		"    Cast (int)\n"
		"     Unop -\n"
		"      Int 1\n"
		"   Assign =\n"
		"    Var $s\n"
		"    Cast (int8[])\n"
		"     Str \"ab\"\n");
}

Test(parser, sizeof_offsetof_typeof)
{
	AST_EQ("BEGIN { @a = sizeof(struct foo); @b = sizeof($x); @c = sizeof(uint32); @d = offsetof(struct foo, a.b); @e = offsetof($x, c); let $f: typeof(size_t *) = 0; let $g: typeof($f); @h = f(typeof(struct foo)); }",
		"Program\n"
		" Probe BEGIN\n"
		"  Block\n"
		"   Assign =\n"
		"    Map @a\n"
		"    Sizeof struct foo\n"
		"   Assign =\n"
		"    Map @b\n"
		"    Sizeof\n"
		"     Var $x\n"
		"   Assign =\n"
		"    Map @c\n"
		"    Sizeof uint32\n"
		"   Assign =\n"
		"    Map @d\n"
		"    Offsetof struct foo a.b\n"
		"   Assign =\n"
		"    Map @e\n"
		"    Offsetof c\n"
		"     Var $x\n"
		"   Let $f : size_t *\n"
		"    Int 0\n"
		"   Let $g : typeof\n"
		"    Typeof\n"
		"     Var $f\n"
		"   Assign =\n"
		"    Map @h\n"
		"    Call f\n"
		"     TypeId struct foo\n");
}

Test(parser, maps_tuples_records)
{
	AST_EQ("BEGIN { @ = 1; @a[1] = 2; @b[1, \"x\"] = 3; @c[(1, 2)] = 4; @d[@a[1]][0]++; $t = (1, \"x\", (2, 3)); print($t.2.0); $e = (); $o = (1,); $r = (a = 1, b = \"x\",); print($r.b); }",
		"Program\n"
		" Probe BEGIN\n"
		"  Block\n"
		"   Assign =\n"
		"    Map @\n"
		"    Int 1\n"
		"   Assign =\n"
		"    Map @a\n"
		"     Int 1\n"
		"    Int 2\n"
		"   Assign =\n"
		"    Map @b\n"
		"     Int 1\n"
		"     Str \"x\"\n"
		"    Int 3\n"
		"   Assign =\n"
		"    Map @c\n"
		"     Tuple\n"
		"      Int 1\n"
		"      Int 2\n"
		"    Int 4\n"
		"   IncDec ++ post\n"
		"    Index\n"
		"     Map @d\n"
		"      Map @a\n"
		"       Int 1\n"
		"     Int 0\n"
		"   Assign =\n"
		"    Var $t\n"
		"    Tuple\n"
		"     Int 1\n"
		"     Str \"x\"\n"
		"     Tuple\n"
		"      Int 2\n"
		"      Int 3\n"
		"   Call print\n"
		"    Field .0\n"
		"     Field .2\n"
		"      Var $t\n"
		"   Assign =\n"
		"    Var $e\n"
		"    Tuple\n"
		"   Assign =\n"
		"    Var $o\n"
		"    Tuple\n"
		"     Int 1\n"
		"   Assign =\n"
		"    Var $r\n"
		"    Record\n"
		"     Named a\n"
		"      Int 1\n"
		"     Named b\n"
		"      Str \"x\"\n"
		"   Call print\n"
		"    Field .b\n"
		"     Var $r\n");
}

Test(parser, fields_and_index)
{
	AST_EQ("BEGIN { $a = $x.a.b; $b = $x->a->b; $c = $x[1][2]; $d = args.f[0].g; $e = *$p; $f = &$x.a; $g = $x.0; }",
		"Program\n"
		" Probe BEGIN\n"
		"  Block\n"
		"   Assign =\n"
		"    Var $a\n"
		"    Field .b\n"
		"     Field .a\n"
		"      Var $x\n"
		"   Assign =\n"
		"    Var $b\n"
		"    Field ->b\n"
		"     Field ->a\n"
		"      Var $x\n"
		"   Assign =\n"
		"    Var $c\n"
		"    Index\n"
		"     Index\n"
		"      Var $x\n"
		"      Int 1\n"
		"     Int 2\n"
		"   Assign =\n"
		"    Var $d\n"
		"    Field .g\n"
		"     Index\n"
		"      Field .f\n"
		"       Builtin args\n"
		"      Int 0\n"
		"   Assign =\n"
		"    Var $e\n"
		"    Unop *\n"
		"     Var $p\n"
		"   Assign =\n"
		"    Var $f\n"
		"    Unop &\n"
		"     Field .a\n"
		"      Var $x\n"
		"   Assign =\n"
		"    Var $g\n"
		"    Field .0\n"
		"     Var $x\n");
}

Test(parser, unary_incdec)
{
	AST_EQ("BEGIN { $a = -$x; $b = ~$x; $c = !$x; $d = - -1; $e = +1; $x++; $x--; ++$x; --@m[1]; @n++; $f = -$x++; }",
		"Program\n"
		" Probe BEGIN\n"
		"  Block\n"
		"   Assign =\n"
		"    Var $a\n"
		"    Unop -\n"
		"     Var $x\n"
		"   Assign =\n"
		"    Var $b\n"
		"    Unop ~\n"
		"     Var $x\n"
		"   Assign =\n"
		"    Var $c\n"
		"    Unop !\n"
		"     Var $x\n"
		"   Assign =\n"
		"    Var $d\n"
		"    Unop -\n"
		"     Unop -\n"
		"      Int 1\n"
		"   Assign =\n"
		"    Var $e\n"
		"    Int 1\n"
		"   IncDec ++ post\n"
		"    Var $x\n"
		"   IncDec -- post\n"
		"    Var $x\n"
		"   IncDec ++ pre\n"
		"    Var $x\n"
		"   IncDec -- pre\n"
		"    Map @m\n"
		"     Int 1\n"
		"   IncDec ++ post\n"
		"    Map @n\n"
		"   Assign =\n"
		"    Var $f\n"
		"    Unop -\n"
		"     IncDec ++ post\n"
		"      Var $x\n");
}

Test(parser, ternary_elvis)
{
	AST_EQ("BEGIN { $a = $x ? 1 : 2; $b = $x ?: 3; $c = $x ? : 4; $d = $x ? $y ? 1 : 2 : $z ? 3 : 4; $e = $x || $y ? \"a\" : \"b\"; }",
		"Program\n"
		" Probe BEGIN\n"
		"  Block\n"
		"   Assign =\n"
		"    Var $a\n"
		"    Ternary\n"
		"     Var $x\n"
		"     Int 1\n"
		"     Int 2\n"
		"   Assign =\n"
		"    Var $b\n"
		"    Ternary ?:\n"
		"     Var $x\n"
		"     Int 3\n"
		"   Assign =\n"
		"    Var $c\n"
		"    Ternary ?:\n"
		"     Var $x\n"
		"     Int 4\n"
		"   Assign =\n"
		"    Var $d\n"
		"    Ternary\n"
		"     Var $x\n"
		"     Ternary\n"
		"      Var $y\n"
		"      Int 1\n"
		"      Int 2\n"
		"     Ternary\n"
		"      Var $z\n"
		"      Int 3\n"
		"      Int 4\n"
		"   Assign =\n"
		"    Var $e\n"
		"    Ternary\n"
		"     Binop ||\n"
		"      Var $x\n"
		"      Var $y\n"
		"     Str \"a\"\n"
		"     Str \"b\"\n");
}

Test(parser, assignments)
{
	AST_EQ("BEGIN { $a = 1; $a += 1; $a -= 1; $a *= 2; $a /= 2; $a %= 2; $a &= 1; $a |= 1; $a ^= 1; $a <<= 1; $a >>= 1; @m[1] = 1; $s.f = 2; *$p = 3; _ = f(); }",
		"Program\n"
		" Probe BEGIN\n"
		"  Block\n"
		"   Assign =\n"
		"    Var $a\n"
		"    Int 1\n"
		"   Assign +=\n"
		"    Var $a\n"
		"    Int 1\n"
		"   Assign -=\n"
		"    Var $a\n"
		"    Int 1\n"
		"   Assign *=\n"
		"    Var $a\n"
		"    Int 2\n"
		"   Assign /=\n"
		"    Var $a\n"
		"    Int 2\n"
		"   Assign %=\n"
		"    Var $a\n"
		"    Int 2\n"
		"   Assign &=\n"
		"    Var $a\n"
		"    Int 1\n"
		"   Assign |=\n"
		"    Var $a\n"
		"    Int 1\n"
		"   Assign ^=\n"
		"    Var $a\n"
		"    Int 1\n"
		"   Assign <<=\n"
		"    Var $a\n"
		"    Int 1\n"
		"   Assign >>=\n"
		"    Var $a\n"
		"    Int 1\n"
		"   Assign =\n"
		"    Map @m\n"
		"     Int 1\n"
		"    Int 1\n"
		"   Assign =\n"
		"    Field .f\n"
		"     Var $s\n"
		"    Int 2\n"
		"   Assign =\n"
		"    Unop *\n"
		"     Var $p\n"
		"    Int 3\n"
		"   Assign =\n"
		"    Builtin _\n"
		"    Call f\n");
}

Test(parser, let_forms)
{
	AST_EQ("BEGIN { let $a; let $b: uint16 = 1; let $c = 2; let $d: struct foo *; }",
		"Program\n"
		" Probe BEGIN\n"
		"  Block\n"
		"   Let $a\n"
		"   Let $b : uint16\n"
		"    Int 1\n"
		"   Let $c\n"
		"    Int 2\n"
		"   Let $d : struct foo *\n");
}

Test(parser, control_flow)
{
	AST_EQ("BEGIN { if ($x) { 1; } else if ($y) { 2 } else { 3 } while ($i < 10) { $i++; if ($i == 5) { break; } continue; } unroll(3) { @c++; } for ($kv : @m) { print($kv.0); } for ($i : 0..ncpus) { } if $x { return; } return 1; }",
		"Program\n"
		" Probe BEGIN\n"
		"  Block\n"
		"   If\n"
		"    Var $x\n"
		"    Block\n"
		"     Int 1\n"
		"    Else\n"
		"     If\n"
		"      Var $y\n"
		"      Block\n"
		"       Int 2\n"
		"      Else\n"
		"       Block\n"
		"        Int 3\n"
		"   While\n"
		"    Binop <\n"
		"     Var $i\n"
		"     Int 10\n"
		"    Block\n"
		"     IncDec ++ post\n"
		"      Var $i\n"
		"     If\n"
		"      Binop ==\n"
		"       Var $i\n"
		"       Int 5\n"
		"      Block\n"
		"       Break\n"
		"     Continue\n"
		"   Unroll\n"
		"    Int 3\n"
		"    Block\n"
		"     IncDec ++ post\n"
		"      Map @c\n"
		"   For $kv\n"
		"    Map @m\n"
		"    Block\n"
		"     Call print\n"
		"      Field .0\n"
		"       Var $kv\n"
		"   For $i range\n"
		"    Int 0\n"
		"    Builtin ncpus\n"
		"    Block\n"
		"   If\n"
		"    Var $x\n"
		"    Block\n"
		"     Return\n"
		"   Return\n"
		"    Int 1\n");
}

Test(parser, blocks_and_separators)
{
	AST_EQ("BEGIN { ; { $a = 1; { $b = 2 } }; ; $c = { let $d = 1; $d + 1 }; @x = 1 }",
		"Program\n"
		" Probe BEGIN\n"
		"  Block\n"
		"   Block\n"
		"    Assign =\n"
		"     Var $a\n"
		"     Int 1\n"
		"    Block\n"
		"     Assign =\n"
		"      Var $b\n"
		"      Int 2\n"
		"   Assign =\n"
		"    Var $c\n"
		"    Block\n"
		"     Let $d\n"
		"      Int 1\n"
		"     Value\n"
		"      Binop +\n"
		"       Var $d\n"
		"       Int 1\n"
		"   Assign =\n"
		"    Map @x\n"
		"    Int 1\n");
}

Test(parser, top_level_items)
{
	AST_EQ("#!/usr/bin/env bpftrace\n"
		"#include <linux/sched.h>\n"
		"#define RED \"\\033[31m\"\n"
		"struct S { int x; char y[4]; }\n"
		"typedef unsigned int myint;\n"
		"enum E { A, B = 2 };\n"
		"config = { stack_mode = perf; max_map_keys = 2; BPFTRACE_MAX_STRLEN = 64 }\n"
		"import \"lib.bt\";\n"
		"let @a = lruhash(100);\n"
		"macro add_one(x) { x + 1 }\n"
		"macro inc($a, @b) { $a += 1; @b += 1; }\n"
		"macro one() { 1 }\n"
		"begin { print(add_one(1)); print(one); }\n"
		"END {}",
		"Program\n"
		" CDefn \"#include <linux/sched.h>\"\n"
		" CDefn \"#define RED \\\"\\\\033[31m\\\"\"\n"
		" CDefn \"struct S { int x; char y[4]; }\"\n"
		" CDefn \"typedef unsigned int myint;\"\n"
		" CDefn \"enum E { A, B = 2 };\"\n"
		" Config\n"
		"  Named stack_mode\n"
		"   Builtin perf\n"
		"  Named max_map_keys\n"
		"   Int 2\n"
		"  Named BPFTRACE_MAX_STRLEN\n"
		"   Int 64\n"
		" Import \"lib.bt\"\n"
		" MapDecl @a lruhash 100\n"
		" Macro add_one(x)\n"
		"  Block\n"
		"   Value\n"
		"    Binop +\n"
		"     Builtin x\n"
		"     Int 1\n"
		" Macro inc($a, @b)\n"
		"  Block\n"
		"   Assign +=\n"
		"    Var $a\n"
		"    Int 1\n"
		"   Assign +=\n"
		"    Map @b\n"
		"    Int 1\n"
		" Macro one()\n"
		"  Block\n"
		"   Value\n"
		"    Int 1\n"
		" Probe begin\n"
		"  Block\n"
		"   Call print\n"
		"    Call add_one\n"
		"     Int 1\n"
		"   Call print\n"
		"    Builtin one\n"
		" Probe END\n"
		"  Block\n");
}
