/* usdt_sized_args: busy loop firing test:probe1 (u32 0xdeadbeef),
 * test:probe2 (u32 1) and test:probe3 (u64 2^64-1). */
#include <stdint.h>
#include <sys/sdt.h>

int main(void)
{
  volatile uint32_t a = 0xdeadbeef, b = 1;
  volatile uint64_t c = UINT64_MAX;

  for (;;) {
    uint32_t x = a, y = b;
    uint64_t z = c;

    DTRACE_PROBE1(test, probe1, x);
    DTRACE_PROBE1(test, probe2, y);
    DTRACE_PROBE1(test, probe3, z);
  }
  return 0;
}
