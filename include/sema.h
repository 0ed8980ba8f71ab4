/* sema.h — names, types, builtins and functions; every error reported with
 * its location before giving up.
 *
 * Takes the parsed program; annotates every expression node with ->type,
 * every VAR/MAP node with ->sym; parses and expands attach points; reads
 * tracepoint formats; collects the script's maps with their key and value
 * types.  Returns 0, or -1 after reporting every error it found. */
#ifndef SEMA_H
#define SEMA_H

#include "ast.h"
#include "prog.h"

struct type;

struct sema_var {               /* one scratch variable ($x) in one scope */
	const char *name;
	struct type *type;
	struct srcloc decl;
	int id;                     /* free for ir_build */
};

struct sema_map {               /* one script map (@x) */
	const char *name;
	struct type *key;           /* NULL: scalar map (no key) */
	struct type *value;
	int nkeys;
	int max_entries;            /* 0 = default */
	uint32_t bpf_type;          /* BPF_MAP_TYPE_HASH, PERCPU_HASH, LRU... */
	struct srcloc loc;          /* first use */
	int id;                     /* index in tt_prog.maps, set by ir_build */
};

/* One BPF program to generate: a probe body for one concrete attach point
 * (wildcards expanded). */
struct sema_probe {
	struct node *probe;         /* N_PROBE */
	struct attach_point *ap;    /* concrete */
	int index;                  /* script order */
};

struct sema_result {
	VEC(struct sema_map *) maps;
	VEC(struct sema_probe) probes;
	bool needs_btf;
};

int sema_run(struct node *program, const struct tt_config *cfg,
	     struct sema_result *res);
/* Apply a config = { } block and BPFTRACE_* environment variables. */
int sema_config(struct node *program, struct tt_config *cfg);

#endif
