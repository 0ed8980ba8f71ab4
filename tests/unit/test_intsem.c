/* test_intsem.c — sema's integer typing rules (doc/integers.md): literal
 * types, the result types of operators, casts, ternary promotion, typed
 * variables, and bpftrace's folding of literal-only operators with its
 * errors.  The values themselves are checked in the kernel by
 * tests/kernel/intprop.py. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "parser.h"
#include "sema.h"
#include "types.h"

static struct tt_config cfg;
static struct sema_result res;

/* Runs config + sema on text.  Returns the typed AST dump, or "FAILED\n"
 * followed by the diagnostics. */
static char *check(const char *text)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct source *src = malloc(sizeof(*src));
	*src = (struct source){ "stdin", text, strlen(text) };
	diag_set_stream(f);
	diag_reset();
	config_defaults(&cfg);
	memset(&res, 0, sizeof(res));
	struct node *prog = parse_program(src);
	cr_assert_not_null(prog, "%s: does not parse", text);
	int rc = config_apply(prog, &cfg);
	if (rc == 0)
		rc = sema_run(prog, &cfg, &res);
	if (rc == 0)
		ast_dump(f, prog, true);
	diag_set_stream(NULL);
	fclose(f);
	if (rc == 0)
		return buf;
	char *r = malloc(len + 8);
	strcpy(r, "FAILED\n");
	strcat(r, buf);
	free(buf);
	return r;
}

/* The typed dump of `begin { $r = <e>; }` from the line after "Var $r"
 * on, with the indentation removed: "Binop + :: int64\nCast ...". */
static char *typed(const char *e)
{
	char text[512];
	snprintf(text, sizeof(text), "begin { $r = %s; }", e);
	char *d = check(text);
	cr_assert(strncmp(d, "FAILED", 6), "%s: %s", text, d);
	char *p = strstr(d, "Var $r :: ");
	cr_assert_not_null(p, "%s", d);
	p = strchr(p, '\n') + 1;
	char *out = calloc(1, strlen(p) + 1), *o = out;
	while (*p) {
		while (*p == ' ')
			p++;
		while (*p && *p != '\n')
			*o++ = *p++;
		if (*p == '\n')
			*o++ = *p++;
	}
	return out;
}

/* The type of the expression e (its first dump line's type). */
static char *type_of(const char *e)
{
	char *d = typed(e);
	char *t = strstr(d, " :: ");
	cr_assert_not_null(t, "%s", d);
	t += 4;
	return strndup(t, strcspn(t, "\n"));
}

#define TYPE(e, expect) cr_assert_str_eq(type_of(e), expect, "%s", e)
/* e folds to the dump `expect` (lines joined with \n). */
#define FOLDS(e, expect) cr_assert_str_eq(typed(e), expect, "%s", e)
#define ERR(text, expect) cr_assert_str_eq(check(text), "FAILED\n" expect)

Test(intsem, literals_take_the_smallest_signed_type)
{
	TYPE("0", "int8");
	TYPE("127", "int8");
	TYPE("128", "int16");
	TYPE("32767", "int16");
	TYPE("32768", "int32");
	TYPE("0x7fffffff", "int32");
	TYPE("2147483648", "int64");
	TYPE("9223372036854775807", "int64");
	TYPE("9223372036854775808", "uint64");
	TYPE("0xffffffffffffffff", "uint64");
	TYPE("1_000_000", "int32");
	TYPE("-1", "int8");
	TYPE("-128", "int8");
	TYPE("-129", "int16");
	TYPE("-2147483648", "int32");
	TYPE("-2147483649", "int64");
	TYPE("-9223372036854775808", "int64");
}

Test(intsem, literal_types_as_values)
{
	cr_assert_eq(sema_int_literal_type(127, false), type_int_lit(1));
	cr_assert_eq(sema_int_literal_type(128, true), type_int(1, true));
	cr_assert_eq(sema_int_literal_type(129, true), type_int(2, true));
	cr_assert_eq(sema_int_literal_type(1ull << 63, false),
		     type_int(8, false));
	cr_assert_eq(sema_int_literal_type(1ull << 63, true),
		     type_int(8, true));
}

