/* watchpoint_exec: maps an executable page at hint 0x10000000, puts
 * "nop; ret" there, sleeps 1 s and calls it (x86 only). */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void)
{
#if defined(__x86_64__) || defined(__i386__)
  static const unsigned char code[] = { 0x90, 0xc3 };
  void *p = mmap((void *)0x10000000, 4096,
                 PROT_READ | PROT_WRITE | PROT_EXEC,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

  if (p == MAP_FAILED)
    return 1;
  memcpy(p, code, sizeof(code));
  sleep(1);
  ((void (*)(void))p)();
  munmap(p, 4096);
#endif
  return 0;
}
