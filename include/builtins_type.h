/* builtins_type.h — the typing half of the builtins (builtins_type.c): a
 * table indexed by enum builtin_id (builtin_names.h) of the hooks sema
 * calls to type a builtin or function call.
 *
 * Takes: an N_BUILTIN (`pid`) or N_CALL (`str(x)`) node whose argument
 * count sema checked against builtin_info().  Produces: its type (and
 * what the lowering reads from the node: n->ival for kaddr/uaddr/
 * percpu_kaddr, n->c for delete/has_key/tseries' map), errors reported
 * with sema_err.  Types are bpftrace's (its stdlib documentation).
 *
 * Also the facts both halves read (the lowering half, builtins_lower.c,
 * sits above sema): a stack frame's size, the pt_regs offset of a
 * register, pton's bytes, the ELF file uaddr() resolves in. */
#ifndef BUILTINS_TYPE_H
#define BUILTINS_TYPE_H

#include "ast.h"
#include "builtin_names.h"
#include "elf_syms.h"
#include "sema.h"
#include "types.h"

struct builtin_typing {
	enum agg_kind agg; /* BI_AGG builtins: the map value's kind */
	/* Types node n (its argument count already checked) and returns its
	 * type; reports its own errors. */
	struct type *(*type)(struct sema *s, struct node *n);
};

/* The typing entry of builtin id (BI_pid .. BI_COUNT - 1). */
const struct builtin_typing *builtin_typing_of(enum builtin_id id);

/* Bytes of one frame of a kstack/ustack value in stack mode `mode`
 * (enum stack_mode): an address, or a struct bpf_stack_build_id. */
int builtin_stack_frame_size(bool user, int mode);
/* pton("addr"): an IPv4 (4 bytes) or IPv6 (16 bytes) address's bytes in
 * network order into out; false when text is neither. */
bool builtin_pton(const char *text, unsigned char out[16], int *len);
/* The ELF file uaddr() looks symbols up in (path: the probed binary),
 * opened once; NULL when it cannot be read. */
const struct elf_bin *builtin_uaddr_bin(const char *path);

#endif
