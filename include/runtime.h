/* runtime.h — from a loaded tt_prog to a finished trace (runtime.c).
 *
 * The run-time stage, file by file (each with its own header):
 *   features.c what the running kernel offers (`--info`)
 *   loader.c   create maps, patch map fds into the code, load programs
 *              (verifier log on failure, mapped back to source lines)
 *   attach.c   the providers' attach hooks (src/attach_*.c) in script order
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

/* Attaches, prints "Attached N probes" (stderr, not with -q) and the test
 * harness notification, runs BEGIN, polls the ring buffer until exit(),
 * SIGINT/SIGTERM, or at once when only BEGIN/END exist; detaches, runs END,
 * prints maps.  Returns the process exit status. */
int runtime_run(struct tt_prog *p);
/* --dry-run: attaches (BEGIN, END and the rest are not run), prints what
 * runtime_run prints once attached, detaches.  0, or 1 when attaching
 * failed. */
int runtime_dry_run(struct tt_prog *p);

/* How long the event loop waits before polling the ring buffer again,
 * after a poll that handled `records` records taking `bytes` of the ring
 * (headers included) that came in over span_ns: 0 for fewer than 16
 * records, else a quarter of the time a ring of ring_size bytes takes to
 * fill at that rate, at most 1 ms (runtime.c, "Pacing the drains"). */
int64_t runtime_pace_ns(int records, uint64_t bytes, int64_t span_ns,
			uint64_t ring_size);

#endif
