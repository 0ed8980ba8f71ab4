/* libsimple.so: exports one empty function. */
__attribute__((visibility("default"))) void fun(void)
{
}
