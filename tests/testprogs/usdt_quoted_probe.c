/* usdt_quoted_probe: busy loop firing provider `test`, probe `"probe1"`
 * (the double quotes are part of the name), arg0 = (int)1. */
#include <sys/sdt.h>
#include <unistd.h>

int main(void)
{
  for (;;) {
    int one = 1;

    STAP_PROBE1(test, "probe1", one);
    usleep(1000);
  }
  return 0;
}
