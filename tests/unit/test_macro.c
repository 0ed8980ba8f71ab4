/* test_macro.c — macro expansion (macro.c): the AST after expansion (exact
 * ast_dump() text) for each kind of parameter, nesting, overloading,
 * hygiene and type arguments; the locations of expanded nodes; and every
 * diagnostic compared exactly (message, location, underline), with the
 * wording of bpftrace's own macro tests. */
#include <criterion/criterion.h>
#include <string.h>

#include "builtin_names.h"
#include "builtins_lower.h"
#include "builtins_type.h"
#include "macro.h"
#include "parser.h"
#include "stdlib_bt.h"

static struct source *src_of(const char *text)
{
	struct source *s = malloc(sizeof(*s));
	*s = (struct source){ "stdin", text, strlen(text) };
	return s;
}

/* Parse and expand text.  Returns the dump of the expanded program, or
 * "FAILED\n" followed by the diagnostics.  *out gets the program. */
static char *expand_dump(const char *text, struct node **out)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	diag_set_stream(f);
	diag_reset();
	struct node *n = parse_program(src_of(text));
	cr_assert_not_null(n, "%s: does not parse", text);
	int r = macro_expand(n);
	if (r == 0)
		ast_dump(f, n, false);
	diag_set_stream(NULL);
	fclose(f);
	if (out)
		*out = n;
	cr_assert_eq(r < 0, diag_error_count() > 0,
		     "%s: result %d but %d errors", text, r,
		     diag_error_count());
	if (r < 0) {
		char *s = malloc(len + 8);
		strcpy(s, "FAILED\n");
		strcat(s, buf);
		free(buf);
		return s;
	}
	return buf;
}

#define EXPANDS_TO(text, expect)                                               \
	cr_assert_str_eq(expand_dump(text, NULL), expect)
#define FAILS_WITH(text, expect)                                               \
	cr_assert_str_eq(expand_dump(text, NULL), "FAILED\n" expect)

/* ---- parameters ---- */

Test(macro, variable_parameter_is_the_callers_variable)
{
	/* in statement position: a block statement; the body changes $a */
	EXPANDS_TO("macro inc($x) { $x += 1; } begin { $a = 1; inc($a); }",
		   "Program\n"
		   " Probe begin\n"
		   "  Block\n"
		   "   Assign =\n"
		   "    Var $a\n"
		   "    Int 1\n"
		   "   Block\n"
		   "    Assign +=\n"
		   "     Var $a\n"
		   "     Int 1\n");
}

Test(macro, value_of_the_last_expression)
{
	EXPANDS_TO("macro inc($x) { $x += 1; $x } begin { $a = 1; $b = inc($a); }",
		   "Program\n"
		   " Probe begin\n"
		   "  Block\n"
		   "   Assign =\n"
		   "    Var $a\n"
		   "    Int 1\n"
		   "   Assign =\n"
		   "    Var $b\n"
		   "    Block\n"
		   "     Assign +=\n"
		   "      Var $a\n"
		   "      Int 1\n"
		   "     Value\n"
		   "      Var $a\n");
}

Test(macro, value_in_statement_position_becomes_a_statement)
{
	EXPANDS_TO("macro inc($x) { $x += 1; $x } begin { $a = 1; inc($a); }",
		   "Program\n"
		   " Probe begin\n"
		   "  Block\n"
		   "   Assign =\n"
		   "    Var $a\n"
		   "    Int 1\n"
		   "   Block\n"
		   "    Assign +=\n"
		   "     Var $a\n"
		   "     Int 1\n"
		   "    Var $a\n");
}

Test(macro, map_parameters_are_the_callers_maps)
{
	EXPANDS_TO("macro set(@x, @y) { @x[1] = 2; @y = @x[1]; } "
		   "begin { set(@a, @b); }",
		   "Program\n"
		   " Probe begin\n"
		   "  Block\n"
		   "   Block\n"
		   "    Assign =\n"
		   "     Map @a\n"
		   "      Int 1\n"
		   "     Int 2\n"
		   "    Assign =\n"
		   "     Map @b\n"
		   "     Map @a\n"
		   "      Int 1\n");
}

Test(macro, ident_parameter_takes_any_expression_each_use)
{
	/* the argument is copied to every use: evaluated once per use */
	EXPANDS_TO("macro twice(x) { x; x; } begin { twice(printf(\"hi\")); }",
		   "Program\n"
		   " Probe begin\n"
		   "  Block\n"
		   "   Block\n"
		   "    Call printf\n"
		   "     Str \"hi\"\n"
		   "    Call printf\n"
		   "     Str \"hi\"\n");
	EXPANDS_TO("macro add_one(x) { x + 1 } begin { $a = 1; @m = 2; "
		   "print((add_one($a + 1), add_one(@m), add_one($a))); }",
		   "Program\n"
		   " Probe begin\n"
		   "  Block\n"
		   "   Assign =\n"
		   "    Var $a\n"
		   "    Int 1\n"
		   "   Assign =\n"
		   "    Map @m\n"
		   "    Int 2\n"
		   "   Call print\n"
		   "    Tuple\n"
		   "     Binop +\n"
		   "      Binop +\n"
		   "       Var $a\n"
		   "       Int 1\n"
		   "      Int 1\n"
		   "     Binop +\n"
		   "      Map @m\n"
		   "      Int 1\n"
		   "     Binop +\n"
		   "      Var $a\n"
		   "      Int 1\n");
}

