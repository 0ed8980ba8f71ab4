/* dwarf.c — DWARF line tables of user binaries (dwarf.h).
 *
 * Takes: an ELF file's .debug_line (and .debug_line_str, .debug_str; for
 * DWARF 2-4 the compilation directories from the .debug_info unit DIEs).
 * Produces: per line program its file paths and its rows grouped in
 * sequences; a lookup finds the sequence holding an address, then the
 * last row at or below it.
 *
 * The line program is DWARF's (section 6.2): a state machine whose
 * special opcodes advance address and line together, standard opcodes
 * 1-12, extended opcodes end_sequence, set_address, define_file and
 * set_discriminator; unknown opcodes are skipped by their declared
 * lengths.  Version 5 headers describe their directory and file tables
 * with (content type, form) pairs.
 *
 * Also from .debug_info/.debug_abbrev (DWARF 2-5): the
 * parameters of a function (dwarf_func_params) and named types
 * (dwarf_type_by_name) converted to struct type, for uprobes' `args` and
 * casts; the address of a source file:line (dwarf_line_addr); and for
 * stripped binaries the separate debug file (.gnu_debuglink, --debuginfo
 * directories, .debug/, /usr/lib/debug, .build-id); and for split DWARF
 * (-gsplit-dwarf) the units of the .dwo files that skeleton units name,
 * or of the package <binary>.dwp found through its .debug_cu_index. */
#include "dwarf.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct row {
	uint64_t addr;
	uint32_t file;   /* index in dl->files */
	uint32_t line;
};

struct seq {
	uint64_t start, end;  /* [start, end) */
	int first, n;         /* rows[first .. first+n) */
};

struct prog {            /* one line program's file table in files */
	uint64_t offset;     /* in .debug_line */
	int base, n;         /* files[base .. base+n) */
	int first;           /* number of the first file: 0 (v5) or 1 */
};

struct scope {           /* one address range of an inlined call */
	uint64_t lo, hi;     /* [lo, hi) */
	int depth;           /* nesting: outer calls have smaller depths */
	const char *name;    /* the inlined function (in names) */
	int call_file;       /* index in files, -1 unknown */
	unsigned call_line;
};

struct dwarf_lines {
	VEC(char *) files;
	VEC(struct row) rows;
	VEC(struct seq) seqs;   /* sorted by start once parsed */
	VEC(struct prog) progs;
	VEC(struct scope) scopes;
	VEC(char *) names;      /* inlined functions' names, owned */
};

/* ---- a bounded reader ----------------------------------------------------- */

struct rd {
	const uint8_t *p, *end;
	bool bad;   /* read past the end: the results are garbage, stop */
};

static uint64_t rd_n(struct rd *r, int n)
{
	uint64_t v = 0;
	if (r->end - r->p < n) {
		r->bad = true;
		r->p = r->end;
		return 0;
	}
	for (int i = 0; i < n; i++)
		v |= (uint64_t)r->p[i] << (8 * i);
	r->p += n;
	return v;
}

static uint64_t rd_uleb(struct rd *r)
{
	uint64_t v = 0;
	for (int shift = 0;; shift += 7) {
		if (r->p >= r->end) {
			r->bad = true;
			return 0;
		}
		uint8_t b = *r->p++;
		if (shift < 64)
			v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return v;
	}
}

static int64_t rd_sleb(struct rd *r)
{
	uint64_t v = 0; /* unsigned: shifting into bit 63 is defined */
	int shift = 0;
	uint8_t b;
	do {
		if (r->p >= r->end) {
			r->bad = true;
			return 0;
		}
		b = *r->p++;
		if (shift < 64)
			v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
	} while (b & 0x80);
	if (shift < 64 && (b & 0x40))
		v |= ~(uint64_t)0 << shift;
	return (int64_t)v;
}

static const char *rd_cstr(struct rd *r)
{
	const uint8_t *s = r->p;
	const uint8_t *z = memchr(s, 0, (size_t)(r->end - s));
	if (!z) {
		r->bad = true;
		r->p = r->end;
		return "";
	}
	r->p = z + 1;
	return (const char *)s;
}

/* A string at offset off of a string section, "" when out of range. */
static const char *sec_str(const uint8_t *sec, size_t len, uint64_t off)
{
	if (!sec || off >= len || !memchr(sec + off, 0, len - off))
		return "";
	return (const char *)sec + off;
}

/* ---- forms ---------------------------------------------------------------- */

enum {
	DW_FORM_addr = 0x01, DW_FORM_block2 = 0x03, DW_FORM_block4 = 0x04,
	DW_FORM_data2 = 0x05, DW_FORM_data4 = 0x06, DW_FORM_data8 = 0x07,
	DW_FORM_string = 0x08, DW_FORM_block = 0x09, DW_FORM_block1 = 0x0a,
	DW_FORM_data1 = 0x0b, DW_FORM_flag = 0x0c, DW_FORM_sdata = 0x0d,
	DW_FORM_strp = 0x0e, DW_FORM_udata = 0x0f, DW_FORM_ref_addr = 0x10,
	DW_FORM_ref1 = 0x11, DW_FORM_ref2 = 0x12, DW_FORM_ref4 = 0x13,
	DW_FORM_ref8 = 0x14, DW_FORM_ref_udata = 0x15, DW_FORM_indirect = 0x16,
	DW_FORM_sec_offset = 0x17, DW_FORM_exprloc = 0x18,
	DW_FORM_flag_present = 0x19, DW_FORM_strx = 0x1a, DW_FORM_addrx = 0x1b,
	DW_FORM_ref_sup4 = 0x1c, DW_FORM_strp_sup = 0x1d, DW_FORM_data16 = 0x1e,
	DW_FORM_line_strp = 0x1f, DW_FORM_ref_sig8 = 0x20,
	DW_FORM_implicit_const = 0x21, DW_FORM_loclistx = 0x22,
	DW_FORM_rnglistx = 0x23, DW_FORM_ref_sup8 = 0x24, DW_FORM_strx1 = 0x25,
	DW_FORM_strx2 = 0x26, DW_FORM_strx3 = 0x27, DW_FORM_strx4 = 0x28,
	DW_FORM_addrx1 = 0x29, DW_FORM_addrx2 = 0x2a, DW_FORM_addrx3 = 0x2b,
	DW_FORM_addrx4 = 0x2c,
	DW_FORM_GNU_addr_index = 0x1f01, DW_FORM_GNU_str_index = 0x1f02,
};

static bool is_strx_form(unsigned form)
{
	return form == DW_FORM_strx || form == DW_FORM_GNU_str_index ||
	       (form >= DW_FORM_strx1 && form <= DW_FORM_strx4);
}

static bool is_addrx_form(unsigned form)
{
	return form == DW_FORM_addrx || form == DW_FORM_GNU_addr_index ||
	       (form >= DW_FORM_addrx1 && form <= DW_FORM_addrx4);
}

struct strsecs {
	const uint8_t *line_str, *str;
	size_t line_str_len, str_len;
};

/* Reads one attribute value of form `form`: *num gets integers and
 * offsets, *s strings (NULL for other forms).  0, or -1 for a form this
 * reader does not know (the caller must stop). */
static int rd_form(struct rd *r, unsigned form, int offsize, int addrsize,
		   const struct strsecs *ss, uint64_t *num, const char **s)
{
	uint64_t n = 0;
	*s = NULL;
	switch (form) {
	case DW_FORM_addr: n = rd_n(r, addrsize); break;
	case DW_FORM_data1: case DW_FORM_ref1: case DW_FORM_flag:
	case DW_FORM_strx1: case DW_FORM_addrx1: n = rd_n(r, 1); break;
	case DW_FORM_data2: case DW_FORM_ref2: case DW_FORM_strx2:
	case DW_FORM_addrx2: n = rd_n(r, 2); break;
	case DW_FORM_strx3: case DW_FORM_addrx3: n = rd_n(r, 3); break;
	case DW_FORM_data4: case DW_FORM_ref4: case DW_FORM_ref_sup4:
	case DW_FORM_strx4: case DW_FORM_addrx4: n = rd_n(r, 4); break;
	case DW_FORM_data8: case DW_FORM_ref8: case DW_FORM_ref_sig8:
	case DW_FORM_ref_sup8: n = rd_n(r, 8); break;
	case DW_FORM_data16: rd_n(r, 8); rd_n(r, 8); break;
	case DW_FORM_sdata: n = (uint64_t)rd_sleb(r); break;
	case DW_FORM_udata: case DW_FORM_ref_udata: case DW_FORM_strx:
	case DW_FORM_addrx: case DW_FORM_loclistx: case DW_FORM_rnglistx:
	case DW_FORM_GNU_addr_index: case DW_FORM_GNU_str_index:
		n = rd_uleb(r);
		break;
	case DW_FORM_string: *s = rd_cstr(r); break;
	case DW_FORM_strp: case DW_FORM_strp_sup:
		n = rd_n(r, offsize);
		*s = sec_str(ss->str, ss->str_len, n);
		break;
	case DW_FORM_line_strp:
		n = rd_n(r, offsize);
		*s = sec_str(ss->line_str, ss->line_str_len, n);
		break;
	case DW_FORM_ref_addr: case DW_FORM_sec_offset:
		n = rd_n(r, offsize);
		break;
	case DW_FORM_block1: n = rd_n(r, 1); goto skip;
	case DW_FORM_block2: n = rd_n(r, 2); goto skip;
	case DW_FORM_block4: n = rd_n(r, 4); goto skip;
	case DW_FORM_block: case DW_FORM_exprloc:
		n = rd_uleb(r);
	skip:
		if ((uint64_t)(r->end - r->p) < n) {
			r->bad = true;
			r->p = r->end;
		} else {
			r->p += n;
		}
		break;
	case DW_FORM_flag_present: case DW_FORM_implicit_const: n = 1; break;
	case DW_FORM_indirect:
		return rd_form(r, (unsigned)rd_uleb(r), offsize, addrsize, ss,
			       num, s);
	default:
		return -1;
	}
	*num = n;
	return r->bad ? -1 : 0;
}

