/* builtins_lower.h — the lowering half of the builtins (builtins_lower.c,
 * builtins_lower_values.c): a table indexed by enum builtin_id
 * (builtin_names.h) of the hooks ir_build calls to emit a builtin's IR.
 *
 * Takes: an N_BUILTIN/N_CALL node typed by sema (builtins_type.h).
 * Produces: its IR in the current function, and its value. */
#ifndef BUILTINS_LOWER_H
#define BUILTINS_LOWER_H

#include "ast.h"
#include "builtin_names.h"
#include "irb.h"

/* Emits IR for n and returns its value.  For BI_AGG builtins `map` is the
 * N_MAP node assigned to and the returned value is ignored. */
typedef struct irval builtin_lower_fn(struct irb *b, struct node *n,
				      struct node *map);

/* The lowering hook of builtin id (BI_pid .. BI_COUNT - 1). */
builtin_lower_fn *builtin_lowering(enum builtin_id id);

#endif