Test(macro, variable_passed_by_value_cannot_be_assigned)
{
	/* x++ on a variable passed to an ident parameter stays a block
	   expression, which sema refuses to increment */
	EXPANDS_TO("macro bump(x) { x++ } begin { $a = 1; $b = bump($a); }",
		   "Program\n"
		   " Probe begin\n"
		   "  Block\n"
		   "   Assign =\n"
		   "    Var $a\n"
		   "    Int 1\n"
		   "   Assign =\n"
		   "    Var $b\n"
		   "    IncDec ++ post\n"
		   "     Block\n"
		   "      Value\n"
		   "       Var $a\n");
}

Test(macro, block_expression_argument)
{
	EXPANDS_TO("macro inc(x) { x + x } begin { $y = 2; print(inc({ $y += 1; $y })); }",
		   "Program\n"
		   " Probe begin\n"
		   "  Block\n"
		   "   Assign =\n"
		   "    Var $y\n"
		   "    Int 2\n"
		   "   Call print\n"
		   "    Binop +\n"
		   "     Block\n"
		   "      Assign +=\n"
		   "       Var $y\n"
		   "       Int 1\n"
		   "      Value\n"
		   "       Var $y\n"
		   "     Block\n"
		   "      Assign +=\n"
		   "       Var $y\n"
		   "       Int 1\n"
		   "      Value\n"
		   "       Var $y\n");
}

Test(macro, no_macro_definitions_remain)
{
	struct node *p;
	expand_dump("macro a() { 1 } macro b(x) { x } "
		    "begin { print(a() + b(2)); }",
		    &p);
	cr_assert_eq(p->args.n, 1);
	cr_assert_eq(p->args.v[0]->kind, N_PROBE);
}

/* ---- nesting, identifiers, overloading ---- */

Test(macro, macros_call_macros_in_any_order)
{
	EXPANDS_TO("macro add2(y) { y + add1(y) } macro add3(z) { z + add2(z) } "
		   "macro add1(x) { x + 1 } begin { print(add3(1)); }",
		   "Program\n"
		   " Probe begin\n"
		   "  Block\n"
		   "   Call print\n"
		   "    Binop +\n"
		   "     Int 1\n"
		   "     Binop +\n"
		   "      Int 1\n"
		   "      Binop +\n"
		   "       Int 1\n"
		   "       Int 1\n");
}

Test(macro, nested_statement_macros_pass_variables_on)
{
	EXPANDS_TO("macro add1($x) { $x += 1; } macro add2($y) { add1($y); $y += 1; } "
		   "begin { $a = 1; add2($a); }",
		   "Program\n"
		   " Probe begin\n"
		   "  Block\n"
		   "   Assign =\n"
		   "    Var $a\n"
		   "    Int 1\n"
		   "   Block\n"
		   "    Block\n"
		   "     Assign +=\n"
		   "      Var $a\n"
		   "      Int 1\n"
		   "    Assign +=\n"
		   "     Var $a\n"
		   "     Int 1\n");
}

Test(macro, indirect_map_and_variable)
{
	/* a $var/@map parameter handed on to an ident parameter */
	EXPANDS_TO("macro second(a, b) { print((a, b)); } "
		   "macro first(@b, $x) { second(@b, $x); } "
		   "begin { @d = 5; $y = 1; first(@d, $y); }",
		   "Program\n"
		   " Probe begin\n"
		   "  Block\n"
		   "   Assign =\n"
		   "    Map @d\n"
		   "    Int 5\n"
		   "   Assign =\n"
		   "    Var $y\n"
		   "    Int 1\n"
		   "   Block\n"
		   "    Block\n"
		   "     Call print\n"
		   "      Tuple\n"
		   "       Map @d\n"
		   "       Var $y\n");
}

Test(macro, bare_identifier_expands_a_macro_without_parameters)
{
	EXPANDS_TO("macro one() { 1 } begin { $a = one; $b = one(); }",
		   "Program\n"
		   " Probe begin\n"
		   "  Block\n"
		   "   Assign =\n"
		   "    Var $a\n"
		   "    Int 1\n"
		   "   Assign =\n"
		   "    Var $b\n"
		   "    Int 1\n");
}

Test(macro, parameter_names_win_over_macros)
{
	EXPANDS_TO("macro add() { 2 } macro ident(add) { add } "
		   "begin { print(ident(1)); }",
		   "Program\n"
		   " Probe begin\n"
		   "  Block\n"
		   "   Call print\n"
		   "    Int 1\n");
}

