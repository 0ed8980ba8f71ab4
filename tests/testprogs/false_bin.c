/* false_bin: its .text alone, copied raw into false.bin, is a function
 * returning 1 (mmap_exec runs it). */
int main(void)
{
  return 1;
}
