/* output.h — turning raw bytes from BPF into bpftrace's text and JSON. */
#ifndef OUTPUT_H
#define OUTPUT_H

#include "prog.h"

struct type;

/* printf(fmt, args...) with bpftrace's conversions; data points at the
 * argument tuple (after the 8-byte action id). */
void out_printf(struct strbuf *sb, const char *fmt, const struct type *args,
		const void *data);
/* One value as bpftrace prints it in maps and print(): ints, strings,
 * tuples "(1, abc)", ... */
void out_value(struct strbuf *sb, const struct type *t, const void *data,
	       bool json);
/* Print all entries of a script map, bpftrace's format and order. */
int out_map(FILE *f, const struct tt_prog *p, int map, bool json);

#endif
