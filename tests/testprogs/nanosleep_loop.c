/* nanosleep_loop: 10000 raw nanosleep system calls of 100 ms each. */
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
  struct timespec ts = { 0, 100 * 1000 * 1000 };
  int i;

  for (i = 0; i < 10000; i++)
    syscall(__NR_nanosleep, &ts, NULL);
  return 0;
}
