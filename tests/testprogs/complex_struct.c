/* complex_struct: one call with a struct of pointer and array members. */
#include <stdint.h>
#include <stdlib.h>

struct Foo {
  char *a;
  char b[4];
  uint8_t c[4];
  int d[4];
  uint16_t e[4];
  uint64_t f[4];
};

void func(struct Foo *foo)
{
}

int main(void)
{
  struct Foo foo = { 0, { 5, 4, 3, 2 }, { 1, 2, 3, 4 }, { 5, 6, 7, 8 },
                     { 9, 10, 11, 12 }, { 13, 14, 15, 16 } };

  foo.a = malloc(4);
  if (!foo.a)
    return 1;
  foo.a[0] = 9;
  foo.a[1] = 8;
  foo.a[2] = 7;
  foo.a[3] = 6;
  func(&foo);
  free(foo.a);
  return 0;
}
