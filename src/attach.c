/* attach.c — loaded programs onto their kernel hooks, and off again.
 *
 * Takes: a loaded tt_prog (tt_probe.prog_fd, tt_probe.ap concrete).
 * Produces: attached probes; tt_probe.attach_state holds the fds that keep
 * each one attached (perf events, links), closed by detach.
 *
 * Each provider attaches its own probes: the runtime half of its ops
 * (struct prov_runtime in provider.h, in src/prov_*.c; the table below is
 * generated from PROVIDERS) has the attach hook and says whether the
 * kernel runs the programs on one hook most recently attached first.
 * Probes on one hook must fire in script order (DESIGN.md invariant 2),
 * so attach_all() attaches in script order (tt_probe.index) and the
 * providers marked newest_first in the opposite order
 * (doc/design-notes.md lists which are; tests/kernel/suites/invariants
 * proves each on this machine's kernel, tests/vm/tests.sh the kprobe,
 * kretprobe, fentry and fexit ones).  This file keeps what the hooks
 * share: perf events on one or every CPU, BPF links, the fds that hold a
 * probe attached and closing them. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <linux/sched.h>

#include "attach.h"
#include "probes.h"
#include "tracefs.h"

/* What keeps one probe attached: fds closed in reverse on detach. */
struct attach_state {
	int n, cap;
	int fds[];
};

void attach_keep_fd(struct tt_probe *pr, int fd)
{
	struct attach_state *st = pr->attach_state;

	if (!st || st->n == st->cap) {
		int cap = st ? 2 * st->cap : 4;
		st = xrealloc(st, sizeof(*st) + sizeof(int) * cap);
		if (!pr->attach_state)
			st->n = 0;
		st->cap = cap;
		pr->attach_state = st;
	}
	st->fds[st->n++] = fd;
}

static void detach_fds(struct tt_probe *pr)
{
	struct attach_state *st = pr->attach_state;

	if (!st)
		return;
	while (st->n > 0)
		if (st->fds[--st->n] >= 0)
			close(st->fds[st->n]);
	free(st);
	pr->attach_state = NULL;
}

typedef VEC(int) fd_vec;

/* True when fd is a BPF link (a perf event fd is not a BPF object). */
static bool is_bpf_link(int fd)
{
	struct bpf_link_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	return bpf_obj_get_info_by_fd(fd, &info, &len) == 0;
}

/* Moves the probe's BPF links to links[] (closing them stops its program
 * at once) and disables its perf events, which stay open for detach_fds:
 * the kernel waits for an RCU grace period under a global mutex when it
 * frees a tracepoint, kprobe or uprobe perf event (tens of ms each), so
 * with hundreds of probes closing them takes long, and END and the maps
 * need not wait for it. */
static void stop_fds(struct tt_probe *pr, fd_vec *links)
{
	struct attach_state *st = pr->attach_state;

	for (int i = 0; st && i < st->n; i++) {
		if (st->fds[i] < 0)
			continue;
		if (is_bpf_link(st->fds[i])) {
			vec_push(links, st->fds[i]);
			st->fds[i] = -1;
		} else {
			ioctl(st->fds[i], PERF_EVENT_IOC_DISABLE, 0);
		}
	}
}

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

long attach_perf_event_open(struct perf_event_attr *attr, int pid, int cpu)
{
	return syscall(__NR_perf_event_open, attr, pid, cpu, -1,
		       PERF_FLAG_FD_CLOEXEC);
}

/* Runs the program on every hit of perf event pfd: a BPF link where the
 * kernel has them (5.15+), else PERF_EVENT_IOC_SET_BPF.  Keeps pfd (and
 * the link) in the probe's state. */
int attach_perf_fd(struct tt_probe *pr, int pfd)
{
	int lfd = bpf_link_create(pr->prog_fd, pfd, BPF_PERF_EVENT, NULL);

	attach_keep_fd(pr, pfd);
	if (lfd >= 0) {
		attach_keep_fd(pr, lfd);
	} else if (ioctl(pfd, PERF_EVENT_IOC_SET_BPF, pr->prog_fd) < 0) {
		return -errno;
	}
	if (ioctl(pfd, PERF_EVENT_IOC_ENABLE, 0) < 0)
		return -errno;
	return 0;
}

