/* list.h — `tinytrace -l`: the probes this machine offers, named as
 * bpftrace names them, one per line (with -v, each followed by its
 * arguments, indented by four spaces).
 *
 * What is listed, by provider (each provider's list hooks, src/prov_*.c):
 *   tracepoint:CAT:NAME       tracefs available_events (or events/);
 *                             -v: the fields of its format file
 *   rawtracepoint:MOD:NAME    BTF btf_trace_<NAME> typedefs; -v: the
 *                             arguments without the leading void *__data
 *   kprobe:FUNC, kprobe:MOD:FUNC (module functions)
 *                             available_filter_functions, else the text
 *                             symbols of /proc/kallsyms; -v: BTF argument
 *                             types, named arg0, arg1, ...
 *   fentry:MOD:FUNC           BTF functions; -v: arguments, then
 *                             "TYPE retval" unless void
 *   iter:NAME                 BTF bpf_iter_<NAME> functions that have a
 *                             struct bpf_iter__<NAME>; -v: the context
 *                             fields
 *   uprobe:FILE:FUNC, usdt:FILE:PROV:NAME
 *                             a named file's symbols and notes, or with -p
 *                             every file the process maps (prov_uprobe.c)
 *   software:EV: hardware:EV: bpftrace's perf event names and aliases
 *   interval:UNIT: profile:UNIT:   hz us ms s
 *   kretprobe, fexit, uretprobe    as their entry twins, only when asked
 *                             for by name
 *   struct/union/enum NAME    BTF type names; -v: "MOD: " and the C
 *                             definition
 *
 * A search is a comma-separated list; each item is listed in turn, its
 * matches sorted.  An item is PROVIDER[:...] with shell wildcards
 * anywhere, also in the provider ("*ware:*"); an item without ':' is
 * matched against whole names of everything ("*sleep*", "kprobe*").  Kernel
 * BTF is read only when the search can match a BTF-backed provider. */
#ifndef LIST_H
#define LIST_H

#include "tt.h"

struct tt_config;

/* `tinytrace -l [SEARCH|FILE] [-p PID] [-v]`: args are the command line
 * operands after the options (the search or a script file, possibly
 * followed by -p PID / -v, which are taken here).  cfg gives -p and -v
 * seen before.  A FILE that exists is a program whose probes are listed;
 * "x.bt" that does not exist is searched for, with a warning.  Prints on
 * stdout; returns the process exit status. */
int list_main(int nargs, char **args, const struct tt_config *cfg);

/* `tinytrace -l -e PROGRAM` (or a script file): lists the probes each
 * attach point of the program expands to, in program order.  Returns the
 * exit status (1 after a syntax or attach point error). */
int list_program(const struct source *src, const struct tt_config *cfg);

/* Lists what one search (a comma-separated list) matches on out, with
 * arguments when verbose.  Returns 0, or -1 after a diagnostic. */
int list_search(const char *search, bool verbose, FILE *out);

#endif
