/* import.h — `import "path";` : splice other .bt files into a program.
 *
 * Runs right after parsing, before macro expansion.  Each N_IMPORT is
 * replaced by the top-level items (macros, definitions, config, map
 * declarations, probes) of the file it names; imported files may import
 * others; each file is imported once, so cycles end.  A .h header becomes
 * an N_CDEFN `#include "/its/real/path"` (cdecl.h reads it).  A path is
 * taken relative to the importing file's directory (the current directory
 * for -e and stdin); "x" also finds "x.bt"; a directory imports every .bt
 * and .h file in it, in name order.  As bpftrace: nothing is imported from
 * a world-writable file or directory, an imported .bt may not have a
 * `config` block; .bpf.c/.bpf.o imports are errors (no clang, no linker
 * here).  Errors are diagnostics at the import's location. */
#ifndef IMPORT_H
#define IMPORT_H

#include "ast.h"

int import_resolve(struct node *program);

#endif
