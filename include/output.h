/* output.h — turning raw bytes from BPF into bpftrace's text and JSON.
 *
 * Everything formats into a struct strbuf (tests compare strings); the
 * runtime writes the buffer to stdout.  Byte layouts are types.h's storage
 * contract.  Per-CPU map values are ncpus copies of the value, each
 * `stride` bytes apart (value_size rounded up to 8, as the kernel does). */
#ifndef OUTPUT_H
#define OUTPUT_H

#include "prog.h"

struct type;

/* Largest printf width or precision honoured (bytes of padding). */
#define OUT_MAX_WIDTH 65536

/* Settings that change how values print (str_trunc_trailer).  Defaults
 * apply until called. */
void out_init(const struct tt_config *cfg);

/* printf(fmt, args...) with bpftrace's conversions: %d %i %u %x %X %o %c
 * %s %p %%, flags - + space # 0, width, precision, hh h l ll j z t
 * modifiers (C semantics: %x of a 64-bit value prints its low 32 bits).
 * data points at the argument tuple (after the 8-byte action id); args is
 * that tuple's type (NULL: no arguments). */
void out_printf(struct strbuf *sb, const char *fmt, const struct type *args,
		const void *data);
/* One value as bpftrace prints it in maps and print(): ints, strings,
 * tuples "(1, abc)", records "{ .a = 1 }", ...; JSON when json is set. */
void out_value(struct strbuf *sb, const struct type *t, const void *data,
	       bool json);
/* A JSON string literal with bpftrace's escapes. */
void out_json_string(struct strbuf *sb, const char *s, size_t n);

/* The contents of one map, independent of BPF (tests build these by
 * hand).  Entry i's key is keys + i * key_size (unused for scalar maps);
 * its value is values + i * ncpus * stride. */
struct out_mapdata {
	const char *name;              /* "@x" */
	const struct type *key_type;   /* NULL: scalar map */
	const struct type *value_type;
	uint32_t key_size;
	uint32_t bucket_off;           /* hist/lhist/tseries: where the bucket
					  index follows the script's key
					  (map_layout, prog.h) */
	uint32_t stride;               /* bytes per (per-CPU) value */
	int ncpus;                     /* 1 unless a per-CPU map */
	int n;                         /* entries */
	uint8_t *keys, *values;        /* owned (out_mapdata_free) */
};

/* Prints a map as bpftrace does: "@x: 5", "@m[k1, k2]: v" one line per
 * entry, sorted (by value for int/count/sum/min/max/avg/stats, else by
 * key), only the last `top` entries when top > 0, values divided by div
 * when div > 1.  JSON: one line {"type": "map", "data": {"@m": {...}}}. */
void out_mapdata_print(struct strbuf *sb, const struct out_mapdata *m,
		       uint32_t top, uint32_t div, bool json);
/* Reads all entries of p->maps.v[map] from the kernel.  0 or -errno. */
int out_mapdata_read(const struct tt_prog *p, int map, struct out_mapdata *m);
void out_mapdata_free(struct out_mapdata *m);

/* Reads and prints a script map (top = div = 0). 0 or -errno. */
int out_map(FILE *f, const struct tt_prog *p, int map, bool json);
int out_map_top(FILE *f, const struct tt_prog *p, int map, uint32_t top,
		uint32_t div, bool json);

/* "Attached N probes" (text, for stderr) or its JSON line. */
void out_attached(struct strbuf *sb, int n, bool json);
/* --mode bench: the results of the n bench probes (their names, average
 * nanoseconds per run, runs) as a table, or one JSON line each. */
void out_bench(struct strbuf *sb, int n, const char *const *names,
	       const uint64_t *avg_ns, const uint64_t *iters, bool json);
/* "Lost N events" or its JSON line. */
void out_lost(struct strbuf *sb, uint64_t n, bool json);

#endif
