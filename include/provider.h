/* provider.h — probe types as a table, ply's layout: one front file per
 * provider family (src/prov_*.c) describes its probe types, PROVIDERS
 * below lists them once, and whatever differs between probe types is
 * asked of the table instead of switched on.
 *
 * A provider has two halves, one per stage, in two files (doc/design-
 * notes.md, "Providers", says why):
 *   struct prov_ops      the front half (here; src/prov_NAME.c, stage
 *                        types): spellings, parsing the attach point,
 *                        wildcard expansion, canonical names, `-l`, what
 *                        the context offers the builtins, and the load
 *                        attributes (program type, expected attach type,
 *                        attach BTF function).  probes.c, sema, builtins,
 *                        ir_build, list.c and the loader read it; it
 *                        calls nothing of the runtime.
 *   struct prov_runtime  the runtime half (prov_runtime.h;
 *                        src/attach_NAME.c, stage runtime): how the
 *                        runtime runs the probe, its attach hook and the
 *                        kernel's firing order on one hook.  Only attach.c
 *                        and runtime.c read it.
 * Both tables are generated from PROVIDERS, so adding a probe type is its
 * front file, its runtime file, one line in PROVIDERS and the two file
 * names in Makefile.am (and doc/architecture.md's table matches them by
 * their globs). */
#ifndef PROVIDER_H
#define PROVIDER_H

#include "tt.h"

struct attach_point;
struct ap_vec;
struct tt_config;

/* X(ENUM, name): enum provider PROV_ENUM, front half prov_name
 * (src/prov_*.c), runtime half prov_name_rt (src/attach_*.c,
 * prov_runtime.h); name is also the canonical name (prov_name.name,
 * probes_provider_name). */
#define PROVIDERS(X)                                                         \
	X(BEGIN, begin) X(END, end)                                          \
	X(TRACEPOINT, tracepoint) X(RAWTRACEPOINT, rawtracepoint)            \
	X(KPROBE, kprobe) X(KRETPROBE, kretprobe)                            \
	X(UPROBE, uprobe) X(URETPROBE, uretprobe)                            \
	X(USDT, usdt)                                                        \
	X(PROFILE, profile) X(INTERVAL, interval)                            \
	X(SOFTWARE, software) X(HARDWARE, hardware)                          \
	X(WATCHPOINT, watchpoint) X(ASYNCWATCHPOINT, asyncwatchpoint)        \
	X(FENTRY, fentry) X(FEXIT, fexit)                                    \
	X(ITER, iter)                                                        \
	X(SELF, self) /* self:signal:SIGUSR1 */                              \
	X(BENCH, bench) /* bench:NAME, --mode bench */                     \
	X(TEST, test) /* test:NAME, --test */

#define PROV_ENUM_(E, n) PROV_##E,
enum provider {
	PROV_NONE,
	PROVIDERS(PROV_ENUM_)
	PROV__COUNT
};
#undef PROV_ENUM_

/* ---- the front half ------------------------------------------------------- */

/* Flags: what a provider's probes are and what their context offers. */
enum {
	PF_SPECIAL = 1 << 0,   /* BEGIN/END: run once, never attached;
				  `probetype` "special", no signal(), not
				  counted against max_probes */
	PF_USER = 1 << 1,      /* probes user code: pointers without an
				  address space point into user memory,
				  uaddr() works, the binary is ap->path */
	PF_PTREGS = 1 << 2,    /* the context starts with struct pt_regs
				  (bpf_perf_event_data does too): usermode
				  reads cs there */
	PF_REG = 1 << 3,       /* reg("name") is allowed */
	PF_IP_AT_PROBE = 1 << 4, /* pt_regs ip is the probed instruction:
				  func reads it, uaddr() finds the load
				  address of a PIE from it */
	PF_ARGS_IN_REGS = 1 << 5, /* `args` fields are pt_regs slots (uprobe
				  parameters from DWARF): used as a whole
				  value, they are copied into a struct */
	PF_PID_FILTER = 1 << 6, /* fires for every process: with -p PID the
				  program starts with a pid == PID
				  predicate (the others attach to the
				  process, or are begin/end) */
	PF_WATCH = 1 << 7,     /* a hardware breakpoint at ap->addr, which
				  unwatch(addr) disables */
};

