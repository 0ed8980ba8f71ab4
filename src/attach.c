/* attach.c — loaded programs onto their kernel hooks, and off again.
 *
 * Takes: a loaded tt_prog (tt_probe.prog_fd, tt_probe.ap concrete).
 * Produces: attached probes; tt_probe.attach_state holds the fds that keep
 * each one attached (perf events, links, hook.c), closed by detach.
 *
 * Each provider attaches its own probes: its runtime half (struct
 * prov_runtime in prov_runtime.h, in src/attach_NAME.c beside the front
 * half's src/prov_NAME.c; the table below is generated from PROVIDERS)
 * has the attach hook and says whether the kernel runs the programs on
 * one hook most recently attached first.  Probes on one hook must fire in
 * script order (DESIGN.md invariant 2), so attach_all() attaches in
 * script order (tt_probe.index) and the providers marked newest_first in
 * the opposite order (doc/design-notes.md lists which are;
 * tests/kernel/suites/invariants proves each on this machine's kernel,
 * tests/vm/tests.sh the kprobe, kretprobe, fentry and fexit ones).  What
 * the hooks share (perf events, links, the fds that hold a probe) is
 * hook.c, below them; this file only dispatches, orders and stops. */
#define _GNU_SOURCE /* pipe2 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <linux/sched.h>

#include "attach.h"
#include "hook.h"
#include "probes.h"
#include "prov_runtime.h"

struct closer {
	int *fds, n;
};

static void close_some(struct closer *c)
{
	for (int i = 0; i < c->n; i++)
		close(c->fds[i]);
}

/* Closes fds[0..n) in up to 32 child processes that share this process's
 * file table (clone with CLONE_FILES; not threads: pthread_create brings
 * about 100 KB of glibc into the static binary).  Releasing a perf-event
 * link waits for an RCU tasks-trace grace period outside any lock, in the
 * task that closes it, so the waits overlap instead of adding up. */
static void close_parallel(int *fds, int n)
{
	enum { NCHILD = 32 };
	long pid[NCHILD];
	struct closer c[NCHILD];
	int nt = n < NCHILD ? n : NCHILD;

	for (int k = 0; k < nt; k++) {
		c[k].fds = fds + (long)k * n / nt;
		c[k].n = (int)((long)(k + 1) * n / nt - (long)k * n / nt);
		pid[k] = nt > 1 ? syscall(SYS_clone, CLONE_FILES | SIGCHLD, 0,
					  0, 0, 0)
				: -1;
		if (pid[k] == 0) {
			close_some(&c[k]);
			_exit(0);
		}
		if (pid[k] < 0)
			close_some(&c[k]);
	}
	for (int k = 0; k < nt; k++)
		while (pid[k] > 0 && waitpid((pid_t)pid[k], NULL, 0) < 0 &&
		       errno == EINTR)
			;
}

int attach_iter_fd(struct tt_probe *pr)
{
	const struct prov_runtime *rt = prov_runtime_of(pr);
	int link = hook_first_fd(pr);
	if (!rt || rt->run != RUN_ITER || link < 0)
		return -EINVAL;
	int fd = bpf_iter_create(link);
	return fd < 0 ? -errno : fd;
}

#define PROV_RT_ROW_(E, n) [PROV_##E] = &prov_##n##_rt,
static const struct prov_runtime *const runtimes[PROV__COUNT] = {
	PROVIDERS(PROV_RT_ROW_)
};
#undef PROV_RT_ROW_

const struct prov_runtime *prov_runtime_of(const struct tt_probe *pr)
{
	if (!pr->ap || pr->ap->prov <= PROV_NONE || pr->ap->prov >= PROV__COUNT)
		return NULL;
	return runtimes[pr->ap->prov];
}

enum prov_run prov_run_of(const struct tt_probe *pr)
{
	const struct prov_runtime *rt = prov_runtime_of(pr);
	if (pr->ap)
		return rt ? rt->run : RUN_ATTACHED;
	/* probes made by hand (tests) without an attach point: by name */
	if (pr->name && !strcasecmp(pr->name, "begin"))
		return RUN_BEGIN;
	if (pr->name && !strcasecmp(pr->name, "end"))
		return RUN_END;
	return RUN_ATTACHED;
}

bool probe_is_special(const struct tt_probe *pr)
{
	enum prov_run run = prov_run_of(pr);
	return run == RUN_BEGIN || run == RUN_END;
}

int attach_probe(struct tt_prog *p, struct tt_probe *pr)
{
	const struct prov_runtime *rt = prov_runtime_of(pr);

	if (!rt) {
		fprintf(stderr, "ERROR: %s: %s probes are not supported yet\n",
			pr->name, pr->ap ? probes_provider_name(pr->ap->prov)
					 : "these");
		return -EOPNOTSUPP;
	}
	if (p->cfg.verbose)
		fprintf(stderr, "Attaching %s\n", pr->name);
	int err = rt->attach ? rt->attach(p, pr) : 0;
	if (err < 0) {
		hook_close_fds(pr);
		/* providers explain their own special cases; say the rest */
		if (err != -ENOENT && err != -EINVAL && err != -EPERM)
			fprintf(stderr, "ERROR: could not attach %s: %s\n",
				pr->name, strerror(-err));
		else if (err == -EPERM)
			fprintf(stderr, "ERROR: could not attach %s: %s "
				"(needs root)\n", pr->name, strerror(-err));
	}
	return err;
}

/* Detaching is the same for every provider: the fds kept closed in
 * reverse. */
void detach_probe(struct tt_probe *pr)
{
	hook_close_fds(pr);
}

