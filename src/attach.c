/* attach.c — loaded programs onto their kernel hooks, and off again.
 *
 * Takes: a loaded tt_prog (tt_probe.prog_fd, tt_probe.ap concrete).
 * Produces: attached probes; tt_probe.attach_state holds the fds that keep
 * each one attached (perf events, links), closed by detach.
 *
 * One provider per table entry (ply's layout): an attach hook, a detach
 * hook, and whether the kernel runs the programs on one hook most recently
 * attached first.  Probes on one hook must fire in script order (DESIGN.md
 * invariant 2), so attach_all() attaches in script order (tt_probe.index)
 * and the providers marked `reverse` in the opposite order.
 * Tracepoints, timer perf events, kretprobes and raw tracepoints run their
 * programs in attach order; BPF trampolines (fentry/fexit), software perf
 * events, kprobes and uprobes (uprobe, uretprobe, usdt: the kernel adds
 * each kprobe or uprobe consumer of one address at the head of its list)
 * run the newest first.  A kretprobe's entry handlers run newest first
 * too, but each pushes its return instance on a stack, so the return
 * handlers pop in attach order.  tests/kernel/suites/invariants proves
 * each on this machine's kernel, tests/vm/tests.sh the kprobe, kretprobe,
 * fentry and fexit ones. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>

#include "probes.h"
#include "runtime.h"

/* What keeps one probe attached: fds closed in reverse on detach. */
struct attach_state {
	int n, cap;
	int fds[];
};

static void state_add(struct tt_probe *pr, int fd)
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

static void *close_some(void *arg)
{
	struct closer *c = arg;

	for (int i = 0; i < c->n; i++)
		close(c->fds[i]);
	return NULL;
}

/* Closes fds[0..n) on up to 32 threads.  Releasing a perf-event link
 * waits for an RCU tasks-trace grace period outside any lock, so the
 * waits overlap instead of adding up. */
static void close_parallel(int *fds, int n)
{
	enum { NTHREADS = 32 };
	pthread_t t[NTHREADS];
	struct closer c[NTHREADS];
	bool started[NTHREADS];
	int nt = n < NTHREADS ? n : NTHREADS;

	for (int k = 0; k < nt; k++) {
		c[k].fds = fds + (long)k * n / nt;
		c[k].n = (int)((long)(k + 1) * n / nt - (long)k * n / nt);
		started[k] = nt > 1 &&
			     pthread_create(&t[k], NULL, close_some, &c[k]) == 0;
		if (!started[k])
			close_some(&c[k]);
	}
	for (int k = 0; k < nt; k++)
		if (started[k])
			pthread_join(t[k], NULL);
}

static long perf_event_open(struct perf_event_attr *attr, pid_t pid, int cpu)
{
	return syscall(__NR_perf_event_open, attr, pid, cpu, -1,
		       PERF_FLAG_FD_CLOEXEC);
}

/* Runs the program on every hit of perf event pfd: a BPF link where the
 * kernel has them (5.15+), else PERF_EVENT_IOC_SET_BPF.  Keeps pfd (and
 * the link) in the probe's state. */
static int attach_perf_fd(struct tt_probe *pr, int pfd)
{
	int lfd = bpf_link_create(pr->prog_fd, pfd, BPF_PERF_EVENT, NULL);

	state_add(pr, pfd);
	if (lfd >= 0) {
		state_add(pr, lfd);
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
static int attach_perf_fd_cookie(struct tt_probe *pr, int pfd, uint64_t cookie)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts, .perf_event.bpf_cookie = cookie);
	int lfd = bpf_link_create(pr->prog_fd, pfd, BPF_PERF_EVENT, &opts);

	state_add(pr, pfd);
	if (lfd >= 0) {
		state_add(pr, lfd);
	} else if (ioctl(pfd, PERF_EVENT_IOC_SET_BPF, pr->prog_fd) < 0) {
		return -errno;
	}
	if (ioctl(pfd, PERF_EVENT_IOC_ENABLE, 0) < 0)
		return -errno;
	return 0;
}

static int open_and_attach(struct tt_probe *pr, struct perf_event_attr *attr,
			   int cpu)
{
	attr->size = sizeof(*attr);
	attr->disabled = 1;
	long pfd = perf_event_open(attr, -1, cpu);
	if (pfd < 0)
		return -errno;
	return attach_perf_fd(pr, (int)pfd);
}

