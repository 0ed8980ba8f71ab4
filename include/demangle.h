/* demangle.h — C++ symbol names as people write them (demangle.c).
 *
 * Takes: a symbol name; those of the Itanium C++ ABI (what GCC and Clang
 * emit on Linux) start with _Z.
 * Produces: the name as c++filt prints it ("ns::Foo::bar(int, char
 * const*) const"), with where its parameter list starts, so that a probe
 * can name a function with or without its parameters.  A name that is not
 * mangled, or uses parts of the ABI this demangler does not know, gives
 * NULL (the caller keeps the symbol as it is).  Allocated with malloc. */
#ifndef DEMANGLE_H
#define DEMANGLE_H

#include <stddef.h>

/* The demangled name of sym, or NULL; *params (when not NULL) is set to
 * the offset of its parameter list's '(' in it, or to its length when it
 * has none (a variable, a vtable); *name (when not NULL) to where the
 * qualified name starts (after a template function's return type). */
char *demangle(const char *sym, size_t *params, size_t *name);

#endif