/* Where arg0, arg1, ... come from. */
enum prov_args {
	ARGS_NONE,
	ARGS_PTREGS, /* the SysV argument registers in pt_regs: arg0-arg5 */
	ARGS_USDT,   /* the USDT note's argument specs (usdt.c) */
	ARGS_SLOTS,  /* the context is the arguments' u64 slots (raw
			tracepoints: as many as ap->args_type has) */
};

/* Where retval comes from. */
enum prov_retval {
	RETVAL_NONE,
	RETVAL_PTREGS, /* ax in pt_regs */
	RETVAL_SLOT,   /* the u64 slot after the arguments' (fexit); typed by
			  ap->ret_type */
};

/* What `func` is. */
enum prov_func {
	FUNC_NONE,
	FUNC_KSYM, /* a kernel function address (ksym) */
	FUNC_USYM, /* a user function address (usym) */
};

/* `-l`: one search item or attach point, as a provider sees it. */
struct prov_query {
	const char *prov;   /* provider pattern; NULL: every listed provider */
	int n;              /* parts after the provider */
	const char *p[4];
	const char *filter; /* an item without ':': whole names must match */
	int pid;            /* -p */
	bool quiet_user;    /* no diagnostics from uprobe/usdt targets */
};

/* One line of a listing, and what -v needs to find its arguments. */
struct prov_entry {
	const char *name;   /* the line printed */
	enum provider prov;
	const char *mod;    /* tracepoint: category; kprobe (NULL = vmlinux),
			       fentry, fexit, rawtracepoint: module */
	const char *fn;     /* tracepoint: event; function; tracepoint; iter */
};
typedef VEC(struct prov_entry) prov_entry_vec;

/* What a probe type needs of the running kernel beyond BPF itself. */
enum prov_kernel_need {
	NEED_NOTHING,
	NEED_KPROBE_PMU,    /* kprobes: the kprobe PMU (attach_kprobe.c) */
	NEED_FENTRY,        /* BTF trampolines that load and attach */
};

struct prov_ops {
	enum provider id;
	const char *name;    /* canonical, lower case: "kprobe" */
	const char *aliases; /* every spelling, space separated; matched
				case-insensitively except one-letter ones
				(u uprobe, U usdt) */
	unsigned flags;      /* PF_* */

	/* Fills ap's fields from parts[0..n) (parts[0] the provider, quotes
	 * removed); ap->prov is set.  Reports with diag_error at ap->loc and
	 * returns -1, or 0. */
	int (*parse)(struct attach_point *ap, char **parts, int n);
	/* Appends the concrete attach points of ap (wildcards expanded, args
	 * types filled) to out; 0, or -1 after a diagnostic.  NULL: ap is its
	 * own expansion, and a wildcard is an error. */
	int (*expand)(struct attach_point *ap, struct ap_vec *out);
	/* The canonical name of a concrete attach point (`probe`); NULL:
	 * ap->raw. */
	const char *(*ap_name)(const struct attach_point *ap);

	/* -l: adds the probes q matches to out with prov_list_add(); NULL:
	 * lists nothing.  listed: part of "everything" and of provider
	 * wildcards (return probes are listed only when named). */
	void (*list)(const struct prov_query *q, const struct prov_ops *p,
		     prov_entry_vec *out);
	bool listed;
	/* What the kernel must offer to attach these probes at all (-l
	 * leaves out a type the running kernel cannot attach). */
	enum prov_kernel_need kernel_need;
	/* -lv: prints the arguments of an entry, indented by four spaces. */
	void (*list_args)(const struct prov_entry *e, FILE *out);
	/* -l PROGRAM: the parts of the query an attach point stands for into
	 * parts[0..4); returns how many, or -1: print the attach point as
	 * written.  NULL: no parts (the provider's whole listing). */
	int (*list_parts)(const struct attach_point *ap, const char **parts);

