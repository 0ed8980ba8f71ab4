/* usdt_lib: calls myclock() of testlibs/libusdt_tp.so (USDT probes in a
 * shared library) every 100 ms, forever.  The library is loaded with
 * dlopen from ../testlibs beside this program's directory, so the build
 * needs no link-time dependency or RPATH. */
#include <dlfcn.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
  char self[PATH_MAX], lib[PATH_MAX + 64];
  ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
  void *h;
  long (*myclock)(void);

  if (n < 0) {
    perror("usdt_lib: /proc/self/exe");
    return 1;
  }
  self[n] = 0;
  snprintf(lib, sizeof(lib), "%s/../testlibs/libusdt_tp.so", dirname(self));
  h = dlopen(lib, RTLD_NOW);
  if (!h) {
    fprintf(stderr, "usdt_lib: %s\n", dlerror());
    return 1;
  }
  myclock = (long (*)(void))dlsym(h, "myclock");
  if (!myclock) {
    fprintf(stderr, "usdt_lib: %s\n", dlerror());
    return 1;
  }
  for (;;) {
    myclock();
    usleep(100 * 1000);
  }
  return 0;
}
