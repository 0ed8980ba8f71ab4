/* uprobe_symres_exited_process: sleeps 3 s, calls test2() -> test(), exits
 * (tests resolve symbols after the process is gone). */
#include <unistd.h>

__attribute__((noinline)) int test(void)
{
  return 42;
}

__attribute__((noinline)) int test2(void)
{
  return test();
}

int main(void)
{
  sleep(3);
  test2();
  return 0;
}
