/* attach.h — loaded programs onto their kernel hooks, and off again
 * (attach.c).
 *
 * Takes: a loaded tt_prog (tt_probe.prog_fd set by loader.h, tt_probe.ap
 * concrete).
 * Produces: attached probes; tt_probe.attach_state holds what keeps each
 * one attached.  0 or a negative errno; never exits the process. */
#ifndef ATTACH_H
#define ATTACH_H

#include "prog.h"

/* Attaches every probe except BEGIN/END, in script order (tt_probe.index),
 * reversed for providers whose kernel hook runs the most recently attached
 * program first.  On error detaches what was attached and returns -errno. */
int attach_all(struct tt_prog *p);
/* Detaches everything attach_all attached; safe to call more than once. */
void detach_all(struct tt_prog *p);
/* Stops every attached program at once (closes the BPF links) but leaves
 * what is slow to close (perf events, ~0.1 s each in the kernel) to
 * detach_all(), so that END and the map printout need not wait for it. */
void attach_stop_all(struct tt_prog *p);
/* Attach or detach one probe (attach_all's building blocks; tests). */
int attach_probe(struct tt_prog *p, struct tt_probe *pr);
void detach_probe(struct tt_probe *pr);
/* An iter: probe's iterator fd (bpf_iter_create on its link): each read()
 * runs the program over the kernel objects, 0 at the end.  -errno. */
int attach_iter_fd(struct tt_probe *pr);
/* True for BEGIN/END (run with BPF_PROG_TEST_RUN, never attached). */
bool probe_is_special(const struct tt_probe *pr);

/* For the providers' attach hooks (src/prov_*.c).  attach_keep_fd: fd
 * keeps pr attached; closed when it is detached.  attach_perf_fd: runs
 * pr's program on every hit of perf event pfd (a BPF link where the
 * kernel has them, 5.15+, else PERF_EVENT_IOC_SET_BPF) and enables it;
 * _cookie: with a BPF cookie the program reads with
 * bpf_get_attach_cookie().  attach_perf_open: opens attr (disabled) on
 * one CPU, every process, and attaches it; attach_perf_all_cpus: on every
 * online CPU.  attach_pmu_type: the dynamic PMU type of "kprobe" or
 * "uprobe" and its retprobe config bit; attach_pmu_format_shift: the
 * first bit of one of its format fields, or -1.  0 or -errno. */
struct perf_event_attr;
void attach_keep_fd(struct tt_probe *pr, int fd);
long attach_perf_event_open(struct perf_event_attr *attr, int pid, int cpu);
int attach_perf_fd(struct tt_probe *pr, int pfd);
int attach_perf_fd_cookie(struct tt_probe *pr, int pfd, uint64_t cookie);
int attach_perf_open(struct tt_probe *pr, struct perf_event_attr *attr,
		     int cpu);
int attach_perf_all_cpus(struct tt_probe *pr, struct perf_event_attr *attr);
int attach_pmu_type(const char *pmu, int *retbit);
int attach_pmu_format_shift(const char *pmu, const char *field);

#endif
