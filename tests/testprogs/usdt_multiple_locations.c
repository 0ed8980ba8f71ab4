/* usdt_multiple_locations: busy loop firing tracetest:testprobe at 2
 * sites, tracetest:testprobe2 at 1 and tracetest:testprobe3 at 3. */
#include <stddef.h>
#include <sys/sdt.h>
#include <sys/time.h>

int main(void)
{
  for (;;) {
    struct timeval tv;
    long sec;

    gettimeofday(&tv, NULL);
    sec = tv.tv_sec;
    /* read the (pooled) literals' page: probes cannot fault it in */
    (void)*(const volatile char *)"Hello world";
    DTRACE_PROBE2(tracetest, testprobe, sec, "Hello world");
    DTRACE_PROBE2(tracetest, testprobe, sec, "Hello world2");
    DTRACE_PROBE2(tracetest, testprobe2, sec, "Hello world3");
    DTRACE_PROBE2(tracetest, testprobe3, sec, "Hello world4");
    DTRACE_PROBE2(tracetest, testprobe3, sec, "Hello world5");
    DTRACE_PROBE2(tracetest, testprobe3, sec, "Hello world6");
  }
  return 0;
}
