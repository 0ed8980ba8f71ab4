/* uprobe_fork_loop: forks once; parent and child both call uprobeFunction1
 * from spin() forever. */
#include <unistd.h>

int uprobeFunction1(int *n, char c)
{
  return *n;
}

void spin(void)
{
  for (;;) {
    int n = 13;
    char c = 'x';

    uprobeFunction1(&n, c);
    usleep(500);
  }
}

int main(void)
{
  fork();
  spin();
  return 0;
}
