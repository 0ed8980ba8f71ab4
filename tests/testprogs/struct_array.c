/* struct_array: passes a struct holding an array of structs (each with a
 * nested struct holding an array) to clear(), which zeroes it.  Values:
 * w[i].a = 2 * i, w[i].t.a = 100 + i, w[i].t.b = {10 * i, 10 * i + 1}. */
#include <stdint.h>
#include <string.h>

struct T {
  uint32_t a;
  uint32_t b[2];
};

struct W {
  uint32_t a;
  struct T t;
};

struct C {
  uint32_t a;
  void *b;
  struct W w[10];
};

__attribute__((noinline)) void clear(struct C *c)
{
  memset(c, 0, sizeof(*c));
}

int main(void)
{
  struct C c;
  int i;

  c.a = 1;
  c.b = &c;
  for (i = 0; i < 10; i++) {
    c.w[i].a = 2 * i;
    c.w[i].t.a = 100 + i;
    c.w[i].t.b[0] = 10 * i;
    c.w[i].t.b[1] = 10 * i + 1;
  }
  clear(&c);
  return c.a;
}
