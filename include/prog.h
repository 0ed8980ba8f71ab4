/* prog.h — a compiled script: what the compiler hands to the runtime.
 *
 * ir_build fills maps, actions and probes (with their IR); the back end
 * fills each probe's code; loader.c creates the maps and loads the programs;
 * attach.c attaches them; runtime.c runs the event loop; output.c prints.
 * Nothing in here points into the AST except srclocs (the source text stays
 * alive for the whole run). */
#ifndef PROG_H
#define PROG_H

#include "tt.h"

struct type;
struct ir_func;
struct attach_point;
struct bpf_insn;

enum map_kind {
	MAPK_USER,     /* a script map: @x, @ */
	MAPK_RINGBUF,  /* the one output ring buffer */
	MAPK_SCRATCH,  /* per-CPU array, 1 entry: big temporaries */
	MAPK_LOST,     /* per-CPU array, 1 entry: u64 count of lost records */
	MAPK_INTERNAL, /* anything else the compiler needs */
};

/* How a script map's entries are laid out in BPF memory, decided once by
 * sema (sema_map.layout) and read by ir_build (creating the map, building
 * hist keys) and the output (through tt_map):
 *  - key: the script's key as its type lays it out (a tuple for several
 *    keys); 8 zero bytes for a scalar map;
 *  - hist/lhist/tseries: the script's key zero-padded to 8 bytes (nothing
 *    for a scalar map), then the uint64 bucket index (types.h), so one
 *    histogram is many entries;
 *  - value: the value type's bytes (per CPU for a per-CPU map). */
struct map_layout {
	uint32_t key_size, value_size;
	int bucket_off;            /* offset of the bucket index in the key
				      (= the padded script key's size); -1:
				      not a hist/lhist/tseries map */
};

struct tt_map {
	const char *name;          /* "@x", "@", or an internal name */
	enum map_kind kind;
	uint32_t type;             /* BPF_MAP_TYPE_* */
	uint32_t key_size, value_size, max_entries;
	int bucket_off;            /* MAPK_USER: map_layout.bucket_off */
	struct type *key_type;     /* MAPK_USER: NULL for a scalar map */
	struct type *value_type;   /* MAPK_USER: the value (TY_AGG for
				      aggregations) */
	int nkeys;                 /* MAPK_USER: number of keys written */
	int fd;                    /* set by the loader, -1 before */
};

/* Things a BPF program asks userspace to do.  A ring buffer record starts
 * with the uint64 action id (the index in tt_prog.actions); the rest is
 * given by the action. */
enum action_kind {
	ACT_PRINTF,     /* args laid out as type_tuple(arg_types) at offset 8 */
	ACT_EXIT,       /* no payload (later: exit code) */
	ACT_PRINT_MAP,  /* print(@m): map = index */
	ACT_CLEAR,      /* clear(@m) */
	ACT_ZERO,       /* zero(@m) */
	ACT_PRINT_VALUE,/* print(expr): one arg */
	ACT_TIME, ACT_JOIN, ACT_CAT, ACT_SYSTEM, ACT_ERRORF, ACT_WARNF,
	ACT_HELPER_ERROR, /* -k: a helper failed; fmt = its name, args = a
			   tuple of its int64 return code */
	ACT_UNWATCH,    /* unwatch(addr): the uint64 address at byte 8 */
	ACT_STRING,     /* never sent: a compile-time string that values refer
			   to by its action id (a strftime format, a
			   cgroup_path filter); fmt = the string */
	ACT_SKB_OUTPUT, /* never sent through the ring buffer: a pcap file
			   skboutput() writes packets to (fmt = its path,
			   skb_offset = the bytes of each packet left out);
			   the packets come through the perf event array
			   "skbout", each after a struct skbout_meta whose
			   id is this action's */
};

/* Payloads as runtime.c reads them (after the 8-byte action id):
 *   ACT_PRINTF       the argument tuple (args), formatted with fmt
 *   ACT_PRINT_VALUE  args = a tuple of the one value printed
 *   ACT_PRINT_MAP    map = index; args = NULL, or a tuple (uint64 top,
 *                    uint64 div) for print(@m, top, div)
 *   ACT_CLEAR/ZERO   map = index, no payload
 *   ACT_EXIT         none, or an int64 exit code at byte 8
 *   ACT_TIME         none; fmt = the strftime format
 *   ACT_CAT/SYSTEM/ERRORF/WARNF  like ACT_PRINTF (fmt + args): the path,
 *                    the command, the message
 *   ACT_JOIN         args = an array of FMT_JOIN_MAX_ARGS strings (the
 *                    first empty one ends the list); fmt = the separator
 * Records after an exit record are dropped (bpftrace's behaviour); END's
 * records are printed. */
/* What skboutput() sends ahead of the packet's bytes (bpf_skb_output's
 * meta data): the ACT_SKB_OUTPUT action, the time (boot clock) and the
 * number of packet bytes that follow. */
struct skbout_meta {
	uint64_t id, boot_ns, len;
};

/* join(): at most this many array elements are read (ACT_JOIN). */
#define FMT_JOIN_MAX_ARGS 16