/* ---- line programs -------------------------------------------------------- */

static char *join_path(const char *dir, const char *name)
{
	size_t a = dir ? strlen(dir) : 0, b = strlen(name);
	if (name[0] == '/' || !a) {
		char *p = xmalloc(b + 1);
		memcpy(p, name, b + 1);
		return p;
	}
	char *p = xmalloc(a + b + 2);
	memcpy(p, dir, a);
	size_t k = a;
	if (p[k - 1] != '/')
		p[k++] = '/';
	memcpy(p + k, name, b + 1);
	return p;
}

enum { DW_LNCT_path = 1, DW_LNCT_directory_index = 2 };

struct entry_fmt {
	unsigned type, form;
};

/* A v5 directory or file table: for each entry its path and directory
 * index.  Returns the count, or -1. */
static int read_v5_table(struct rd *r, int offsize, const struct strsecs *ss,
			 const char ***paths, uint64_t **dirs)
{
	unsigned nfmt = (unsigned)rd_n(r, 1);
	struct entry_fmt fmt[16];
	if (nfmt > 16)
		return -1;
	for (unsigned i = 0; i < nfmt; i++) {
		fmt[i].type = (unsigned)rd_uleb(r);
		fmt[i].form = (unsigned)rd_uleb(r);
	}
	uint64_t n = rd_uleb(r);
	if (r->bad || n > (uint64_t)(r->end - r->p))
		return -1;
	*paths = xcalloc(n + 1, sizeof(**paths));
	*dirs = xcalloc(n + 1, sizeof(**dirs));
	for (uint64_t k = 0; k < n; k++) {
		(*paths)[k] = "";
		for (unsigned i = 0; i < nfmt; i++) {
			uint64_t num;
			const char *s;
			if (rd_form(r, fmt[i].form, offsize, 8, ss, &num, &s) < 0)
				return -1;
			if (fmt[i].type == DW_LNCT_path && s)
				(*paths)[k] = s;
			else if (fmt[i].type == DW_LNCT_directory_index)
				(*dirs)[k] = num;
		}
	}
	return (int)n;
}

static void add_row(struct dwarf_lines *dl, struct seq *sq, uint64_t addr,
		    uint32_t file, uint32_t line)
{
	/* one row per address: the last one written counts */
	if (sq->n && dl->rows.v[dl->rows.n - 1].addr == addr) {
		dl->rows.v[dl->rows.n - 1].file = file;
		dl->rows.v[dl->rows.n - 1].line = line;
		return;
	}
	struct row rw = { addr, file, line };
	if (!sq->n) {
		sq->first = dl->rows.n;
		sq->start = addr;
	}
	vec_push(&dl->rows, rw);
	sq->n++;
}

/* What the state machine needs of a line program's header. */
struct line_hdr {
	int addrsize;
	unsigned min_inst;
	int line_base;
	unsigned line_range, opcode_base;
	uint8_t std_len[256]; /* operands of each standard opcode */
};

/* A v5 header's directory and file tables, appended to dl->files; 0 or
 * -1. */
static int read_files_v5(struct dwarf_lines *dl, struct rd *u, int offsize,
			 const struct strsecs *ss)
{
	const char **dpaths = NULL, **fpaths = NULL;
	uint64_t *ddirs = NULL, *fdirs = NULL;
	int nd = read_v5_table(u, offsize, ss, &dpaths, &ddirs);
	int nf = nd < 0 ? -1 : read_v5_table(u, offsize, ss, &fpaths, &fdirs);
	for (int i = 0; i < nf; i++) {
		const char *dir = fdirs[i] < (uint64_t)nd ? dpaths[fdirs[i]] : "";
		char *d = nd > 0 && dir[0] != '/' && dpaths[0][0]
				  ? join_path(dpaths[0], dir)
				  : join_path(NULL, dir);
		vec_push(&dl->files, join_path(d, fpaths[i]));
		free(d);
	}
	free(dpaths);
	free(ddirs);
	free(fpaths);
	free(fdirs);
	return nf < 0 ? -1 : 0;
}

/* A v2-4 header's include_directories and file_names, appended to
 * dl->files (directory 0 is the unit's comp_dir). */
static void read_files_v2(struct dwarf_lines *dl, struct rd *u,
			  const char *comp_dir)
{
	VEC(const char *) dirs = { 0 };
	vec_push(&dirs, comp_dir ? comp_dir : "");
	for (;;) {
		const char *d = rd_cstr(u);
		if (u->bad || !*d)
			break;
		vec_push(&dirs, d);
	}
	for (;;) {
		const char *f = rd_cstr(u);
		if (u->bad || !*f)
			break;
		uint64_t di = rd_uleb(u);
		rd_uleb(u); /* mtime */
		rd_uleb(u); /* length */
		const char *dir = di < (uint64_t)dirs.n ? dirs.v[di] : "";
		char *d = dir[0] != '/' && di ? join_path(dirs.v[0], dir)
					      : join_path(NULL, dir);
		vec_push(&dl->files, join_path(d, f));
		free(d);
	}
	vec_free(&dirs);
}

/* The line number state machine over the opcodes in pr: rows into
 * dl->rows, finished sequences into dl->seqs; files are pg's. */
static void run_line_program(struct dwarf_lines *dl, struct rd *pr,
			     const struct line_hdr *h, const struct prog *pg)
{
	uint64_t addr = 0;
	int64_t line = 1;
	uint64_t file = 1;
	struct seq sq = { 0 };
#define FILE_ID() (file >= (uint64_t)pg->first && \
		   file - pg->first < (uint64_t)pg->n \
		   ? (uint32_t)(pg->base + (file - pg->first)) : UINT32_MAX)
#define EMIT() add_row(dl, &sq, addr, FILE_ID(), (uint32_t)line)
	while (pr->p < pr->end && !pr->bad) {
		unsigned op = (unsigned)rd_n(pr, 1);
		if (op >= h->opcode_base) {
			unsigned adj = op - h->opcode_base;
			addr += (uint64_t)(adj / h->line_range) * h->min_inst;
			line += h->line_base + (int)(adj % h->line_range);
			EMIT();
			continue;
		}
		switch (op) {
		case 0: {
			uint64_t len = rd_uleb(pr);
			if (!len || len > (uint64_t)(pr->end - pr->p)) {
				pr->bad = true;
				break;
			}
			const uint8_t *next = pr->p + len;
			unsigned sub = (unsigned)rd_n(pr, 1);
			if (sub == 1) { /* end_sequence */
				if (sq.n) {
					sq.end = addr;
					vec_push(&dl->seqs, sq);
				}
				memset(&sq, 0, sizeof(sq));
				addr = 0;
				line = 1;
				file = 1;
			} else if (sub == 2) { /* set_address */
				addr = rd_n(pr, (int)(len - 1) < 8
						       ? (int)(len - 1) : h->addrsize);
			}
			/* define_file, set_discriminator, vendor ops: no
			   effect on (address, file, line) we keep */
			pr->p = next;
			break;
		}
		case 1: EMIT(); break;                          /* copy */
		case 2: addr += rd_uleb(pr) * h->min_inst; break; /* advance_pc */
		case 3: line += rd_sleb(pr); break;            /* advance_line */
		case 4: file = rd_uleb(pr); break;             /* set_file */
		case 8:                                         /* const_add_pc */
			addr += (uint64_t)((255 - h->opcode_base) / h->line_range) *
				h->min_inst;
			break;
		case 9: addr += rd_n(pr, 2); break;     /* fixed_advance_pc */
		default:
			for (unsigned i = 0; i < h->std_len[op]; i++)
				rd_uleb(pr);
		}
	}
#undef EMIT
#undef FILE_ID
}

/* One line program (a unit's) at r; advances r past it. */
static int parse_line_program(struct dwarf_lines *dl, struct rd *r,
			      const struct strsecs *ss, const char *comp_dir,
			      uint64_t offset)
{
	int offsize = 4;
	uint64_t unit_len = rd_n(r, 4);
	if (unit_len == 0xffffffff) {
		offsize = 8;
		unit_len = rd_n(r, 8);
	}
	if (r->bad || unit_len > (uint64_t)(r->end - r->p))
		return -1;
	struct rd u = { r->p, r->p + unit_len, false };
	r->p += unit_len;

	unsigned version = (unsigned)rd_n(&u, 2);
	if (version < 2 || version > 5)
		return 0; /* not a version we read: skip the unit */
	struct line_hdr h = { .addrsize = 8 };
	if (version >= 5) {
		h.addrsize = (int)rd_n(&u, 1);
		rd_n(&u, 1); /* segment selector size */
	}
	uint64_t hdr_len = rd_n(&u, offsize);
	if (u.bad || hdr_len > (uint64_t)(u.end - u.p))
		return -1;
	const uint8_t *prog = u.p + hdr_len;
	h.min_inst = (unsigned)rd_n(&u, 1);
	if (version >= 4)
		rd_n(&u, 1); /* maximum operations per instruction */
	rd_n(&u, 1); /* default_is_stmt */
	h.line_base = (int8_t)rd_n(&u, 1);
	h.line_range = (unsigned)rd_n(&u, 1);
	h.opcode_base = (unsigned)rd_n(&u, 1);
	for (unsigned i = 1; i < h.opcode_base && i < 256; i++)
		h.std_len[i] = (uint8_t)rd_n(&u, 1);
	if (u.bad || !h.line_range)
		return -1;

	/* the file table, appended to dl->files; v2-4 number files from 1,
	   v5 from 0 */
	struct prog pg = { offset, dl->files.n, 0, 1 };
	if (version >= 5) {
		if (read_files_v5(dl, &u, offsize, ss) < 0)
			return -1;
		pg.first = 0;
	} else {
		read_files_v2(dl, &u, comp_dir);
	}
	pg.n = dl->files.n - pg.base;
	vec_push(&dl->progs, pg);

	struct rd pr = { prog, u.end, false };
	run_line_program(dl, &pr, &h, &pg);
	return 0;
}

