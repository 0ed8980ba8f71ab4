/* symbols.h — addresses to names at run time: ksym(), usym(), func, and
 * the frames of kstack/ustack, printed as bpftrace prints them.
 *
 * Takes: the raw values the BPF side stored (types.h's layouts of
 * TY_KSYM, TY_USYM, TY_KSTACK and TY_USTACK) and the running system:
 * /proc/kallsyms for kernel addresses, /proc/PID/maps and the mapped ELF
 * files (their symbol tables and DWARF line tables) for user addresses.
 * Produces: text in a strbuf — "vfs_read", "main+22", "0x7f12..." for an
 * address nothing covers (bpftrace prints 0 as "0"), and whole stacks:
 *
 *   bpftrace mode  "\n" then one "        sym+off\n" per frame (8 spaces)
 *   perf mode      "\n" then "\t<hex ip> sym+off\n"; user frames end with
 *                  " (<file>)" or " ([unknown])"
 *   raw mode       "\n" then "<hex ip>\n"
 *   build_id mode  (ustack) "\n" then "<40 hex digits> 0x<offset>\n", or
 *                  "<hex ip>\n" for a frame without a build id
 *
 * Kernel symbols are loaded once, on first use (a script that never
 * prints one never reads kallsyms).  Lookup is blazesym's, which current
 * bpftrace uses: every kallsyms line with a non-zero address, sorted by
 * address keeping file order among equals; an exact address names the
 * first symbol there, an address inside names the last symbol below it.
 *
 * User symbols follow config cache_user_symbols (BPFTRACE_CACHE_USER_SYMBOLS):
 *   PER_PID      a process's mappings are read once: when tracing
 *                starts for the processes running a uprobe's or USDT
 *                probe's executable, else on first use (default; the
 *                addresses of a process that exited before that stay
 *                numbers)
 *   PER_PROGRAM  addresses are looked up as virtual addresses of the
 *                process's executable (or the uprobe's binary when the
 *                process is gone): works for exited processes of non-PIE
 *                or non-randomised programs, not for libraries
 *   NONE         the mappings are read again for every address
 *                (default with -c or when ASLR is off)
 * ELF files are read once per path whatever the mode.  A user address is
 * named as blazesym names it: .symtab, else .dynsym; functions and
 * objects; an address inside a symbol of size 0 belongs to it (so a
 * library address looked up in an executable can come out as
 * "__TMC_END__+<large offset>", as in bpftrace); "@file:line" comes from the
 * DWARF line tables (dwarf.h) when show_debug_info is on.
 *
 * Nothing here exits or prints to stdout; failures give the numeric form. */
#ifndef SYMBOLS_H
#define SYMBOLS_H

#include "tt.h"

struct tt_prog;
struct type;

/* Runtime set-up: the cache mode from p->cfg, and p->probes to find a
 * uprobe's binary from the probe id a usym/ustack value carries.  May be
 * called again (tests); p may be NULL (defaults, no probes). */
void sym_init(const struct tt_prog *p);
/* Drops every cache (kallsyms, processes, ELF files). */
void sym_reset(void);

/* ---- kernel ----------------------------------------------------------------- */

/* Reads kallsyms-format text from path (NULL: /proc/kallsyms) now,
 * replacing what was loaded.  Returns the number of symbols or -errno. */
int ksym_load(const char *path);
/* The symbol holding addr and addr's offset from it; NULL if none (no
 * symbol at or below addr, or kallsyms unreadable). */
const char *ksym_lookup(uint64_t addr, uint64_t *offset);
/* The address of kernel symbol name (first in kallsyms order), 0 if none. */
uint64_t ksym_addr(const char *name);

/* ---- user ------------------------------------------------------------------- */

/* The function symbol holding user address addr in process pid, its
 * offset and the file it comes from (the path /proc/PID/maps shows).
 * probe_id (-1: none) names the probe the value came from, for
 * PER_PROGRAM resolution of a process that is gone.  NULL if unknown. */
const char *usym_lookup(uint64_t addr, int pid, int probe_id,
			uint64_t *offset, const char **module);
/* The function symbol holding virtual address vaddr in the ELF file at
 * path (ELF files are cached); NULL if none. */
const char *usym_lookup_file(const char *path, uint64_t vaddr,
			     uint64_t *offset);

/* ---- printing ----------------------------------------------------------------- */

/* bpftrace's form of an address nothing names: "0x1f", and "0" for 0. */
void sym_put_addr(struct strbuf *sb, uint64_t addr);
/* ksym(): the name alone, or the address. */
void sym_put_ksym(struct strbuf *sb, uint64_t addr);
/* usym(), func in uprobes: data is TY_USYM's layout (types.h). */
void sym_put_usym(struct strbuf *sb, const void *data);
/* A kstack/ustack value of type t (TY_KSTACK/TY_USTACK) at data, in t's
 * stack mode. */
void sym_put_stack(struct strbuf *sb, const struct type *t, const void *data);

#endif