/* Calls attach for every online CPU (/sys/devices/system/cpu/online is a
 * list like "0-3,5"). */
static int attach_all_cpus(struct tt_probe *pr, struct perf_event_attr *attr)
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
			err = open_and_attach(pr, attr, (int)cpu);
		s = *e == ',' ? e + 1 : e;
	}
	return err;
}

/* ---- providers ---------------------------------------------------------- */

static int tracepoint_attach(struct tt_prog *p, struct tt_probe *pr)
{
	const struct attach_point *ap = pr->ap;
	int id = tracefs_tp_id(ap->target, ap->func);

	if (id < 0) {
		if (id == -ENOENT && tracefs_path())
			fprintf(stderr, "ERROR: tracepoint not found: %s:%s\n",
				ap->target, ap->func);
		return id;
	}
	struct perf_event_attr attr = {
		.type = PERF_TYPE_TRACEPOINT,
		.config = (uint64_t)id,
		.sample_period = 1,
		.sample_type = PERF_SAMPLE_RAW,
		.wakeup_events = 1,
	};
	/* the program hangs off the tracepoint itself: one CPU is enough */
	return open_and_attach(pr, &attr, 0);
}

static int rawtracepoint_attach(struct tt_prog *p, struct tt_probe *pr)
{
	int fd = bpf_raw_tracepoint_open(pr->ap->func, pr->prog_fd);
	if (fd < 0)
		return -errno;
	state_add(pr, fd);
	return 0;
}

/* Nanoseconds of an interval/profile period: unit in ap->target. */
static int period_ns(const struct attach_point *ap, uint64_t *ns, bool *hz)
{
	const char *u = ap->target ? ap->target : "";
	uint64_t mult;

	*hz = false;
	if (!strcmp(u, "s") || !strcmp(u, "sec")) mult = 1000000000ull;
	else if (!strcmp(u, "ms")) mult = 1000000ull;
	else if (!strcmp(u, "us")) mult = 1000ull;
	else if (!strcmp(u, "ns")) mult = 1ull;
	else if (!strcmp(u, "hz")) { *hz = true; mult = 1; }
	else return -EINVAL;
	if (ap->freq == 0)
		return -EINVAL;
	*ns = *hz ? 1000000000ull / ap->freq : ap->freq * mult;
	if (*ns == 0)
		*ns = 1;
	return 0;
}

static int interval_attach(struct tt_prog *p, struct tt_probe *pr)
{
	uint64_t ns;
	bool hz;

	if (period_ns(pr->ap, &ns, &hz) < 0) {
		fprintf(stderr, "ERROR: %s: bad interval\n", pr->name);
		return -EINVAL;
	}
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.config = PERF_COUNT_SW_CPU_CLOCK,
		.sample_period = ns,
	};
	/* one timer on one CPU */
	return open_and_attach(pr, &attr, 0);
}

static int profile_attach(struct tt_prog *p, struct tt_probe *pr)
{
	uint64_t ns;
	bool hz;

	if (period_ns(pr->ap, &ns, &hz) < 0) {
		fprintf(stderr, "ERROR: %s: bad profile rate\n", pr->name);
		return -EINVAL;
	}
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.config = PERF_COUNT_SW_CPU_CLOCK,
	};
	if (hz) {
		attr.freq = 1;
		attr.sample_freq = pr->ap->freq;
	} else {
		attr.sample_period = ns;
	}
	return attach_all_cpus(pr, &attr);
}

/* software:<event>[:count] and hardware:<event>[:count], bpftrace's names
 * and default counts. */
