/* elf_syms.h — user binaries for uprobes and USDT probes (libelf).
 *
 * Takes: the path of an ELF executable (non-PIE or PIE) or shared library,
 * or a name as written in a probe (`libc`, `bash`, `./a.out`) and maybe a
 * -p PID.
 * Produces: the binary's function symbols (.symtab and .dynsym merged),
 * the FILE OFFSET of a virtual address (through the PT_LOAD segment that
 * holds it: what the kernel's uprobe PMU wants), its USDT probes
 * (.note.stapsdt, SystemTap SDT v3) with their argument specs parsed; and
 * where a binary named in a probe lives.
 *
 * Everything returned is allocated in the compile-time arena (tt_alloc),
 * so it lives as long as the attach points that point to it.  Functions
 * return 0 or a negative errno; they print nothing. */
#ifndef ELF_SYMS_H
#define ELF_SYMS_H

#include "tt.h"

/* A function symbol (STT_FUNC or STT_GNU_IFUNC, defined, non-zero
 * address). */
struct elf_sym {
	const char *name;
	uint64_t addr;          /* st_value: virtual address */
	uint64_t size;          /* st_size; 0 = unknown boundary */
};

/* A PT_LOAD segment. */
struct elf_seg {
	uint64_t vaddr, memsz, offset, filesz;
	uint32_t flags;         /* PF_X | PF_W | PF_R */
};

/* One USDT argument, as the spec string gives it (x86-64: "-4@%edi",
 * "8@-16(%rbp)", "-4@$5", "8@(%rax,%rdx,8)", "4@foo+8(%rip)"; aarch64:
 * "-4@w0", "8@[x29, -16]", "-4@5") with the registers turned into the
 * architecture's pt_regs offsets (arch.h). */
enum usdt_arg_kind {
	USDT_ARG_CONST,         /* val */
	USDT_ARG_REG,           /* the register's bytes (reg, reg_shift) */
	USDT_ARG_MEM,           /* *(reg + disp [+ idx * scale]) in user
				   memory; reg -1 = absolute disp */
	USDT_ARG_MEM_IP,        /* *(regs->ip + disp): a %rip-relative
				   operand; disp is relative to the probe's
				   own address (regs->ip at the probe) */
};

struct usdt_arg {
	enum usdt_arg_kind kind;
	int size;               /* 1, 2, 4, 8 bytes */
	bool is_signed;         /* "-4@..." */
	int reg;                /* pt_regs offset of the (base) register,
				   -1 none */
	int reg_shift;          /* REG: bit position of the value in the
				   register (8 for %ah..%dh), else 0 */
	int idx, scale;         /* MEM: index register (-1 none), scale */
	int64_t val;            /* CONST */
	int64_t disp;           /* MEM, MEM_IP */
	const char *text;       /* the operand as written ("-16(%rbp)") */
};

#define USDT_MAX_ARGS 12

/* One USDT location (one note).  A probe named provider:name can have
 * several locations (the macro used at several places, or inlined). */
struct usdt_note {
	const char *provider, *name;
	uint64_t pc, base, sema;    /* as stored in the note */
	uint64_t pc_vaddr;          /* pc adjusted by .stapsdt.base */
	uint64_t pc_off;            /* file offset of the probed nop */
	uint64_t sema_off;          /* file offset of the 2-byte semaphore,
				       0 = none */
	const char *args_text;      /* the spec string as stored */
	int nargs;
	struct usdt_arg args[USDT_MAX_ARGS];
	bool args_ok;               /* every arg parsed; else args_err */
	const char *args_err;
};

struct elf_bin {
	const char *path;
	uint16_t type;              /* ET_EXEC, ET_DYN, ... */
	int nsyms;
	struct elf_sym *syms;       /* sorted by name, one per name */
	int nobjs;
	struct elf_sym *objs;       /* data objects (STT_OBJECT), likewise */
	int nsegs;
	struct elf_seg *segs;       /* PT_LOAD segments */
	int nnotes;
	struct usdt_note *notes;    /* in file order */
};

