#include <criterion/criterion.h>
Test(output, not_written) { cr_skip_test("test_output.c: to be written"); }