static int seq_cmp(const void *a, const void *b)
{
	const struct seq *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

int dwarf_lines_parse(const uint8_t *line, size_t line_len,
		      const uint8_t *line_str, size_t line_str_len,
		      const uint8_t *str, size_t str_len, const char *comp_dir,
		      struct dwarf_lines **out)
{
	struct dwarf_lines *dl = xcalloc(1, sizeof(*dl));
	struct strsecs ss = { line_str, str, line_str_len, str_len };
	struct rd r = { line, line + line_len, false };
	while (r.p < r.end && !r.bad)
		if (parse_line_program(dl, &r, &ss, comp_dir,
				       (uint64_t)(r.p - line)) < 0)
			break;
	if (dl->seqs.n)
		qsort(dl->seqs.v, dl->seqs.n, sizeof(*dl->seqs.v), seq_cmp);
	*out = dl;
	return 0;
}

void dwarf_lines_free(struct dwarf_lines *dl)
{
	if (!dl)
		return;
	for (int i = 0; i < dl->files.n; i++)
		free(dl->files.v[i]);
	vec_free(&dl->files);
	vec_free(&dl->rows);
	vec_free(&dl->seqs);
	vec_free(&dl->progs);
	vec_free(&dl->scopes);
	for (int i = 0; i < dl->names.n; i++)
		free(dl->names.v[i]);
	vec_free(&dl->names);
	free(dl);
}

bool dwarf_line_at(const struct dwarf_lines *dl, uint64_t vaddr,
		   const char **file, unsigned *line)
{
	/* the last sequence starting at or below vaddr that holds it */
	int lo = 0, hi = dl->seqs.n;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (dl->seqs.v[mid].start <= vaddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (int i = lo - 1; i >= 0; i--) {
		const struct seq *sq = &dl->seqs.v[i];
		if (vaddr >= sq->end)
			continue;
		const struct row *rw = dl->rows.v + sq->first;
		int a = 0, b = sq->n;
		while (a < b) {
			int mid = a + (b - a) / 2;
			if (rw[mid].addr <= vaddr)
				a = mid + 1;
			else
				b = mid;
		}
		if (!a || rw[a - 1].file == UINT32_MAX)
			return false;
		*file = dl->files.v[rw[a - 1].file];
		*line = rw[a - 1].line;
		return true;
	}
	return false;
}

/* ---- inlined calls (.debug_info) -----------------------------------------
 * Every DW_TAG_inlined_subroutine becomes scopes (one per address range)
 * with its depth in the DIE tree, the inlined function's name (through
 * DW_AT_abstract_origin / DW_AT_specification) and its call site
 * (DW_AT_call_file in the unit's line program, DW_AT_call_line). */

enum {
	DW_TAG_inlined_subroutine = 0x1d,
	DW_AT_name = 0x03, DW_AT_stmt_list = 0x10, DW_AT_low_pc = 0x11,
	DW_AT_high_pc = 0x12, DW_AT_comp_dir = 0x1b,
	DW_AT_abstract_origin = 0x31, DW_AT_specification = 0x47,
	DW_AT_ranges = 0x55, DW_AT_call_file = 0x58, DW_AT_call_line = 0x59,
	DW_AT_str_offsets_base = 0x72, DW_AT_addr_base = 0x73,
	DW_AT_rnglists_base = 0x74, DW_AT_dwo_name = 0x76,
	DW_AT_GNU_dwo_name = 0x2130, DW_AT_GNU_dwo_id = 0x2131,
	DW_AT_GNU_addr_base = 0x2133,
	DW_SECT_ABBREV = 3, DW_SECT_STR_OFFSETS = 6,
};

struct skel {           /* a skeleton unit of the binary */
	uint64_t id, addr_base;
	const char *dwo_name, *comp_dir;        /* arena memory */
};

struct secdata {
	const uint8_t *p;
	size_t n;
};

struct secs {
	struct secdata info, abbrev, str, line_str, str_offsets, addr,
		rnglists, ranges;
	struct strsecs ss;
	/* split DWARF: info..str_offsets are a .dwo's, addr the binary's */
	bool split;
	struct secdata cu_index;        /* a .dwp's */
	VEC(struct skel) skels;
};

struct abbrev_attr {
	unsigned at, form;
	int64_t implicit;       /* DW_FORM_implicit_const: the value */
};

struct abbrev {
	uint64_t code;
	unsigned tag;
	bool children;
	int first, n;           /* attrs[first .. first+n) */
};

struct abbrevs {
	uint64_t offset;
	VEC(struct abbrev) v;
	VEC(struct abbrev_attr) attrs;
};

struct unit {
	uint64_t start, end;    /* the unit's bytes in .debug_info */
	uint64_t dies;          /* its first DIE */
	unsigned version;
	int offsize, addrsize;
	struct abbrevs *ab;
	uint64_t str_base, addr_base, rng_base, low_pc;
	int prog;               /* index in dl->progs, -1 none */
	uint64_t dwo_id;        /* DWARF 5 skeleton and split units */
	uint64_t str_contrib;   /* a .dwp unit's .debug_str_offsets.dwo part */
};

struct info {
	struct dwarf_lines *dl;
	const struct secs *sc;
	VEC(struct abbrevs *) abs;
	VEC(struct unit) units;
};

static struct abbrevs *abbrevs_get(struct info *in, uint64_t off)
{
	for (int i = 0; i < in->abs.n; i++)
		if (in->abs.v[i]->offset == off)
			return in->abs.v[i];
	struct abbrevs *t = xcalloc(1, sizeof(*t));
	t->offset = off;
	vec_push(&in->abs, t);
	if (off >= in->sc->abbrev.n)
		return t;
	struct rd a = { in->sc->abbrev.p + off,
			in->sc->abbrev.p + in->sc->abbrev.n, false };
	while (a.p < a.end && !a.bad) {
		struct abbrev ab = { 0 };
		ab.code = rd_uleb(&a);
		if (!ab.code)
			break;
		ab.tag = (unsigned)rd_uleb(&a);
		ab.children = rd_n(&a, 1) != 0;
		ab.first = t->attrs.n;
		for (;;) {
			struct abbrev_attr at = { 0 };
			at.at = (unsigned)rd_uleb(&a);
			at.form = (unsigned)rd_uleb(&a);
			if (at.form == DW_FORM_implicit_const)
				at.implicit = rd_sleb(&a);
			if (a.bad || (!at.at && !at.form))
				break;
			vec_push(&t->attrs, at);
		}
		ab.n = t->attrs.n - ab.first;
		vec_push(&t->v, ab);
	}
	return t;
}

static const struct abbrev *abbrev_find(const struct abbrevs *t,
					uint64_t code)
{
	/* codes are usually 1, 2, 3, ...: try the direct slot first */
	if (code >= 1 && code <= (uint64_t)t->v.n &&
	    t->v.v[code - 1].code == code)
		return &t->v.v[code - 1];
	for (int i = 0; i < t->v.n; i++)
		if (t->v.v[i].code == code)
			return &t->v.v[i];
	return NULL;
}

/* The attributes of one DIE this reader wants. */
struct die {
	const struct abbrev *ab;
	unsigned name_form;
	uint64_t name_num;
	const char *name;
	bool has_low, has_high, high_is_len, has_ranges;
	bool low_x, high_x;     /* an index into .debug_addr */
	uint64_t low, high, ranges;
	unsigned ranges_form;
	uint64_t origin;        /* .debug_info offset, 0 none */
	int64_t call_file;      /* -1 none */
	unsigned call_line;
	bool has_stmt;
	uint64_t stmt, str_base, addr_base, rng_base;
	bool has_str_base, has_addr_base, has_rng_base;
	unsigned dwo_form, cd_form;     /* DW_AT_(GNU_)dwo_name, comp_dir */
	uint64_t dwo_num, cd_num, dwo_id;
	const char *dwo_s, *cd_s;
	bool has_dwo;
};

static bool is_const_form(unsigned form)
{
	return form == DW_FORM_data1 || form == DW_FORM_data2 ||
	       form == DW_FORM_data4 || form == DW_FORM_data8 ||
	       form == DW_FORM_udata || form == DW_FORM_sdata ||
	       form == DW_FORM_implicit_const;
}

static bool is_ref_form(unsigned form)
{
	return form == DW_FORM_ref1 || form == DW_FORM_ref2 ||
	       form == DW_FORM_ref4 || form == DW_FORM_ref8 ||
	       form == DW_FORM_ref_udata;
}

/* Reads the DIE at r (in unit u); false at a null entry or on garbage
 * (r->bad tells which). */
static bool read_die(const struct info *in, const struct unit *u,
		     struct rd *r, struct die *d)
{
	memset(d, 0, sizeof(*d));
	d->call_file = -1;
	uint64_t code = rd_uleb(r);
	if (!code || r->bad)
		return false;
	d->ab = abbrev_find(u->ab, code);
	if (!d->ab) {
		r->bad = true;
		return false;
	}
	const struct abbrevs *t = u->ab;
	for (int i = 0; i < d->ab->n; i++) {
		const struct abbrev_attr *at = &t->attrs.v[d->ab->first + i];
		uint64_t num = 0;
		const char *str = NULL;
		if (rd_form(r, at->form, u->offsize, u->addrsize, &in->sc->ss,
			    &num, &str) < 0) {
			r->bad = true;
			return false;
		}
		switch (at->at) {
		case DW_AT_name:
			d->name_form = at->form;
			d->name_num = num;
			d->name = str;
			break;
		case DW_AT_low_pc:
			d->has_low = true;
			d->low = num;
			d->low_x = is_addrx_form(at->form);
			break;
		case DW_AT_high_pc:
			d->has_high = true;
			d->high = num;
			d->high_is_len = is_const_form(at->form);
			d->high_x = is_addrx_form(at->form);
			break;
		case DW_AT_ranges:
			d->has_ranges = true;
			d->ranges = num;
			d->ranges_form = at->form;
			break;
		case DW_AT_abstract_origin:
		case DW_AT_specification:
			if (is_ref_form(at->form))
				d->origin = u->start + num;
			else if (at->form == DW_FORM_ref_addr)
				d->origin = num;
			break;
		case DW_AT_call_file:
			d->call_file = (int64_t)num;
			break;
		case DW_AT_call_line:
			d->call_line = (unsigned)num;
			break;
		case DW_AT_stmt_list:
			d->has_stmt = true;
			d->stmt = num;
			break;
		case DW_AT_str_offsets_base:
			d->has_str_base = true;
			d->str_base = num;
			break;
		case DW_AT_addr_base:
		case DW_AT_GNU_addr_base:
			d->has_addr_base = true;
			d->addr_base = num;
			break;
		case DW_AT_rnglists_base:
			d->has_rng_base = true;
			d->rng_base = num;
			break;
		case DW_AT_dwo_name:
		case DW_AT_GNU_dwo_name:
			d->has_dwo = true;
			d->dwo_form = at->form;
			d->dwo_num = num;
			d->dwo_s = str;
			break;
		case DW_AT_comp_dir:
			d->cd_form = at->form;
			d->cd_num = num;
			d->cd_s = str;
			break;
		case DW_AT_GNU_dwo_id:
			d->dwo_id = num;
			break;
		}
	}
	return true;
}

static uint64_t read_addrx(const struct info *in, const struct unit *u,
			   uint64_t idx)
{
	uint64_t off = u->addr_base + idx * (uint64_t)u->addrsize;
	if (!in->sc->addr.p || off + u->addrsize > in->sc->addr.n)
		return 0;
	struct rd r = { in->sc->addr.p + off, in->sc->addr.p + in->sc->addr.n,
			false };
	return rd_n(&r, u->addrsize);
}

static uint64_t die_addr(const struct info *in, const struct unit *u,
			 uint64_t v, bool x)
{
	return x ? read_addrx(in, u, v) : v;
}

/* A string attribute's value: s, or entry num of the unit's string
 * offsets for the strx forms. */
static const char *form_str(const struct info *in, const struct unit *u,
			    unsigned form, uint64_t num, const char *s)
{
	if (s)
		return s;
	if (!is_strx_form(form) || !in->sc->str_offsets.p)
		return NULL;
	uint64_t off = u->str_base + num * (uint64_t)u->offsize;
	if (off + u->offsize > in->sc->str_offsets.n)
		return NULL;
	struct rd r = { in->sc->str_offsets.p + off,
			in->sc->str_offsets.p + in->sc->str_offsets.n, false };
	return sec_str(in->sc->str.p, in->sc->str.n, rd_n(&r, u->offsize));
}

static const char *die_name(const struct info *in, const struct unit *u,
			    const struct die *d)
{
	return form_str(in, u, d->name_form, d->name_num, d->name);
}

static const struct unit *unit_at(const struct info *in, uint64_t off)
{
	for (int i = 0; i < in->units.n; i++)
		if (off >= in->units.v[i].dies && off < in->units.v[i].end)
			return &in->units.v[i];
	return NULL;
}

/* The name of the DIE at .debug_info offset off, following abstract
 * origins and specifications. */
static const char *origin_name(const struct info *in, uint64_t off)
{
	for (int hops = 0; off && hops < 8; hops++) {
		const struct unit *u = unit_at(in, off);
		if (!u)
			return NULL;
		struct rd r = { in->sc->info.p + off, in->sc->info.p + u->end,
				false };
		struct die d;
		if (!read_die(in, u, &r, &d))
			return NULL;
		const char *n = die_name(in, u, &d);
		if (n)
			return n;
		off = d.origin;
	}
	return NULL;
}

static void add_scope(struct info *in, uint64_t lo, uint64_t hi, int depth,
		      const char *name, int file, unsigned line)
{
	if (hi <= lo)
		return;
	struct scope sc = { lo, hi, depth, name, file, line };
	vec_push(&in->dl->scopes, sc);
}

/* The address ranges of d: low/high pc, or its range list. */
static void die_ranges(struct info *in, const struct unit *u,
		       const struct die *d, int depth, const char *name,
		       int file, unsigned line)
{
	if (d->has_low && d->has_high) {
		uint64_t lo = die_addr(in, u, d->low, d->low_x);
		uint64_t hi = d->high_is_len ? lo + d->high
					     : die_addr(in, u, d->high, d->high_x);
		add_scope(in, lo, hi, depth, name, file, line);
		return;
	}
	if (!d->has_ranges)
		return;
	uint64_t base = u->low_pc;
	if (u->version < 5) {
		/* .debug_ranges: (begin, end) pairs, base selections */
		struct secdata rs = in->sc->ranges;
		if (!rs.p || d->ranges >= rs.n)
			return;
		struct rd r = { rs.p + d->ranges, rs.p + rs.n, false };
		uint64_t maxa = u->addrsize == 8 ? ~0ull : 0xffffffffull;
		while (!r.bad) {
			uint64_t b = rd_n(&r, u->addrsize),
				 e = rd_n(&r, u->addrsize);
			if (r.bad || (!b && !e))
				break;
			if (b == maxa)
				base = e;
			else
				add_scope(in, base + b, base + e, depth, name,
					  file, line);
		}
		return;
	}
	struct secdata rs = in->sc->rnglists;
	uint64_t off = d->ranges;
	if (d->ranges_form == DW_FORM_rnglistx) {
		uint64_t slot = u->rng_base + d->ranges * (uint64_t)u->offsize;
		if (!rs.p || slot + u->offsize > rs.n)
			return;
		struct rd r = { rs.p + slot, rs.p + rs.n, false };
		off = u->rng_base + rd_n(&r, u->offsize);
	}
	if (!rs.p || off >= rs.n)
		return;
	struct rd r = { rs.p + off, rs.p + rs.n, false };
	while (!r.bad) {
		unsigned kind = (unsigned)rd_n(&r, 1);
		uint64_t a, b;
		switch (kind) {
		case 0: /* DW_RLE_end_of_list */
			return;
		case 1: /* base_addressx */
			base = read_addrx(in, u, rd_uleb(&r));
			break;
		case 2: /* startx_endx */
			a = read_addrx(in, u, rd_uleb(&r));
			b = read_addrx(in, u, rd_uleb(&r));
			add_scope(in, a, b, depth, name, file, line);
			break;
		case 3: /* startx_length */
			a = read_addrx(in, u, rd_uleb(&r));
			b = rd_uleb(&r);
			add_scope(in, a, a + b, depth, name, file, line);
			break;
		case 4: /* offset_pair */
			a = rd_uleb(&r);
			b = rd_uleb(&r);
			add_scope(in, base + a, base + b, depth, name, file, line);
			break;
		case 5: /* base_address */
			base = rd_n(&r, u->addrsize);
			break;
		case 6: /* start_end */
			a = rd_n(&r, u->addrsize);
			b = rd_n(&r, u->addrsize);
			add_scope(in, a, b, depth, name, file, line);
			break;
		case 7: /* start_length */
			a = rd_n(&r, u->addrsize);
			b = rd_uleb(&r);
			add_scope(in, a, a + b, depth, name, file, line);
			break;
		default:
			return;
		}
	}
}

static char *name_copy(struct dwarf_lines *dl, const char *n)
{
	for (int i = dl->names.n - 1; i >= 0 && i >= dl->names.n - 64; i--)
		if (!strcmp(dl->names.v[i], n))
			return dl->names.v[i];
	size_t k = strlen(n);
	char *c = xmalloc(k + 1);
	memcpy(c, n, k + 1);
	vec_push(&dl->names, c);
	return c;
}

/* The row of a .dwp's .debug_cu_index (version 2 or 5) whose
 * .debug_info.dwo part starts at off: where its abbreviations and string
 * offsets start, and its unit id.  false if none. */
static bool index_row(const struct secdata *ix, uint64_t off,
		      uint64_t *abbrev, uint64_t *stroff, uint64_t *id)
{
	struct rd r = { ix->p, ix->p + ix->n, false };
	rd_n(&r, 4); /* version */
	uint64_t ncol = rd_n(&r, 4), nrow = rd_n(&r, 4), nslot = rd_n(&r, 4);
	if (r.bad || ncol > 16 || nrow > nslot ||
	    16 + 12 * nslot + 4 * ncol + 8 * nrow * ncol > ix->n)
		return false;
	const uint8_t *sigs = r.p, *rows = sigs + 8 * nslot,
		      *cols = rows + 4 * nslot, *offs = cols + 4 * ncol;
	int col[9] = { -1, -1, -1, -1, -1, -1, -1, -1, -1 };
	for (uint64_t c = 0; c < ncol; c++) {
		struct rd q = { cols + 4 * c, r.end, false };
		uint64_t sect = rd_n(&q, 4);
		if (sect < 9)
			col[sect] = (int)c;
	}
	if (col[1] < 0) /* DW_SECT_INFO */
		return false;
	for (uint64_t i = 0; i < nrow; i++) {
		struct rd q = { offs + 4 * (i * ncol + (uint64_t)col[1]), r.end,
				false };
		if (rd_n(&q, 4) != off)
			continue;
		*abbrev = *stroff = 0;
		if (col[DW_SECT_ABBREV] >= 0) {
			q.p = offs + 4 * (i * ncol + (uint64_t)col[DW_SECT_ABBREV]);
			*abbrev = rd_n(&q, 4);
		}
		if (col[DW_SECT_STR_OFFSETS] >= 0) {
			q.p = offs + 4 * (i * ncol +
					  (uint64_t)col[DW_SECT_STR_OFFSETS]);
			*stroff = rd_n(&q, 4);
		}
		for (uint64_t k = 0; k < nslot; k++) {
			q.p = rows + 4 * k;
			if (rd_n(&q, 4) == i + 1) {
				q.p = sigs + 8 * k;
				*id = rd_n(&q, 8);
			}
		}
		return true;
	}
	return false;
}

/* Reads one unit header at r->p into u (start, end, version, sizes, DIE
 * offset, abbreviations).  *next is where the following unit starts.
 * Returns 1 for a unit to use, 0 for one to skip (unsupported version or
 * address size), -1 when the section cannot be read further. */
static int read_unit_header(struct info *in, struct rd *r, struct unit *u,
			    const uint8_t **next)
{
	const struct secdata *info = &in->sc->info;
	u->start = (uint64_t)(r->p - info->p);
	u->offsize = 4;
	uint64_t len = rd_n(r, 4);
	if (len == 0xffffffff) {
		u->offsize = 8;
		len = rd_n(r, 8);
	}
	if (r->bad || len > (uint64_t)(r->end - r->p))
		return -1;
	*next = r->p + len;
	u->end = (uint64_t)(*next - info->p);
	u->version = (unsigned)rd_n(r, 2);
	uint64_t abbrev_off;
	if (u->version >= 5) {
		unsigned type = (unsigned)rd_n(r, 1);
		u->addrsize = (int)rd_n(r, 1);
		abbrev_off = rd_n(r, u->offsize);
		if (type == 4 || type == 5) /* skeleton, split */
			u->dwo_id = rd_n(r, 8);
		else if (type == 2 || type == 6) { /* type units */
			rd_n(r, 8);
			rd_n(r, u->offsize);
		}
	} else {
		abbrev_off = rd_n(r, u->offsize);
		u->addrsize = (int)rd_n(r, 1);
	}
	if (r->bad || u->version < 2 || u->version > 5 ||
	    (u->addrsize != 4 && u->addrsize != 8))
		return 0;
	u->dies = (uint64_t)(r->p - info->p);
	uint64_t ab_base = 0, id = 0;
	if (in->sc->cu_index.p &&
	    index_row(&in->sc->cu_index, u->start, &ab_base, &u->str_contrib,
		      &id))
		u->dwo_id = id;
	u->ab = abbrevs_get(in, ab_base + abbrev_off);
	u->prog = -1;
	return 1;
}

/* Reads every unit header, then walks each unit's DIEs for inlined
 * calls. */
static void read_units(struct info *in)
{
	const struct secdata *info = &in->sc->info;
	struct rd r = { info->p, info->p + info->n, false };
	while (r.p < r.end && !r.bad) {
		struct unit u = { 0 };
		const uint8_t *next;
		int k = read_unit_header(in, &r, &u, &next);
		if (k < 0)
			break;
		if (k == 0) {
			r.p = next;
			continue;
		}
		vec_push(&in->units, u);
		r.p = next;
	}

	for (int k = 0; k < in->units.n; k++) {
		struct unit *u = &in->units.v[k];
		struct rd dr = { info->p + u->dies, info->p + u->end, false };
		struct die d;
		if (!read_die(in, u, &dr, &d))
			continue;
		/* the unit DIE: bases first, then what needs them */
		if (d.has_str_base)
			u->str_base = d.str_base;
		else if (u->version >= 5)
			u->str_base = 8; /* past a .debug_str_offsets header */
		if (d.has_addr_base)
			u->addr_base = d.addr_base;
		if (d.has_rng_base)
			u->rng_base = d.rng_base;
		if (d.has_low)
			u->low_pc = die_addr(in, u, d.low, d.low_x);
		if (d.has_stmt)
			for (int i = 0; i < in->dl->progs.n; i++)
				if (in->dl->progs.v[i].offset == d.stmt)
					u->prog = i;
		if (!d.ab->children)
			continue;
		int depth = 1;
		while (depth > 0 && dr.p < dr.end) {
			if (!read_die(in, u, &dr, &d)) {
				if (dr.bad)
					break;
				depth--; /* a null entry ends a list of children */
				continue;
			}
			if (d.ab->tag == DW_TAG_inlined_subroutine) {
				const char *n = die_name(in, u, &d);
				if (!n)
					n = origin_name(in, d.origin);
				int file = -1;
				if (u->prog >= 0 && d.call_file >= 0) {
					const struct prog *pg =
						&in->dl->progs.v[u->prog];
					int64_t i = d.call_file - pg->first;
					if (i >= 0 && i < pg->n)
						file = pg->base + (int)i;
				}
				if (n)
					die_ranges(in, u, &d, depth,
						   name_copy(in->dl, n), file,
						   d.call_line);
			}
			if (d.ab->children)
				depth++;
		}
	}
}

static void info_free(struct info *in)
{
	for (int i = 0; i < in->abs.n; i++) {
		vec_free(&in->abs.v[i]->v);
		vec_free(&in->abs.v[i]->attrs);
		free(in->abs.v[i]);
	}
	vec_free(&in->abs);
	vec_free(&in->units);
}

static int scope_cmp(const void *a, const void *b)
{
	const struct scope *x = a, *y = b;
	if (x->depth != y->depth)
		return x->depth < y->depth ? -1 : 1;
	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

int dwarf_inlined_at(const struct dwarf_lines *dl, uint64_t vaddr,
		     struct dwarf_inline *out, int max)
{
	/* scopes are sorted by depth: one holding vaddr per depth, outer
	   calls first */
	int n = 0, last_depth = 0;
	for (int i = 0; i < dl->scopes.n && n < max; i++) {
		const struct scope *sc = &dl->scopes.v[i];
		if (vaddr < sc->lo || vaddr >= sc->hi || sc->depth == last_depth)
			continue;
		last_depth = sc->depth;
		out[n].name = sc->name;
		out[n].call_file = sc->call_file >= 0
					   ? dl->files.v[sc->call_file] : NULL;
		out[n].call_line = sc->call_line;
		n++;
	}
	return n;
}

/* ---- the ELF file ----------------------------------------------------------- */

static struct secdata section(Elf *e, size_t shstrndx, const char *want)
{
	struct secdata d = { NULL, 0 };
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(e, scn)) != NULL) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type == SHT_NOBITS)
			continue;
		const char *name = elf_strptr(e, shstrndx, sh.sh_name);
		if (!name || strcmp(name, want))
			continue;
		if (sh.sh_flags & SHF_COMPRESSED)
			elf_compress(scn, 0, 0);
		Elf_Data *data = elf_getdata(scn, NULL);
		if (data && data->d_buf) {
			d.p = data->d_buf;
			d.n = data->d_size;
		}
		break;
	}
	return d;
}