	/* Joins the concrete attach points of one expansion (out, from spec)
	 * that can share one program and one kernel link, in place; NULL:
	 * never.  Only for bodies that do not tell them apart (`probe`). */
	void (*merge)(const struct attach_point *spec, struct ap_vec *out);
	/* The expected_attach_type for ap when it is not attach_type (a
	 * uprobe_multi link for many locations); NULL: attach_type. */
	uint32_t (*load_attach_type)(const struct attach_point *ap);
	/* The program type for ap when it is not prog_type (a raw
	 * tracepoint with kernel BTF is a TRACING program); NULL:
	 * prog_type. */
	uint32_t (*load_prog_type)(const struct attach_point *ap);

	/* Load attributes. */
	uint32_t prog_type;     /* BPF_PROG_TYPE_* */
	uint32_t attach_type;   /* expected_attach_type, 0 none */
	const char *btf_func;   /* attach_btf_id: this kernel BTF function
				   ("%s" = ap->func), NULL none */

	/* What the context offers the builtins. */
	enum prov_args args;
	enum prov_retval retval;
	enum prov_func func;
	const char *ctx_struct; /* `ctx` points to this struct ("%s" =
				   ap->func); such a program also runs once
				   with a NULL object at the end (iterators),
				   so its body is guarded; NULL: void * */
	const char *args_ctype; /* `args` as a C type in messages ("%s", "%s"
				   = target, func); NULL: none */
};

#define PROV_DECL_(E, n) extern const struct prov_ops prov_##n;
PROVIDERS(PROV_DECL_)
#undef PROV_DECL_

/* The provider of id (PROV_NONE or out of range: NULL). */
const struct prov_ops *prov_get(enum provider id);
/* The provider an attach point's prov names, or NULL. */
const struct prov_ops *prov_of(const struct attach_point *ap);
/* The provider spelled s (any alias), or NULL. */
const struct prov_ops *prov_lookup(const char *s);
/* Is s one of p's spellings? */
bool prov_is_alias(const struct prov_ops *p, const char *s);
/* Does ap's provider have flag f?  False for NULL. */
bool prov_has(const struct attach_point *ap, unsigned f);

/* ---- helpers the providers share (prov_common.c) --------------------------------- */

bool prov_has_wildcard(const char *s);
/* An unsigned number (decimal, 0x hex, 0 octal; decimal also with `_`
 * separators and a scientific exponent: 1_000, 1e6), nothing after it. */
bool prov_parse_u64(const char *s, uint64_t *out);
/* [module:]func[+offset] into ap->func and ap->offset. */
int prov_parse_func_offset(struct attach_point *ap, const char *s,
			   bool allow_offset);
/* "PROVIDER probe type requires WHAT": -1. */
int prov_nargs_error(struct attach_point *ap, const char *what);
/* A copy of ap for one match of its wildcard (args_type reset). */
struct attach_point *prov_ap_copy(const struct attach_point *ap);
/* Nothing matched `what`: an error, or with config missing_probes "warn"
 * a warning and ap is dropped ("ignore": silently).  -1 or 0. */
int prov_no_match(struct attach_point *ap, const char *what);
/* config missing_probes is "warn" or "ignore". */
bool prov_missing_tolerated(void);
/* Sorted names of the entries of dir matching pattern (arena). */
int prov_list_dirs(const char *dir, const char *pattern, char ***out);
/* The tracefs directory (probes_set_tracefs_root's, for tests), or NULL. */
const char *prov_tracefs(void);
/* The whole file (arena), or NULL. */
char *prov_read_file(const char *path);
/* probes_set_config's settings: -p (0 none) and --unsafe. */
int prov_cfg_pid(void);
bool prov_cfg_unsafe(void);
/* A heap copy, for caches that outlive one compilation's arena. */
char *prov_cache_strdup(const char *s);

/* -l: part i of q after the provider ("*" when missing). */
static inline const char *prov_query_part(const struct prov_query *q, int i)
{
	return i < q->n ? q->p[i] : "*";
}
/* -l: adds an entry unless the whole-name filter rejects it. */
void prov_list_add(prov_entry_vec *v, const struct prov_query *q,
		   enum provider prov, const char *name, const char *mod,
		   const char *fn);
