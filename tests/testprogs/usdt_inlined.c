/* usdt_inlined: tracetest:testprobe(tv_sec, k) at two inlined sites:
 * myclock(999) inlined into loop(), myclock(100) inlined into
 * mywrapper_inlined() inlined into mywrapper(), once a second.  k lives in
 * a volatile local; the arguments are memory operands. */
#include <stddef.h>
/* arguments as memory operands: each inlined copy has its own stack slots,
   so the two locations' specs differ */
#define STAP_SDT_ARG_CONSTRAINT m
#include <sys/sdt.h>
#include <sys/time.h>
#include <unistd.h>

static inline __attribute__((always_inline)) long myclock(int k)
{
  volatile int v = k;
  struct timeval tv;

  gettimeofday(&tv, NULL);
  DTRACE_PROBE2(tracetest, testprobe, tv.tv_sec, v);
  return tv.tv_sec;
}

static inline __attribute__((always_inline)) long mywrapper_inlined(void)
{
  return myclock(100);
}

static __attribute__((noinline)) long mywrapper(void)
{
  return mywrapper_inlined();
}

static __attribute__((noinline)) void loop(void)
{
  volatile long pad[3] = { 0 }; /* moves this frame's slots */

  (void)pad;
  for (;;) {
    myclock(999);
    mywrapper();
    sleep(1);
  }
}

int main(void)
{
  loop();
  return 0;
}