static const struct perf_ev {
	uint32_t type;
	const char *name, *alias;
	uint64_t config, count;
} perf_events[] = {
	{ PERF_TYPE_SOFTWARE, "cpu-clock", "cpu", PERF_COUNT_SW_CPU_CLOCK, 1000000 },
	{ PERF_TYPE_SOFTWARE, "task-clock", NULL, PERF_COUNT_SW_TASK_CLOCK, 1000000 },
	{ PERF_TYPE_SOFTWARE, "page-faults", "faults", PERF_COUNT_SW_PAGE_FAULTS, 100 },
	{ PERF_TYPE_SOFTWARE, "context-switches", "cs", PERF_COUNT_SW_CONTEXT_SWITCHES, 1000 },
	{ PERF_TYPE_SOFTWARE, "cpu-migrations", NULL, PERF_COUNT_SW_CPU_MIGRATIONS, 1 },
	{ PERF_TYPE_SOFTWARE, "minor-faults", NULL, PERF_COUNT_SW_PAGE_FAULTS_MIN, 100 },
	{ PERF_TYPE_SOFTWARE, "major-faults", NULL, PERF_COUNT_SW_PAGE_FAULTS_MAJ, 1 },
	{ PERF_TYPE_SOFTWARE, "alignment-faults", NULL, PERF_COUNT_SW_ALIGNMENT_FAULTS, 1 },
	{ PERF_TYPE_SOFTWARE, "emulation-faults", NULL, PERF_COUNT_SW_EMULATION_FAULTS, 1 },
	{ PERF_TYPE_SOFTWARE, "dummy", NULL, PERF_COUNT_SW_DUMMY, 1 },
	{ PERF_TYPE_SOFTWARE, "bpf-output", NULL, PERF_COUNT_SW_BPF_OUTPUT, 1 },
	{ PERF_TYPE_HARDWARE, "cpu-cycles", "cycles", PERF_COUNT_HW_CPU_CYCLES, 1000000 },
	{ PERF_TYPE_HARDWARE, "instructions", NULL, PERF_COUNT_HW_INSTRUCTIONS, 1000000 },
	{ PERF_TYPE_HARDWARE, "cache-references", NULL, PERF_COUNT_HW_CACHE_REFERENCES, 1000000 },
	{ PERF_TYPE_HARDWARE, "cache-misses", NULL, PERF_COUNT_HW_CACHE_MISSES, 1000000 },
	{ PERF_TYPE_HARDWARE, "branch-instructions", "branches", PERF_COUNT_HW_BRANCH_INSTRUCTIONS, 100000 },
	{ PERF_TYPE_HARDWARE, "branch-misses", NULL, PERF_COUNT_HW_BRANCH_MISSES, 100000 },
	{ PERF_TYPE_HARDWARE, "bus-cycles", NULL, PERF_COUNT_HW_BUS_CYCLES, 100000 },
	{ PERF_TYPE_HARDWARE, "frontend-stalls", NULL, PERF_COUNT_HW_STALLED_CYCLES_FRONTEND, 1000000 },
	{ PERF_TYPE_HARDWARE, "backend-stalls", NULL, PERF_COUNT_HW_STALLED_CYCLES_BACKEND, 1000000 },
	{ PERF_TYPE_HARDWARE, "ref-cycles", NULL, PERF_COUNT_HW_REF_CPU_CYCLES, 1000000 },
};

static int perf_attach(struct tt_prog *p, struct tt_probe *pr)
{
	const struct attach_point *ap = pr->ap;
	uint32_t type = ap->prov == PROV_HARDWARE ? PERF_TYPE_HARDWARE
						  : PERF_TYPE_SOFTWARE;
	/* the event name is in target or func depending on how it was
	   written; accept either */
	const char *ev = ap->target && *ap->target ? ap->target : ap->func;

	for (size_t i = 0; ev && i < ARRAY_SIZE(perf_events); i++) {
		const struct perf_ev *e = &perf_events[i];
		if (e->type != type || (strcmp(ev, e->name) &&
					(!e->alias || strcmp(ev, e->alias))))
			continue;
		struct perf_event_attr attr = {
			.type = type,
			.config = e->config,
			.sample_period = ap->freq ? ap->freq : e->count,
		};
		int err = attach_all_cpus(pr, &attr);
		/* attach_probe() says nothing for these two */
		if (err == -ENOENT || err == -EINVAL)
			fprintf(stderr, "ERROR: Unable to attach probe: %s: the "
				"kernel refused the %s event (%s)\n", pr->name,
				type == PERF_TYPE_HARDWARE ? "hardware"
							   : "software",
				strerror(-err));
		return err;
	}
	fprintf(stderr, "ERROR: %s: unknown %s event '%s'\n", pr->name,
		type == PERF_TYPE_HARDWARE ? "hardware" : "software",
		ev ? ev : "");
	return -EINVAL;
}

/* The dynamic PMU type of kprobe/uprobe and its retprobe config bit. */
static int pmu_type(const char *pmu, int *retbit)
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
static int pmu_format_shift(const char *pmu, const char *field)
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

