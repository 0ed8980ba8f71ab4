/* probes.h — attach points: parsing the raw text, listing and wildcard
 * expansion (tracefs, kallsyms, BTF, ELF symbols).
 *
 * The parser stores the raw text; sema calls probes_parse() on each, and
 * probes_expand() to turn wildcards into concrete attach points. */
#ifndef PROBES_H
#define PROBES_H

#include "tt.h"
#include "ast.h"

struct type;

enum provider {
	PROV_NONE,
	PROV_BEGIN, PROV_END,
	PROV_TRACEPOINT, PROV_RAWTRACEPOINT,
	PROV_KPROBE, PROV_KRETPROBE,
	PROV_UPROBE, PROV_URETPROBE,
	PROV_USDT,
	PROV_PROFILE, PROV_INTERVAL,
	PROV_SOFTWARE, PROV_HARDWARE,
	PROV_WATCHPOINT, PROV_ASYNCWATCHPOINT,
	PROV_FENTRY, PROV_FEXIT,
	PROV_ITER,
	PROV_SELF, /* self:signal:SIGUSR1 */
	PROV__COUNT
};

struct attach_point {
	const char *raw;        /* as written: "tracepoint:syscalls:sys_enter_openat" */
	struct srcloc loc;
	enum provider prov;
	const char *target;     /* tracepoint category, binary path, interval
				   unit ("s", "ms", "us", "hz"), event name */
	const char *func;       /* tracepoint/function/symbol name (may hold
				   wildcards before expansion) */
	const char *ns;         /* usdt provider namespace */
	uint64_t freq;          /* interval/profile count, software period */
	uint64_t offset;        /* uprobe/kprobe +offset */
	uint64_t addr;          /* watchpoint address, uprobe address */
	int len;                /* watchpoint length */
	const char *mode;       /* watchpoint mode "rw" */
	bool wildcard;          /* target or func contains * or ? */
	/* filled by sema for tracepoints: the `args` struct from the format
	   file (is_ctx set, field offsets into the tracepoint record). */
	struct type *args_type;
};

/* Canonical lower-case provider name ("tracepoint"). */
const char *probes_provider_name(enum provider p);
/* Parse ap->raw into the fields above.  Accepts bpftrace's aliases
 * (t, tracepoint, k, kr, u, ur, p, i, s, h, w, f, fr, kfunc, kretfunc,
 * BEGIN, END, begin, end, ...) case-insensitively.  Reports errors with
 * diag_error at ap->loc; returns 0 or -1. */
int probes_parse(struct attach_point *ap);
/* Expand wildcards: returns the concrete attach points (ap itself when
 * it has no wildcard) in *out; 0 matches is an error reported at ap->loc. */
int probes_expand(struct attach_point *ap, struct ap_vec *out);

#endif
