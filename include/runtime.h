/* runtime.h — from a compiled tt_prog to a finished trace.
 *
 *   tracefs.c  where tracefs is (mounting it if needed), tracepoint ids
 *   features.c what the running kernel offers (`--info`)
 *   loader.c   create maps, patch map fds into the code, load programs
 *              (verifier log on failure, mapped back to source lines)
 *   attach.c   the providers' attach hooks (src/prov_*.c) in script order
 *              (invariant 2), detach
 *   runtime.c  BEGIN, event loop on the ring buffer, signals, END, maps at
 *              exit
 *   output.c   printf formatting, map printing, text and JSON (output.h)
 *
 * All return 0 or a negative errno and never exit the process; what went
 * wrong has been printed on stderr by then. */
#ifndef RUNTIME_H
#define RUNTIME_H

#include "prog.h"

/* Creates every map (fd in tt_map.fd), replaces each ld_imm64 with
 * src_reg == BPF_PSEUDO_MAP_FD (imm = index in p->maps) by the map's fd and
 * loads every program (tt_probe.prog_fd).  On a verifier rejection prints
 * the verifier's reason and the script line of the failing instruction.
 * On error everything created so far is released. */
int loader_load(struct tt_prog *p);
/* Closes program and map fds (safe to call twice, or after a failure). */
void loader_unload(struct tt_prog *p);
/* For code with subprograms (code->nfuncs > 1): loads a BTF describing
 * its functions and returns its fd (the caller closes it) with the
 * func_info records bpf_prog_load needs in *info (heap; the caller frees
 * it), or -errno. */
struct bpf_func_info;
int loader_func_info(const struct bpf_code *code, struct bpf_func_info **info);
/* Runs a loaded BEGIN/END-style program once (BPF_PROG_TEST_RUN). */
int loader_run_once(const struct tt_probe *pr);

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

/* Attaches, prints "Attached N probes" (stderr, not with -q) and the test
 * harness notification, runs BEGIN, polls the ring buffer until exit(),
 * SIGINT/SIGTERM, or at once when only BEGIN/END exist; detaches, runs END,
 * prints maps.  Returns the process exit status. */
int runtime_run(struct tt_prog *p);

/* tracefs: mount it at /sys/kernel/tracing if needed; returns the path
 * ("/sys/kernel/tracing" or "/sys/kernel/debug/tracing") or NULL after
 * printing why (once). */
const char *tracefs_path(void);
/* The id of tracepoint <category>:<name> (events/<cat>/<name>/id), or
 * -errno (-ENOENT: no such tracepoint). */
int tracefs_tp_id(const char *category, const char *name);

/* `--info`: what this kernel offers. */
void features_print(FILE *out);

#endif