/* uprobe, uretprobe, usdt: one perf event of the uprobe PMU per location
 * (probes_expand resolved the file and the offsets), for the -p process
 * only when there is one (USDT: also for the -c command only).  A USDT semaphore is the event's
 * ref_ctr_offset: the kernel raises it in every process the probe is
 * installed in (those running and those started later) and lowers it on
 * detach. */
static int uprobe_attach(struct tt_prog *p, struct tt_probe *pr)
{
	const struct attach_point *ap = pr->ap;
	int retbit, type = pmu_type("uprobe", &retbit);
	int refshift = pmu_format_shift("uprobe", "ref_ctr_offset");

	if (type < 0) {
		fprintf(stderr, "ERROR: %s: this kernel has no uprobe PMU "
			"(/sys/bus/event_source/devices/uprobe)\n", pr->name);
		return type;
	}
	/* an attach point made by hand (tests) names the file in target and
	   the file offset in addr or offset */
	struct uprobe_loc one = { .offset = ap->addr ? ap->addr : ap->offset };
	const struct uprobe_loc *locs = ap->nlocs ? ap->locs : &one;
	const char *path = ap->path ? ap->path : ap->target;
	int nlocs = ap->nlocs ? ap->nlocs : 1;
	if (!path || !*path) {
		fprintf(stderr, "ERROR: %s: no file to attach to\n", pr->name);
		return -EINVAL;
	}
	int pid = ap->pid > 0 ? ap->pid : p->cfg.pid > 0 ? p->cfg.pid : -1;
	if (pid < 0 && ap->prov == PROV_USDT && p->child_pid > 0)
		pid = p->child_pid; /* -c: bpftrace probes only the command */
	for (int i = 0; i < nlocs; i++) {
		const struct uprobe_loc *l = &locs[i];
		struct perf_event_attr attr = { .type = (uint32_t)type };
		if (ap->prov == PROV_URETPROBE)
			attr.config |= 1ull << retbit;
		if (l->ref_ctr_offset) {
			if (refshift < 0) {
				fprintf(stderr, "ERROR: %s: this kernel cannot "
					"raise USDT semaphores (no "
					"ref_ctr_offset in the uprobe PMU)\n",
					pr->name);
				return -EOPNOTSUPP;
			}
			attr.config |= l->ref_ctr_offset << refshift;
		}
		attr.config1 = (uint64_t)(uintptr_t)path;
		attr.config2 = l->offset;
		attr.size = sizeof(attr);
		attr.disabled = 1;
		long pfd = syscall(__NR_perf_event_open, &attr, pid,
				   pid > 0 ? -1 : 0, -1, PERF_FLAG_FD_CLOEXEC);
		if (pfd < 0) {
			int err = -errno;
			if (err == -ESRCH)
				fprintf(stderr, "ERROR: %s: no process %d\n",
					pr->name, pid);
			else if (err != -EPERM)
				fprintf(stderr, "ERROR: %s: cannot probe %s at "
					"file offset 0x%llx: %s\n", pr->name,
					path,
					(unsigned long long)l->offset,
					strerror(-err));
			return err == -EPERM ? err : -EINVAL;
		}
		int err = attach_perf_fd_cookie(pr, (int)pfd, (uint64_t)i);
		if (err < 0)
			return err;
	}
	return 0;
}

static int kprobe_attach(struct tt_prog *p, struct tt_probe *pr)
{
	const struct attach_point *ap = pr->ap;
	int retbit, type = pmu_type("kprobe", &retbit);

	if (type < 0) {
		fprintf(stderr, "ERROR: %s: this kernel has no kprobe PMU "
			"(/sys/bus/event_source/devices/kprobe)\n", pr->name);
		return type;
	}
	struct perf_event_attr attr = { .type = (uint32_t)type };
	if (ap->prov == PROV_KRETPROBE)
		attr.config |= 1ull << retbit;
	if (ap->func && *ap->func) {
		attr.config1 = (uint64_t)(uintptr_t)ap->func;
		attr.config2 = ap->offset;
	} else {
		attr.config2 = ap->addr;
	}
	int err = open_and_attach(pr, &attr, 0);
	if (err == -EILSEQ) /* the kernel's word for "not an instruction" */
		fprintf(stderr, "ERROR: Possible attachment attempt in the "
			"middle of an instruction, try a different offset.\n");
	else if (err == -ENOENT)
		fprintf(stderr, "ERROR: Unable to attach probe: %s: no "
			"such kernel function (%s)\n", pr->name,
			ap->func && *ap->func ? ap->func : "address");
	else if (err == -EINVAL)
		fprintf(stderr, "ERROR: Unable to attach probe: %s: the kernel "
			"does not allow a kprobe there (a notrace, "
			"blacklisted or inlined function, or an address "
			"outside one)\n", pr->name);
	return err == -EILSEQ ? -EINVAL : err;
}