/* The DW_AT_comp_dir of the first unit in .debug_info (DWARF 2-4 line
 * tables leave the compilation directory implicit). */
static const char *first_comp_dir(struct info *in)
{
	const struct secdata *info = &in->sc->info;
	struct rd r = { info->p, info->p + info->n, false };
	struct unit u = { 0 };
	u.offsize = 4;
	uint64_t len = rd_n(&r, 4);
	if (len == 0xffffffff) {
		u.offsize = 8;
		len = rd_n(&r, 8);
	}
	u.version = (unsigned)rd_n(&r, 2);
	if (r.bad || u.version < 2 || u.version > 4)
		return NULL;
	uint64_t abbrev_off = rd_n(&r, u.offsize);
	u.addrsize = (int)rd_n(&r, 1);
	u.ab = abbrevs_get(in, abbrev_off);
	uint64_t code = rd_uleb(&r);
	const struct abbrev *ab = abbrev_find(u.ab, code);
	if (r.bad || !ab)
		return NULL;
	for (int i = 0; i < ab->n; i++) {
		const struct abbrev_attr *at = &u.ab->attrs.v[ab->first + i];
		uint64_t num;
		const char *s;
		if (rd_form(&r, at->form, u.offsize, u.addrsize, &in->sc->ss,
			    &num, &s) < 0)
			return NULL;
		if (at->at == DW_AT_comp_dir && s)
			return s;
	}
	return NULL;
}

