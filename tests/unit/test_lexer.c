#include <criterion/criterion.h>
Test(lexer, not_written) { cr_skip_test("test_lexer.c: to be written"); }
