/* mountns_wrapper PROG: in a new mount namespace, bind-mounts the directory
 * holding this wrapper at /tmp/bpftrace-unshare-mountns-test and execs
 * PROG from there, so PROG's path exists only inside that namespace. */
#define _GNU_SOURCE
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define MNT "/tmp/bpftrace-unshare-mountns-test"

int main(int argc, char **argv)
{
  char self[PATH_MAX], target[PATH_MAX + 64];
  ssize_t n;

  if (argc != 2) {
    fprintf(stderr, "usage: mountns_wrapper PROG\n");
    return 1;
  }
  n = readlink("/proc/self/exe", self, sizeof(self) - 1);
  if (n < 0) {
    perror("mountns_wrapper: /proc/self/exe");
    return 1;
  }
  self[n] = '\0';
  if (unshare(CLONE_NEWNS) != 0) {
    perror("mountns_wrapper: unshare");
    return 1;
  }
  if (mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) {
    perror("mountns_wrapper: make / private");
    return 1;
  }
  if (mkdir(MNT, 0770) != 0 && errno != EEXIST) {
    perror("mountns_wrapper: mkdir " MNT);
    return 1;
  }
  if (mount(dirname(self), MNT, NULL, MS_BIND, NULL) != 0) {
    perror("mountns_wrapper: bind mount");
    return 1;
  }
  snprintf(target, sizeof(target), MNT "/%s", argv[1]);
  execl(target, target, (char *)NULL);
  fprintf(stderr, "mountns_wrapper: exec %s: %s\n", target, strerror(errno));
  return 1;
}