int dwarf_lines_open(const char *path, struct dwarf_lines **out)
{
	elf_version(EV_CURRENT);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	Elf *e = elf_begin(fd, ELF_C_READ, NULL);
	if (!e || elf_kind(e) != ELF_K_ELF) {
		if (e)
			elf_end(e);
		close(fd);
		return -ENOEXEC;
	}
	size_t shstrndx = 0;
	elf_getshdrstrndx(e, &shstrndx);
	struct secs sc = { 0 };
	struct secdata line = section(e, shstrndx, ".debug_line");
	int err = -ENODATA;
	if (line.p) {
		sc.line_str = section(e, shstrndx, ".debug_line_str");
		sc.str = section(e, shstrndx, ".debug_str");
		sc.info = section(e, shstrndx, ".debug_info");
		sc.abbrev = section(e, shstrndx, ".debug_abbrev");
		sc.str_offsets = section(e, shstrndx, ".debug_str_offsets");
		sc.addr = section(e, shstrndx, ".debug_addr");
		sc.rnglists = section(e, shstrndx, ".debug_rnglists");
		sc.ranges = section(e, shstrndx, ".debug_ranges");
		sc.ss.line_str = sc.line_str.p;
		sc.ss.line_str_len = sc.line_str.n;
		sc.ss.str = sc.str.p;
		sc.ss.str_len = sc.str.n;
		struct info in = { .sc = &sc };
		const char *cd = sc.info.p ? first_comp_dir(&in) : NULL;
		err = dwarf_lines_parse(line.p, line.n, sc.line_str.p,
					sc.line_str.n, sc.str.p, sc.str.n, cd,
					out);
		if (!err && sc.info.p && sc.abbrev.p) {
			in.dl = *out;
			read_units(&in);
			if ((*out)->scopes.n)
				qsort((*out)->scopes.v, (*out)->scopes.n,
				      sizeof(*(*out)->scopes.v), scope_cmp);
		}
		info_free(&in);
	}
	elf_end(e);
	close(fd);
	return err;
}

/* ---- functions' parameters and their types (.debug_info) -----------------
 * A DW_TAG_subprogram with code (not a declaration) named func: its
 * DW_TAG_formal_parameter children, each type converted to a struct type
 * (base types, pointers, structs/unions with members, arrays, typedefs,
 * enums, const/volatile) and to C text as bpftrace prints it
 * ("const char*", "struct Foo*"). */