Test(macro, overloads_chosen_by_argument_kinds_and_count)
{
	EXPANDS_TO("macro add($x) { 1 } macro add(@x) { 2 } macro add(x) { 3 } "
		   "macro add(x, y) { 4 } macro add() { 5 } "
		   "begin { $v = 1; print((add($v), add(@m), add(@m[1]), add(7), "
		   "add(1, 2), add)); }",
		   "Program\n"
		   " Probe begin\n"
		   "  Block\n"
		   "   Assign =\n"
		   "    Var $v\n"
		   "    Int 1\n"
		   "   Call print\n"
		   "    Tuple\n"
		   "     Int 1\n"
		   "     Int 2\n"
		   "     Int 3\n"
		   "     Int 3\n"
		   "     Int 4\n"
		   "     Int 5\n");
}

Test(macro, user_macros_and_builtins)
{
	/* same shape as a builtin: the macro; another shape: the builtin;
	   __builtin_X is the builtin X whatever macros exist */
	EXPANDS_TO("macro cpu() { \"hi\" } macro pid(x) { x } "
		   "begin { printf(cpu()); print((cpu, pid(), pid(5), "
		   "__builtin_cpu, __builtin_comm())); }",
		   "Program\n"
		   " Probe begin\n"
		   "  Block\n"
		   "   Call printf\n"
		   "    Str \"hi\"\n"
		   "   Call print\n"
		   "    Tuple\n"
		   "     Str \"hi\"\n"
		   "     Call pid\n"
		   "     Int 5\n"
		   "     Builtin cpu\n"
		   "     Call comm\n");
}

Test(macro, same_macro_many_times_in_an_argument)
{
	EXPANDS_TO("macro add_one(x) { x + 1 } "
		   "begin { print(add_one(add_one(1) + 1)); }",
		   "Program\n"
		   " Probe begin\n"
		   "  Block\n"
		   "   Call print\n"
		   "    Binop +\n"
		   "     Binop +\n"
		   "      Binop +\n"
		   "       Int 1\n"
		   "       Int 1\n"
		   "      Int 1\n"
		   "     Int 1\n");
}

/* ---- hygiene ---- */

Test(macro, own_variables_are_renamed_per_expansion)
{
	EXPANDS_TO("macro inc(x) { $y = x + 1; $y } "
		   "begin { $y = 2; $z = inc(5); $w = inc($y); }",
		   "Program\n"
		   " Probe begin\n"
		   "  Block\n"
		   "   Assign =\n"
		   "    Var $y\n"
		   "    Int 2\n"
		   "   Assign =\n"
		   "    Var $z\n"
		   "    Block\n"
		   "     Assign =\n"
		   "      Var $$inc_y\n"
		   "      Binop +\n"
		   "       Int 5\n"
		   "       Int 1\n"
		   "     Value\n"
		   "      Var $$inc_y\n"
		   "   Assign =\n"
		   "    Var $w\n"
		   "    Block\n"
		   "     Assign =\n"
		   "      Var $$inc_2_y\n"
		   "      Binop +\n"
		   "       Var $y\n"
		   "       Int 1\n"
		   "     Value\n"
		   "      Var $$inc_2_y\n");
}

Test(macro, declared_and_loop_variables_are_renamed)
{
	EXPANDS_TO("macro total(@a) { let $s: uint64 = 0; "
		   "for ($kv : @a) { $s += $kv.1; } for ($i : 0..2) { $s += $i; } $s } "
		   "begin { print(total(@m)); }",
		   "Program\n"
		   " Probe begin\n"
		   "  Block\n"
		   "   Call print\n"
		   "    Block\n"
		   "     Let $$total_s : uint64\n"
		   "      Int 0\n"
		   "     For $$total_kv\n"
		   "      Map @m\n"
		   "      Block\n"
		   "       Assign +=\n"
		   "        Var $$total_s\n"
		   "        Field .1\n"
		   "         Var $$total_kv\n"
		   "     For $$total_i range\n"
		   "      Int 0\n"
		   "      Int 2\n"
		   "      Block\n"
		   "       Assign +=\n"
		   "        Var $$total_s\n"
		   "        Var $$total_i\n"
		   "     Value\n"
		   "      Var $$total_s\n");
}

Test(macro, typeof_of_a_parameter_in_let)
{
	EXPANDS_TO("macro add(x) { let $y: typeof(x); $y = 1; x + $y } "
		   "begin { print(add(1)); }",
		   "Program\n"
		   " Probe begin\n"
		   "  Block\n"
		   "   Call print\n"
		   "    Block\n"
		   "     Let $$add_y : typeof\n"
		   "      Typeof\n"
		   "       Int 1\n"
		   "     Assign =\n"
		   "      Var $$add_y\n"
		   "      Int 1\n"
		   "     Value\n"
		   "      Binop +\n"
		   "       Int 1\n"
		   "       Var $$add_y\n");
}

/* ---- type arguments ---- */

