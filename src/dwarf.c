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
 * with (content type, form) pairs. */
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

struct dwarf_lines {
	VEC(char *) files;
	VEC(struct row) rows;
	VEC(struct seq) seqs;   /* sorted by start once parsed */
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
	int64_t v = 0;
	int shift = 0;
	uint8_t b;
	do {
		if (r->p >= r->end) {
			r->bad = true;
			return 0;
		}
		b = *r->p++;
		if (shift < 64)
			v |= (int64_t)(b & 0x7f) << shift;
		shift += 7;
	} while (b & 0x80);
	if (shift < 64 && (b & 0x40))
		v |= -((int64_t)1 << shift);
	return v;
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
};

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

/* One line program (a unit's) at r; advances r past it. */
static int parse_program(struct dwarf_lines *dl, struct rd *r,
			 const struct strsecs *ss, const char *comp_dir)
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
	int addrsize = 8;
	if (version >= 5) {
		addrsize = (int)rd_n(&u, 1);
		rd_n(&u, 1); /* segment selector size */
	}
	uint64_t hdr_len = rd_n(&u, offsize);
	if (u.bad || hdr_len > (uint64_t)(u.end - u.p))
		return -1;
	const uint8_t *prog = u.p + hdr_len;
	unsigned min_inst = (unsigned)rd_n(&u, 1);
	if (version >= 4)
		rd_n(&u, 1); /* maximum operations per instruction */
	bool is_stmt = rd_n(&u, 1) != 0;
	(void)is_stmt;
	int line_base = (int8_t)rd_n(&u, 1);
	unsigned line_range = (unsigned)rd_n(&u, 1);
	unsigned opcode_base = (unsigned)rd_n(&u, 1);
	uint8_t std_len[256] = { 0 };
	for (unsigned i = 1; i < opcode_base && i < 256; i++)
		std_len[i] = (uint8_t)rd_n(&u, 1);
	if (u.bad || !line_range)
		return -1;

	/* the file table, as indexes into dl->files */
	VEC(uint32_t) fidx = { 0 };
	int first_file = 1; /* v2-4 number files from 1, v5 from 0 */
	if (version >= 5) {
		const char **dpaths = NULL, **fpaths = NULL;
		uint64_t *ddirs = NULL, *fdirs = NULL;
		int nd = read_v5_table(&u, offsize, ss, &dpaths, &ddirs);
		int nf = nd < 0 ? -1
				: read_v5_table(&u, offsize, ss, &fpaths, &fdirs);
		for (int i = 0; i < nf; i++) {
			const char *dir = fdirs[i] < (uint64_t)nd
						  ? dpaths[fdirs[i]] : "";
			char *d = nd > 0 && dir[0] != '/' && dpaths[0][0]
					  ? join_path(dpaths[0], dir)
					  : join_path(NULL, dir);
			vec_push(&fidx, (uint32_t)dl->files.n);
			vec_push(&dl->files, join_path(d, fpaths[i]));
			free(d);
		}
		free(dpaths);
		free(ddirs);
		free(fpaths);
		free(fdirs);
		if (nf < 0) {
			vec_free(&fidx);
			return -1;
		}
		first_file = 0;
	} else {
		VEC(const char *) dirs = { 0 };
		vec_push(&dirs, comp_dir ? comp_dir : "");
		for (;;) {
			const char *d = rd_cstr(&u);
			if (u.bad || !*d)
				break;
			vec_push(&dirs, d);
		}
		for (;;) {
			const char *f = rd_cstr(&u);
			if (u.bad || !*f)
				break;
			uint64_t di = rd_uleb(&u);
			rd_uleb(&u); /* mtime */
			rd_uleb(&u); /* length */
			const char *dir = di < (uint64_t)dirs.n ? dirs.v[di] : "";
			char *d = dir[0] != '/' && di ? join_path(dirs.v[0], dir)
						      : join_path(NULL, dir);
			vec_push(&fidx, (uint32_t)dl->files.n);
			vec_push(&dl->files, join_path(d, f));
			free(d);
		}
		vec_free(&dirs);
	}

	/* the state machine */
	struct rd pr = { prog, u.end, false };
	uint64_t addr = 0;
	int64_t line = 1;
	uint64_t file = 1;
	struct seq sq = { 0 };
#define FILE_ID() (file >= (uint64_t)first_file && \
		   file - first_file < (uint64_t)fidx.n \
		   ? fidx.v[file - first_file] : UINT32_MAX)
