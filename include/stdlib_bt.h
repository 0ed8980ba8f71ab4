/* stdlib_bt.h — tinytrace's bundled macro library, "stdlib/base.bt".
 *
 * bpftrace ships part of its standard library (stdlib.md: ppid, assert,
 * is_err, container_of, ...) as macros in a bpftrace-language file, and
 * its diagnostics point into it (stdlib/base.bt:6:5-37).  tinytrace keeps
 * its own text of that file in the binary (stdlib_bt.c).  Macro expansion
 * (macro.c) parses it only when a script calls a name it defines with a
 * fitting number of arguments, so scripts that use none of it pay
 * nothing. */
#ifndef STDLIB_BT_H
#define STDLIB_BT_H

#include <stdbool.h>

#include "tt.h"

/* The library as a source ("stdlib/base.bt"), for parse_program(). */
const struct source *stdlib_bt_source(void);

/* True when the library defines a macro name with nargs parameters (a
 * scan of the text, no parsing). */
bool stdlib_bt_defines(const char *name, int nargs);

#endif