static int trampoline_attach(struct tt_prog *p, struct tt_probe *pr)
{
	int fd = bpf_link_create(pr->prog_fd, 0, pr->expected_attach_type, NULL);
	if (fd < 0)
		fd = bpf_raw_tracepoint_open(NULL, pr->prog_fd);
	if (fd < 0) {
		int err = -errno;
		if (err == -EPERM || err == -524 /* ENOTSUPP */ || err == -EOPNOTSUPP)
			fprintf(stderr, "ERROR: %s: fentry/fexit need BPF "
				"trampolines, which this kernel does not allow "
				"(%s); use kprobe:/kretprobe:\n", pr->name,
				strerror(-err));
		return err;
	}
	state_add(pr, fd);
	return 0;
}

/* iter:NAME: a BPF_TRACE_ITER link; the runtime walks it (attach_iter_fd)
 * once the probes are attached. */
static int iter_attach(struct tt_prog *p, struct tt_probe *pr)
{
	int fd = bpf_link_create(pr->prog_fd, 0, BPF_TRACE_ITER, NULL);
	if (fd < 0)
		return -errno;
	state_add(pr, fd);
	return 0;
}

/* watchpoint:ADDR:LEN:MODE, asyncwatchpoint: a hardware breakpoint
 * (PERF_TYPE_BREAKPOINT) in the -c command (inherited by its threads), in
 * every thread of -p PID, else on every CPU (kernel addresses). */
static int watchpoint_attach_(struct tt_prog *p, struct tt_probe *pr);
static bool wp_said; /* the error is explained already */

static int watchpoint_attach(struct tt_prog *p, struct tt_probe *pr)
{
	wp_said = false;
	int err = watchpoint_attach_(p, pr);
	if (wp_said)
		return err;
	if (err == -EINVAL || err == -ENOENT || err == -ENOSPC)
		fprintf(stderr, "ERROR: Unable to attach probe: %s: the kernel "
			"refused the hardware breakpoint (%s)\n", pr->name,
			err == -ENOSPC ? "no debug register left"
				       : strerror(-err));
	return err;
}

static int watchpoint_attach_(struct tt_prog *p, struct tt_probe *pr)
{
	const struct attach_point *ap = pr->ap;
	struct perf_event_attr attr = {
		.type = PERF_TYPE_BREAKPOINT,
		.size = sizeof(attr),
		.sample_period = 1,
		.wakeup_events = 1,
		.precise_ip = 2, /* the access itself, not the next insn */
		.bp_addr = ap->addr,
		.bp_len = (uint64_t)ap->len,
		.disabled = 1,
		.inherit = 1,
	};
	for (const char *m = ap->mode ? ap->mode : ""; *m; m++) {
		if (*m == 'r')
			attr.bp_type |= 1; /* HW_BREAKPOINT_R */
		else if (*m == 'w')
			attr.bp_type |= 2; /* HW_BREAKPOINT_W */
		else if (*m == 'x')
			attr.bp_type |= 4; /* HW_BREAKPOINT_X */
		else
			attr.bp_type = 0xff;
	}
	if (attr.bp_type == 4)
		attr.bp_len = sizeof(long); /* the kernel's length for x */
	if (!attr.bp_type || attr.bp_type > 4 || attr.bp_type == 1) {
		fprintf(stderr, "ERROR: %s: invalid watchpoint mode '%s' (r, w, "
			"rw or x; r alone is not supported on x86_64)\n",
			pr->name, ap->mode ? ap->mode : "");
		wp_said = true;
		return -EINVAL;
	}
	int pid = p->child_pid > 0 ? p->child_pid
		  : p->cfg.pid > 0 ? p->cfg.pid : -1;
	if (pid < 0) {
		attr.inherit = 0;
		return attach_all_cpus(pr, &attr);
	}
	if (p->child_pid > 0) {
		long pfd = perf_event_open(&attr, pid, -1);
		return pfd < 0 ? -errno : attach_perf_fd(pr, (int)pfd);
	}
	/* -p: each of its threads */
	char dir[64];
	snprintf(dir, sizeof(dir), "/proc/%d/task", pid);
	DIR *d = opendir(dir);
	if (!d)
		return -errno;
	struct dirent *de;
	int err = 0, n = 0;
	while (!err && (de = readdir(d)) != NULL) {
		int tid = atoi(de->d_name);
		if (tid <= 0)
			continue;
		long pfd = perf_event_open(&attr, tid, -1);
		err = pfd < 0 ? -errno : attach_perf_fd(pr, (int)pfd);
		n++;
	}
	closedir(d);
	return err ? err : n ? 0 : -ESRCH;
}