Test(macro, typeof_arguments_name_types)
{
	EXPANDS_TO("macro sof(a, b) { sizeof(a[2]) + sizeof(b*) + sizeof(b) } "
		   "begin { print(sof(typeof(uint64*), typeof(struct Foo))); }",
		   "Program\n"
		   " Probe begin\n"
		   "  Block\n"
		   "   Call print\n"
		   "    Binop +\n"
		   "     Binop +\n"
		   "      Sizeof uint64 *[2]\n"
		   "      Sizeof struct Foo *\n"
		   "     Sizeof struct Foo\n");
	EXPANDS_TO("macro cst(a) { (a*)-1 } begin { print(cst(typeof(uint8))); }",
		   "Program\n"
		   " Probe begin\n"
		   "  Block\n"
		   "   Call print\n"
		   "    Cast (uint8 *)\n"
		   "     Unop -\n"
		   "      Int 1\n");
	EXPANDS_TO("macro p(t) { (t **)0 } begin { print(p(typeof(uint8 *))); }",
		   "Program\n"
		   " Probe begin\n"
		   "  Block\n"
		   "   Call print\n"
		   "    Cast (uint8 ***)\n"
		   "     Int 0\n");
	EXPANDS_TO("macro s(t) { sizeof(struct t) } begin { print(s(typeof(task_struct))); }",
		   "Program\n"
		   " Probe begin\n"
		   "  Block\n"
		   "   Call print\n"
		   "    Sizeof struct task_struct\n");
}

Test(macro, typeof_arguments_through_nested_macros)
{
	EXPANDS_TO("macro m(t) { sizeof(t) + 2 } macro n(z) { print(m(typeof(z))); } "
		   "begin { n(typeof(uint64*)); }",
		   "Program\n"
		   " Probe begin\n"
		   "  Block\n"
		   "   Block\n"
		   "    Call print\n"
		   "     Binop +\n"
		   "      Sizeof uint64 *\n"
		   "      Int 2\n");
	EXPANDS_TO("macro out(x) { sizeof(x) } macro inn(b) { out(typeof(b[2])) } "
		   "begin { print(inn(typeof(uint64_t))); }",
		   "Program\n"
		   " Probe begin\n"
		   "  Block\n"
		   "   Call print\n"
		   "    Sizeof uint64_t[2]\n");
}

Test(macro, offsetof_type_and_field_arguments)
{
	EXPANDS_TO("macro off(t, f) { offsetof(t, f) } "
		   "begin { print(off(typeof(struct Foo), a.b.c)); }",
		   "Program\n"
		   " Probe begin\n"
		   "  Block\n"
		   "   Call print\n"
		   "    Offsetof struct Foo a.b.c\n");
}

/* ---- locations ---- */

Test(macro, expanded_nodes_point_into_the_body_and_back_to_the_call)
{
	struct node *p;
	expand_dump("macro one() { $x = 1; $x }\n"
		    "begin { $a = one(); }",
		    &p);
	struct node *assign = p->args.v[0]->b->args.v[0];
	struct node *blk = assign->b;
	cr_assert_eq(blk->kind, N_BLOCK);
	/* the block stands for the call */
	cr_assert_eq(blk->loc.line, 2);
	cr_assert_eq(blk->loc.col, 14);
	cr_assert_eq(blk->loc.len, 5);
	cr_assert_null(blk->loc.expanded_from);
	/* its statements are the body's, expanded from the call */
	struct node *s = blk->args.v[0];
	cr_assert_eq(s->loc.line, 1);
	cr_assert_eq(s->loc.col, 15);
	cr_assert_not_null(s->loc.expanded_from);
	cr_assert_eq(s->loc.expanded_from->line, 2);
	cr_assert_eq(s->loc.expanded_from->col, 14);
	cr_assert_eq(s->a->loc.expanded_from, s->loc.expanded_from);
	cr_assert_eq(blk->a->loc.col, 23);
	cr_assert_not_null(blk->a->loc.expanded_from);
}

Test(macro, expansion_chains_and_arguments_keep_their_place)
{
	struct node *p;
	expand_dump("macro inner(v) { v + 1 }\n"
		    "macro outer(w) { inner(w) }\n"
		    "begin { print(outer(7)); }",
		    &p);
	struct node *call = p->args.v[0]->b->args.v[0]->a;
	struct node *add = call->args.v[0];
	cr_assert_eq(add->kind, N_BINOP);
	/* v + 1 is inner's, expanded from inner(w) in outer, itself
	   expanded from outer(7) */
	cr_assert_eq(add->loc.line, 1);
	const struct srcloc *f1 = add->loc.expanded_from;
	cr_assert_not_null(f1);
	cr_assert_eq(f1->line, 2);
	cr_assert_eq(f1->col, 18);
	cr_assert_not_null(f1->expanded_from);
	cr_assert_eq(f1->expanded_from->line, 3);
	cr_assert_eq(f1->expanded_from->col, 15);
	cr_assert_null(f1->expanded_from->expanded_from);
	/* the argument 7 is the caller's text */
	cr_assert_eq(add->a->kind, N_INT);
	cr_assert_eq(add->a->loc.line, 3);
	cr_assert_eq(add->a->loc.col, 21);
	cr_assert_null(add->a->loc.expanded_from);
}

/* ---- diagnostics ---- */

