/* getppid_storm N [THREADS]: makes exactly N getppid() system calls, as
 * fast as it can, split over THREADS threads (default 1), thread i pinned
 * to CPU i % ncpus so that every CPU makes them at once.  The threads
 * start together (a barrier) and the process exits 0 once all N calls are
 * made; a bad argument is an error (exit 2).  For the accounting tests:
 * printed lines plus lost events must equal N. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

static pthread_barrier_t start;

struct job {
  long calls;
  int cpu;
};

static void *storm(void *arg)
{
  struct job *j = arg;
  cpu_set_t set;

  CPU_ZERO(&set);
  CPU_SET(j->cpu, &set);
  sched_setaffinity(0, sizeof(set), &set); /* best effort */
  pthread_barrier_wait(&start);
  for (long i = 0; i < j->calls; i++)
    syscall(SYS_getppid); /* never cached by the C library */
  return NULL;
}

static long number(const char *s, const char *what, long max)
{
  char *end;

  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno || end == s || *end || v < 0 || v > max) {
    fprintf(stderr, "getppid_storm: bad %s '%s'\n", what, s);
    exit(2);
  }
  return v;
}

int main(int argc, char **argv)
{
  if (argc < 2 || argc > 3) {
    fprintf(stderr, "usage: getppid_storm N [THREADS]\n");
    return 2;
  }
  long n = number(argv[1], "count", 1000000000L);
  int nthreads = argc > 2 ? (int)number(argv[2], "thread count", 1024) : 1;
  if (nthreads < 1)
    nthreads = 1;
  long ncpus = sysconf(_SC_NPROCESSORS_ONLN);
  if (ncpus < 1)
    ncpus = 1;

  pthread_t *t = calloc(nthreads, sizeof(*t));
  struct job *jobs = calloc(nthreads, sizeof(*jobs));
  if (!t || !jobs || pthread_barrier_init(&start, NULL, nthreads)) {
    fprintf(stderr, "getppid_storm: out of memory\n");
    return 1;
  }
  for (int i = 0; i < nthreads; i++) {
    jobs[i].calls = n / nthreads + (i < n % nthreads);
    jobs[i].cpu = (int)(i % ncpus);
  }
  /* thread 0 is this one: no extra thread for THREADS=1 */
  for (int i = 1; i < nthreads; i++)
    if (pthread_create(&t[i], NULL, storm, &jobs[i])) {
      fprintf(stderr, "getppid_storm: cannot start thread %d\n", i);
      return 1;
    }
  storm(&jobs[0]);
  for (int i = 1; i < nthreads; i++)
    pthread_join(t[i], NULL);
  free(t);
  free(jobs);
  return 0;
}
