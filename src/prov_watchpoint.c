/* prov_watchpoint.c — watchpoint:ADDRESS:LENGTH:MODE (w:) and
 * asyncwatchpoint:ADDRESS:LENGTH:MODE (aw:).
 *
 * A hardware breakpoint (PERF_TYPE_BREAKPOINT, the program of type
 * BPF_PROG_TYPE_PERF_EVENT) on LENGTH (1, 2, 4 or 8) bytes at ADDRESS,
 * MODE r, w, rw or x: in the -c command (inherited by its threads), in
 * every thread of -p PID, else on every CPU (kernel addresses).  Nothing
 * to list; the kernel runs the programs of one breakpoint in attach
 * order. */
#include <dirent.h>
#include <errno.h>
#include <string.h>

#include <linux/bpf.h>
#include <linux/perf_event.h>

#include "probes.h"

static int wp_parse(struct attach_point *ap, char **parts, int n)
{
	uint64_t len;
	if (n != 4)
		return prov_nargs_error(ap, "3 arguments");
	if (!prov_parse_u64(parts[1], &ap->addr)) {
		diag_error(&ap->loc, "Invalid watchpoint address: %s", parts[1]);
		return -1;
	}
	if (!prov_parse_u64(parts[2], &len) ||
	    (len != 1 && len != 2 && len != 4 && len != 8)) {
		diag_error(&ap->loc, "Invalid watchpoint length: %s", parts[2]);
		return -1;
	}
	ap->len = (int)len;
	ap->mode = parts[3];
	return 0;
}

/* -l PROGRAM prints it as written */
static int wp_list_parts(const struct attach_point *ap, const char **parts)
{
	return -1;
}

const struct prov_ops prov_watchpoint = {
	.id = PROV_WATCHPOINT,
	.name = "watchpoint",
	.aliases = "watchpoint w",
	.flags = PF_WATCH,
	.parse = wp_parse,
	.list_parts = wp_list_parts,
	.prog_type = BPF_PROG_TYPE_PERF_EVENT,
};

const struct prov_ops prov_asyncwatchpoint = {
	.id = PROV_ASYNCWATCHPOINT,
	.name = "asyncwatchpoint",
	.aliases = "asyncwatchpoint aw",
	.flags = PF_WATCH,
	.parse = wp_parse,
	.list_parts = wp_list_parts,
	.prog_type = BPF_PROG_TYPE_PERF_EVENT,
};
