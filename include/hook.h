/* hook.h — what the providers' attach hooks share (hook.c): the fds that
 * keep a probe attached, perf events and BPF links.
 *
 * Takes: a loaded probe (tt_probe.prog_fd set by loader.h).
 * Produces: tt_probe.attach_state, the fds that hold the probe attached;
 * attach.c closes them when it detaches.  0 or -errno; never exits. */
#ifndef HOOK_H
#define HOOK_H

#include "prog.h"

struct perf_event_attr;
typedef VEC(int) hook_fd_vec;

/* fd keeps pr attached; closed when it is detached. */
void hook_keep_fd(struct tt_probe *pr, int fd);
/* The first fd kept (an iterator's link), or -1. */
int hook_first_fd(const struct tt_probe *pr);
/* Closes the fds kept, newest first, and frees the state. */
void hook_close_fds(struct tt_probe *pr);
/* Stops pr at once: moves its BPF links to links (the caller closes
 * them) and disables its perf events, which stay for hook_close_fds. */
void hook_stop_fds(struct tt_probe *pr, hook_fd_vec *links);
/* Moves the fds kept to fds (the caller closes them) and frees the
 * state. */
void hook_take_fds(struct tt_probe *pr, hook_fd_vec *fds);
/* After hook_stop_fds: may pr's fds be closed after the tracer has gone
 * (attach.c's detach_all_behind)?  Not when a perf event still runs its
 * program (attached without a BPF link, before 5.15: only closing it
 * stops it), nor when closing shows in a traced process (hook_close_here). */
bool hook_close_behind(const struct tt_probe *pr);
/* pr's closing is seen outside the kernel (a uprobe that raised a USDT
 * semaphore lowers it when closed): it is closed before the tracer
 * exits. */
void hook_close_here(struct tt_probe *pr);
/* Disables pr's perf events (it stays attached, and never fires). */
void hook_disable_perf(struct tt_probe *pr);

/* perf_event_open(2), close-on-exec: the fd, or -1 with errno. */
long hook_perf_event_open(struct perf_event_attr *attr, int pid, int cpu);
/* Runs pr's program on every hit of perf event pfd (a BPF link where the
 * kernel has them, 5.15+, else PERF_EVENT_IOC_SET_BPF), keeps pfd and the
 * link, and enables it; _cookie: with a BPF cookie the program reads with
 * bpf_get_attach_cookie() (lost without links). */
int hook_perf_fd(struct tt_probe *pr, int pfd);
int hook_perf_fd_cookie(struct tt_probe *pr, int pfd, uint64_t cookie);
/* Opens attr (disabled) on one CPU, every process, and attaches it;
 * _all_cpus: on every online CPU. */
int hook_perf_open(struct tt_probe *pr, struct perf_event_attr *attr,
		   int cpu);
int hook_perf_all_cpus(struct tt_probe *pr, struct perf_event_attr *attr);
/* -p PID (pid > 0): one counter that follows that process on every CPU;
 * else hook_perf_all_cpus. */
int hook_perf_task_or_cpus(struct tt_probe *pr, struct perf_event_attr *attr,
			   int pid);
/* The dynamic PMU type of "kprobe" or "uprobe" and its retprobe config
 * bit; _format_shift: the first bit of one of its format fields, or -1. */
int hook_pmu_type(const char *pmu, int *retbit);
int hook_pmu_format_shift(const char *pmu, const char *field);

#endif
