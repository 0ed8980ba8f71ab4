/* watchpoint_threaded [S]: after an optional sleep of S seconds, a thread
 * maps 2 MiB at hint 0x10000000 and writes its first byte 100 times,
 * every 250 ms. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static void *work(void *arg)
{
  volatile unsigned char *p;
  int i;

  printf("Working...\n");
  fflush(stdout);
  p = mmap((void *)0x10000000, 2 << 20, PROT_READ | PROT_WRITE,
           MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) {
    perror("watchpoint_threaded: mmap");
    return arg;
  }
  for (i = 0; i < 100; i++) {
    p[0] = (unsigned char)i;
    usleep(250 * 1000);
  }
  return arg;
}

int main(int argc, char **argv)
{
  pthread_t t;

  if (argc > 1)
    sleep((unsigned)atoi(argv[1]));
  if (pthread_create(&t, NULL, work, NULL) != 0)
    return 1;
  pthread_join(t, NULL);
  printf("Exiting...\n");
  return 0;
}
