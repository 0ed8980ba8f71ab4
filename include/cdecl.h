/* cdecl.h — C declarations written in a script (struct, union, enum,
 * typedef, #define/#include/#if lines) and C type names as written in
 * casts, sizeof, offsetof and `let $x: T`; the one place that turns a type
 * name into a struct type.
 *
 * Takes the raw text of N_CDEFN nodes (the parser keeps definitions as
 * text) and type-name text; produces struct type values (types.h), using
 * C layout rules of x86-64/aarch64 Linux (the host compiler's: each field
 * at the next multiple of its alignment, bitfields packed into units of
 * their declared type without straddling one, __attribute__((packed)) and
 * aligned(N) honoured).  Names the script does not define are looked up in
 * kernel BTF (btf.h) when the kernel has it — but, as in bpftrace, once a
 * script redefines a type that BTF also has, its definitions must be
 * complete: BTF is no longer used to resolve them.
 *
 * What a written type becomes:
 *   - char/short/int/long/long long, signed/unsigned: TY_INT of the x86-64
 *     size; plain `char` is int8 (uint8 on aarch64, whose ABI says so); _Bool/bool: TY_BOOL; void: TY_VOID;
 *     float/double: uint8[4]/uint8[8] (no floats in bpftrace).
 *   - bpftrace names int8..int64, uint8..uint64; fixed-width names u8..u64,
 *     s8..s64, __u8..__s64, uint8_t..int64_t; size_t, ssize_t, pid_t ...
 *     built in (no BTF needed); other typedef names from the script, then
 *     from BTF.
 *   - `char x[N]`: string[N] (bpftrace); other arrays TY_ARRAY ([] is 0
 *     elements); pointers TY_PTR with address space AS_NONE (the memory
 *     the pointer was read from, or the probe type, decides); function
 *     pointers: void *.
 *   - struct/union: TY_STRUCT named by its tag (an anonymous one
 *     typedef'd takes the typedef's name), fields with byte offsets;
 *     bitfields as in btf.h (offset = bit position / 8, bit_offset = the
 *     rest, bit_width).  Anonymous members have name NULL.
 *   - enum: TY_INT (4 bytes, or 8 when a value needs it; signed if a value
 *     is negative) named by the tag; its enumerators become constants.
 *
 * How to use (sema):
 *   cdecl_reset();                        at the start of each compilation
 *   for each N_CDEFN node n:              in script order
 *           cdecl_parse_defs(n->str, &n->loc);
 *   cdecl_finish();                       lays out everything, reports
 *   t = cdecl_parse_typename(ct->text, &ct->loc);   casts, sizeof, let
 *   t = cdecl_lookup("struct task_struct");         curtask, no report
 *   t = cdecl_complete(ptr->elem);        before dereferencing a struct
 *                                         pointer (fills BTF bodies)
 *   f = cdecl_field(t, "pid", &off);      field access, anonymous members
 *   cdecl_constant("TASK_RUNNING", &v, &ty);        unknown identifiers
 * Errors go through diag_error with the location inside the definition. */
#ifndef CDECL_H
#define CDECL_H

#include "types.h"

/* Forgets every script definition (types handed out stay valid until the
 * arena is freed). */
void cdecl_reset(void);

/* Parses one definition text as the parser keeps it in an N_CDEFN node:
 * "struct Foo { int a; char b[10]; } ", "union U {...}", "enum E { A, B =
 * 5 }", "typedef struct x y;", or one preprocessor line: "#include <x.h>"
 * (the script's own header, found beside it or through -I, CPATH or
 * C_INCLUDE_PATH, is read as definitions; a system one is checked for
 * existence, its well-known constants defined), "#define NAME 42" (a constant), "#if/#ifdef/#ifndef/#elif/
 * #else/#endif" (definitions in a false branch are skipped;
 * BPFTRACE_HAVE_BTF is defined when the kernel has BTF), "#undef".
 * loc is where the text starts (NULL: no location).  Registers the names;
 * struct layout waits for cdecl_finish() or the first lookup.  Returns 0,
 * or -1 after reporting a syntax error. */
int cdecl_parse_defs(const char *text, const struct srcloc *loc);

/* -I DIR: a directory searched for #include "F" and <F> before CPATH,
 * C_INCLUDE_PATH and the system's (kept for the process). */
void cdecl_add_include_dir(const char *dir);

/* Lays out every definition and resolves every typedef, reporting unknown
 * type names, incomplete field types, bad bitfields, and an #if left open.
 * Returns 0, or -1 if any error was reported since cdecl_reset(). */
int cdecl_finish(void);

/* A type name: "struct Foo", "union U", "enum E", a typedef name, a
 * built-in name ("uint32", "u64", "size_t"), or a kernel type name; the
 * script's definitions first, then BTF.  Structs come back completed.
 * NULL if unknown (nothing reported). */
struct type *cdecl_lookup(const char *name);

/* Parses and resolves a type name as written in a cast, sizeof, offsetof
 * or let: "struct task_struct *", "int8[4]", "uint16", "char *",
 * "unsigned long", "const char *", "struct Foo[10]", "void *".  bpftrace's
 * own names that are not C (string, string[N], buffer...) are the
 * caller's.  Reports errors at loc ("Unknown struct/union: 'struct Foo'",
 * "unknown type name 'foo_t'") and returns NULL. */
struct type *cdecl_parse_typename(const char *text, const struct srcloc *loc);

/* The complete version of a struct type: t itself once its fields are
 * known (a kernel BTF struct gets its fields filled now), the script's
 * definition or else BTF's for a struct known only by name (a forward
 * declaration, a tracepoint's `struct foo *`).  NULL when nobody defines
 * it.  Non-struct types are returned unchanged. */
struct type *cdecl_complete(struct type *t);

/* Field `name` of struct t, looking into anonymous struct/union members
 * and completing structs as needed; *offset gets its byte offset from the
 * start of t (the field's own offset is relative to the struct holding
 * it).  NULL if t has no such field. */
const struct field *cdecl_field(struct type *t, const char *name,
				int *offset);

/* Value of a named constant: an enumerator of a script enum, a script
 * `#define NAME <integer expression>`, then an enumerator of a kernel
 * enum (BTF).  *type (if not NULL) gets the enum type, or int64 for a
 * #define. */
bool cdecl_constant(const char *name, int64_t *value, struct type **type);

/* Body text of a script `#define NAME body` (object-like or
 * function-like), or NULL. */
const char *cdecl_macro(const char *name);

/* Whether the definitions given so far leave an #if/#ifdef/#ifndef group
 * that is not taken open: what follows in the script (probes, macros,
 * maps) is left out, as the C preprocessor bpftrace runs scripts through
 * leaves it out. */
bool cdecl_skipping(void);

#endif
