/* simple_struct: passes a small struct and a pointer into it. */
struct Foo {
  int m;
  int n;
};

int func(struct Foo *foo)
{
  return foo->m;
}

int n_func(int *n)
{
  return *n;
}

int main(void)
{
  struct Foo foo = { 2, 3 };

  func(&foo);
  n_func(&foo.n);
  return 0;
}
