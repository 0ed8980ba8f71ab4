/* multi_procs: "parent-proc" forks "son-proc", which calls stub() and forks
 * "grandson-proc", which calls stub(); each parent waits. */
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

void stub(void)
{
}

int main(void)
{
  pid_t son, grandson;

  prctl(PR_SET_NAME, "parent-proc", 0, 0, 0);
  son = fork();
  if (son < 0)
    return 1;
  if (son > 0) {
    waitpid(son, NULL, 0);
    return 0;
  }
  prctl(PR_SET_NAME, "son-proc", 0, 0, 0);
  stub();
  grandson = fork();
  if (grandson < 0)
    return 1;
  if (grandson > 0) {
    waitpid(grandson, NULL, 0);
    return 0;
  }
  prctl(PR_SET_NAME, "grandson-proc", 0, 0, 0);
  stub();
  return 0;
}