Test(macro, wrong_number_of_arguments)
{
	FAILS_WITH("macro set($x) { $x += 1; $x } begin { $a = 1; set($a, 1); }",
		   "stdin:1:47-57: ERROR: Call to set() has arguments that do not match any definition.\n"
		   "macro set($x) { $x += 1; $x } begin { $a = 1; set($a, 1); }\n"
		   "                                              ~~~~~~~~~~\n"
		   "stdin:1:1-10: ERROR: The closest definition of set() has a different number of arguments. Expected: 1 but got 2\n"
		   "macro set($x) { $x += 1; $x } begin { $a = 1; set($a, 1); }\n"
		   "~~~~~~~~~\n");
	FAILS_WITH("macro add(x) { x + 1 } macro add(x, y) { x + y } begin { add(1, 1, 1); }",
		   "stdin:1:58-70: ERROR: Call to add() has arguments that do not match any definition.\n"
		   "macro add(x) { x + 1 } macro add(x, y) { x + y } begin { add(1, 1, 1); }\n"
		   "                                                         ~~~~~~~~~~~~\n"
		   "stdin:1:24-33: ERROR: The closest definition of add() has a different number of arguments. Expected: 2 but got 3\n"
		   "macro add(x) { x + 1 } macro add(x, y) { x + y } begin { add(1, 1, 1); }\n"
		   "                       ~~~~~~~~~\n");
	/* a bare identifier is a call without arguments */
	FAILS_WITH("macro add1($x) { $x += 1; $x } begin { $y = 1; $z = add1; }",
		   "stdin:1:53-57: ERROR: Call to add1() has arguments that do not match any definition.\n"
		   "macro add1($x) { $x += 1; $x } begin { $y = 1; $z = add1; }\n"
		   "                                                    ~~~~\n"
		   "stdin:1:1-11: ERROR: The closest definition of add1() has a different number of arguments. Expected: 1 but got 0\n"
		   "macro add1($x) { $x += 1; $x } begin { $y = 1; $z = add1; }\n"
		   "~~~~~~~~~~\n");
}

Test(macro, mismatched_argument_kinds)
{
	FAILS_WITH("macro add($x, y) { $x + 1 } begin { add(1, 1); }",
		   "stdin:1:37-46: ERROR: Call to add() has arguments that do not match any definition.\n"
		   "macro add($x, y) { $x + 1 } begin { add(1, 1); }\n"
		   "                                    ~~~~~~~~~\n"
		   "stdin:1:41-42: ERROR: Mismatched arg. add() expects a variable for arg $x but got an expression.\n"
		   "macro add($x, y) { $x + 1 } begin { add(1, 1); }\n"
		   "                                        ~\n"
		   "stdin:1:11-13: ERROR: This is the argument in the closest definition.\n"
		   "macro add($x, y) { $x + 1 } begin { add(1, 1); }\n"
		   "          ~~\n");
	FAILS_WITH("macro add(@x, y) { @x + 1 } begin { add(1, 1); }",
		   "stdin:1:37-46: ERROR: Call to add() has arguments that do not match any definition.\n"
		   "macro add(@x, y) { @x + 1 } begin { add(1, 1); }\n"
		   "                                    ~~~~~~~~~\n"
		   "stdin:1:41-42: ERROR: Mismatched arg. add() expects a map for arg @x but got an expression.\n"
		   "macro add(@x, y) { @x + 1 } begin { add(1, 1); }\n"
		   "                                        ~\n"
		   "stdin:1:11-13: ERROR: This is the argument in the closest definition.\n"
		   "macro add(@x, y) { @x + 1 } begin { add(1, 1); }\n"
		   "          ~~\n");
	FAILS_WITH("macro s(@x) { @x } begin { $a = 0; s($a); }",
		   "stdin:1:36-41: ERROR: Call to s() has arguments that do not match any definition.\n"
		   "macro s(@x) { @x } begin { $a = 0; s($a); }\n"
		   "                                   ~~~~~\n"
		   "stdin:1:38-40: ERROR: Mismatched arg. s() expects a map for arg @x but got a variable.\n"
		   "macro s(@x) { @x } begin { $a = 0; s($a); }\n"
		   "                                     ~~\n"
		   "stdin:1:9-11: ERROR: This is the argument in the closest definition.\n"
		   "macro s(@x) { @x } begin { $a = 0; s($a); }\n"
		   "        ~~\n");
	FAILS_WITH("macro s($x) { $x } begin { @a = 0; s(@a); }",
		   "stdin:1:36-41: ERROR: Call to s() has arguments that do not match any definition.\n"
		   "macro s($x) { $x } begin { @a = 0; s(@a); }\n"
		   "                                   ~~~~~\n"
		   "stdin:1:38-40: ERROR: Mismatched arg. s() expects a variable for arg $x but got a map.\n"
		   "macro s($x) { $x } begin { @a = 0; s(@a); }\n"
		   "                                     ~~\n"
		   "stdin:1:9-11: ERROR: This is the argument in the closest definition.\n"
		   "macro s($x) { $x } begin { @a = 0; s(@a); }\n"
		   "        ~~\n");
	/* a map element is an expression, not a map */
	FAILS_WITH("macro s(@x) { @x } begin { s(@a[1]); }",
		   "stdin:1:28-36: ERROR: Call to s() has arguments that do not match any definition.\n"
		   "macro s(@x) { @x } begin { s(@a[1]); }\n"
		   "                           ~~~~~~~~\n"
		   "stdin:1:30-35: ERROR: Mismatched arg. s() expects a map for arg @x but got an expression.\n"
		   "macro s(@x) { @x } begin { s(@a[1]); }\n"
		   "                             ~~~~~\n"
		   "stdin:1:9-11: ERROR: This is the argument in the closest definition.\n"
		   "macro s(@x) { @x } begin { s(@a[1]); }\n"
		   "        ~~\n");
}

