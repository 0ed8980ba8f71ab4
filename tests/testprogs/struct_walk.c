/* struct_walk: passes an array of 10 structs and its length to clear(),
 * which zeroes it.  Values: c[i].a = i + 1, c[i].b = 100 * (i + 1); the
 * sums are a 55, b 5500. */
#include <stdint.h>
#include <string.h>

struct C {
  uint32_t a;
  uint64_t b;
};

__attribute__((noinline)) void clear(struct C *c, uint32_t n)
{
  memset(c, 0, n * sizeof(*c));
}

int main(void)
{
  struct C c[10];
  int i;

  for (i = 0; i < 10; i++) {
    c[i].a = i + 1;
    c[i].b = 100 * (i + 1);
  }
  clear(c, 10);
  return (int)c[0].a;
}