Test(intsem, arithmetic_is_64_bit_and_signed_unless_both_are_unsigned)
{
	TYPE("(uint8)1 + (uint16)2", "uint64");
	TYPE("(uint32)1 * (uint32)2", "uint64");
	TYPE("(uint64)1 / (uint8)2", "uint64");
	TYPE("(uint8)1 % (uint8)2", "uint64");
	TYPE("pid & tid", "uint64");
	TYPE("(uint32)1 << (uint32)2", "uint64");
	TYPE("(uint32)1 >> (uint32)2", "uint64");
	TYPE("(int8)1 + (uint64)2", "int64");
	TYPE("(uint64)1 ^ (int8)2", "int64");
	TYPE("(int16)1 | (int16)2", "int64");
	/* a literal is signed */
	TYPE("(uint64)1 * 2", "int64");
	TYPE("pid + 1", "int64");
	TYPE("(uint32)1 >> 3", "int64");
}

Test(intsem, subtraction_is_always_signed)
{
	TYPE("(uint64)5 - (uint64)3", "int64");
	TYPE("(uint8)1 - (uint8)2", "int64");
	TYPE("nsecs - nsecs", "int64");
	/* compound: $x -= y types $x as x - y would */
	cr_assert(strstr(check("begin { $x = (uint32)5; $x -= (uint32)1; }"),
			 "Var $x :: int64"));
	cr_assert(strstr(check("begin { $x = (uint32)5; $x += (uint32)1; }"),
			 "Var $x :: uint64"));
}

Test(intsem, unary_minus_and_not_are_int64)
{
	TYPE("-(uint8)200", "int64");
	TYPE("-pid", "int64");
	TYPE("~(uint64)1", "int64");
	TYPE("~(uint8)1", "int64");
	TYPE("~(int8)1", "int64");
	TYPE("!(uint8)1", "bool");
	TYPE("!pid", "bool");
}

Test(intsem, comparisons_and_logic_are_bool)
{
	TYPE("(uint64)1 < (int8)-1", "bool");
	TYPE("pid == tid", "bool");
	TYPE("pid != 3", "bool");
	TYPE("pid && nsecs", "bool");
	TYPE("pid || (uint8)0", "bool");
}

Test(intsem, casts_take_the_named_type)
{
	TYPE("(uint16)nsecs", "uint16");
	TYPE("(int8)pid", "int8");
	TYPE("(uint64)-1", "uint64");
	TYPE("(int32)(uint8)255", "int32");
	TYPE("(uint8)(int8)-1", "uint8");
}

Test(intsem, ternary_takes_the_type_that_holds_both)
{
	TYPE("pid ? (int8)1 : (uint8)2", "int16");
	TYPE("pid ? (uint16)1 : (int16)2", "int32");
	TYPE("pid ? (uint16)1 : (int32)2", "int32");
	TYPE("pid ? (uint32)1 : (int8)2", "int64");
	TYPE("pid ? (int8)1 : (int64)2", "int64");
	TYPE("pid ? (uint8)1 : (uint32)2", "uint32");
	TYPE("pid ? (uint64)1 : 5", "uint64");
}

Test(intsem, typed_variables_keep_their_type)
{
	char *d = check("begin { let $a: int8 = -3; let $b: uint32 = 4000000000;"
			" let $c: uint16 = (uint16)(nsecs + 1);"
			" $a = (int8)($a + 1000); }");
	cr_assert(strstr(d, "Let $a : int8 :: int8"), "%s", d);
	cr_assert(strstr(d, "Let $b : uint32 :: uint32"), "%s", d);
	cr_assert(strstr(d, "Let $c : uint16 :: uint16"), "%s", d);
	cr_assert(strstr(d, "Var $a :: int8"), "%s", d);
	cr_assert(!strstr(d, "Var $a :: int64"), "%s", d);
}