/* self:signal:SIGUSR1: nothing to attach; the runtime runs the program
 * (BPF_PROG_TEST_RUN) when the signal arrives. */
static int self_attach(struct tt_prog *p, struct tt_probe *pr)
{
	return 0;
}

int attach_iter_fd(struct tt_probe *pr)
{
	struct attach_state *st = pr->attach_state;
	if (!pr->ap || pr->ap->prov != PROV_ITER || !st || !st->n)
		return -EINVAL;
	int fd = bpf_iter_create(st->fds[0]);
	return fd < 0 ? -errno : fd;
}

static const struct provider_ops {
	enum provider prov;
	int (*attach)(struct tt_prog *p, struct tt_probe *pr);
	void (*detach)(struct tt_probe *pr);
	bool reverse; /* kernel runs the most recently attached first */
} providers[] = {
	{ PROV_TRACEPOINT, tracepoint_attach, detach_fds, false },
	{ PROV_RAWTRACEPOINT, rawtracepoint_attach, detach_fds, false },
	{ PROV_INTERVAL, interval_attach, detach_fds, false },
	{ PROV_PROFILE, profile_attach, detach_fds, false },
	{ PROV_SOFTWARE, perf_attach, detach_fds, true },
	{ PROV_HARDWARE, perf_attach, detach_fds, false },
	{ PROV_KPROBE, kprobe_attach, detach_fds, true },
	{ PROV_KRETPROBE, kprobe_attach, detach_fds, false },
	{ PROV_UPROBE, uprobe_attach, detach_fds, true },
	{ PROV_URETPROBE, uprobe_attach, detach_fds, true },
	{ PROV_USDT, uprobe_attach, detach_fds, true },
	{ PROV_FENTRY, trampoline_attach, detach_fds, true },
	{ PROV_FEXIT, trampoline_attach, detach_fds, true },
	{ PROV_ITER, iter_attach, detach_fds, false },
	{ PROV_SELF, self_attach, detach_fds, false },
	{ PROV_WATCHPOINT, watchpoint_attach, detach_fds, false },
	{ PROV_ASYNCWATCHPOINT, watchpoint_attach, detach_fds, false },
};

static const struct provider_ops *provider_of(const struct tt_probe *pr)
{
	for (size_t i = 0; pr->ap && i < ARRAY_SIZE(providers); i++)
		if (providers[i].prov == pr->ap->prov)
			return &providers[i];
	return NULL;
}

bool probe_is_special(const struct tt_probe *pr)
{
	if (pr->ap)
		return pr->ap->prov == PROV_BEGIN || pr->ap->prov == PROV_END;
	return pr->name && (!strcasecmp(pr->name, "begin") ||
			    !strcasecmp(pr->name, "end"));
}

int attach_probe(struct tt_prog *p, struct tt_probe *pr)
{
	const struct provider_ops *prov = provider_of(pr);

	if (!prov) {
		fprintf(stderr, "ERROR: %s: %s probes are not supported yet\n",
			pr->name, pr->ap ? probes_provider_name(pr->ap->prov)
					 : "these");
		return -EOPNOTSUPP;
	}
	int err = prov->attach(p, pr);
	if (err < 0) {
		prov->detach(pr);
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

void detach_probe(struct tt_probe *pr)
{
	const struct provider_ops *prov = provider_of(pr);

	if (prov)
		prov->detach(pr);
	else
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
			const struct provider_ops *prov = provider_of(pr);
			if (probe_is_special(pr))
				continue;
			if ((prov && prov->reverse) != (pass == 1))
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
