/* usdt_semaphore_test: every 1 ms, if the semaphore of tracetest:testprobe
 * is raised, fires it with (tv_sec, "USDT semaphore: <counter>"). */
#define _SDT_HAS_SEMAPHORES 1
#include <stdio.h>
#include <sys/sdt.h>
#include <sys/time.h>
#include <unistd.h>

unsigned short tracetest_testprobe_semaphore
    __attribute__((unused, section(".probes")));

int main(void)
{
  char buf[100];

  for (;;) {
    struct timeval tv;

    gettimeofday(&tv, NULL);
    if (tracetest_testprobe_semaphore > 0) {
      long sec = tv.tv_sec;
      char *p = buf;

      snprintf(buf, sizeof(buf), "USDT semaphore: %d\n",
               tracetest_testprobe_semaphore);
      STAP_PROBE2(tracetest, testprobe, sec, p);
    }
    usleep(1000);
  }
  return 0;
}
