/* probes.h — attach points: parsing the raw text and wildcard expansion
 * (tracefs, kallsyms, BTF, ELF symbols).
 *
 * The parser stores the raw text; sema calls probes_parse() on each, and
 * probes_expand() to turn wildcards into concrete attach points.  Both ask
 * the attach point's provider (provider.h: one file per probe type).
 *
 * uprobe/uretprobe/usdt expansion (elf_syms.h reads the binaries): the
 * target is a path (wildcards allowed), a program in $PATH, a library name
 * ("libc", "libc.so.6": ld.so.cache, then the standard directories), or
 * with -p a file mapped by that process ("*" = all of them); functions are
 * ELF symbols (wildcards allowed), resolved to file offsets; USDT probes
 * come from .note.stapsdt, one attach point per provider:name with all its
 * locations.  Each expanded attach point gets raw = its canonical name
 * ("uprobe:/usr/lib/x86_64-linux-gnu/libc.so.6:fread",
 * "usdt:./a.out:prov:name"), which `probe` prints. */
#ifndef PROBES_H
#define PROBES_H

#include "tt.h"
#include "provider.h"

struct type;
struct tt_config;
struct usdt_note;
struct attach_point;

/* A list of attach points (a probe's, an expansion's). */
struct ap_vec { struct attach_point **v; int n, cap; };

/* One place a uprobe/uretprobe/USDT program is attached. */
struct uprobe_loc {
	uint64_t offset;          /* file offset of the probed instruction */
	uint64_t ref_ctr_offset;  /* USDT: file offset of the 2-byte
				     semaphore (the kernel raises it while
				     the probe is attached), 0 = none */
	const struct usdt_note *note; /* USDT: the note (argument specs) */
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
	bool cpp;               /* uprobe:BIN:cpp:NAME: func is a C++ name as
				   written in the source (demangled) */
	bool no_args;           /* set by sema before probes_expand: the
				   probe's body never names `args`, so a
				   uprobe need not read its function's
				   parameters from DWARF */
	/* filled by sema for tracepoints: the `args` struct from the format
	   file (is_ctx set, field offsets into the tracepoint record). */
	struct type *args_type;
	/* fexit: the function's return type (BTF), the type of `retval`;
	   filled by probes_expand with args_type. */
	struct type *ret_type;
	/* uprobe, uretprobe, usdt: filled by probes_expand.  One program is
	   attached at every location (a USDT probe used at several places
	   has several; the perf event's bpf_cookie is the location's index).
	   path is the file given to the kernel (for -p: below
	   /proc/PID/root); target keeps the name shown in `probe`. */
	const char *path;
	int nlocs;
	struct uprobe_loc *locs;
	int pid;                  /* -p: attach for this process only, 0 all */
	/* uprobe:BIN@FILE:LINE: the source location (DWARF line table);
	   src_file NULL otherwise */
	const char *src_file;
	unsigned src_line;
	/* `args` used as a whole value: a plain struct of the arguments
	   or fields (C layout), copied from args_type's registers, slots
	   or record (probes_args_value) */
	struct type *args_value;
};

/* Canonical lower-case provider name ("tracepoint"; prov_common.c, from
 * PROVIDERS: the name of its prov_ops; "none" for PROV_NONE). */
const char *probes_provider_name(enum provider p);
/* Parse ap->raw into the fields above: the provider named by the first
 * part (any of bpftrace's aliases: t, tracepoint, k, kr, u, ur, p, i, s,
 * h, w, f, fr, kfunc, kretfunc, BEGIN, END, begin, end, ...,
 * case-insensitively) parses the rest.  Reports errors with diag_error at
 * ap->loc; returns 0 or -1. */
int probes_parse(struct attach_point *ap);
/* Expand wildcards: returns the concrete attach points (ap itself when
 * it has no wildcard) in *out; 0 matches is an error reported at ap->loc.
 * kprobe/kretprobe/fentry/fexit wildcards ([module:]func) match the
 * traceable kernel functions (<tracefs>/available_filter_functions, else
 * /proc/kallsyms; kprobes less the kprobe blacklist, fentry/fexit only
 * those with a BTF prototype); fentry/fexit get args_type and ret_type
 * from BTF, and target = the function's module ("vmlinux"). */
int probes_expand(struct attach_point *ap, struct ap_vec *out);
/* After probes_expand, for a probe whose body does not tell its attach
 * points apart (no `probe`, no `args`): joins those that can share one
 * program and one kernel link (uprobe/uretprobe wildcards in one file
 * become one uprobe_multi link where the kernel has them, as bpftrace
 * does: "Attached 1 probe"). */
void probes_merge(const struct attach_point *spec, struct ap_vec *out);
/* The settings expansion depends on: -p (uprobe/USDT targets are looked
 * up in that process's mappings, probes attach for it only) and --unsafe
 * (uprobes on symbols without a size, inside functions, or on non-ELF
 * files).  sema_run sets it; NULL = defaults. */
void probes_set_config(const struct tt_config *cfg);
/* BPF_PROG_TYPE_* of a provider's programs (prov_ops.prog_type). */
uint32_t probes_prog_type(enum provider p);
/* The program type of ap's programs (the provider's load_prog_type, else
 * its prog_type). */
uint32_t probes_ap_prog_type(const struct attach_point *ap);
/* Canonical name of a concrete attach point, as bpftrace's `probe`
 * builtin prints it: "tracepoint:syscalls:sys_enter_openat",
 * "interval:s:1", "begin". */
const char *probes_ap_name(const struct attach_point *ap);
/* ap's `args` as a value (print(args), @m = args): a struct (not is_ctx)
 * with args_type's fields in C layout, made once (ap->args_value); NULL
 * when ap has no args_type. */
struct type *probes_args_value(struct attach_point *ap);

/* Tracepoints.  The `args` type is a TY_STRUCT with is_ctx set, one field
 * per non-common_ field of the format file, at the record offsets:
 *   - integers: the field's size; signedness from the C type name when it
 *     is a known integer type, else from the file's `signed:`
 *     (so syscall `int dfd; size:8` is int64, as in bpftrace);
 *   - `char x[N]` is string[N]; other arrays are arrays of integers;
 *   - pointers: char * -> int8 *, struct X * -> struct X *, others as
 *     integer pointers; address space AS_USER in the `syscalls` category
 *     or when tagged btf_type_tag("user"), else AS_KERNEL;
 *   - `__data_loc char[] x`: field.data_loc set, type int8 * (AS_KERNEL).
 * probes_tp_args() fills ap->args_type from <tracefs>/events/CAT/NAME/format
 * (1, nothing reported, when there is none: the caller words the missing
 * match, prov_no_match());
 * probes_expand() fills it for each expanded tracepoint. */
int probes_tp_args(struct attach_point *ap);
struct type *probes_tp_parse_format(const char *text, const char *category,
				    const char *event);
/* Tests: read tracepoints (and kernel functions) below dir instead of
 * tracefs_path(). */
void probes_set_tracefs_root(const char *dir);
/* --traceable-functions FILE: the traceable kernel functions are FILE's
 * lines ("name" or "name [module]", as available_filter_functions), not
 * the kernel's list (prov_kprobe.c). */
void probes_set_traceable_functions(const char *path);

#endif
