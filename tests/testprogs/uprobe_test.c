/* uprobe_test: endless loop calling functions that runtime tests attach
 * uprobes to.  Tests name lines 22 (entry of uprobeFunction1) and 34, 36,
 * 39 (uprobeFunctionBranching): keep the layout of lines 1-40. */
#include <stdint.h>
#include <unistd.h>

int GLOBAL_A = 0x55555555;
int GLOBAL_B = (int)0x88888888;
int GLOBAL_C = 0x33333333;
char GLOBAL_D = 8;

struct Foo {
  int a;
  char b[10];
  int c[3];
  __int128 d;
};

struct Bar { int x; struct Foo *foos[2]; struct Foo nested; };

int uprobeFunction1(int *n, char c)
{
  return *n;
}

struct Foo *uprobeFunction2(struct Foo *foo1, struct Foo *foo2)
{
  return foo1;
}

int uprobeFunctionBranching(int n)
{
  /* line 34: the n == 1 test; 36: the n == 2 test; 39: return 3 */
  if (n == 1)
    return 1;
  if (n == 2)
    return 2;
  /* neither */
  return 3;
}

struct Bar *uprobeFunctionBar(struct Bar *bar)
{
  return bar;
}

unsigned __int128 uprobeFunctionUint128(unsigned __int128 x,
                                        unsigned __int128 y,
                                        unsigned __int128 z,
                                        unsigned __int128 w)
{
  return x + w;
}

int main(int argc, char **argv)
{
  for (;;) {
    int n = 13;
    char c = 'x';
    struct Foo foo1 = { 123, "hello", { 1, 2, 3 }, 0x123456789ABCDEF0 };
    struct Foo foo2 = { 456, "world", { 4, 5, 6 }, 0xFEDCBA9876543210 };
    struct Bar bar;

    uprobeFunction1(&n, c);
    uprobeFunction2(&foo1, &foo2);
    uprobeFunctionBranching(13);
    bar.x = 42;
    bar.foos[0] = &foo1;
    bar.foos[1] = &foo2;
    bar.nested = foo1;
    uprobeFunctionBar(&bar);
    uprobeFunctionUint128(0x123456789ABCDEF0, 0xEFEFEFEFEFEFEFEF,
                          0xCDCDCDCDCDCDCDCD, 0xABABABABABABABAB);
    usleep(100 * 1000);
  }
  return 0;
}
