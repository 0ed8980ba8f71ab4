/* usdt_test: fires tracetest:testprobe, tracetest:testprobe2 and
 * tracetest2:testprobe2 every 100 ms with (tv_sec, string). */
#include <sys/sdt.h>
#include <sys/time.h>
#include <unistd.h>

static const char s1[] = "Hello World1";
static const char s2[] = "Hello World2";
static const char s3[] = "Hello World3";

__attribute__((noinline)) void fire(void)
{
  struct timeval tv;
  long sec;
  /* read the strings once: a page of .rodata nobody reads is never
     mapped in, and a probe cannot fault it in to read its arguments */
  volatile char touch = *(const volatile char *)s1 +
                        *(const volatile char *)s2 +
                        *(const volatile char *)s3;

  (void)touch;

  gettimeofday(&tv, NULL);
  sec = tv.tv_sec;
  DTRACE_PROBE2(tracetest, testprobe, sec, s1);
  DTRACE_PROBE2(tracetest, testprobe2, sec, s2);
  DTRACE_PROBE2(tracetest2, testprobe2, sec, s3);
}

int main(void)
{
  for (;;) {
    fire();
    usleep(100 * 1000);
  }
  return 0;
}