enum {
	DW_TAG_array_type = 0x01, DW_TAG_enumeration_type = 0x04,
	DW_TAG_formal_parameter = 0x05, DW_TAG_member = 0x0d,
	DW_TAG_pointer_type = 0x0f, DW_TAG_reference_type = 0x10,
	DW_TAG_structure_type = 0x13, DW_TAG_subroutine_type = 0x15,
	DW_TAG_typedef = 0x16, DW_TAG_union_type = 0x17,
	DW_TAG_subrange_type = 0x21, DW_TAG_base_type = 0x24,
	DW_TAG_const_type = 0x26, DW_TAG_subprogram = 0x2e,
	DW_TAG_volatile_type = 0x35, DW_TAG_restrict_type = 0x37,
	DW_TAG_atomic_type = 0x47,
	DW_AT_byte_size = 0x0b, DW_AT_bit_size = 0x0d,
	DW_AT_upper_bound = 0x2f, DW_AT_count = 0x37,
	DW_AT_data_member_location = 0x38, DW_AT_declaration = 0x3c,
	DW_AT_encoding = 0x3e, DW_AT_type = 0x49, DW_AT_data_bit_offset = 0x6b,
	DW_ATE_boolean = 0x02, DW_ATE_signed = 0x05, DW_ATE_signed_char = 0x06,
};

/* The attributes of a DIE the type reader wants. */
struct tdie {
	unsigned tag;
	bool children, declaration, has_size, has_count;
	struct die nm;          /* name, name_form, name_num only */
	uint64_t type;          /* .debug_info offset, 0 none */
	int64_t size, count, member_loc, bit_size, bit_off;
	unsigned encoding;
	bool has_low;
};

static bool read_tdie(const struct info *in, const struct unit *u,
		      struct rd *r, struct tdie *d)
{
	memset(d, 0, sizeof(*d));
	uint64_t code = rd_uleb(r);
	if (!code || r->bad)
		return false;
	const struct abbrev *ab = abbrev_find(u->ab, code);
	if (!ab) {
		r->bad = true;
		return false;
	}
	d->tag = ab->tag;
	d->children = ab->children;
	d->member_loc = -1;
	for (int i = 0; i < ab->n; i++) {
		const struct abbrev_attr *at = &u->ab->attrs.v[ab->first + i];
		uint64_t num = 0;
		const char *str = NULL;
		if (rd_form(r, at->form, u->offsize, u->addrsize, &in->sc->ss,
			    &num, &str) < 0) {
			r->bad = true;
			return false;
		}
		if (at->form == DW_FORM_implicit_const)
			num = (uint64_t)at->implicit;
		switch (at->at) {
		case DW_AT_name:
			d->nm.name_form = at->form;
			d->nm.name_num = num;
			d->nm.name = str;
			break;
		case DW_AT_type:
			if (is_ref_form(at->form))
				d->type = u->start + num;
			else if (at->form == DW_FORM_ref_addr)
				d->type = num;
			break;
		case DW_AT_byte_size:
			d->has_size = true;
			d->size = (int64_t)num;
			break;
		case DW_AT_bit_size:
			d->bit_size = (int64_t)num;
			break;
		case DW_AT_data_bit_offset:
			d->bit_off = (int64_t)num;
			break;
		case DW_AT_upper_bound:
			if (is_const_form(at->form)) {
				d->has_count = true;
				d->count = (int64_t)num + 1;
			}
			break;
		case DW_AT_count:
			if (is_const_form(at->form)) {
				d->has_count = true;
				d->count = (int64_t)num;
			}
			break;
		case DW_AT_data_member_location:
			if (is_const_form(at->form))
				d->member_loc = (int64_t)num;
			break;
		case DW_AT_declaration:
			d->declaration = num != 0;
			break;
		case DW_AT_encoding:
			d->encoding = (unsigned)num;
			break;
		case DW_AT_low_pc:
			d->has_low = true;
			break;
		}
	}
	return true;
}

struct tconv {
	struct info *in;
	VEC(uint64_t) offs;     /* structs being or already converted */
	VEC(struct type *) types;
	int depth;
};

static bool tdie_at(struct tconv *tc, uint64_t off, const struct unit **u,
		    struct rd *r, struct tdie *d)
{
	*u = unit_at(tc->in, off);
	if (!*u)
		return false;
	r->p = tc->in->sc->info.p + off;
	r->end = tc->in->sc->info.p + (*u)->end;
	r->bad = false;
	return read_tdie(tc->in, *u, r, d);
}

static const char *tdie_name(struct tconv *tc, const struct unit *u,
			     const struct tdie *d)
{
	return die_name(tc->in, u, &d->nm);
}

/* The C text of the type at off ("void" for 0). */
static const char *type_ctext(struct tconv *tc, uint64_t off, int depth)
{
	const struct unit *u;
	struct rd r;
	struct tdie d;
	if (!off)
		return "void";
	if (depth > 16 || !tdie_at(tc, off, &u, &r, &d))
		return "?";
	const char *n = tdie_name(tc, u, &d);
	switch (d.tag) {
	case DW_TAG_base_type:
	case DW_TAG_typedef:
		return n ? tt_strdup(n) : "?";
	case DW_TAG_structure_type:
		return tt_sprintf("struct %s", n ? n : "(anonymous)");
	case DW_TAG_union_type:
		return tt_sprintf("union %s", n ? n : "(anonymous)");
	case DW_TAG_enumeration_type:
		return tt_sprintf("enum %s", n ? n : "(anonymous)");
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
		return tt_sprintf("%s*", type_ctext(tc, d.type, depth + 1));
	case DW_TAG_const_type:
		return tt_sprintf("const %s", type_ctext(tc, d.type, depth + 1));
	case DW_TAG_volatile_type:
		return tt_sprintf("volatile %s",
				  type_ctext(tc, d.type, depth + 1));
	case DW_TAG_restrict_type:
	case DW_TAG_atomic_type:
		return type_ctext(tc, d.type, depth + 1);
	case DW_TAG_subroutine_type:
		return "void (*)()";
	case DW_TAG_array_type: {
		struct strbuf sb = { 0 };
		sb_printf(&sb, "%s", type_ctext(tc, d.type, depth + 1));
		if (d.children) {
			struct tdie c;
			while (read_tdie(tc->in, u, &r, &c))
				if (c.tag == DW_TAG_subrange_type)
					sb_printf(&sb, "[%lld]",
						  (long long)(c.has_count
								  ? c.count
								  : 0));
		}
		const char *s = tt_strdup(sb.s);
		sb_free(&sb);
		return s;
	}
	}
	return "?";
}

static struct type *conv_type(struct tconv *tc, uint64_t off);

static bool is_char_type(struct tconv *tc, uint64_t off)
{
	for (int hops = 0; off && hops < 8; hops++) {
		const struct unit *u;
		struct rd r;
		struct tdie d;
		if (!tdie_at(tc, off, &u, &r, &d))
			return false;
		if (d.tag == DW_TAG_base_type)
			return d.size == 1 && (d.encoding == DW_ATE_signed_char ||
					       d.encoding == 0x08);
		if (d.tag != DW_TAG_const_type && d.tag != DW_TAG_volatile_type &&
		    d.tag != DW_TAG_typedef)
			return false;
		off = d.type;
	}
	return false;
}

static struct type *conv_struct(struct tconv *tc, uint64_t off,
				const struct unit *u, struct rd *r,
				const struct tdie *d)
{
	for (int i = 0; i < tc->offs.n; i++)
		if (tc->offs.v[i] == off)
			return tc->types.v[i];
	const char *n = tdie_name(tc, u, d);
	struct type *t = type_struct(n ? tt_strdup(n) : NULL,
				     d->tag == DW_TAG_union_type);
	vec_push(&tc->offs, off);
	vec_push(&tc->types, t);
	int align = 1;
	if (d->children) {
		struct tdie m;
		int depth = 1;
		while (depth > 0 && r->p < r->end) {
			if (!read_tdie(tc->in, u, r, &m)) {
				if (r->bad)
					break;
				depth--;
				continue;
			}
			if (depth == 1 && m.tag == DW_TAG_member) {
				const char *mn = tdie_name(tc, u, &m);
				struct rd save = *r;
				struct type *ft = conv_type(tc, m.type);
				*r = save;
				int mo = m.member_loc >= 0 ? (int)m.member_loc : 0;
				if (m.bit_size && m.member_loc < 0)
					mo = (int)(m.bit_off / 8);
				type_add_field(t, mn ? tt_strdup(mn) : NULL, ft, mo);
				struct field *f = &t->fields.v[t->fields.n - 1];
				if (m.bit_size) {
					f->bit_width = (int)m.bit_size;
					f->bit_offset = (int)(m.bit_off % 8);
				}
				if (ft->align > align)
					align = ft->align;
			}
			if (m.children)
				depth++;
		}
	}
	t->size = d->has_size ? (int)d->size : 0;
	t->align = align;
	return t;
}