int attach_unwatch(struct tt_prog *p, uint64_t addr)
{
	int n = 0;
	for (int i = 0; i < p->probes.n; i++) {
		struct tt_probe *pr = &p->probes.v[i];
		if (prov_has(pr->ap, PF_WATCH) && pr->ap->addr == addr) {
			hook_disable_perf(pr);
			n++;
		}
	}
	return n;
}

/* Probe indexes in script order. */
static int *script_order(const struct tt_prog *p)
{
	int *o = xcalloc(p->probes.n ? p->probes.n : 1, sizeof(int));

	for (int i = 0; i < p->probes.n; i++)
		o[i] = i;
	for (int i = 1; i < p->probes.n; i++) /* insertion sort: stable */
		for (int j = i; j > 0 && p->probes.v[o[j - 1]].index >
						 p->probes.v[o[j]].index; j--) {
			int t = o[j];
			o[j] = o[j - 1];
			o[j - 1] = t;
		}
	return o;
}

int attach_all(struct tt_prog *p)
{
	int *order = script_order(p);
	int err = 0;

	/* forward for attach-order hooks, then backward for newest-first */
	for (int pass = 0; pass < 2 && !err; pass++) {
		for (int k = 0; k < p->probes.n && !err; k++) {
			int i = pass ? order[p->probes.n - 1 - k] : order[k];
			struct tt_probe *pr = &p->probes.v[i];
			const struct prov_runtime *rt = prov_runtime_of(pr);
			if (probe_is_special(pr))
				continue;
			bool newest = rt && (rt->newest_first_of ?
					     rt->newest_first_of(pr) :
					     rt->newest_first);
			if (newest != (pass == 1))
				continue;
			err = attach_probe(p, pr);
		}
	}
	free(order);
	if (err)
		detach_all(p);
	return err;
}

void attach_stop_all(struct tt_prog *p)
{
	hook_fd_vec links = { 0 };

	for (int i = p->probes.n - 1; i >= 0; i--)
		hook_stop_fds(&p->probes.v[i], &links);
	close_parallel(links.v, links.n);
	vec_free(&links);
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* Closes every fd of this process but keep[0..n) (sorted). */
static void close_all_but(const int *keep, int n)
{
	int from = 0;

	for (int i = 0; i <= n; i++) {
		int to = i < n ? keep[i] - 1 : -1; /* -1: to the end */
#ifdef __NR_close_range
		if (to < 0 || to >= from) {
			if (syscall(__NR_close_range, (unsigned)from,
				    to < 0 ? ~0U : (unsigned)to, 0) == 0) {
				from = i < n ? keep[i] + 1 : from;
				continue;
			}
		}
#endif
		long end = to >= 0 ? to : sysconf(_SC_OPEN_MAX);
		for (long fd = from; fd <= end && fd < (1L << 20); fd++)
			close((int)fd);
		from = i < n ? keep[i] + 1 : from;
	}
}

/* The teardown process: holds the last references to fds[0..n) (closed
 * newest first once go, a pipe, reaches end of file: when the tracer has
 * dropped its own) in a session of its own, with nothing else open (the
 * middle process waits for that: it sees the end of its pipe when the
 * other fds are closed). */
static _Noreturn void teardown(int *fds, int n, int go)
{
	int *keep = xcalloc((size_t)n + 1, sizeof(int));
	char c;

	setsid();
	memcpy(keep, fds, sizeof(int) * (size_t)n);
	keep[n] = go;
	qsort(keep, (size_t)n + 1, sizeof(int), cmp_int);
	close_all_but(keep, n + 1);
	while (read(go, &c, 1) != 0 && errno == EINTR)
		;
	for (int i = n - 1; i >= 0; i--)
		close(fds[i]);
	_exit(0);
}

/* Between the tracer and the teardown process: forks it, waits until it
 * holds nothing else, exits (so it is nobody's child). */
static _Noreturn void teardown_middle(int *fds, int n, int go)
{
	int ready[2];
	char c;

	prctl(PR_SET_NAME, "tinytrace-detach"); /* the kernel keeps 15 bytes */
	if (pipe(ready) < 0)
		_exit(1);
	long pid = fork();
	if (pid == 0)
		teardown(fds, n, go);
	close(ready[1]);
	while (pid > 0 && read(ready[0], &c, 1) < 0 && errno == EINTR)
		;
	_exit(pid < 0);
}

void detach_all_behind(struct tt_prog *p)
{
	hook_fd_vec fds = { 0 };
	int go[2] = { -1, -1 }, st = 1;
	long pid = -1;

	attach_stop_all(p);
	for (int i = p->probes.n - 1; i >= 0; i--) {
		struct tt_probe *pr = &p->probes.v[i];
		if (hook_close_behind(pr))
			hook_take_fds(pr, &fds);
		else
			detach_probe(pr); /* only closing it stops it, or shows */
	}
	if (fds.n && pipe2(go, O_CLOEXEC) == 0)
		pid = fork();
	if (pid == 0)
		teardown_middle(fds.v, fds.n, go[0]);
	if (pid > 0)
		while (waitpid((pid_t)pid, &st, 0) < 0 && errno == EINTR)
			;
	/* with the teardown process running, these closes drop references
	   only; without it (st != 0) they are the slow ones */
	for (int i = fds.n - 1; i >= 0; i--)
		close(fds.v[i]);
	for (int i = 0; i < 2; i++)
		if (go[i] >= 0)
			close(go[i]);
	vec_free(&fds);
}

void detach_all(struct tt_prog *p)
{
	for (int i = p->probes.n - 1; i >= 0; i--)
		detach_probe(&p->probes.v[i]);
}
