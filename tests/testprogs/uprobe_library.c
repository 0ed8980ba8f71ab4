/* uprobe_library: one fread() of 4 bytes from /dev/zero through libc. */
#include <stdio.h>

int main(void)
{
  int v;
  FILE *fp = fopen("/dev/zero", "r");

  if (!fp)
    return 1;
  if (fread(&v, 4, 1, fp) != 1) {
    fclose(fp);
    return 1;
  }
  fclose(fp);
  return 0;
}