Test(macro, variable_passed_by_value_is_not_passed_on_by_reference)
{
	FAILS_WITH("macro inc($x) { $x += 1; } macro f(v) { inc(v); } "
		   "begin { $a = 1; f($a); }",
		   "stdin:1:41-47: ERROR: Call to inc() has arguments that do not match any definition.\n"
		   "macro inc($x) { $x += 1; } macro f(v) { inc(v); } begin { $a = 1; f($a); }\n"
		   "                                        ~~~~~~\n"
		   "stdin:1:69-71: ERROR: Mismatched arg. inc() expects a variable for arg $x but got an expression.\n"
		   "macro inc($x) { $x += 1; } macro f(v) { inc(v); } begin { $a = 1; f($a); }\n"
		   "                                                                    ~~\n"
		   "stdin:1:11-13: ERROR: This is the argument in the closest definition.\n"
		   "macro inc($x) { $x += 1; } macro f(v) { inc(v); } begin { $a = 1; f($a); }\n"
		   "          ~~\n");
}

Test(macro, recursion)
{
	FAILS_WITH("macro add1(x) { x + add3(x) } macro add2(x) { x + add1(x) } "
		   "macro add3(x) { x + add2(x) } begin { print(add3(1)); }",
		   "stdin:1:21-28: ERROR: Recursive macro call detected. Call chain: add3 > add2 > add1 > add3\n"
		   "macro add1(x) { x + add3(x) } macro add2(x) { x + add1(x) } macro add3(x) { x + add2(x) } begin { print(add3(1)); }\n"
		   "                    ~~~~~~~\n");
	FAILS_WITH("macro f() { f() } begin { f(); }",
		   "stdin:1:13-16: ERROR: Recursive macro call detected. Call chain: f > f\n"
		   "macro f() { f() } begin { f(); }\n"
		   "            ~~~\n");
}

Test(macro, redefinitions_and_repeated_parameters)
{
	FAILS_WITH("macro set($x) { $x += 1; $x } macro set($x) { $x } "
		   "begin { $a = 1; set($a); }",
		   "stdin:1:31-40: ERROR: Redefinition of macro: set\n"
		   "macro set($x) { $x += 1; $x } macro set($x) { $x } begin { $a = 1; set($a); }\n"
		   "                              ~~~~~~~~~\n"
		   "stdin:1:1-10: ERROR: This is the original definition.\n"
		   "macro set($x) { $x += 1; $x } macro set($x) { $x } begin { $a = 1; set($a); }\n"
		   "~~~~~~~~~\n");
	/* an ident parameter already takes a variable: too late for $x */
	FAILS_WITH("macro m(x) { 1 } macro m($x) { 2 } begin { }",
		   "stdin:1:18-25: ERROR: Redefinition of macro: m\n"
		   "macro m(x) { 1 } macro m($x) { 2 } begin { }\n"
		   "                 ~~~~~~~\n"
		   "stdin:1:1-8: ERROR: This is the original definition.\n"
		   "macro m(x) { 1 } macro m($x) { 2 } begin { }\n"
		   "~~~~~~~\n");
	FAILS_WITH("macro set($x, $x) { $x } begin { }",
		   "stdin:1:15-17: ERROR: Variable for macro argument has already been used: $x\n"
		   "macro set($x, $x) { $x } begin { }\n"
		   "              ~~\n");
	FAILS_WITH("macro set(@x, @x) { @x } begin { }",
		   "stdin:1:15-17: ERROR: Map for macro argument has already been used: @x\n"
		   "macro set(@x, @x) { @x } begin { }\n"
		   "              ~~\n");
	FAILS_WITH("macro set(x, x) { x } begin { }",
		   "stdin:1:14-15: ERROR: Ident for macro argument has already been used: x\n"
		   "macro set(x, x) { x } begin { }\n"
		   "             ~\n");
}

Test(macro, hygiene_errors)
{
	FAILS_WITH("macro set() { @x[1] = 1; 1 } begin { @x[0] = 0; set(); }",
		   "stdin:1:15-20: ERROR: Unhygienic access to map: @x. Maps must be passed into the macro as arguments.\n"
		   "macro set() { @x[1] = 1; 1 } begin { @x[0] = 0; set(); }\n"
		   "              ~~~~~\n");
	FAILS_WITH("macro set($x) { let $x; $x } begin { $y = 1; set($y); }",
		   "stdin:1:17-23: ERROR: Variable declaration shadows macro arg $x\n"
		   "macro set($x) { let $x; $x } begin { $y = 1; set($y); }\n"
		   "                ~~~~~~\n");
}

