/* usdt_multi_args: busy loop firing usdt_multi_args:probe1 with 12
 * arguments of 4 and 8 bytes. */
#include <stdint.h>
#include <sys/sdt.h>

int main(void)
{
  for (;;) {
    uint32_t a1 = 0xdeadbeef, a2 = 1, a4 = 0xcafebabe, a5 = 0x8badf00d;
    uint32_t a6 = 0xfeedface, a11 = 42;
    uint64_t a3 = UINT64_MAX, a7 = 0x0123456789abcdefULL, a8 = 0;
    uint64_t a9 = 0x7fffffffffffffffULL, a10 = 0x5555555555555555ULL;
    uint64_t a12 = 0xaaaaaaaaaaaaaaaaULL;

    STAP_PROBE12(usdt_multi_args, probe1, a1, a2, a3, a4, a5, a6, a7, a8, a9,
                 a10, a11, a12);
  }
  return 0;
}
