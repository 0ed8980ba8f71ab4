#include <criterion/criterion.h>
Test(sema, not_written) { cr_skip_test("test_sema.c: to be written"); }
