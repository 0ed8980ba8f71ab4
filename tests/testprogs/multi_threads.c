/* multi_threads: forks; the child names its main thread "parent-thread",
 * starts "son-thread", which calls stub() and then starts
 * "grandson-thread", which calls stub() too. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

void stub(void)
{
}

static void *grandson(void *arg)
{
  prctl(PR_SET_NAME, "grandson-thread", 0, 0, 0);
  stub();
  return arg;
}

static void *son(void *arg)
{
  pthread_t t;

  prctl(PR_SET_NAME, "son-thread", 0, 0, 0);
  stub();
  if (pthread_create(&t, NULL, grandson, NULL) == 0)
    pthread_join(t, NULL);
  return arg;
}

int main(void)
{
  pid_t pid = fork();
  pthread_t t;

  if (pid < 0)
    return 1;
  if (pid > 0) {
    waitpid(pid, NULL, 0);
    return 0;
  }
  prctl(PR_SET_NAME, "parent-thread", 0, 0, 0);
  if (pthread_create(&t, NULL, son, NULL) != 0)
    return 1;
  pthread_join(t, NULL);
  return 0;
}
