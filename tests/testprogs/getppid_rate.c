/* getppid_rate SECS THREADS RATE: makes getppid() system calls for SECS
 * seconds (a decimal, e.g. 2 or 0.5) over THREADS threads, thread i pinned
 * to CPU i % ncpus, RATE calls per second in all (each thread RATE /
 * THREADS), or as fast as it can with RATE 0.  The threads start together
 * (a barrier); a paced thread makes the calls that are due (elapsed time x
 * its rate) and sleeps 100 us when it is ahead.  At the end it prints, on
 * stderr (a tracer's -c command shares the tracer's stdout),
 *   getppid_rate: CALLS calls in SECONDS s from T0
 * CALLS being the exact number of getppid() calls made (what a tracer of
 * sys_enter_getppid must print or count lost), SECONDS the time from the
 * barrier to the last thread's end and T0 the barrier's CLOCK_MONOTONIC
 * time in seconds.  For bench/throughput; a bad
 * argument is an error (exit 2). */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static pthread_barrier_t start;
static struct timespec t0;

struct job {
  double rate; /* calls per second, 0: flat out */
  double secs;
  long calls;  /* made */
  int cpu;
};

static double since(const struct timespec *a)
{
  struct timespec now;

  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)(now.tv_sec - a->tv_sec) +
         (double)(now.tv_nsec - a->tv_nsec) / 1e9;
}

static void *storm(void *arg)
{
  struct job *j = arg;
  cpu_set_t set;
  long n = 0;

  CPU_ZERO(&set);
  CPU_SET(j->cpu, &set);
  sched_setaffinity(0, sizeof(set), &set); /* best effort */
  if (pthread_barrier_wait(&start) == PTHREAD_BARRIER_SERIAL_THREAD)
    clock_gettime(CLOCK_MONOTONIC, &t0);
  pthread_barrier_wait(&start); /* t0 is set */
  for (;;) {
    double t = since(&t0);
    if (t >= j->secs)
      break;
    if (j->rate <= 0) {
      for (int i = 0; i < 256; i++)
        syscall(SYS_getppid); /* never cached by the C library */
      n += 256;
      continue;
    }
    long due = (long)(t * j->rate);
    if (n >= due) {
      struct timespec nap = { 0, 100000 };
      nanosleep(&nap, NULL);
      continue;
    }
    /* at most 1 ms worth at once: the clock is read again */
    long stop = n + (long)(j->rate / 1000) + 1;
    if (stop > due)
      stop = due;
    while (n < stop) {
      syscall(SYS_getppid);
      n++;
    }
  }
  j->calls = n;
  return NULL;
}

static double number(const char *s, const char *what, double max)
{
  char *end;

  errno = 0;
  double v = strtod(s, &end);
  if (errno || end == s || *end || !(v >= 0) || v > max) {
    fprintf(stderr, "getppid_rate: bad %s '%s'\n", what, s);
    exit(2);
  }
  return v;
}

int main(int argc, char **argv)
{
  if (argc != 4) {
    fprintf(stderr, "usage: getppid_rate SECS THREADS RATE\n");
    return 2;
  }
  double secs = number(argv[1], "duration", 3600);
  int nthreads = (int)number(argv[2], "thread count", 1024);
  double rate = number(argv[3], "rate", 1e9);
  if (nthreads < 1)
    nthreads = 1;
  long ncpus = sysconf(_SC_NPROCESSORS_ONLN);
  if (ncpus < 1)
    ncpus = 1;

  pthread_t *t = calloc(nthreads, sizeof(*t));
  struct job *jobs = calloc(nthreads, sizeof(*jobs));
  if (!t || !jobs || pthread_barrier_init(&start, NULL, nthreads)) {
    fprintf(stderr, "getppid_rate: out of memory\n");
    return 1;
  }
  for (int i = 0; i < nthreads; i++) {
    jobs[i].rate = rate / nthreads;
    jobs[i].secs = secs;
    jobs[i].cpu = (int)(i % ncpus);
  }
  /* thread 0 is this one */
  for (int i = 1; i < nthreads; i++)
    if (pthread_create(&t[i], NULL, storm, &jobs[i])) {
      fprintf(stderr, "getppid_rate: cannot start thread %d\n", i);
      return 1;
    }
  storm(&jobs[0]);
  long calls = jobs[0].calls;
  for (int i = 1; i < nthreads; i++) {
    pthread_join(t[i], NULL);
    calls += jobs[i].calls;
  }
  fprintf(stderr, "getppid_rate: %ld calls in %.6f s from %ld.%09ld\n",
          calls, since(&t0), (long)t0.tv_sec, t0.tv_nsec);
  free(t);
  free(jobs);
  return 0;
}
