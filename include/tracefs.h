/* tracefs.h — where the kernel's tracing directory is, and tracepoint ids
 * (tracefs.c).
 *
 * Takes: nothing (the running system).
 * Produces: the tracefs path and tracepoint ids.  Probes (tracepoint
 * formats, the traceable kernel functions), `-l` and attach read it. */
#ifndef TRACEFS_H
#define TRACEFS_H

/* Mounts tracefs at /sys/kernel/tracing if needed; returns the path
 * ("/sys/kernel/tracing" or "/sys/kernel/debug/tracing") or NULL after
 * printing why (once). */
const char *tracefs_path(void);
/* debugf() writes to the kernel's trace buffer, which users read at
 * /sys/kernel/debug/tracing/trace_pipe (bpftrace's documentation says
 * so): where nothing is mounted at /sys/kernel/debug (minimal systems, an
 * initramfs, containers), mounts debugfs there, whose tracing directory
 * the kernel fills.  Quietly does nothing when it cannot. */
void tracefs_mount_debugfs(void);
/* The id of tracepoint <category>:<name> (events/<cat>/<name>/id), or
 * -errno (-ENOENT: no such tracepoint). */
int tracefs_tp_id(const char *category, const char *name);

#endif
