/* wait4_ru: forks a child that exits at once and reaps it with wait4()
 * and a non-NULL rusage pointer. */
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
  struct rusage ru;
  pid_t pid = fork();

  if (pid < 0)
    return 1;
  if (pid == 0)
    _exit(0);
  if (wait4(pid, NULL, 0, &ru) < 0)
    return 1;
  return 0;
}