#define EMIT() add_row(dl, &sq, addr, FILE_ID(), (uint32_t)line)
	while (pr.p < pr.end && !pr.bad) {
		unsigned op = (unsigned)rd_n(&pr, 1);
		if (op >= opcode_base) {
			unsigned adj = op - opcode_base;
			addr += (uint64_t)(adj / line_range) * min_inst;
			line += line_base + (int)(adj % line_range);
			EMIT();
			continue;
		}
		switch (op) {
		case 0: {
			uint64_t len = rd_uleb(&pr);
			if (!len || len > (uint64_t)(pr.end - pr.p)) {
				pr.bad = true;
				break;
			}
			const uint8_t *next = pr.p + len;
			unsigned sub = (unsigned)rd_n(&pr, 1);
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
				addr = rd_n(&pr, (int)(len - 1) < 8
						       ? (int)(len - 1) : addrsize);
			}
			/* define_file, set_discriminator, vendor ops: no
			   effect on (address, file, line) we keep */
			pr.p = next;
			break;
		}
		case 1: EMIT(); break;                          /* copy */
		case 2: addr += rd_uleb(&pr) * min_inst; break; /* advance_pc */
		case 3: line += rd_sleb(&pr); break;            /* advance_line */
		case 4: file = rd_uleb(&pr); break;             /* set_file */
		case 8:                                         /* const_add_pc */
			addr += (uint64_t)((255 - opcode_base) / line_range) *
				min_inst;
			break;
		case 9: addr += rd_n(&pr, 2); break;     /* fixed_advance_pc */
		default:
			for (unsigned i = 0; i < std_len[op]; i++)
				rd_uleb(&pr);
		}
	}
#undef EMIT
#undef FILE_ID
	vec_free(&fidx);
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
		if (parse_program(dl, &r, &ss, comp_dir) < 0)
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

/* ---- the ELF file ----------------------------------------------------------- */

struct secdata {
	const uint8_t *p;
	size_t n;
};

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

enum { DW_AT_comp_dir = 0x1b };

/* The DW_AT_comp_dir of the first unit in .debug_info (DWARF 2-4 line
 * tables leave the compilation directory implicit). */
static const char *first_comp_dir(struct secdata info, struct secdata abbrev,
				  const struct strsecs *ss)
{
	struct rd r = { info.p, info.p + info.n, false };
	int offsize = 4;
	uint64_t len = rd_n(&r, 4);
	if (len == 0xffffffff) {
		offsize = 8;
		len = rd_n(&r, 8);
	}
	unsigned version = (unsigned)rd_n(&r, 2);
	uint64_t abbrev_off;
	int addrsize;
	if (version >= 5) {
		rd_n(&r, 1); /* unit type */
		addrsize = (int)rd_n(&r, 1);
		abbrev_off = rd_n(&r, offsize);
	} else {
		abbrev_off = rd_n(&r, offsize);
		addrsize = (int)rd_n(&r, 1);
	}
	uint64_t code = rd_uleb(&r);
	if (r.bad || !abbrev.p || abbrev_off >= abbrev.n)
		return NULL;
	/* find the abbreviation, then read the DIE along it */
	struct rd a = { abbrev.p + abbrev_off, abbrev.p + abbrev.n, false };
	while (a.p < a.end && !a.bad) {
		uint64_t c = rd_uleb(&a);
		if (!c)
			return NULL;
		rd_uleb(&a); /* tag */
		rd_n(&a, 1); /* has children */
		bool mine = c == code;
		for (;;) {
			unsigned at = (unsigned)rd_uleb(&a);
			unsigned form = (unsigned)rd_uleb(&a);
			if (form == DW_FORM_implicit_const)
				rd_sleb(&a);
			if (a.bad || (!at && !form))
				break;
			if (!mine)
				continue;
			uint64_t num;
			const char *s;
			if (rd_form(&r, form, offsize, addrsize, ss, &num, &s) < 0)
				return NULL;
			if (at == DW_AT_comp_dir && s)
				return s;
		}
		if (mine)
			return NULL;
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
	struct secdata line = section(e, shstrndx, ".debug_line");
	int err = -ENODATA;
	if (line.p) {
		struct secdata ls = section(e, shstrndx, ".debug_line_str");
		struct secdata st = section(e, shstrndx, ".debug_str");
		struct secdata info = section(e, shstrndx, ".debug_info");
		struct secdata abbrev = section(e, shstrndx, ".debug_abbrev");
		struct strsecs ss = { ls.p, st.p, ls.n, st.n };
		const char *cd = info.p ? first_comp_dir(info, abbrev, &ss)
					: NULL;
		err = dwarf_lines_parse(line.p, line.n, ls.p, ls.n, st.p, st.n,
					cd, out);
	}
	elf_end(e);
	close(fd);
	return err;
}
