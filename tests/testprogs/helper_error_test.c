/* helper_error_test: passes NULL as a struct pointer (tests read through it
 * and expect a probe_read error). */
#include <stdint.h>
#include <stdio.h>

struct foo {
  int a;
};

void test_helper_error(struct foo *ptr)
{
  printf("test %lu\n", (unsigned long)(uintptr_t)ptr);
}

int main(void)
{
  test_helper_error(NULL);
  return 0;
}
