/* fentry_args CMD SIZE: calls bpf(CMD, attr, SIZE) forever with an
 * uninitialised attribute union on the stack. */
#include <linux/bpf.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
  long cmd, size;

  if (argc != 3)
    return 1;
  cmd = atol(argv[1]);
  size = atol(argv[2]);
  for (;;) {
    union bpf_attr attr;

    syscall(__NR_bpf, cmd, &attr, size);
  }
  return 0;
}
