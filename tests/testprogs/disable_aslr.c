/* disable_aslr PROG [ARGS]: execs PROG with address space randomisation
 * turned off. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/personality.h>
#include <unistd.h>

int main(int argc, char **argv)
{
  if (argc < 2) {
    fprintf(stderr, "usage: disable_aslr PROG [ARGS]\n");
    return 1;
  }
  if (personality(ADDR_NO_RANDOMIZE) < 0) {
    perror("disable_aslr: personality");
    return 1;
  }
  execv(argv[1], &argv[1]);
  fprintf(stderr, "disable_aslr: exec %s: %s\n", argv[1], strerror(errno));
  return 1;
}
