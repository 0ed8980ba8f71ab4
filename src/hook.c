/* hook.c — what the providers' attach hooks share (src/attach_*.c): the
 * fds that keep a probe attached, perf events on one or every CPU, BPF
 * links on them, the dynamic PMUs of kprobe and uprobe.
 *
 * Takes: a loaded probe (tt_probe.prog_fd).
 * Produces: tt_probe.attach_state, the fds that hold it attached, closed
 * in reverse by hook_close_fds.  0 or -errno. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>

#include "hook.h"

/* What keeps one probe attached: fds closed in reverse on detach. */
struct attach_state {
	int n, cap;
	bool prog_on_perf; /* a perf event runs the program (no link) */
	bool close_here;   /* its closing shows (a USDT semaphore) */
	bool stopped;      /* hook_stop_fds has run */
	int fds[];
};

void hook_keep_fd(struct tt_probe *pr, int fd)
{
	struct attach_state *st = pr->attach_state;

	if (!st || st->n == st->cap) {
		int cap = st ? 2 * st->cap : 4;
		st = xrealloc(st, sizeof(*st) + sizeof(int) * cap);
		if (!pr->attach_state) {
			st->n = 0;
			st->prog_on_perf = false;
			st->close_here = false;
			st->stopped = false;
		}
		st->cap = cap;
		pr->attach_state = st;
	}
	st->fds[st->n++] = fd;
}

void hook_close_fds(struct tt_probe *pr)
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

/* True when fd is a BPF link (a perf event fd is not a BPF object). */
static bool is_bpf_link(int fd)
{
	struct bpf_link_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	return bpf_obj_get_info_by_fd(fd, &info, &len) == 0;
}

/* Moves the probe's BPF links to links[] (closing them stops its program
 * at once) and disables its perf events, which stay open for hook_close_fds:
 * the kernel waits for an RCU grace period under a global mutex when it
 * frees a tracepoint, kprobe or uprobe perf event (tens of ms each), so
 * with hundreds of probes closing them takes long, and END and the maps
 * need not wait for it. */
void hook_stop_fds(struct tt_probe *pr, hook_fd_vec *links)
{
	struct attach_state *st = pr->attach_state;

	if (!st || st->stopped)
		return; /* once: the end of a run and the detach both ask */
	st->stopped = true;
	for (int i = 0; i < st->n; i++) {
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

void hook_disable_perf(struct tt_probe *pr)
{
	struct attach_state *st = pr->attach_state;
	for (int i = 0; st && i < st->n; i++)
		if (st->fds[i] >= 0 && !is_bpf_link(st->fds[i]))
			ioctl(st->fds[i], PERF_EVENT_IOC_DISABLE, 0);
}

void hook_take_fds(struct tt_probe *pr, hook_fd_vec *fds)
{
	struct attach_state *st = pr->attach_state;

	for (int i = 0; st && i < st->n; i++)
		if (st->fds[i] >= 0)
			vec_push(fds, st->fds[i]);
	free(st);
	pr->attach_state = NULL;
}

bool hook_close_behind(const struct tt_probe *pr)
{
	const struct attach_state *st = pr->attach_state;
	return !st || (!st->prog_on_perf && !st->close_here);
}

void hook_close_here(struct tt_probe *pr)
{
	if (pr->attach_state)
		((struct attach_state *)pr->attach_state)->close_here = true;
}

int hook_first_fd(const struct tt_probe *pr)
{
	const struct attach_state *st = pr->attach_state;
	return st && st->n ? st->fds[0] : -1;
}

long hook_perf_event_open(struct perf_event_attr *attr, int pid, int cpu)
{
	return syscall(__NR_perf_event_open, attr, pid, cpu, -1,
		       PERF_FLAG_FD_CLOEXEC);
}

/* Runs the program on every hit of perf event pfd: a BPF link where the
 * kernel has them (5.15+), else PERF_EVENT_IOC_SET_BPF.  Keeps pfd (and
 * the link) in the probe's state.  The cookie is what the program reads
 * with bpf_get_attach_cookie() (USDT: the index of the location); without
 * links it is lost, which only matters to programs that read it. */
int hook_perf_fd_cookie(struct tt_probe *pr, int pfd, uint64_t cookie)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts, .perf_event.bpf_cookie = cookie);
	int lfd = bpf_link_create(pr->prog_fd, pfd, BPF_PERF_EVENT, &opts);

	hook_keep_fd(pr, pfd);
	if (lfd >= 0) {
		hook_keep_fd(pr, lfd);
	} else if (ioctl(pfd, PERF_EVENT_IOC_SET_BPF, pr->prog_fd) < 0) {
		return -errno;
	} else {
		((struct attach_state *)pr->attach_state)->prog_on_perf = true;
	}
	if (ioctl(pfd, PERF_EVENT_IOC_ENABLE, 0) < 0)
		return -errno;
	return 0;
}

int hook_perf_fd(struct tt_probe *pr, int pfd)
{
	return hook_perf_fd_cookie(pr, pfd, 0);
}

int hook_perf_open(struct tt_probe *pr, struct perf_event_attr *attr,
		     int cpu)
{
	attr->size = sizeof(*attr);
	attr->disabled = 1;
	long pfd = hook_perf_event_open(attr, -1, cpu);
	if (pfd < 0)
		return -errno;
	return hook_perf_fd(pr, (int)pfd);
}

int hook_perf_task_or_cpus(struct tt_probe *pr, struct perf_event_attr *attr,
			   int pid)
{
	if (pid <= 0)
		return hook_perf_all_cpus(pr, attr);
	attr->size = sizeof(*attr);
	attr->disabled = 1;
	long pfd = hook_perf_event_open(attr, pid, -1);
	if (pfd < 0)
		return -errno;
	return hook_perf_fd(pr, (int)pfd);
}

/* Calls attach for every online CPU (/sys/devices/system/cpu/online is a
 * list like "0-3,5"). */
int hook_perf_all_cpus(struct tt_probe *pr, struct perf_event_attr *attr)
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
			err = hook_perf_open(pr, attr, (int)cpu);
		s = *e == ',' ? e + 1 : e;
	}
	return err;
}

/* The dynamic PMU type of kprobe/uprobe and its retprobe config bit. */
int hook_pmu_type(const char *pmu, int *retbit)
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
int hook_pmu_format_shift(const char *pmu, const char *field)
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