/* -l: the parts of a [module:]func attach point (list_parts). */
int prov_list_parts_modfunc(const struct attach_point *ap, const char **parts);
/* Probes that name their kernel function by BTF id (fentry, fexit, iter)
 * load only where the kernel has its own BTF (BPFTRACE_BTF's file gives
 * types, not the kernel's ids): 0, or -1 after an error at ap's location
 * that ends with `instead` (a hint; NULL none). */
int prov_need_kernel_btf(struct attach_point *ap, const char *instead);
/* -l: the module pattern mod as the one whose BTF to read: *only is mod
 * when it names a module without wildcards, else NULL (every module's);
 * false when that module has no BTF (nothing to list). */
bool prov_btf_module(const char *mod, const char **only);

/* Traceable kernel functions (prov_kprobe.c), for kprobe and fentry:
 * <tracefs>/available_filter_functions, else the text symbols of
 * /proc/kallsyms, less what no probe can use; sorted by name, read once.
 * module "vmlinux" for the kernel itself. */
struct kfunc {
	const char *name, *module;
};
int prov_kfuncs(const struct kfunc **out);
/* "kprobe vmlinux:nonsense", as bpftrace words a missing match. */
const char *prov_kernel_what(const struct attach_point *ap);
/* A [module:] that names no loaded module is an error (naming the probe
 * with the provider's ap_name): -1, else 0. */
int prov_kernel_module_check(struct attach_point *ap,
			     const char *(*name)(const struct attach_point *));

/* Perf counters (prov_perf.c), for software and hardware: bpftrace's
 * event names and aliases, the perf type and config, the default count. */
struct perf_ev {
	uint32_t type;
	const char *name, *alias;
	uint64_t config, count;
};
/* The event called name (or its alias) of prov's type, or NULL. */
const struct perf_ev *prov_perf_event(enum provider prov, const char *name);

/* Files of user probes (prov_uprobe.c), for uprobe, uretprobe and usdt:
 * display is how probe names show one, path what is opened. */
struct utarget {
	const char *display, *path;
	uint64_t dev, ino;
};
typedef VEC(struct utarget) utarget_vec;
/* The files ap->target names (probes.h says how); 0 or -1 after an
 * error. */
int prov_user_targets(struct attach_point *ap, utarget_vec *v);
/* The files of an expansion: at least one, or -1 after an error. */
int prov_user_files(struct attach_point *ap, utarget_vec *v);
struct elf_bin;
/* Opens a target, reporting failures unless quiet. */
int prov_open_target(struct attach_point *ap, const struct utarget *t,
		     bool quiet, struct elf_bin **b);
/* A concrete attach point in file t with nlocs locations. */
struct attach_point *prov_user_ap(struct attach_point *ap,
				  const struct utarget *t, int nlocs);
/* Does pattern (NULL or "" = anything) match s? */
bool prov_user_match(const char *pattern, const char *s);
/* Can this kernel attach one program at many offsets of a file with one
 * uprobe_multi link (6.6+)?  Probed once. */
bool prov_uprobe_multi(void);
/* --no-feature uprobe_multi: one uprobe per location, as without the
 * kernel's support. */
void prov_uprobe_multi_disable(void);
/* The expected_attach_type of programs attached that way. */
uint32_t prov_uprobe_multi_type(void);
/* load_attach_type of uprobes and USDT: a uprobe_multi link for an attach
 * point of many locations where the kernel has them. */
uint32_t prov_uprobe_load_attach_type(const struct attach_point *ap);
/* Attaches prog_fd at offsets[0..n) of path (ref_ctrs: USDT semaphores,
 * cookies: the BPF cookies; either may be NULL) with one uprobe_multi
 * link, return probes with ret, for process pid only if pid > 0: the link
 * fd or -errno. */
int prov_uprobe_multi_link(int prog_fd, const char *path,
			   const uint64_t *offsets, const uint64_t *ref_ctrs,
			   const uint64_t *cookies, int n, bool ret, int pid);
/* Does ap name more than one file (or may it)? */
bool prov_user_many(const struct attach_point *ap, const utarget_vec *tv);
/* -l: the files q's first part names (none without one, nor for "*"
 * without -p), as attach points of provider prov find them; quietly with
 * q->quiet_user.  How many. */
int prov_user_list_files(const struct prov_query *q, enum provider prov,
			 utarget_vec *tv);

#endif
