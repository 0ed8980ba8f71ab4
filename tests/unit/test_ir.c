#include <criterion/criterion.h>
Test(ir, not_written) { cr_skip_test("test_ir.c: to be written"); }