struct tt_action {
	enum action_kind kind;
	const char *fmt;           /* ACT_PRINTF: the format string as written
				      (escapes decoded) */
	struct type *args;         /* the tuple type of the payload (NULL if
				      none); payload starts at byte 8 */
	int map;                   /* ACT_PRINT_MAP, CLEAR, ZERO */
	struct srcloc loc;
	int counter;               /* ACT_WARNF of a failed map update: 1 +
				      the index of the u64 the probe adds
				      each failure's error to in the
				      internal "mapfull" array (runtime.c
				      warns when it changed); 0: sent as a
				      record */
	uint32_t skb_offset;       /* ACT_SKB_OUTPUT: skboutput()'s offset */
	bool after_exit;           /* shown even after exit(): tinytrace's own
				      warnings, sent at the end of a probe
				      for a failure that came before its
				      exit() */
	/* printf and the other formatted records: arguments that are
	 * compile-time constants (literals, enumerators, probe) are not
	 * sent.  konst: args->size bytes, the payload with the constants in
	 * place (NULL: every argument is sent, the payload is args);
	 * from[i]: where field i of args is in the payload sent, -1 for a
	 * constant one. */
	const uint8_t *konst;
	const int *from;
};

struct bpf_code {
	struct bpf_insn *insns;
	int ninsns;
	struct srcloc *locs;       /* per instruction, may be NULL */
	/* BPF functions: the program, then its subprograms (loop bodies run
	 * as callbacks), which need BTF func_info to load.  nfuncs 0 means
	 * one function (no arrays). */
	int nfuncs;
	int *func_start;           /* first instruction of each function */
	const char **func_name;    /* C identifiers ("BEGIN", "BEGIN_loop1") */
};

/* One BPF program and where it goes. */
struct tt_probe {
	const char *name;          /* the attach point text, for messages */
	struct attach_point *ap;   /* concrete (expanded) attach point */
	int index;                 /* position in the script: probes on one
				      hook fire in this order (invariant 2) */
	struct ir_func *ir;        /* from ir_build */
	struct bpf_code code;      /* from emit */
	uint32_t prog_type;        /* BPF_PROG_TYPE_*; 0: the loader picks
				      the provider's usual type (BEGIN/END:
				      RAW_TRACEPOINT, run by PROG_TEST_RUN) */
	uint32_t expected_attach_type;
	int prog_fd;               /* set by the loader */
	void *attach_state;        /* owned by hook.c */
};

/* Settings from the command line, config = { } blocks and BPFTRACE_* env
 * (config.h fills them). */
struct tt_config {
	int max_strlen;            /* bytes incl. NUL? bpftrace: default 1024 */
	int max_map_keys;          /* default 4096 */
	bool print_maps_on_exit;   /* default true */
	int on_stack_limit;        /* strings bigger than this go to scratch */
	const char *output_format; /* "text" or "json" */
	bool quiet;                /* -q */
	bool unsafe;               /* --unsafe */
	int log_size;              /* verifier log size */
	const char *stack_mode;
	const char *str_trunc_trailer;
	int max_cat_bytes, max_probes;
	int max_bpf_progs;         /* programs one script may make (1024) */
	int verbose;               /* -v */
	char **pos_params;         /* positional parameters $1.. (argv) */
	int npos_params;
	char **named_params;       /* after `--`: "name" or "name=value"
				      (argv's "--name[=value]"), for getopt() */
	int nnamed_params;
	int helper_check_level;    /* -k / -kk */
	bool dry_run;              /* compile (and dump) only */
	bool test;                 /* --test: run the test: probes (else they
				      are dropped) */
	bool bench;                /* --mode bench: run the bench: probes
				      (without it they are dropped) */
	int pid;                   /* -p */
	const char *cmd;           /* -c */
	const char *output_file;   /* -o FILE (NULL: stdout), for messages */
	bool buffering_set;        /* -B MODE set stdout's buffering (the
				      runtime keeps it) */
	int perf_rb_pages;         /* ring buffer size in pages, a power of
				      2 (config perf_rb_pages, default 64) */
	const char *missing_probes;/* config missing_probes: an attach point
				      matching nothing is an "error" (NULL
				      too), a "warn"ing, or "ignore"d */
	const char *cache_user_symbols; /* "PER_PID", "PER_PROGRAM", "NONE";
				      NULL: bpftrace's default (PER_PROGRAM
				      with -c or without ASLR, else PER_PID),
				      see symbols.h */
	bool cpp_demangle;         /* C++ names in ustack, usym and func are
				      demangled (default true) */
	bool show_debug_info;      /* ustack frames of user code get
				      "@file:line" from DWARF (default true) */
};

struct tt_prog {
	VEC(struct tt_map) maps;
	VEC(struct tt_action) actions;
	VEC(struct tt_probe) probes;  /* BEGIN/END included (prov BEGIN/END) */
	int ringbuf_map, scratch_map, lost_map;   /* map indexes or -1 */
	uint32_t scratch_size;
	/* The scratch space is one entry per CPU of a plain array, found by
	   the CPU's number, instead of the one value of a per-CPU array:
	   for frames over the kernel's 32 KB limit on per-CPU values (the
	   driver builds again with this set when the first build's frame is
	   bigger). */
	bool scratch_by_cpu;
	struct tt_config cfg;
	int child_pid;                /* -c: the command's pid once forked
					 (held before exec until attached);
					 USDT probes attach to it only */
};

#endif
