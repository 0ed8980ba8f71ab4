/* uprobe_namesan: a function whose symbol is "fn$". */
__attribute__((noinline)) int fn(void) __asm__("fn$");

__attribute__((noinline)) int fn(void)
{
  return 0;
}

int main(void)
{
  return fn();
}
