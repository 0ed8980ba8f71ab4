/* driver.h — the one function that runs every stage in order. */
#ifndef DRIVER_H
#define DRIVER_H

#include "prog.h"

enum dump_flag {
	DUMP_TOKENS = 1 << 0, DUMP_AST = 1 << 1, DUMP_TYPES = 1 << 2,
	DUMP_IR = 1 << 3, DUMP_LIVE = 1 << 4, DUMP_STACK = 1 << 5,
	DUMP_MIR = 1 << 6, DUMP_ASM = 1 << 7,
};

struct driver_opts {
	const struct source *src;
	unsigned dump;              /* enum dump_flag bits; any -> dry run */
	FILE *dump_out;             /* where the dumps go; NULL: stdout */
	struct tt_config cfg;
	const char *includes[16];   /* --include FILE: as `#include <FILE>` */
	int nincludes;
	struct tt_regex *probe_filter; /* --probe-filter: only the probes
				       whose name it finds (and the special
				       ones) */
};

/* Parse a -d argument ("ast", "ir", "asm", "all", comma lists); returns
 * the bits or 0 when unknown. */
unsigned driver_dump_flags(const char *arg);

/* Compile (and unless a dump or dry run was asked for: load, attach, run)
 * a script.  Returns the process exit status. */
int driver_run(struct driver_opts *o);

#endif