/* The same with a BPF cookie the program reads with
 * bpf_get_attach_cookie() (USDT: the index of the location).  Needs BPF
 * links (5.15+); without them the cookie is lost, which only matters to
 * programs that read it. */
int attach_perf_fd_cookie(struct tt_probe *pr, int pfd, uint64_t cookie)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts, .perf_event.bpf_cookie = cookie);
	int lfd = bpf_link_create(pr->prog_fd, pfd, BPF_PERF_EVENT, &opts);

	attach_keep_fd(pr, pfd);
	if (lfd >= 0) {
		attach_keep_fd(pr, lfd);
	} else if (ioctl(pfd, PERF_EVENT_IOC_SET_BPF, pr->prog_fd) < 0) {
		return -errno;
	}
	if (ioctl(pfd, PERF_EVENT_IOC_ENABLE, 0) < 0)
		return -errno;
	return 0;
}

int attach_perf_open(struct tt_probe *pr, struct perf_event_attr *attr,
		     int cpu)
{
	attr->size = sizeof(*attr);
	attr->disabled = 1;
	long pfd = attach_perf_event_open(attr, -1, cpu);
	if (pfd < 0)
		return -errno;
	return attach_perf_fd(pr, (int)pfd);
}

/* Calls attach for every online CPU (/sys/devices/system/cpu/online is a
 * list like "0-3,5"). */
int attach_perf_all_cpus(struct tt_probe *pr, struct perf_event_attr *attr)
{
	char buf[1024];
	FILE *f = fopen("/sys/devices/system/cpu/online", "re");
	int err = 0;

	if (!f)
		return -errno;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	for (char *s = buf; *s && *s != '\n' && !err;) {
		char *e;
		long a = strtol(s, &e, 10), b = a;
		if (e == s)
			break;
		if (*e == '-')
			b = strtol(e + 1, &e, 10);
		for (long cpu = a; cpu <= b && !err; cpu++)
			err = attach_perf_open(pr, attr, (int)cpu);
		s = *e == ',' ? e + 1 : e;
	}
	return err;
}

/* The dynamic PMU type of kprobe/uprobe and its retprobe config bit. */
int attach_pmu_type(const char *pmu, int *retbit)
{
	char path[128], buf[64];
	FILE *f;
	int type = -ENOENT;

	snprintf(path, sizeof(path), "/sys/bus/event_source/devices/%s/type", pmu);
	if ((f = fopen(path, "re"))) {
		if (fscanf(f, "%d", &type) != 1)
			type = -EINVAL;
		fclose(f);
	}
	*retbit = 0;
	snprintf(path, sizeof(path),
		 "/sys/bus/event_source/devices/%s/format/retprobe", pmu);
	if ((f = fopen(path, "re"))) {
		if (fgets(buf, sizeof(buf), f))
			sscanf(buf, "config:%d", retbit);
		fclose(f);
	}
	return type;
}

/* The first bit of a PMU format field ("config:32-63" -> 32), or -1. */
int attach_pmu_format_shift(const char *pmu, const char *field)
{
	char path[160], buf[64];
	FILE *f;
	int shift = -1;

	snprintf(path, sizeof(path),
		 "/sys/bus/event_source/devices/%s/format/%s", pmu, field);
	if ((f = fopen(path, "re"))) {
		if (fgets(buf, sizeof(buf), f) &&
		    sscanf(buf, "config:%d", &shift) != 1)
			shift = -1;
		fclose(f);
	}
	return shift;
}

int attach_iter_fd(struct tt_probe *pr)
{
	struct attach_state *st = pr->attach_state;
	const struct prov_runtime *rt = prov_runtime_of(pr);
	if (!rt || rt->run != RUN_ITER || !st || !st->n)
		return -EINVAL;
	int fd = bpf_iter_create(st->fds[0]);
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
	int err = rt->attach ? rt->attach(p, pr) : 0;
	if (err < 0) {
		detach_fds(pr);
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
	detach_fds(pr);
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
			if ((rt && rt->newest_first) != (pass == 1))
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
	fd_vec links = { 0 };

	for (int i = p->probes.n - 1; i >= 0; i--)
		stop_fds(&p->probes.v[i], &links);
	close_parallel(links.v, links.n);
	vec_free(&links);
}

void detach_all(struct tt_prog *p)
{
	for (int i = p->probes.n - 1; i >= 0; i--)
		detach_probe(&p->probes.v[i]);
}
