/* libusdt_tp.so: exports myclock(), which fires tracetestlib:lib_probe_1
 * at two sites (tv_sec, "Hello world" / "Hello world2") and
 * tracetestlib2:lib_probe_2 (tv_sec, "Hello world3") and returns tv_sec.
 * usdt_lib calls it in a loop. */
#include <stddef.h>
#include <sys/time.h>
#if __has_include(<sys/sdt.h>)
#include <sys/sdt.h>
#else
/* built without systemtap-sdt-dev: no probes (build.sh warns) */
#define DTRACE_PROBE2(p, n, a, b) ((void)(a), (void)(b))
#endif

static const char s1[] = "Hello world";
static const char s2[] = "Hello world2";
static const char s3[] = "Hello world3";

__attribute__((visibility("default"))) long myclock(void)
{
  struct timeval tv;
  long sec;
  /* probes cannot fault in a page nobody reads: read the strings */
  volatile char touch = *(const volatile char *)s1 +
                        *(const volatile char *)s2 +
                        *(const volatile char *)s3;

  (void)touch;
  gettimeofday(&tv, NULL);
  sec = tv.tv_sec;
  DTRACE_PROBE2(tracetestlib, lib_probe_1, sec, s1);
  DTRACE_PROBE2(tracetestlib, lib_probe_1, sec, s2);
  DTRACE_PROBE2(tracetestlib2, lib_probe_2, sec, s3);
  return sec;
}