/* Reads path: symbols, segments, USDT notes.  -ENOENT/-EACCES from
 * open(), -ENOEXEC when the file is not ELF.  A path "A.zip!/M" names
 * member M of the ZIP archive A (stored, not compressed, as APKs keep
 * their libraries): b->path is then A, and file offsets are A's.  The
 * same unchanged file opened again (until arena_free_all) gives the same
 * elf_bin, read once: callers only read it. */
int elf_bin_open(const char *path, struct elf_bin **out);
/* The file to open (and to place uprobes in) for path: "A.zip!/M" -> "A.zip"
 * (arena), anything else -> path. */
const char *elf_zip_file(const char *path);
/* The function symbol called name, or NULL. */
const struct elf_sym *elf_sym_find(const struct elf_bin *b, const char *name);
/* The data object called name, or NULL. */
const struct elf_sym *elf_obj_find(const struct elf_bin *b, const char *name);
/* The function symbol whose [addr, addr+size) holds vaddr (a size-0
 * symbol only at its own address), or NULL. */
const struct elf_sym *elf_sym_at(const struct elf_bin *b, uint64_t vaddr);
/* File offset of virtual address vaddr: vaddr - p_vaddr + p_offset of the
 * PT_LOAD segment holding it (in its file part).  -ERANGE if none. */
int elf_vaddr_to_offset(const struct elf_bin *b, uint64_t vaddr,
			uint64_t *off);

/* Parses a USDT argument spec string of the architecture in use into args (at most max);
 * returns the count, or -EINVAL with *err saying what was not understood.
 * b and pc_vaddr resolve symbols of %rip-relative operands (b may be
 * NULL: such operands are then an error). */
int usdt_parse_args(const char *spec, struct usdt_arg *args, int max,
		    const struct elf_bin *b, uint64_t pc_vaddr,
		    const char **err);
/* "rax" (aarch64: "x0") -> pt_regs offset, width and shift; -1 when
 * unknown. */
int usdt_reg_offset(const char *name, int *width, int *shift);
/* The number of arguments every location of a usdt attach point has (the
 * smallest count; sema checks argN against it); -1 when a location's spec
 * could not be parsed (*err says why). */
struct attach_point;
int usdt_nargs(const struct attach_point *ap, const char **err);

/* ---- instructions -------------------------------------------------------- */

/* Length of the x86-64 instruction at code (64-bit mode), or -1 when it
 * is not one this decoder knows (or runs past size). */
int elf_insn_len(const uint8_t *code, size_t size);
/* 1 if byte off of code (a function's bytes, decoded from its start on
 * x86-64; a multiple of the size where it is fixed) is where an
 * instruction begins, 0 if it is inside one, -1 if unknown. */
int elf_insn_boundary(const uint8_t *code, size_t size, size_t off);
/* The bytes of function s (arena); returns their count or -errno. */
int elf_read_code(const struct elf_bin *b, const struct elf_sym *s,
		  uint8_t **code);

/* ---- where binaries live ------------------------------------------------ */

/* True if path is a regular file starting with the ELF magic. */
bool elf_is_elf(const char *path);
/* A library named like "c", "libc", "libc.so.6", "libpthread": searched in
 * /etc/ld.so.cache (entries for this architecture), then in the standard
 * library directories.  NULL if not found. */
const char *elf_find_library(const char *name);
/* Does a library file name ("libc.so.6") match what the user wrote
 * ("c", "libc", "libc.so.6")? */
bool elf_lib_name_matches(const char *soname, const char *want);
/* Reads the ld.so.cache at path (tests) instead of /etc/ld.so.cache. */
void elf_set_ld_cache(const char *path);
/* An executable named name in $PATH, or NULL. */
const char *elf_find_in_path(const char *name);
/* The distinct files mapped executable by process pid (/proc/PID/maps), in
 * map order, as paths inside that process's mount namespace.  Returns the
 * count, or -errno (-ESRCH: no such process). */
int elf_pid_modules(int pid, const char ***paths);

#endif
