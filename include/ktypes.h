/* ktypes.h — kernel struct, union, enum and typedef types from the running
 * kernel's BTF, loaded lazily on first use (sema calls these only when a
 * script names a kernel type or uses curtask).  Without BTF every lookup
 * returns NULL and callers report what is missing. */
#ifndef KTYPES_H
#define KTYPES_H

#include "tt.h"

struct type;

bool ktype_available(void);
/* struct NAME / union NAME; NULL if unknown.  Fields are filled on first
 * use by ktype_complete() (types.c's type_find_field calls it). */
struct type *ktype_struct(const char *name, bool is_union);
/* A typedef or base type by name ("size_t", "pid_t", "u64"), resolved. */
struct type *ktype_named(const char *name);
/* Fill the fields of a struct type made from BTF (no-op otherwise). */
void ktype_complete(struct type *t);

#endif