Test(macro, block_without_value_used_as_a_value)
{
	FAILS_WITH("macro add1($x) { $x += 1; } begin { $y = 1; $z = add1($y); }",
		   "stdin:1:50-58: ERROR: Macro 'add1' expanded to a block instead of a block expression. Try removing the semicolon from the end of the last statement in the macro body.\n"
		   "macro add1($x) { $x += 1; } begin { $y = 1; $z = add1($y); }\n"
		   "                                                 ~~~~~~~~\n");
}

Test(macro, type_argument_errors)
{
	FAILS_WITH("macro m(t) { sizeof(struct t) } begin { print(m(typeof(uint64*))); }",
		   "stdin:1:21-29: ERROR: Invalid replacement for macro 'm' type parameter 't' which makes up the type 'struct t'\n"
		   "macro m(t) { sizeof(struct t) } begin { print(m(typeof(uint64*))); }\n"
		   "                    ~~~~~~~~\n");
	FAILS_WITH("macro m(t) { sizeof(struct t) } begin { $x = 1; print(m($x)); }",
		   "stdin:1:21-29: ERROR: Invalid replacement for macro 'm' type parameter 't' which makes up the type 'struct t'\n"
		   "macro m(t) { sizeof(struct t) } begin { $x = 1; print(m($x)); }\n"
		   "                    ~~~~~~~~\n");
	FAILS_WITH("macro m(x) { x + 1 } begin { print(m(typeof(uint64*))); }",
		   "stdin:1:38-53: ERROR: When used as a call argument, `typeof` builtin only valid for macro calls that are expecting a type parameter\n"
		   "macro m(x) { x + 1 } begin { print(m(typeof(uint64*))); }\n"
		   "                                     ~~~~~~~~~~~~~~~\n");
	FAILS_WITH("macro out(x) { print(x); } macro inn(b) { out(typeof(b[2])); } "
		   "begin { inn(typeof(uint64_t)); }",
		   "stdin:1:47-59: ERROR: When used as a call argument, `typeof` builtin only valid for macro calls that are expecting a type parameter\n"
		   "macro out(x) { print(x); } macro inn(b) { out(typeof(b[2])); } begin { inn(typeof(uint64_t)); }\n"
		   "                                              ~~~~~~~~~~~~\n");
	FAILS_WITH("begin { print(f(typeof(uint64*))); }",
		   "stdin:1:17-32: ERROR: When used as a call argument, `typeof` builtin only valid for macro calls that are expecting a type parameter\n"
		   "begin { print(f(typeof(uint64*))); }\n"
		   "                ~~~~~~~~~~~~~~~\n");
	FAILS_WITH("macro off(t, f) { offsetof(t, f) } "
		   "begin { print(off(typeof(struct Foo), foo().b)); }",
		   "stdin:1:74-81: ERROR: FieldAccess expressions must be made up entirely of idents (e.g. a.b.c) to replace the second argument in `offsetof`\n"
		   "macro off(t, f) { offsetof(t, f) } begin { print(off(typeof(struct Foo), foo().b)); }\n"
		   "                                                                         ~~~~~~~\n");
}

Test(macro, every_error_is_reported)
{
	FAILS_WITH("macro a(@m) { 1 } macro b() { @n } "
		   "begin { a(1); b(); } end { b; }",
		   "stdin:1:44-48: ERROR: Call to a() has arguments that do not match any definition.\n"
		   "macro a(@m) { 1 } macro b() { @n } begin { a(1); b(); } end { b; }\n"
		   "                                           ~~~~\n"
		   "stdin:1:46-47: ERROR: Mismatched arg. a() expects a map for arg @m but got an expression.\n"
		   "macro a(@m) { 1 } macro b() { @n } begin { a(1); b(); } end { b; }\n"
		   "                                             ~\n"
		   "stdin:1:9-11: ERROR: This is the argument in the closest definition.\n"
		   "macro a(@m) { 1 } macro b() { @n } begin { a(1); b(); } end { b; }\n"
		   "        ~~\n"
		   "stdin:1:31-33: ERROR: Unhygienic access to map: @n. Maps must be passed into the macro as arguments.\n"
		   "macro a(@m) { 1 } macro b() { @n } begin { a(1); b(); } end { b; }\n"
		   "                              ~~\n"
		   "stdin:1:31-33: ERROR: Unhygienic access to map: @n. Maps must be passed into the macro as arguments.\n"
		   "macro a(@m) { 1 } macro b() { @n } begin { a(1); b(); } end { b; }\n"
		   "                              ~~\n");
}

/* container_of is a library macro with a type parameter */
Test(macro, functions_taking_types_get_typeof)
{
	EXPANDS_TO("begin { $p = container_of($n, typeof(struct Foo), n); }",
		   "Program\n"
		   " Probe begin\n"
		   "  Block\n"
		   "   Assign =\n"
		   "    Var $p\n"
		   "    Cast (struct Foo *)\n"
		   "     Binop -\n"
		   "      Cast (uint64)\n"
		   "       Var $n\n"
		   "      Offsetof struct Foo n\n");
}

Test(macro, programs_without_macros_are_unchanged)
{
	EXPANDS_TO("begin { $a = 1; if ($a) { print(pid); } }",
		   "Program\n"
		   " Probe begin\n"
		   "  Block\n"
		   "   Assign =\n"
		   "    Var $a\n"
		   "    Int 1\n"
		   "   If\n"
		   "    Var $a\n"
		   "    Block\n"
		   "     Call print\n"
		   "      Builtin pid\n");
}