Test(intsem, literal_operators_fold_to_literals)
{
	FOLDS("1 + 2", "Int 3 :: int8\n");
	FOLDS("100 + 100", "Int 200 :: int16\n");
	FOLDS("1 - 2", "Unop - :: int8\nInt 1 :: int8\n");
	FOLDS("200 * 200", "Int 40000 :: int32\n");
	FOLDS("(1 + 2) * (3 - 10)", "Unop - :: int8\nInt 21 :: int8\n");
	FOLDS("9223372036854775807 + 1", "Int 9223372036854775808 :: uint64\n");
	FOLDS("1 << 63", "Int 9223372036854775808 :: uint64\n");
	FOLDS("0xff & 0x0f | 0x100", "Int 271 :: int16\n");
	/* signed / % >> when a side is negative (run time is unsigned) */
	FOLDS("-7 / 2", "Unop - :: int8\nInt 3 :: int8\n");
	FOLDS("-7 % 2", "Unop - :: int8\nInt 1 :: int8\n");
	FOLDS("-8 >> 1", "Unop - :: int8\nInt 4 :: int8\n");
	FOLDS("7 / -2", "Unop - :: int8\nInt 3 :: int8\n");
	FOLDS("-9223372036854775808 / -1",
	      "Int 9223372036854775808 :: uint64\n");
	/* unary operators */
	FOLDS("~5", "Int 18446744073709551610 :: uint64\n");
	FOLDS("~-5", "Int 4 :: int8\n");
	FOLDS("-(-5)", "Int 5 :: int8\n");
	FOLDS("-(2 + 3)", "Unop - :: int8\nInt 5 :: int8\n");
	FOLDS("!0", "Bool true :: bool\n");
	/* comparisons and logic are mathematical */
	FOLDS("5 > 3", "Bool true :: bool\n");
	FOLDS("-1 < 1", "Bool true :: bool\n");
	FOLDS("18446744073709551615 == 18446744073709551615",
	      "Bool true :: bool\n");
	FOLDS("1 && 0", "Bool false :: bool\n");
	FOLDS("0 || -3", "Bool true :: bool\n");
	/* a literal condition picks its branch, keeping the branch's type */
	FOLDS("1 ? (uint8)1 : 300", "Cast (uint8) :: uint8\nInt 1 :: int8\n");
	FOLDS("0 ? (uint8)1 : 300", "Int 300 :: int16\n");
}

Test(intsem, some_literal_operators_are_left_to_run_time)
{
	/* a negative literal with one above INT64_MAX */
	TYPE("18446744073709551615 + -1", "int64");
	TYPE("18446744073709551615 > -1", "bool");
	cr_assert(strstr(typed("18446744073709551615 > -1"), "Binop >"));
	/* casts are not literals */
	TYPE("(uint8)5 + 1", "int64");
	cr_assert(strstr(typed("(uint8)5 + 1"), "Binop +"));
}

Test(intsem, literal_folding_errors)
{
	ERR("begin { $a = 5 / 0; }",
	    "stdin:1:14-19: ERROR: unable to fold literals due to overflow or "
	    "underflow\n"
	    "begin { $a = 5 / 0; }\n"
	    "             ~~~~~\n");
	ERR("begin { $a = 5 % 0; }",
	    "stdin:1:14-19: ERROR: unable to fold literals due to overflow or "
	    "underflow\n"
	    "begin { $a = 5 % 0; }\n"
	    "             ~~~~~\n");
	cr_assert(strstr(check("begin { $a = 18446744073709551615 + 1; }"),
			 "unable to fold literals"));
	cr_assert(strstr(check("begin { $a = -9223372036854775808 - 1; }"),
			 "unable to fold literals"));
	cr_assert(strstr(check("begin { $a = 4294967296 * 4294967296; }"),
			 "unable to fold literals"));
	cr_assert(strstr(check("begin { $a = 1 - 18446744073709551615; }"),
			 "unable to fold literals"));
	/* a zero divisor that is not a literal is 1 at run time */
	cr_assert(strncmp(check("begin { $z = 0; $a = 5 / $z; }"), "FAILED",
			  6));
}

Test(intsem, promotion_holds_both_values)
{
	struct type *i8 = type_int(1, true), *u8 = type_int(1, false),
		    *i16 = type_int(2, true), *u32 = type_int(4, false),
		    *i64 = type_int(8, true), *u64 = type_int(8, false);
	cr_assert(type_equal(sema_promote(i8, u8), i16));
	cr_assert(type_equal(sema_promote(u8, u32), u32));
	cr_assert(type_equal(sema_promote(i8, u32), i64));
	cr_assert(type_equal(sema_promote(i16, i64), i64));
	cr_assert(type_equal(sema_promote(u64, u8), u64));
}
