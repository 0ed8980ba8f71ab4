/* macro.h — bpftrace macros, expanded on the AST between parsing and sema.
 *
 *   macro add_one(x) { x + 1 }
 *   macro inc($v) { $v += 1; }
 *   macro total(@m) { let $s = 0; for ($kv : @m) { $s += $kv.1; } $s }
 *
 * A parameter is a scratch variable ($v: the argument must be a variable,
 * passed by reference), a map (@m: the argument must be a whole map, passed
 * by reference) or a plain identifier (x: any expression, substituted by
 * value wherever x appears, evaluated once per use; also a type written
 * typeof(T), usable where the body names a type: sizeof(x), (x *)e,
 * let $y: x).  Macros are overloaded on the number and kinds of their
 * parameters; a user macro with a builtin's name and shape replaces it.
 *
 * A call in statement position becomes a BLOCK statement holding the body.
 * A call used as a value becomes a BLOCK expression (args = statements,
 * a = value, ast.h) or, when the body is a lone expression, that expression.
 * Variables a body assigns or declares are renamed ($y -> $$name_y, or
 * $$name_K_y for the K-th expansion of name) so they never meet the
 * caller's.  Copied nodes keep the body's locations, with expanded_from
 * (tt.h) pointing at the call.  `__builtin_X` (bpftrace's spelling of the
 * builtin behind its stdlib macro X) is read as the builtin X.
 * A name no script macro fits is looked up in the bundled library
 * (stdlib_bt.h: ppid, assert, container_of, ...), parsed on first use;
 * the library's own code sees only the library's macros and the
 * builtins, never the script's.
 * Afterwards no N_MACRO is left in the program. */
#ifndef MACRO_H
#define MACRO_H

#include "ast.h"

/* Expands every macro call in prog (an N_PROGRAM) in place and removes the
 * macro definitions.  Returns 0, or -1 after reporting every error found
 * (wrong arguments, recursion, maps the body reaches without a parameter,
 * redefinitions) with diag_error(). */
int macro_expand(struct node *prog);

#endif