/* macro.c asks builtin_names.h, not the builtin tables: every builtin of
 * the list has its id, its typing hook (sema) and its lowering hook
 * (ir_build; none when sema folds it, BI_FOLDED), and nothing else is a
 * builtin. */
Test(macro, builtin_names_match_the_builtin_tables)
{
	static const char *const names[] = {
#define X(name, min, max, flags) #name,
		BUILTINS(X)
#undef X
	};
	cr_assert_eq(ARRAY_SIZE(names), BI_COUNT);
	for (int i = 0; i < BI_COUNT; i++) {
		cr_expect(builtin_name_known(names[i]), "%s", names[i]);
		cr_expect_eq(builtin_id_of(names[i]), i, "%s", names[i]);
		cr_expect_str_eq(builtin_info(i)->name, names[i]);
		cr_expect_not_null(builtin_typing_of(i)->type,
				   "%s has no typing hook", names[i]);
		if (builtin_info(i)->flags & BI_FOLDED)
			cr_expect_null(builtin_lowering(i),
				       "%s is folded by sema but has a lowering "
				       "hook", names[i]);
		else
			cr_expect_not_null(builtin_lowering(i),
					   "%s has no lowering hook", names[i]);
		if (builtin_info(i)->flags & BI_AGG)
			cr_expect_neq(builtin_typing_of(i)->agg, AGG_NONE,
				      "%s", names[i]);
	}
	cr_expect(!builtin_name_known("nosuch"));
	cr_expect_eq(builtin_id_of("nosuch"), BI_NONE);
	cr_expect(!builtin_name_known("__builtin_pid"));
}

/* ---- the bundled library, stdlib/base.bt (stdlib_bt.c) ---- */

/* The library parses, and the scan that decides whether to parse it knows
 * each definition's name and parameter count. */
Test(macro, stdlib_parses_and_its_names_are_found)
{
	diag_reset();
	struct node *lib = parse_program(stdlib_bt_source());
	cr_assert_not_null(lib);
	cr_assert_eq(diag_error_count(), 0);
	int nmacros = 0;
	for (int i = 0; i < lib->args.n; i++) {
		const struct node *m = lib->args.v[i];
		cr_expect_eq(m->kind, N_MACRO, "only macros in the library");
		if (m->kind != N_MACRO)
			continue;
		nmacros++;
		cr_expect(stdlib_bt_defines(m->name, m->args.n), "%s/%d",
			  m->name, m->args.n);
		cr_expect(!stdlib_bt_defines(m->name, m->args.n + 5));
	}
	cr_expect_gt(nmacros, 10);
	cr_expect(!stdlib_bt_defines("comm", 0));
	cr_expect(!stdlib_bt_defines("ppi", 0));
	cr_expect(!stdlib_bt_defines("macro", 0));
}

Test(macro, stdlib_macros_expand_where_used)
{
	struct node *prog;
	EXPANDS_TO("begin { $a = ppid; $b = leader_tid($t); }",
		   "Program\n"
		   " Probe begin\n"
		   "  Block\n"
		   "   Assign =\n"
		   "    Var $a\n"
		   "    Cast (uint32)\n"
		   "     Field ->pid\n"
		   "      Field ->real_parent\n"
		   "       Builtin curtask\n"
		   "   Assign =\n"
		   "    Var $b\n"
		   "    Cast (uint32)\n"
		   "     Field ->pid\n"
		   "      Field ->group_leader\n"
		   "       Var $t\n");
	expand_dump("begin { $a = ppid; }", &prog);
	const struct node *cast = prog->args.v[0]->b->args.v[0]->b;
	cr_assert_eq(cast->loc.src, stdlib_bt_source());
	/* from ppid(curtask) in the library, from ppid in the script */
	const struct srcloc *from = cast->loc.expanded_from;
	cr_assert_not_null(from);
	cr_expect_eq(from->src, stdlib_bt_source());
	from = from->expanded_from;
	cr_assert_not_null(from);
	cr_expect_str_eq(from->src->name, "stdin");
	cr_expect_eq(from->col, 14);
	cr_expect_null(from->expanded_from);
}

/* A script's macro replaces a library macro of the same shape; inside the
 * library, names are the library's (the script's ppid(t) is not called
 * by the library's ppid()). */
Test(macro, script_macros_and_the_stdlib)
{
	EXPANDS_TO("macro ppid(t) { 7 } macro pcomm() { 8 } "
		   "begin { $a = ppid; $b = pcomm; $c = ppid(1); }",
		   "Program\n"
		   " Probe begin\n"
		   "  Block\n"
		   "   Assign =\n"
		   "    Var $a\n"
		   "    Cast (uint32)\n"
		   "     Field ->pid\n"
		   "      Field ->real_parent\n"
		   "       Builtin curtask\n"
		   "   Assign =\n"
		   "    Var $b\n"
		   "    Int 8\n"
		   "   Assign =\n"
		   "    Var $c\n"
		   "    Int 7\n");
}
