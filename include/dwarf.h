/* dwarf.h — source lines of user code: the DWARF line tables (.debug_line,
 * versions 2 to 5) and inlined calls (.debug_info) of an ELF file, for
 * ustack's "func+off@file:line" and "[inlined] func@file:line" frames.
 * Also functions' parameters and named types (.debug_info) for uprobes'
 * `args` and casts, and source file:line -> address for
 * uprobe:BIN@FILE:LINE (declared at the end).
 *
 * Takes: the path of an ELF file built with debug information.
 * Produces: for a virtual address, the source file (a full path: the
 * compilation directory, the file's directory and its name joined, as
 * addr2line and blazesym report it) and the line of the row that covers
 * it.  Rows at one address: the last one counts (addr2line's rule).
 *
 * Everything is heap memory owned by the table (dwarf_lines_free).
 * Functions return 0 or -errno and print nothing. */
#ifndef DWARF_H
#define DWARF_H

#include "tt.h"

struct dwarf_lines;

/* Reads path's line tables.  -ENOENT/-EACCES from open(), -ENOEXEC when
 * it is not ELF, -ENODATA when it has no .debug_line. */
int dwarf_lines_open(const char *path, struct dwarf_lines **out);
/* Line tables from the raw section contents (tests); line_str/str may be
 * NULL.  comp_dir is the DWARF 2-4 compilation directory ("" or NULL:
 * relative paths stay relative). */
int dwarf_lines_parse(const uint8_t *line, size_t line_len,
		      const uint8_t *line_str, size_t line_str_len,
		      const uint8_t *str, size_t str_len, const char *comp_dir,
		      struct dwarf_lines **out);
void dwarf_lines_free(struct dwarf_lines *dl);
/* The file and line of vaddr; false when no sequence covers it. */
bool dwarf_line_at(const struct dwarf_lines *dl, uint64_t vaddr,
		   const char **file, unsigned *line);

/* One inlined call holding an address (DW_TAG_inlined_subroutine, read
 * from .debug_info by dwarf_lines_open): the inlined function and where
 * it was called (call_file NULL when unknown). */
struct dwarf_inline {
	const char *name;
	const char *call_file;
	unsigned call_line;
};
/* The inlined calls holding vaddr, outermost first (at most max); returns
 * their number. */
int dwarf_inlined_at(const struct dwarf_lines *dl, uint64_t vaddr,
		     struct dwarf_inline *out, int max);

/* One parameter of a function (DW_TAG_formal_parameter), for uprobes'
 * `args` and -lv: name, C text as bpftrace prints it ("struct Foo*",
 * "const char*") and the converted type (pointers are AS_USER; char
 * arrays are strings).  Arena memory. */
#include "types.h"
struct dwarf_param {
	const char *name;
	const char *ctext;
	struct type *type;
};
/* The parameters of func, the first DW_TAG_subprogram with code of that
 * name in path's .debug_info.  0; -ENOENT no such function; -ENODATA no
 * .debug_info; -ENOEXEC not ELF. */
int dwarf_func_params(const char *path, const char *func,
		      struct dwarf_param **out, int *n);
/* The lowest address of a line-table row of source file:line (file: the
 * file's name or the end of its path).  0 or -ENOENT/-ENODATA/... */
int dwarf_line_addr(const char *path, const char *file, unsigned line,
		    uint64_t *addr);

/* --debuginfo DIR: where dwarf_func_params and dwarf_line_addr look for
 * the separate debug file of a stripped binary (a relative DIR is below
 * the binary's directory), before the standard places. */
void dwarf_add_debuginfo_path(const char *dir);

/* Named types of the binaries uprobes are attached to: probes register
 * each target (dwarf_add_type_source), and cdecl_lookup falls back to
 * dwarf_type_by_name("struct Foo") when neither the script nor BTF has
 * the type.  Converted like parameters; NULL when no binary defines it. */
void dwarf_add_type_source(const char *path);
struct type *dwarf_type_by_name(const char *name);

#endif
