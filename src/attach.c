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
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
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

void detach_all(struct tt_prog *p)
{
	for (int i = p->probes.n - 1; i >= 0; i--)
		detach_probe(&p->probes.v[i]);
}