/* The struct type of the DWARF type at off (void for 0). */
static struct type *conv_type(struct tconv *tc, uint64_t off)
{
	const struct unit *u;
	struct rd r;
	struct tdie d;
	if (!off)
		return type_void();
	if (tc->depth > 32 || !tdie_at(tc, off, &u, &r, &d))
		return type_int(8, false);
	struct type *t;
	tc->depth++;
	switch (d.tag) {
	case DW_TAG_base_type:
		if (d.encoding == DW_ATE_boolean && d.size == 1)
			t = type_bool();
		else if (d.size == 1 || d.size == 2 || d.size == 4 ||
			 d.size == 8)
			t = type_int((int)d.size,
				     d.encoding == DW_ATE_signed ||
					     d.encoding == DW_ATE_signed_char);
		else if (d.size > 8 && d.size % 8 == 0)
			t = type_array(type_int(8, false), (int)d.size / 8);
		else
			t = type_array(type_int(1, false),
				       d.size > 0 ? (int)d.size : 1);
		break;
	case DW_TAG_enumeration_type:
		t = type_int(d.has_size && d.size > 0 && d.size <= 8 ? (int)d.size
								     : 4,
			     false);
		break;
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type: {
		const struct unit *pu;
		struct rd pr;
		struct tdie p;
		bool fn = d.type && tdie_at(tc, d.type, &pu, &pr, &p) &&
			  p.tag == DW_TAG_subroutine_type;
		t = type_ptr(fn ? type_void() : conv_type(tc, d.type), AS_USER);
		break;
	}
	case DW_TAG_structure_type:
	case DW_TAG_union_type:
		t = conv_struct(tc, off, u, &r, &d);
		break;
	case DW_TAG_array_type: {
		int dims[8], nd = 0;
		if (d.children) {
			struct tdie c;
			while (read_tdie(tc->in, u, &r, &c))
				if (c.tag == DW_TAG_subrange_type && nd < 8)
					dims[nd++] = c.has_count ? (int)c.count : 0;
		}
		if (!nd)
			dims[nd++] = 0;
		if (is_char_type(tc, d.type) && nd == 1 && dims[0] > 0) {
			t = type_str(dims[0]);
			break;
		}
		t = conv_type(tc, d.type);
		for (int i = nd - 1; i >= 0; i--)
			t = type_array(t, dims[i]);
		break;
	}
	case DW_TAG_typedef:
	case DW_TAG_const_type:
	case DW_TAG_volatile_type:
	case DW_TAG_restrict_type:
	case DW_TAG_atomic_type:
		t = conv_type(tc, d.type);
		break;
	default:
		t = type_int(8, false);
		break;
	}
	tc->depth--;
	return t;
}

/* Opens path's ELF file and the sections .debug_info needs. */
static int open_info(const char *path, int *fd, Elf **e, struct secs *sc)
{
	elf_version(EV_CURRENT);
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0)
		return -errno;
	*e = elf_begin(*fd, ELF_C_READ, NULL);
	if (!*e || elf_kind(*e) != ELF_K_ELF) {
		if (*e)
			elf_end(*e);
		close(*fd);
		return -ENOEXEC;
	}
	size_t shstrndx = 0;
	elf_getshdrstrndx(*e, &shstrndx);
	memset(sc, 0, sizeof(*sc));
	sc->info = section(*e, shstrndx, ".debug_info");
	sc->abbrev = section(*e, shstrndx, ".debug_abbrev");
	sc->str = section(*e, shstrndx, ".debug_str");
	sc->line_str = section(*e, shstrndx, ".debug_line_str");
	sc->str_offsets = section(*e, shstrndx, ".debug_str_offsets");
	sc->addr = section(*e, shstrndx, ".debug_addr");
	sc->ss.line_str = sc->line_str.p;
	sc->ss.line_str_len = sc->line_str.n;
	sc->ss.str = sc->str.p;
	sc->ss.str_len = sc->str.n;
	if (!sc->info.p || !sc->abbrev.p) {
		elf_end(*e);
		close(*fd);
		return -ENODATA;
	}
	return 0;
}

/* A split unit's addresses are in the binary's .debug_addr, from its
 * skeleton's DW_AT_addr_base. */
static uint64_t skel_addr_base(const struct secs *sc, uint64_t id)
{
	for (int i = 0; i < sc->skels.n; i++)
		if (sc->skels.v[i].id == id || sc->skels.n == 1)
			return sc->skels.v[i].addr_base;
	return 0;
}

/* Reads the unit headers and their unit DIEs' bases (no line programs). */
static void read_unit_headers(struct info *in)
{
	struct dwarf_lines none = { 0 };
	in->dl = &none;
	const struct secdata *info = &in->sc->info;
	struct rd r = { info->p, info->p + info->n, false };
	while (r.p < r.end && !r.bad) {
		struct unit u = { 0 };
		const uint8_t *next;
		int k = read_unit_header(in, &r, &u, &next);
		if (k < 0)
			break;
		if (k == 0) {
			r.p = next;
			continue;
		}
		struct rd dr = { info->p + u.dies, info->p + u.end, false };
		struct die d;
		if (read_die(in, &u, &dr, &d)) {
			/* DWARF 5 string offsets start with a header */
			if (d.has_str_base)
				u.str_base = d.str_base;
			else
				u.str_base = u.str_contrib +
					     (u.version >= 5 ? 8 : 0);
			if (d.dwo_id)
				u.dwo_id = d.dwo_id;
			if (d.has_addr_base)
				u.addr_base = d.addr_base;
			else if (in->sc->split)
				u.addr_base = skel_addr_base(in->sc, u.dwo_id);
		}
		vec_push(&in->units, u);
		r.p = next;
	}
	in->dl = NULL;
}

static const char *separate_debug(const char *path);

/* ---- split DWARF ------------------------------------------------------------
 * A skeleton unit (DW_UT_skeleton, or DWARF 4's DW_AT_GNU_dwo_name) keeps
 * the unit's addresses and line table in the binary; its DIEs are in the
 * .dwo file it names (beside the binary, or below DW_AT_comp_dir), or in
 * <binary>.dwp with every .dwo of the binary. */

/* The skeleton units of the binary whose sections sc holds. */
static void read_skels(struct secs *sc)
{
	struct info in = { .sc = sc };
	read_unit_headers(&in);
	for (int k = 0; k < in.units.n; k++) {
		const struct unit *u = &in.units.v[k];
		struct rd r = { sc->info.p + u->dies, sc->info.p + u->end, false };
		struct die d;
		if (!read_die(&in, u, &r, &d) || !d.has_dwo)
			continue;
		const char *n = form_str(&in, u, d.dwo_form, d.dwo_num, d.dwo_s);
		const char *cd = form_str(&in, u, d.cd_form, d.cd_num, d.cd_s);
		if (!n || !*n)
			continue;
		struct skel sk = { u->dwo_id, u->addr_base, tt_strdup(n),
				   cd ? tt_strdup(cd) : NULL };
		vec_push(&sc->skels, sk);
	}
	info_free(&in);
}

/* The .dwo file of skeleton sk of the binary path, or NULL. */
static const char *find_dwo(const char *path, const struct skel *sk)
{
	const char *slash = strrchr(path, '/');
	const char *dir = slash ? tt_strndup(path, (size_t)(slash - path)) : ".";
	const char *base = strrchr(sk->dwo_name, '/');
	base = base ? base + 1 : sk->dwo_name;
	const char *cand[] = {
		sk->dwo_name[0] == '/' ? sk->dwo_name : NULL,
		tt_sprintf("%s/%s", dir, base),
		sk->comp_dir ? tt_sprintf("%s/%s", sk->comp_dir, sk->dwo_name)
			     : NULL,
	};
	for (int i = 0; i < 3; i++)
		if (cand[i] && access(cand[i], R_OK) == 0)
			return cand[i];
	return NULL;
}

/* A binary's .debug_info sections: its own (or its separate debug
 * file's), or a split unit's. */
struct dfile {
	int fd, dfd;
	Elf *e, *de;
	struct secs sc;
};

static void close_debug(struct dfile *df)
{
	vec_free(&df->sc.skels);
	if (df->de)
		elf_end(df->de);
	if (df->dfd >= 0)
		close(df->dfd);
	elf_end(df->e);
	close(df->fd);
}

/* Points df->sc at the split DWARF sections of the .dwo or .dwp file f. */
static int open_split(const char *f, struct dfile *df)
{
	df->dfd = open(f, O_RDONLY | O_CLOEXEC);
	if (df->dfd < 0)
		return -errno;
	df->de = elf_begin(df->dfd, ELF_C_READ, NULL);
	if (!df->de || elf_kind(df->de) != ELF_K_ELF)
		return -ENOEXEC;
	size_t shstrndx = 0;
	elf_getshdrstrndx(df->de, &shstrndx);
	struct secs *sc = &df->sc;
	sc->info = section(df->de, shstrndx, ".debug_info.dwo");
	sc->abbrev = section(df->de, shstrndx, ".debug_abbrev.dwo");
	sc->str = section(df->de, shstrndx, ".debug_str.dwo");
	sc->str_offsets = section(df->de, shstrndx, ".debug_str_offsets.dwo");
	sc->cu_index = section(df->de, shstrndx, ".debug_cu_index");
	sc->line_str = (struct secdata){ NULL, 0 };
	sc->ss.line_str = NULL;
	sc->ss.line_str_len = 0;
	sc->ss.str = sc->str.p;
	sc->ss.str_len = sc->str.n;
	sc->split = true;
	return sc->info.p && sc->abbrev.p ? 0 : -ENODATA;
}

/* Opens the k-th set of .debug_info sections of the binary path: its own
 * or its separate debug file's (k = 0); for split DWARF, the units of
 * <path>.dwp (k = 0) or the .dwo of its k-th skeleton unit.  -ENOENT past
 * the last; another error for a set that cannot be read (skip it). */
static int open_debug(const char *path, int k, struct dfile *df)
{
	df->dfd = -1;
	df->de = NULL;
	int err = open_info(path, &df->fd, &df->e, &df->sc);
	const char *sep;
	if (err == -ENODATA && (sep = separate_debug(path)))
		err = open_info(sep, &df->fd, &df->e, &df->sc);
	if (err < 0)
		return k ? -ENOENT : err;
	read_skels(&df->sc);
	int n = df->sc.skels.n;
	const char *dwp = tt_sprintf("%s.dwp", path);
	if (n && access(dwp, R_OK) == 0)
		n = 1;
	if (!n && !k)
		return 0;
	if (k >= n) {
		close_debug(df);
		return -ENOENT;
	}
	const char *f = n == 1 && access(dwp, R_OK) == 0
				? dwp
				: find_dwo(path, &df->sc.skels.v[k]);
	err = f ? open_split(f, df) : -ENODATA;
	if (err < 0)
		close_debug(df);
	return err;
}

