/* array_access: calls each function once with arrays inside structs, so
 * that runtime tests can read them through uprobe arguments. */
#include <stdint.h>

struct A {
  int x[4];
  uint8_t y[4];
};

struct B {
  int y[2][2];
};

struct C {
  int *z[4];
};

struct D {
  int x;
  int y[0];
  int z;
};

void test_struct(struct A *a, struct B *b)
{
}

void test_array(int *a)
{
}

void test_ptr_array(struct C *c)
{
}

void test_arrays(struct A *a, struct A *d)
{
}

void test_variable_array(struct D *d)
{
}

int main(void)
{
  struct A a = { { 1, 2, 3, 4 }, { 0xaa, 0xbb, 0xcc, 0xdd } };
  struct A d = { { 4, 3, 2, 1 }, { 0 } };
  struct B b = { { { 5, 6 }, { 7, 8 } } };
  struct C c;
  struct D v = { 0, {}, 1 };
  int i;

  for (i = 0; i < 4; i++)
    c.z[i] = &a.x[i];
  test_struct(&a, &b);
  test_array(a.x);
  test_ptr_array(&c);
  test_arrays(&a, &d);
  test_variable_array(&v);
  return 0;
}
