/* uprobe_nofp: funcA -> funcB -> funcC -> funcD, built without frame
 * pointers so that only DWARF CFI can unwind it. */
#include <unistd.h>

volatile int sink;

__attribute__((noinline)) void funcD(void)
{
  sink = 42;
}

__attribute__((noinline)) int funcC(void)
{
  funcD();
  return sink;
}

__attribute__((noinline)) int funcB(void)
{
  funcC();
  return sink;
}

__attribute__((noinline)) int funcA(void)
{
  funcB();
  return sink;
}

int main(void)
{
  for (;;) {
    funcA();
    usleep(500);
  }
  return 0;
}
