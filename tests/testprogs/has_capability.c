/* has_capability NAME...: checks for real that this machine (or the
 * hypervisor under it) provides a hardware capability some tests need, by
 * using it on this process itself.  Exit status: 0 when every NAME works,
 * 1 when one does not (stdout says which and why), 2 on a usage error (an
 * unknown NAME).  `has_capability --list` prints the names it knows.
 *
 *   hw_breakpoint       a write watchpoint fires: a PERF_TYPE_BREAKPOINT
 *                       event (HW_BREAKPOINT_W, length 1) on a variable of
 *                       ours counts our writes to it
 *   hw_breakpoint_exec  an execution breakpoint fires: HW_BREAKPOINT_X on
 *                       a function of ours counts our calls of it
 *   hw_pmu              a hardware PMU counter counts: PERF_TYPE_HARDWARE
 *                       cpu-cycles goes up while we spin
 *
 * Opening the perf event is not enough: on some hypervisors the open
 * succeeds and the counter simply never moves (bpftrace gets no hit from
 * a watchpoint there either), so each check uses the event and reads it.
 * tests/compat/runner.py runs this for REQUIRES_CAPABILITY. */
#define _GNU_SOURCE /* syscall() */
#include <errno.h>
#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define ROUNDS 100

static volatile unsigned char watched;

/* The target of the execution breakpoint: a real call, never inlined. */
__attribute__((noinline)) static void exec_target(void)
{
  __asm__ volatile("" ::: "memory");
}

static void (*volatile exec_ptr)(void) = exec_target;

static long perf_open(struct perf_event_attr *attr)
{
  /* this process, any CPU */
  return syscall(SYS_perf_event_open, attr, 0, -1, -1, 0);
}

/* Enables fd, runs work(), disables it and reads the count into *count.
 * Returns 0, or an errno value. */
static int count_events(int fd, void (*work)(void), uint64_t *count)
{
  ssize_t n;

  if (ioctl(fd, PERF_EVENT_IOC_RESET, 0) < 0 ||
      ioctl(fd, PERF_EVENT_IOC_ENABLE, 0) < 0)
    return errno;
  work();
  if (ioctl(fd, PERF_EVENT_IOC_DISABLE, 0) < 0)
    return errno;
  n = read(fd, count, sizeof(*count));
  if (n < 0)
    return errno;
  return n == sizeof(*count) ? 0 : EIO;
}

static void write_watched(void)
{
  int i;

  for (i = 0; i < ROUNDS; i++)
    watched = (unsigned char)i;
}

static void call_target(void)
{
  int i;

  for (i = 0; i < ROUNDS; i++)
    exec_ptr();
}

static void spin(void)
{
  volatile unsigned long x = 0;
  unsigned long i;

  for (i = 0; i < 10000000UL; i++)
    x += i;
}

/* One check: opens the event described by attr, runs work, and reports.
 * min: the count that proves the event works.  Returns 0 or 1. */
static int check(const char *name, struct perf_event_attr *attr,
                 void (*work)(void), uint64_t min, const char *what)
{
  uint64_t count = 0;
  long fd = perf_open(attr);
  int err;

  if (fd < 0) {
    printf("%s: no (perf_event_open: %s)\n", name, strerror(errno));
    return 1;
  }
  err = count_events((int)fd, work, &count);
  close((int)fd);
  if (err) {
    printf("%s: no (reading the event: %s)\n", name, strerror(err));
    return 1;
  }
  if (count < min) {
    printf("%s: no (the event opened, but counted %llu %s where at least "
           "%llu were due)\n", name, (unsigned long long)count, what,
           (unsigned long long)min);
    return 1;
  }
  printf("%s: yes (counted %llu %s)\n", name, (unsigned long long)count,
         what);
  return 0;
}

static int hw_breakpoint(const char *name)
{
  struct perf_event_attr attr;

  memset(&attr, 0, sizeof(attr));
  attr.type = PERF_TYPE_BREAKPOINT;
  attr.size = sizeof(attr);
  attr.bp_type = HW_BREAKPOINT_W;
  attr.bp_addr = (uint64_t)(uintptr_t)&watched;
  attr.bp_len = HW_BREAKPOINT_LEN_1;
  attr.disabled = 1;
  attr.exclude_kernel = 1;
  attr.exclude_hv = 1;
  /* every write traps: all ROUNDS of them */
  return check(name, &attr, write_watched, ROUNDS, "writes");
}

static int hw_breakpoint_exec(const char *name)
{
  struct perf_event_attr attr;

  memset(&attr, 0, sizeof(attr));
  attr.type = PERF_TYPE_BREAKPOINT;
  attr.size = sizeof(attr);
  attr.bp_type = HW_BREAKPOINT_X;
  attr.bp_addr = (uint64_t)(uintptr_t)exec_target;
#if defined(__aarch64__) || defined(__arm__)
  attr.bp_len = HW_BREAKPOINT_LEN_4; /* one A64/A32 instruction */
#else
  attr.bp_len = sizeof(long); /* the only length x86 takes for X */
#endif
  attr.disabled = 1;
  attr.exclude_kernel = 1;
  attr.exclude_hv = 1;
  return check(name, &attr, call_target, ROUNDS, "calls");
}

static int hw_pmu(const char *name)
{
  struct perf_event_attr attr;

  memset(&attr, 0, sizeof(attr));
  attr.type = PERF_TYPE_HARDWARE;
  attr.size = sizeof(attr);
  attr.config = PERF_COUNT_HW_CPU_CYCLES;
  attr.disabled = 1;
  attr.exclude_kernel = 1;
  attr.exclude_hv = 1;
  return check(name, &attr, spin, 1, "cycles of a busy loop");
}

static const struct {
  const char *name;
  int (*fn)(const char *);
} caps[] = {
  { "hw_breakpoint", hw_breakpoint },
  { "hw_breakpoint_exec", hw_breakpoint_exec },
  { "hw_pmu", hw_pmu },
};

#define NCAPS (sizeof(caps) / sizeof(caps[0]))

int main(int argc, char **argv)
{
  int i, missing = 0;
  size_t c;

  if (argc < 2) {
    fprintf(stderr, "usage: has_capability NAME... | --list\n");
    return 2;
  }
  if (strcmp(argv[1], "--list") == 0) {
    for (c = 0; c < NCAPS; c++)
      printf("%s\n", caps[c].name);
    return 0;
  }
  for (i = 1; i < argc; i++) {
    for (c = 0; c < NCAPS; c++)
      if (strcmp(argv[i], caps[c].name) == 0)
        break;
    if (c == NCAPS) {
      fprintf(stderr, "has_capability: unknown capability '%s' "
              "(has_capability --list names them)\n", argv[i]);
      return 2;
    }
  }
  for (i = 1; i < argc; i++) {
    for (c = 0; strcmp(argv[i], caps[c].name) != 0; c++)
      ;
    missing |= caps[c].fn(caps[c].name);
  }
  fflush(stdout);
  return missing ? 1 : 0;
}
