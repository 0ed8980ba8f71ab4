/* syscall <op> [args]: issues one raw system call so that runtime tests can
 * trace it.  Ops: nanosleep [N], openat, open, read, execve PATH [ARG...],
 * connect HOST PORT.  Prints an error and exits 1 on failure. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static int usage(void)
{
  fprintf(stderr, "usage: syscall nanosleep [N] | openat | open | read | "
                  "execve PATH [ARG...] | connect HOST PORT\n");
  return 1;
}

static const char *tmp_path(const char *name, char *buf, size_t len)
{
  const char *dir = getenv("TMPDIR");

  snprintf(buf, len, "%s/%s", dir && *dir ? dir : "/tmp", name);
  return buf;
}

/* N: decimal with an optional exponent, starting and ending with a digit. */
static int do_nanosleep(int argc, char **argv)
{
  double ns = 100;
  struct timespec ts;

  if (argc > 2) {
    const char *s = argv[2];
    size_t len = strlen(s);
    char *end;

    if (len == 0 || s[0] < '0' || s[0] > '9' || s[len - 1] < '0' ||
        s[len - 1] > '9') {
      fprintf(stderr, "syscall: bad duration '%s'\n", s);
      return 1;
    }
    ns = strtod(s, &end);
    if (*end != '\0' || ns < 0) {
      fprintf(stderr, "syscall: bad duration '%s'\n", s);
      return 1;
    }
    if (ns > 0 && ns < 1)
      ns = 1;
  }
  ts.tv_sec = (time_t)(ns / 1e9);
  ts.tv_nsec = (long)(ns - (double)ts.tv_sec * 1e9);
  if (syscall(__NR_nanosleep, &ts, NULL) != 0) {
    perror("syscall: nanosleep");
    return 1;
  }
  return 0;
}

static int do_open(int use_openat)
{
  char path[4096];
  long fd;

  tmp_path("bpftrace_runtime_test_syscall_gen_open_temp", path, sizeof(path));
  if (use_openat) {
    fd = syscall(__NR_openat, AT_FDCWD, path, O_CREAT);
  } else {
#ifdef __NR_open
    fd = syscall(__NR_open, path, O_CREAT);
#else
    fprintf(stderr, "syscall: open does not exist on this architecture\n");
    return 1;
#endif
  }
  if (fd < 0) {
    perror("syscall: open");
    return 1;
  }
  close((int)fd);
  unlink(path);
  return 0;
}

static int do_read(void)
{
  char path[4096], buf[1];
  int fd;

  tmp_path("bpftrace_runtime_test_syscall_gen_read_temp", path, sizeof(path));
  fd = open(path, O_RDONLY | O_CREAT, 0644);
  if (fd < 0) {
    perror("syscall: open");
    return 1;
  }
  if (syscall(__NR_read, fd, buf, 0) < 0) {
    perror("syscall: read");
    close(fd);
    unlink(path);
    return 1;
  }
  close(fd);
  unlink(path);
  return 0;
}

static int do_execve(int argc, char **argv)
{
  char *envp[] = { NULL };

  if (argc < 3)
    return usage();
  /* argv[2..] = PATH ARG...: the new argv starts with PATH */
  syscall(__NR_execve, argv[2], &argv[2], envp);
  fprintf(stderr, "syscall: execve %.100s: %s\n", argv[2], strerror(errno));
  return 1;
}

static int do_connect(int argc, char **argv)
{
  struct sockaddr_in sa;
  int fd;

  if (argc < 4)
    return usage();
  memset(&sa, 0, sizeof(sa));
  sa.sin_family = AF_INET;
  sa.sin_port = htons((unsigned short)atoi(argv[3]));
  if (inet_pton(AF_INET, argv[2], &sa.sin_addr) != 1) {
    fprintf(stderr, "syscall: bad IPv4 address '%s'\n", argv[2]);
    return 1;
  }
  fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) {
    perror("syscall: socket");
    return 1;
  }
  connect(fd, (struct sockaddr *)&sa, sizeof(sa)); /* result ignored */
  close(fd);
  return 0;
}

int main(int argc, char **argv)
{
  if (argc < 2)
    return usage();
  if (strcmp(argv[1], "nanosleep") == 0)
    return do_nanosleep(argc, argv);
  if (strcmp(argv[1], "openat") == 0)
    return do_open(1);
  if (strcmp(argv[1], "open") == 0)
    return do_open(0);
  if (strcmp(argv[1], "read") == 0)
    return do_read();
  if (strcmp(argv[1], "execve") == 0)
    return do_execve(argc, argv);
  if (strcmp(argv[1], "connect") == 0)
    return do_connect(argc, argv);
  return usage();
}