/* The parameters of func in the units of sc; -ENOENT if it has none. */
static int params_in(const struct secs *sc, const char *func,
		     struct dwarf_param **out, int *nout)
{
	struct info in = { .sc = sc };
	read_unit_headers(&in);
	struct tconv tc = { .in = &in };
	int err = -ENOENT;
	for (int k = 0; k < in.units.n && err == -ENOENT; k++) {
		const struct unit *u = &in.units.v[k];
		struct rd r = { sc->info.p + u->dies, sc->info.p + u->end,
				false };
		struct tdie d;
		if (!read_tdie(&in, u, &r, &d) || !d.children)
			continue;
		int depth = 1;
		while (depth > 0 && r.p < r.end) {
			if (!read_tdie(&in, u, &r, &d)) {
				if (r.bad)
					break;
				depth--;
				continue;
			}
			const char *n;
			if (depth == 1 && d.tag == DW_TAG_subprogram &&
			    d.children && !d.declaration && d.has_low &&
			    (n = tdie_name(&tc, u, &d)) && !strcmp(n, func)) {
				VEC(struct dwarf_param) ps = { 0 };
				struct tdie p;
				int pd = 1;
				while (pd > 0 && r.p < r.end) {
					if (!read_tdie(&in, u, &r, &p)) {
						if (r.bad)
							break;
						pd--;
						continue;
					}
					if (pd == 1 &&
					    p.tag == DW_TAG_formal_parameter) {
						struct dwarf_param q;
						struct rd save = r;
						const char *pn =
							tdie_name(&tc, u, &p);
						q.name = tt_strdup(pn ? pn : "");
						q.ctext = type_ctext(&tc, p.type, 0);
						q.type = conv_type(&tc, p.type);
						r = save;
						vec_push(&ps, q);
					}
					if (p.children)
						pd++;
				}
				*nout = ps.n;
				*out = tt_alloc(sizeof(**out) * (ps.n + 1));
				if (ps.n)
					memcpy(*out, ps.v, sizeof(**out) * ps.n);
				vec_free(&ps);
				err = 0;
				break;
			}
			if (d.children)
				depth++;
		}
	}
	vec_free(&tc.offs);
	vec_free(&tc.types);
	info_free(&in);
	return err;
}

int dwarf_func_params(const char *path, const char *func,
		      struct dwarf_param **out, int *nout)
{
	*out = NULL;
	*nout = 0;
	struct dfile df;
	int err = -ENOENT, e, bad = 0;
	for (int k = 0; err == -ENOENT &&
			(e = open_debug(path, k, &df)) != -ENOENT; k++) {
		if (e < 0) {
			bad = e; /* e.g. a .dwo not found: try the others */
			continue;
		}
		err = params_in(&df.sc, func, out, nout);
		close_debug(&df);
	}
	return err == -ENOENT && bad ? bad : err;
}

/* ---- source lines to addresses -------------------------------------------- */

static bool file_matches(const char *path, const char *want)
{
	size_t n = strlen(path), k = strlen(want);
	if (n < k || strcmp(path + n - k, want))
		return false;
	return n == k || path[n - k - 1] == '/' || want[0] == '/';
}

int dwarf_line_addr(const char *path, const char *file, unsigned line,
		    uint64_t *addr)
{
	struct dwarf_lines *dl;
	int err = dwarf_lines_open(path, &dl);
	const char *sep;
	if (err == -ENODATA && (sep = separate_debug(path)))
		err = dwarf_lines_open(sep, &dl);
	if (err < 0)
		return err;
	bool found = false;
	for (int i = 0; i < dl->rows.n; i++) {
		const struct row *rw = &dl->rows.v[i];
		if (rw->line != line || rw->file >= (uint32_t)dl->files.n ||
		    !file_matches(dl->files.v[rw->file], file))
			continue;
		if (!found || rw->addr < *addr)
			*addr = rw->addr;
		found = true;
	}
	dwarf_lines_free(dl);
	return found ? 0 : -ENOENT;
}

/* ---- separate debug files ------------------------------------------------
 * A binary whose debug sections were stripped: its .gnu_debuglink name
 * (else "<name>.debug") looked for in each --debuginfo directory
 * (relative ones below the binary's directory), then beside the binary,
 * in its .debug/ and in /usr/lib/debug/<dir>; last
 * /usr/lib/debug/.build-id/NN/REST.debug by its build id. */

static VEC(char *) debug_dirs;

void dwarf_add_debuginfo_path(const char *dir)
{
	size_t n = strlen(dir);
	char *c = xmalloc(n + 1);
	memcpy(c, dir, n + 1);
	vec_push(&debug_dirs, c);
}

static bool has_section(Elf *e, size_t shstrndx, const char *want)
{
	return section(e, shstrndx, want).p != NULL;
}

static bool readable_elf(const char *p)
{
	return access(p, R_OK) == 0;
}

/* The separate debug file of path (arena memory), or NULL. */
static const char *separate_debug(const char *path)
{
	elf_version(EV_CURRENT);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	Elf *e = elf_begin(fd, ELF_C_READ, NULL);
	if (!e || elf_kind(e) != ELF_K_ELF) {
		if (e)
			elf_end(e);
		close(fd);
		return NULL;
	}
	size_t shstrndx = 0;
	elf_getshdrstrndx(e, &shstrndx);
	const char *res = NULL;
	if (has_section(e, shstrndx, ".debug_info"))
		goto out;
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	const char *dir = base == path ? "." : tt_strndup(path,
						(size_t)(base - 1 - path));
	struct secdata dl = section(e, shstrndx, ".gnu_debuglink");
	const char *link = dl.p && memchr(dl.p, 0, dl.n)
				   ? tt_strdup((const char *)dl.p)
				   : tt_sprintf("%s.debug", base);
	for (int i = 0; i < debug_dirs.n && !res; i++) {
		const char *d = debug_dirs.v[i];
		const char *p = d[0] == '/' ? tt_sprintf("%s/%s", d, link)
					    : tt_sprintf("%s/%s/%s", dir, d, link);
		if (readable_elf(p))
			res = p;
	}
	const char *std[] = { tt_sprintf("%s/%s", dir, link),
			      tt_sprintf("%s/.debug/%s", dir, link),
			      tt_sprintf("/usr/lib/debug/%s/%s", dir, link) };
	for (int i = 0; i < 3 && !res; i++)
		if (strcmp(std[i], path) && readable_elf(std[i]))
			res = std[i];
	struct secdata id = section(e, shstrndx, ".note.gnu.build-id");
	if (!res && id.p && id.n > 16) {
		/* namesz, descsz, type, "GNU\0", then the id */
		uint32_t namesz, descsz;
		memcpy(&namesz, id.p, 4);
		memcpy(&descsz, id.p + 4, 4);
		size_t off = 12 + ((namesz + 3) & ~3u);
		if (descsz >= 2 && off + descsz <= id.n) {
			struct strbuf sb = { 0 };
			sb_printf(&sb, "/usr/lib/debug/.build-id/%02x/",
				  id.p[off]);
			for (uint32_t k = 1; k < descsz; k++)
				sb_printf(&sb, "%02x", id.p[off + k]);
			sb_printf(&sb, ".debug");
			if (readable_elf(sb.s))
				res = tt_strdup(sb.s);
			sb_free(&sb);
		}
	}
out:
	elf_end(e);
	close(fd);
	return res;
}

/* ---- named types of the probed binaries ----------------------------------- */

static VEC(char *) type_bins;

void dwarf_add_type_source(const char *path)
{
	for (int i = 0; i < type_bins.n; i++)
		if (!strcmp(type_bins.v[i], path))
			return;
	size_t n = strlen(path);
	char *c = xmalloc(n + 1);
	memcpy(c, path, n + 1);
	vec_push(&type_bins, c);
}

/* The first defining DIE of tag `tag` called name in path's .debug_info,
 * converted; NULL if none. */
static struct type *type_in_secs(const struct secs *sc, unsigned tag,
				 const char *name)
{
	struct info in = { .sc = sc };
	read_unit_headers(&in);
	struct tconv tc = { .in = &in };
	struct type *t = NULL;
	for (int k = 0; k < in.units.n && !t; k++) {
		const struct unit *u = &in.units.v[k];
		struct rd r = { sc->info.p + u->dies, sc->info.p + u->end,
				false };
		struct tdie d;
		int depth = 0;
		while (r.p < r.end && !t) {
			uint64_t off = (uint64_t)(r.p - sc->info.p);
			if (!read_tdie(&in, u, &r, &d)) {
				if (r.bad || --depth <= 0)
					break;
				continue;
			}
			const char *n;
			if (d.tag == tag && !d.declaration &&
			    (n = tdie_name(&tc, u, &d)) && !strcmp(n, name))
				t = conv_type(&tc, off);
			if (d.children)
				depth++;
		}
	}
	vec_free(&tc.offs);
	vec_free(&tc.types);
	info_free(&in);
	return t;
}

static struct type *type_in(const char *path, unsigned tag, const char *name)
{
	struct dfile df;
	struct type *t = NULL;
	int e;
	for (int k = 0; !t && (e = open_debug(path, k, &df)) != -ENOENT; k++)
		if (e == 0) {
			t = type_in_secs(&df.sc, tag, name);
			close_debug(&df);
		}
	return t;
}

struct type *dwarf_type_by_name(const char *name)
{
	static const struct { const char *kw; unsigned tag; } kws[] = {
		{ "struct ", DW_TAG_structure_type },
		{ "union ", DW_TAG_union_type },
		{ "enum ", DW_TAG_enumeration_type },
	};
	unsigned tag = DW_TAG_typedef;
	for (size_t i = 0; i < sizeof(kws) / sizeof(kws[0]); i++)
		if (!strncmp(name, kws[i].kw, strlen(kws[i].kw))) {
			tag = kws[i].tag;
			name += strlen(kws[i].kw);
			while (*name == ' ')
				name++;
			break;
		}
	for (int i = 0; i < type_bins.n; i++) {
		struct type *t = type_in(type_bins.v[i], tag, name);
		if (t)
			return t;
	}
	return NULL;
}
