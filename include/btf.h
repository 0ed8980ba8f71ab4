/* btf.h — kernel types from BTF (/sys/kernel/btf/vmlinux and modules),
 * converted into tinytrace's struct type (types.h) on demand.
 *
 * Takes nothing until asked: no function here reads BTF until a caller
 * needs a kernel type, function prototype or enum value (btf_available()
 * only checks that the file exists).  A script that never asks costs no
 * memory and no start-up time.  The first question loads vmlinux BTF once
 * (~11 ms, ~10 MB); module BTF (/sys/kernel/btf/<module>) is loaded only
 * for a named module or when vmlinux lacks the answer.
 *
 * How BTF types become struct type (cached per BTF id, heap-allocated so
 * they outlive the compile-time arena; freed by btf_unload()):
 *   - int: TY_INT of its size, signed per the encoding; `char` is int8
 *     (bpftrace); _Bool is TY_BOOL; 16-byte ints are uint8[16].
 *   - typedef, const, volatile, restrict, type tags: resolved/stripped
 *     (a pointer whose pointee is tagged "user" gets AS_USER, others
 *     AS_KERNEL).
 *   - pointer: TY_PTR; to a function: void * (opaque); to void: void *.
 *   - array: TY_ARRAY; an array of `char` is string[N] (as bpftrace).
 *   - enum: TY_INT of the enum's size with name = the enum's name (NULL if
 *     anonymous), signed when BTF says so.
 *   - struct/union: TY_STRUCT (is_union), name without the keyword (an
 *     anonymous one typedef'd takes the typedef's name, else NULL), size and align known at once, but FIELDS ARE FILLED ON
 *     DEMAND: a struct reached through a pointer has fields.n == 0 until
 *     btf_complete() (or cdecl_complete(), which calls it) is called on it.
 *     Completing a struct also completes every struct it holds by value
 *     (nested and anonymous members, array elements), so a completed
 *     struct is whole except behind pointers.  Field offsets are in bytes;
 *     a bitfield has offset = bit position / 8, bit_offset = bit position
 *     % 8 and bit_width set (read 8 bytes at offset, shift, mask — as
 *     output.c does).  Anonymous members have name NULL (cdecl_field()
 *     looks inside them).
 *   - a forward declaration: the full definition of that name in vmlinux;
 *     else a pending struct whose definition is searched in the modules'
 *     BTF when it is completed (btf_complete returns NULL if none has it).
 *   - float: uint8[size] (bpftrace has no floats); func_proto: void.
 *
 * How to use (sema, probes, the -lv listing):
 *   if (!btf_available()) ... "needs kernel BTF"
 *   struct type *t = btf_type_by_name("struct task_struct");  // completed
 *   t = btf_complete(ptr->elem);        // before looking at fields
 *   struct btf_fn f;
 *   if (btf_func_args(NULL, "vfs_read", &f) == 0)   // fentry:vfs_read
 *           args = btf_args_type(&f);   // args.file, args.count ...
 *   btf_tracepoint_args(NULL, "sched_switch", &f);   // tp_btf/rawtracepoint
 *   int64_t v; btf_enum_value("BTF_VAR_STATIC", &v, NULL);
 * Most type lookups want cdecl.h instead, which puts the script's own
 * definitions first and falls back to these. */
#ifndef BTF_H
#define BTF_H

#include "types.h"

/* One parameter of a kernel function or tracepoint. */
struct btf_arg {
	const char *name;    /* "file"; "arg0".. when BTF has no name */
	struct type *type;   /* converted (typedefs resolved) */
	const char *ctext;   /* C spelling for listings: "struct file *",
				"size_t", "const char *", "loff_t *" */
	int slot;            /* index of its first 8-byte slot in the BPF
				context (the fentry/fexit/raw tracepoint ctx
				is an array of u64; a struct bigger than 8
				bytes passed by value takes two) */
};

/* A kernel function's (or tracepoint's) prototype; strings and args in
 * the arena. */
struct btf_fn {
	const char *name;    /* "vfs_read", or the tracepoint name */
	const char *module;  /* "vmlinux" or the module whose BTF has it */
	struct type *ret;    /* return type; type_void() for void */
	const char *ret_ctext;
	int nargs;
	struct btf_arg *args;
	int retval_slot;     /* fexit: ctx slot of the return value */
};

/* /sys/kernel/btf/vmlinux exists (or the file set by
 * btf_set_vmlinux_path()).  Never loads anything. */
bool btf_available(void);
/* The kernel's own /sys/kernel/btf/vmlinux exists, whatever
 * btf_set_vmlinux_path() said: what loading fentry, fexit and iterator
 * programs needs (they name their function by the kernel's BTF id). */
