/* uprobe_loop: calls uprobeFunction1 from spin() forever, every 500 us. */
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
  spin();
  return 0;
}
