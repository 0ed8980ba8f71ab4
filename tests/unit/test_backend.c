#include <criterion/criterion.h>
Test(backend, not_written) { cr_skip_test("test_backend.c: to be written"); }
