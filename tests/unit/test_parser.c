#include <criterion/criterion.h>
Test(parser, not_written) { cr_skip_test("test_parser.c: to be written"); }