bool btf_kernel_available(void);
/* The file btf_set_vmlinux_path() set (BPFTRACE_BTF), or NULL. */
const char *btf_vmlinux_path(void);
/* Tests: whether vmlinux BTF has been parsed, and how many times it was
 * read (0 until the first question, then 1 for ever). */
bool btf_loaded(void);
int btf_load_count(void);
/* Read vmlinux BTF from this raw BTF or ELF file instead (NULL = the
 * default): BPFTRACE_BTF, and tests.  A path that does not exist means
 * "no BTF"; module BTF is not read then.  Forgets everything loaded
 * before (as btf_unload()). */
void btf_set_vmlinux_path(const char *path);

/* A kernel type by name: "struct task_struct", "union x", "enum pid_type",
 * "task_struct" (typedef/int names first, then struct, union, enum tags),
 * "int", "pid_t", "size_t".  Structs come back completed.  NULL when there
 * is no BTF or no such type (never reports).  The first call loads BTF. */
struct type *btf_type_by_name(const char *name);
/* Fills the fields of a struct converted from BTF (and of the structs it
 * holds by value); returns t.  A TY_STRUCT not made here (a script forward
 * declaration, a tracepoint's `struct foo *`) is looked up by name and the
 * completed BTF type returned instead; NULL when BTF has no such struct.
 * Any other type is returned unchanged. */
struct type *btf_complete(struct type *t);
/* Whether t is a BTF struct whose fields are not filled yet. */
bool btf_pending(const struct type *t);
/* Whether vmlinux BTF defines `name` ("struct x", "union x", "enum x", or
 * a typedef name); modules are not searched.  Loads BTF. */
bool btf_has_type(const char *name);

/* Prototype of kernel function `func`.  module: NULL (vmlinux, then any
 * module), "vmlinux", or a module name.  Returns 0; -ENODATA without BTF
 * (or without that module's BTF); -ENOENT when there is no such function. */
int btf_func_args(const char *module, const char *func, struct btf_fn *out);
/* Arguments of raw tracepoint `tp` (tp_btf, rawtracepoint) from the
 * kernel's __probestub_<tp> or __bpf_trace_<tp> function, else the
 * btf_trace_<tp> typedef (unnamed: arg0, arg1...), without the leading
 * `void *__data`.  Same module and return conventions as btf_func_args();
 * ret is void. */
int btf_tracepoint_args(const char *module, const char *tp,
			struct btf_fn *out);
/* The `args` struct of an fentry/fexit/raw tracepoint program: a
 * TY_STRUCT (arena) with is_ctx set, named "<fn>_args", one field per
 * argument at offset slot * 8; size retval_slot * 8. */
struct type *btf_args_type(const struct btf_fn *f);

/* Value of enumerator `name` of any vmlinux enum.  *type (if not NULL)
 * gets the enum's type.  False when unknown or without BTF.  The first
 * call indexes every enumerator (~8 ms). */
bool btf_enum_value(const char *name, int64_t *value, struct type **type);

/* Calls fn for every kernel function (BTF FUNC) / raw tracepoint (a
 * btf_trace_<name> typedef) of vmlinux and of the modules: module NULL =
 * all (loads every module's BTF), "vmlinux", or one module.  Stops when fn
 * returns non-zero and returns that; else 0, or -ENODATA without BTF. */
int btf_each_func(const char *module,
		  int (*fn)(void *arg, const char *module, const char *name),
		  void *arg);
int btf_each_tracepoint(const char *module,
			int (*fn)(void *arg, const char *module,
				  const char *name),
			void *arg);

/* ---- kernel functions BPF programs call (kfuncs) -------------------------
 * A kfunc is called with BPF_PSEUDO_KFUNC_CALL and its vmlinux BTF id;
 * the kernel decides per program type which ones a program may call. */

/* The vmlinux BTF id of function `name` (what a kfunc call names), 0
 * when vmlinux BTF has none (or is another file than the kernel's). */
int btf_kfunc_id(const char *name);
/* Whether BTF (vmlinux or a module) has a function `name`. */
bool btf_func_exists(const char *name);
/* Whether the kernel lets a program of type prog_type (BPF_PROG_TYPE_*)
 * call kfunc `name`: asked by loading a program that calls it (cached).
 * 1 yes, 0 no (or no such function), -errno when it cannot tell. */
int btf_kfunc_allowed(const char *name, uint32_t prog_type);

/* Frees all BTF data and converted types (tests; types handed out before
 * become invalid). */
void btf_unload(void);

#endif
