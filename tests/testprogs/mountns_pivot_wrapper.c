/* mountns_pivot_wrapper PROG: runs PROG (a program beside this wrapper) as
 * /PROG in a new mount namespace whose root is a fresh tmpfs (pivot_root),
 * with the system's /usr, /lib, /lib64 and /bin bound in for the dynamic
 * loader.  From outside, PROG is only /proc/PID/root/PROG. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define ROOT "/tmp/bpftrace-pivot-root-test"

static int fail(const char *what)
{
  fprintf(stderr, "mountns_pivot_wrapper: %s: %s\n", what, strerror(errno));
  return 1;
}

/* /NAME of the system into the new root: the same symlink (merged /usr)
 * or a bind mount of the directory */
static int bind_in(const char *name)
{
  char from[64], to[PATH_MAX], link[PATH_MAX];
  struct stat st;
  ssize_t n;

  snprintf(from, sizeof(from), "/%s", name);
  snprintf(to, sizeof(to), ROOT "/%s", name);
  if (lstat(from, &st) != 0)
    return 0;
  if (S_ISLNK(st.st_mode)) {
    n = readlink(from, link, sizeof(link) - 1);
    if (n < 0)
      return fail(from);
    link[n] = '\0';
    return symlink(link, to) != 0 ? fail(to) : 0;
  }
  if (mkdir(to, 0755) != 0 || mount(from, to, NULL, MS_BIND | MS_REC, NULL))
    return fail(to);
  return 0;
}

int main(int argc, char **argv)
{
  char self[PATH_MAX], prog[PATH_MAX + 64], inside[PATH_MAX + 64];
  static const char *const dirs[] = { "usr", "lib", "lib64", "bin" };
  ssize_t n;
  int fd;

  if (argc != 2 || strchr(argv[1], '/')) {
    fprintf(stderr, "usage: mountns_pivot_wrapper PROG\n");
    return 1;
  }
  n = readlink("/proc/self/exe", self, sizeof(self) - 1);
  if (n < 0)
    return fail("/proc/self/exe");
  self[n] = '\0';
  snprintf(prog, sizeof(prog), "%s/%s", dirname(self), argv[1]);
  if (unshare(CLONE_NEWNS) != 0)
    return fail("unshare");
  if (mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
    return fail("make / private");
  if (mkdir(ROOT, 0700) != 0 && errno != EEXIST)
    return fail("mkdir " ROOT);
  if (mount("tmpfs", ROOT, "tmpfs", 0, "mode=0755") != 0)
    return fail("mount tmpfs");
  snprintf(inside, sizeof(inside), ROOT "/%s", argv[1]);
  fd = open(inside, O_CREAT | O_WRONLY, 0755);
  if (fd < 0)
    return fail(inside);
  close(fd);
  if (mount(prog, inside, NULL, MS_BIND, NULL) != 0)
    return fail(prog);
  for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
    if (bind_in(dirs[i]))
      return 1;
  if (mkdir(ROOT "/.oldroot", 0700) != 0 || chdir(ROOT) != 0)
    return fail(ROOT "/.oldroot");
  if (syscall(SYS_pivot_root, ".", ".oldroot") != 0)
    return fail("pivot_root");
  if (chdir("/") != 0 || umount2("/.oldroot", MNT_DETACH) != 0)
    return fail("detach the old root");
  snprintf(inside, sizeof(inside), "/%s", argv[1]);
  execl(inside, inside, (char *)NULL);
  return fail(inside);
}
