/* runtime.h — from a compiled tt_prog to a finished trace.
 *
 *   loader.c   create maps, load programs (verifier log on failure, mapped
 *              back to source lines)
 *   attach.c   per-provider attach/detach, in script order (invariant 2)
 *   runtime.c  BEGIN, event loop on the ring buffer, signals, END, maps at
 *              exit
 *   output.c   printf formatting, map printing, text and JSON
 *
 * All return 0 or a negative errno and never exit the process. */
#ifndef RUNTIME_H
#define RUNTIME_H

#include "prog.h"

int loader_load(struct tt_prog *p);
void loader_unload(struct tt_prog *p);

int attach_all(struct tt_prog *p);     /* all but BEGIN/END */
void detach_all(struct tt_prog *p);

/* Runs BEGIN, prints the attach notification, polls until exit()/signal/
 * only-BEGIN/END programs, detaches, runs END, prints maps.  Returns the
 * process exit status. */
int runtime_run(struct tt_prog *p);

/* tracefs: mount it at /sys/kernel/tracing if needed; returns the path
 * ("/sys/kernel/tracing" or "/sys/kernel/debug/tracing") or NULL after
 * printing why. */
const char *tracefs_path(void);

/* `--info`: what this kernel offers. */
void features_print(FILE *out);

#endif
