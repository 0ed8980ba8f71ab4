/* uprobe_separate_debug: fn(123, "Hello world!"); tested only as a
 * stripped binary whose debug info is in a separate file. */
__attribute__((noinline)) int fn(int n, const char *str)
{
  return n * n;
}

int main(void)
{
  return fn(123, "Hello world!");
}
