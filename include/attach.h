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
 * what is slow to close (perf events, tens of ms each in the kernel) to
 * detach_all_behind(), so that END and the map printout need not wait. */
void attach_stop_all(struct tt_prog *p);
/* Detaches everything at once and returns: stops the programs
 * (attach_stop_all) and hands the fds left, the perf events whose closing
 * the kernel serialises behind an RCU grace period each (tens of ms; 9 s
 * for 361 tracepoints), to a process of their own that closes them and
 * exits (double-forked: nobody's child, in its own session, holding
 * nothing else).  Programs still run by a perf event without a BPF link,
 * and USDT probes whose semaphore the traced process sees, are closed
 * here.  Without fork(), closes them all here. */
void detach_all_behind(struct tt_prog *p);
/* Attach or detach one probe (attach_all's building blocks; tests). */
int attach_probe(struct tt_prog *p, struct tt_probe *pr);
void detach_probe(struct tt_probe *pr);
/* unwatch(addr): disables the watchpoints at addr; how many there were. */
int attach_unwatch(struct tt_prog *p, uint64_t addr);
/* An iter: probe's iterator fd (bpf_iter_create on its link): each read()
 * runs the program over the kernel objects, 0 at the end.  -errno. */
int attach_iter_fd(struct tt_probe *pr);
/* True for BEGIN/END (run with BPF_PROG_TEST_RUN, never attached). */
bool probe_is_special(const struct tt_probe *pr);

#endif
