/* work_loop: calls doWork forever, every 10 us. */
#include <unistd.h>

int doWork(int *n, int o)
{
  *n += o;
  return *n;
}

int main(void)
{
  int i = 0;

  for (;;) {
    int n = 1;

    doWork(&n, i);
    usleep(10);
    i++;
  }
  return 0;
}
