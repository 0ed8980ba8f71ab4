/* elf.c — user binaries: ELF symbols, file offsets and USDT notes
 * (libelf), USDT argument specs, and where a binary named in a probe
 * lives (elf_syms.h).
 *
 * Takes: a path (or a name and maybe a pid).  Produces: arena-allocated
 * descriptions of the binary: function symbols sorted by name, PT_LOAD
 * segments (virtual address -> file offset), USDT notes with their pc
 * adjusted by .stapsdt.base as SystemTap specifies and their argument
 * specs parsed into pt_regs offsets. */
#include "elf_syms.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arch.h"
#include "probes.h"

/* ---- reading an ELF file ------------------------------------------------ */

typedef VEC(struct elf_sym) sym_vec;
typedef VEC(struct usdt_note) note_vec;

static int cmp_sym(const void *a, const void *b)
{
	const struct elf_sym *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	if (c)
		return c;
	/* a sized entry first: it is the one kept */
	return (x->size == 0) - (y->size == 0);
}

/* Function symbols into syms, data objects into objs. */
static void read_symbols(Elf *e, Elf_Scn *scn, GElf_Shdr *sh,
			 sym_vec *syms, sym_vec *objs)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	if (!d || !sh->sh_entsize)
		return;
	size_t n = sh->sh_size / sh->sh_entsize;
	for (size_t i = 0; i < n; i++) {
		GElf_Sym s;
		if (!gelf_getsym(d, (int)i, &s))
			continue;
		int t = GELF_ST_TYPE(s.st_info);
		if (t != STT_FUNC && t != STT_GNU_IFUNC && t != STT_OBJECT)
			continue;
		if (s.st_shndx == SHN_UNDEF || s.st_value == 0)
			continue;
		const char *name = elf_strptr(e, sh->sh_link, s.st_name);
		if (!name || !*name)
			continue;
		struct elf_sym es = { tt_strdup(name), s.st_value, s.st_size };
		if (t == STT_OBJECT)
			vec_push(objs, es);
		else
			vec_push(syms, es);
	}
}

static uint64_t note_addr(const unsigned char *p, bool is64)
{
	if (is64) {
		uint64_t v;
		memcpy(&v, p, 8);
		return v;
	}
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

/* The notes of one .note.stapsdt section.  base_sec: sh_addr of
 * .stapsdt.base (0 = no such section). */
static void read_notes(struct elf_bin *b, Elf_Scn *scn, bool is64,
		       uint64_t base_sec, note_vec *notes)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	if (!d)
		return;
	size_t off = 0, next, name_off, desc_off;
	GElf_Nhdr nh;
	int asz = is64 ? 8 : 4;
	while ((next = gelf_getnote(d, off, &nh, &name_off, &desc_off)) > 0) {
		off = next;
		const char *owner = (const char *)d->d_buf + name_off;
		if (nh.n_type != 3 || nh.n_namesz != 8 ||
		    memcmp(owner, "stapsdt", 8))
			continue;
		const unsigned char *desc =
			(const unsigned char *)d->d_buf + desc_off;
		size_t dsz = nh.n_descsz;
		if (dsz < (size_t)3 * asz + 3)
			continue;
		struct usdt_note n = { 0 };
		n.pc = note_addr(desc, is64);
		n.base = note_addr(desc + asz, is64);
		n.sema = note_addr(desc + 2 * asz, is64);
		const char *s = (const char *)desc + 3 * asz;
		const char *end = (const char *)desc + dsz;
		const char *prov = s;
		const char *name = memchr(prov, 0, end - prov);
		if (!name)
			continue;
		name++;
		const char *args = memchr(name, 0, end - name);
		if (!args)
			continue;
		args++;
		const char *aend = memchr(args, 0, end - args);
		n.provider = tt_strdup(prov);
		n.name = tt_strdup(name);
		n.args_text = aend ? tt_strdup(args) : "";
		/* prelink moves the sections but not the notes: the
		   difference between where .stapsdt.base is and where the
		   note says it was moves pc and the semaphore too */
		uint64_t diff = n.base && base_sec ? base_sec - n.base : 0;
		n.pc_vaddr = n.pc + diff;
		vec_push(notes, n);
	}
	(void)b;
}

/* v sorted by name, one entry per name (the sized one), in the arena;
 * frees v. */
static struct elf_sym *sorted_unique(sym_vec *v, int *n)
{
	if (v->n)
		qsort(v->v, v->n, sizeof(*v->v), cmp_sym);
	struct elf_sym *a = tt_alloc(sizeof(*a) * (v->n + 1));
	*n = 0;
	for (int i = 0; i < v->n; i++)
		if (!*n || strcmp(a[*n - 1].name, v->v[i].name))
			a[(*n)++] = v->v[i];
	vec_free(v);
	return a;
}

/* ---- ZIP archives -------------------------------------------------------- */

static uint32_t le16(const uint8_t *p) { return p[0] | (uint32_t)p[1] << 8; }
static uint32_t le32(const uint8_t *p) { return le16(p) | le16(p + 2) << 16; }

const char *elf_zip_file(const char *path)
{
	const char *bang = strstr(path, "!/");
	return bang ? tt_strndup(path, (size_t)(bang - path)) : path;
}

/* Where member's bytes start in the ZIP archive open on fd, and their
 * size: it must be stored (method 0), as a loader maps it in place.
 * -ENOENT when it is not there, -ENOEXEC when the file is no ZIP or the
 * member is compressed. */
static int zip_member(int fd, const char *member, uint64_t *off,
		      uint64_t *size)
{
	struct stat st;
	uint8_t tail[65536 + 22], lh[30];
	if (fstat(fd, &st) < 0)
		return -errno;
	size_t n = st.st_size < (off_t)sizeof(tail) ? (size_t)st.st_size
						    : sizeof(tail);
	if (n < 22 || pread(fd, tail, n, st.st_size - (off_t)n) != (ssize_t)n)
		return -ENOEXEC;
	long eocd = (long)n - 22; /* end of central directory, a comment after */
	while (eocd >= 0 && le32(tail + eocd) != 0x06054b50)
		eocd--;
	if (eocd < 0)
		return -ENOEXEC;
	uint32_t cd_size = le32(tail + eocd + 12), cd_off = le32(tail + eocd + 16);
	if ((uint64_t)cd_off + cd_size > (uint64_t)st.st_size)
		return -ENOEXEC;
	uint8_t *cd = xmalloc(cd_size + 1);
	int err = -ENOENT;
	if (pread(fd, cd, cd_size, cd_off) != (ssize_t)cd_size)
		cd_size = 0, err = -ENOEXEC;
	size_t mlen = strlen(member);
	for (uint32_t at = 0; at + 46 <= cd_size && le32(cd + at) == 0x02014b50;) {
		uint32_t nlen = le16(cd + at + 28), elen = le16(cd + at + 30),
			 clen = le16(cd + at + 32);
		if (at + 46 + nlen > cd_size)
			break;
		if (nlen == mlen && !memcmp(cd + at + 46, member, mlen)) {
			uint32_t lho = le32(cd + at + 42);
			*size = le32(cd + at + 24);
			err = le16(cd + at + 10) != 0 ? -ENOEXEC : 0;
			if (!err && (pread(fd, lh, 30, lho) != 30 ||
				     le32(lh) != 0x04034b50))
				err = -ENOEXEC;
			if (!err)
				*off = (uint64_t)lho + 30 + le16(lh + 26) +
				       le16(lh + 28);
			break;
		}
		at += 46 + nlen + elen + clen;
	}
	free(cd);
	return err;
}

static int bin_read(const char *path, struct elf_bin **out);

/* The files read so far (this arena's): a script probing 18 functions of
 * libcrypto reads its symbol table once, not 18 times (10 MB -> 4 MB). */
static struct bin_cache {
	const char *path;
	struct elf_bin *bin;
	dev_t dev;
	ino_t ino;
	struct timespec mtime;
} *bins;
static int nbins;
static unsigned bins_gen;

int elf_bin_open(const char *path, struct elf_bin **out)
{
	if (bins_gen != arena_generation()) {
		free(bins);
		bins = NULL;
		nbins = 0;
		bins_gen = arena_generation();
	}
	struct stat st;
	if (stat(elf_zip_file(path), &st) < 0)
		return -errno;
	for (int i = 0; i < nbins; i++)
		if (!strcmp(bins[i].path, path) && bins[i].dev == st.st_dev &&
		    bins[i].ino == st.st_ino &&
		    bins[i].mtime.tv_sec == st.st_mtim.tv_sec &&
		    bins[i].mtime.tv_nsec == st.st_mtim.tv_nsec) {
			*out = bins[i].bin;
			return 0;
		}
	int err = bin_read(path, out);
	if (err < 0)
		return err;
	bins = xrealloc(bins, (nbins + 1) * sizeof(*bins));
	bins[nbins++] = (struct bin_cache){ tt_strdup(path), *out, st.st_dev,
					    st.st_ino, st.st_mtim };
	return 0;
}

static int bin_read(const char *path, struct elf_bin **out)
{
	static bool inited;
	if (!inited) {
		elf_version(EV_CURRENT);
		inited = true;
	}
	/* "app.zip!/lib/x.so": the member x.so, stored in the archive; its
	   file offsets are the archive's (what the uprobe is placed by) */
	const char *file = elf_zip_file(path);
	uint64_t base = 0, size = 0;
	char *image = NULL;
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	Elf *e = NULL;
	if (file != path) {
		int err = zip_member(fd, path + strlen(file) + 2, &base, &size);
		if (!err && size) {
			image = xmalloc(size);
			if (pread(fd, image, size, (off_t)base) != (ssize_t)size)
				err = -ENOEXEC;
		}
		if (err || !size) {
			free(image);
			close(fd);
			return err ? err : -ENOEXEC;
		}
		e = elf_memory(image, size);
	} else {
		e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	}
	GElf_Ehdr eh;
	if (!e || elf_kind(e) != ELF_K_ELF || !gelf_getehdr(e, &eh)) {
		if (e)
			elf_end(e);
		free(image);
		close(fd);
		return -ENOEXEC;
	}
	bool is64 = gelf_getclass(e) == ELFCLASS64;
	struct elf_bin *b = tt_alloc(sizeof(*b));
	b->path = tt_strdup(file);
	b->type = eh.e_type;

	size_t phnum = 0;
	elf_getphdrnum(e, &phnum);
	b->segs = tt_alloc(sizeof(*b->segs) * (phnum + 1));
	for (size_t i = 0; i < phnum; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(e, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		struct elf_seg *s = &b->segs[b->nsegs++];
		s->vaddr = ph.p_vaddr;
		s->memsz = ph.p_memsz;
		s->offset = ph.p_offset + base;
		s->filesz = ph.p_filesz;
		s->flags = ph.p_flags;
	}

	size_t shstrndx = 0;
	elf_getshdrstrndx(e, &shstrndx);
	sym_vec syms = { 0 }, objs = { 0 };
	note_vec notes = { 0 };
	Elf_Scn *scn = NULL, *note_scn = NULL;
	uint64_t base_sec = 0;
	while ((scn = elf_nextscn(e, scn)) != NULL) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh))
			continue;
		const char *name = elf_strptr(e, shstrndx, sh.sh_name);
		if (sh.sh_type == SHT_SYMTAB || sh.sh_type == SHT_DYNSYM)
			read_symbols(e, scn, &sh, &syms, &objs);
		else if (sh.sh_type == SHT_NOTE && name &&
			 !strcmp(name, ".note.stapsdt"))
			note_scn = scn;
		else if (name && !strcmp(name, ".stapsdt.base"))
			base_sec = sh.sh_addr;
	}
	if (note_scn)
		read_notes(b, note_scn, is64, base_sec, &notes);

	b->syms = sorted_unique(&syms, &b->nsyms);
	b->objs = sorted_unique(&objs, &b->nobjs);

	b->notes = tt_alloc(sizeof(*b->notes) * (notes.n + 1));
	for (int i = 0; i < notes.n; i++) {
		struct usdt_note *n = &b->notes[b->nnotes++];
		*n = notes.v[i];
		if (elf_vaddr_to_offset(b, n->pc_vaddr, &n->pc_off) < 0)
			n->pc_off = n->pc_vaddr;
		if (n->sema) {
			uint64_t sv = n->sema + (n->pc_vaddr - n->pc);
			if (elf_vaddr_to_offset(b, sv, &n->sema_off) < 0)
				n->sema_off = 0;
		}
		int k = usdt_parse_args(n->args_text, n->args, USDT_MAX_ARGS,
					b, n->pc_vaddr, &n->args_err);
		n->args_ok = k >= 0;
		n->nargs = k >= 0 ? k : 0;
	}
	vec_free(&notes);
	elf_end(e);
	free(image);
	close(fd);
	*out = b;
	return 0;
}

static const struct elf_sym *find(const struct elf_sym *syms, int n,
				  const char *name)
{
	int lo = 0, hi = n - 1;
	while (lo <= hi) {
		int mid = (lo + hi) / 2;
		int c = strcmp(syms[mid].name, name);
		if (!c)
			return &syms[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NULL;
}

const struct elf_sym *elf_sym_find(const struct elf_bin *b, const char *name)
{
	return find(b->syms, b->nsyms, name);
}

const struct elf_sym *elf_obj_find(const struct elf_bin *b, const char *name)
{
	return find(b->objs, b->nobjs, name);
}

const struct elf_sym *elf_sym_at(const struct elf_bin *b, uint64_t vaddr)
{
	const struct elf_sym *best = NULL;
	for (int i = 0; i < b->nsyms; i++) {
		const struct elf_sym *s = &b->syms[i];
		bool in = s->size ? vaddr >= s->addr && vaddr < s->addr + s->size
				  : vaddr == s->addr;
		if (in && (!best || s->addr > best->addr))
			best = s;
	}
	return best;
}

int elf_vaddr_to_offset(const struct elf_bin *b, uint64_t vaddr,
			uint64_t *off)
{
	for (int i = 0; i < b->nsegs; i++) {
		const struct elf_seg *s = &b->segs[i];
		if (vaddr >= s->vaddr && vaddr < s->vaddr + s->filesz) {
			*off = vaddr - s->vaddr + s->offset;
			return 0;
		}
	}
	return -ERANGE;
}

/* ---- USDT argument specs --------------------------------------------------
 * x86-64 (AT&T syntax): "-4@%edi", "8@-16(%rbp)", "-4@$5",
 * "8@(%rax,%rdx,8)", "4@foo+8(%rip)"; aarch64: "-4@w0", "8@[x29, -16]",
 * "8@[sp]", "-4@5".  Register names and offsets come from arch.h. */

int usdt_reg_offset(const char *name, int *width, int *shift)
{
	return arch_usdt_reg(name, width, shift);
}

static bool parse_int(const char *s, const char *end, int64_t *v)
{
	if (s == end)
		return false;
	char buf[64];
	size_t n = (size_t)(end - s);
	if (n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = 0;
	char *e;
	errno = 0;
	long long x = strtoll(buf, &e, 0);
	if (errno == ERANGE && buf[0] != '-') {
		/* 0xffffffffffffffff and friends */
		errno = 0;
		x = (long long)strtoull(buf, &e, 0);
	}
	if (errno || *e)
		return false;
	*v = x;
	return true;
}

/* A displacement: "", "-16", "0x10", "sym", "sym+8", "sym-8".  *sym is
 * set when a symbol is named. */
static bool parse_disp(const char *s, const char *end, int64_t *disp,
		       const char **sym)
{
	*disp = 0;
	*sym = NULL;
	if (s == end)
		return true;
	if (parse_int(s, end, disp))
		return true;
	const char *p = s;
	while (p < end && (isalnum((unsigned char)*p) || *p == '_' ||
			   *p == '.' || *p == '$'))
		p++;
	if (p == s)
		return false;
	*sym = tt_strndup(s, p - s);
	if (p == end)
		return true;
	if (*p != '+' && *p != '-')
		return false;
	return parse_int(*p == '+' ? p + 1 : p, end, disp);
}

static bool parse_reg(const char *s, const char *end, int *off, int *width,
		      int *shift)
{
	char buf[16];
	size_t n = (size_t)(end - s);
	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = 0;
	*off = usdt_reg_offset(buf, width, shift);
	return *off >= 0;
}

static const struct elf_sym *any_sym(const struct elf_bin *b,
				     const char *name)
{
	const struct elf_sym *s = b ? elf_obj_find(b, name) : NULL;
	return s ? s : b ? elf_sym_find(b, name) : NULL;
}

/* aarch64's memory operand: "[base]" or "[base, disp]" (spaces are
 * gone by now). */
static const char *parse_bracket(const char *s, const char *end,
				 struct usdt_arg *a)
{
	int width, shift;
	if (end[-1] != ']')
		return "memory operand";
	const char *comma = memchr(s, ',', end - s);
	const char *rend = comma ? comma : end - 1;
	if (!parse_reg(s + 1, rend, &a->reg, &width, &shift) || width != 8)
		return "base register";
	a->kind = USDT_ARG_MEM;
	a->disp = 0;
	if (comma && !parse_int(comma + 1, end - 1, &a->disp))
		return "displacement";
	return NULL;
}

/* One operand (after "N@"). */
static const char *parse_operand(const char *s, struct usdt_arg *a,
				 const struct elf_bin *b, uint64_t pc_vaddr)
{
	const char *end = s + strlen(s);
	int width, shift;
	a->reg = a->idx = -1;
	a->scale = 1;
	if (*s == '$') {
		a->kind = USDT_ARG_CONST;
		if (!parse_int(s + 1, end, &a->val))
			return "constant";
		return NULL;
	}
	if (*s == '%' || isalpha((unsigned char)*s)) {
		/* %reg (x86-64), or a bare register (aarch64; on x86-64 a
		   symbol, below) */
		if (parse_reg(s, end, &a->reg, &width, &a->reg_shift)) {
			a->kind = USDT_ARG_REG;
			return NULL;
		}
		if (*s == '%')
			return "register";
	}
	if (*s == '[')
		return parse_bracket(s, end, a);
	if (arch_current()->usdt_bare_const && parse_int(s, end, &a->val)) {
		a->kind = USDT_ARG_CONST;
		return NULL;
	}
	/* disp(base,index,scale) or just disp */
	const char *lp = strchr(s, '(');
	const char *dend = lp ? lp : end;
	const char *sym;
	int64_t disp;
	if (!parse_disp(s, dend, &disp, &sym))
		return "displacement";
	a->kind = USDT_ARG_MEM;
	a->disp = disp;
	if (lp) {
		const char *rp = strchr(lp, ')');
		if (!rp || rp[1])
			return "memory operand";
		const char *p = lp + 1;
		const char *c1 = memchr(p, ',', rp - p);
		const char *bend = c1 ? c1 : rp;
		if (bend > p && !parse_reg(p, bend, &a->reg, &width, &shift))
			return "base register";
		if (bend > p && width != 8)
			return "base register";
		if (c1) {
			const char *q = c1 + 1;
			const char *c2 = memchr(q, ',', rp - q);
			const char *iend = c2 ? c2 : rp;
			if (!parse_reg(q, iend, &a->idx, &width, &shift) ||
			    width != 8)
				return "index register";
			if (c2) {
				int64_t sc;
				if (!parse_int(c2 + 1, rp, &sc) ||
				    (sc != 1 && sc != 2 && sc != 4 && sc != 8))
					return "scale";
				a->scale = (int)sc;
			}
		}
	}
	if (a->reg == arch_current()->ip_off) {
		if (a->idx >= 0)
			return "%rip with an index";
		uint64_t target = (uint64_t)disp;
		if (sym) {
			const struct elf_sym *es = any_sym(b, sym);
			if (!es)
				return tt_sprintf("symbol %s", sym);
			target = es->addr + (uint64_t)disp;
		} else {
			target = pc_vaddr + (uint64_t)disp;
		}
		a->kind = USDT_ARG_MEM_IP;
		a->reg = -1;
		a->disp = (int64_t)(target - pc_vaddr);
		return NULL;
	}
	if (sym) {
		/* an absolute symbol address: right for non-PIE binaries */
		const struct elf_sym *es = any_sym(b, sym);
		if (!es)
			return tt_sprintf("symbol %s", sym);
		a->disp += (int64_t)es->addr;
	}
	return NULL;
}

int usdt_parse_args(const char *spec, struct usdt_arg *args, int max,
		    const struct elf_bin *b, uint64_t pc_vaddr,
		    const char **err)
{
	int n = 0;
	const char *p = spec ? spec : "";
	*err = NULL;
	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		const char *e = p;
		/* an operand has no spaces except after commas inside ()
		   (x86-64) or [] (aarch64) */
		int depth = 0;
		while (*e && (depth || !isspace((unsigned char)*e))) {
			if (*e == '(' || *e == '[')
				depth++;
			else if (*e == ')' || *e == ']')
				depth--;
			e++;
		}
		char *tok = tt_strndup(p, e - p);
		p = e;
		if (n == max) {
			*err = tt_sprintf("more than %d arguments", max);
			return -EINVAL;
		}
		/* remove the spaces a few assemblers put after commas */
		char *w = tok;
		for (char *r = tok; *r; r++)
			if (!isspace((unsigned char)*r))
				*w++ = *r;
		*w = 0;
		struct usdt_arg *a = &args[n];
		memset(a, 0, sizeof(*a));
		a->size = 8;
		const char *op = tok;
		char *at = strchr(tok, '@');
		if (at) {
			int64_t sz;
			if (!parse_int(tok, at, &sz) ||
			    (sz != 1 && sz != 2 && sz != 4 && sz != 8 &&
			     sz != -1 && sz != -2 && sz != -4 && sz != -8)) {
				*err = tt_sprintf("argument %d: bad size in "
						  "'%s'", n, tok);
				return -EINVAL;
			}
			a->is_signed = sz < 0;
			a->size = (int)(sz < 0 ? -sz : sz);
			op = at + 1;
		}
		a->text = tt_strdup(op);
		const char *what = parse_operand(op, a, b, pc_vaddr);
		if (what) {
			*err = tt_sprintf("argument %d: cannot read the %s in "
					  "'%s'", n, what, tok);
			return -EINVAL;
		}
		n++;
	}
	return n;
}

/* The argument count of a usdt attach point: the smallest of its
 * locations' notes (sema checks argN against it). */
int usdt_nargs(const struct attach_point *ap, const char **err)
{
	int n = -1;
	*err = NULL;
	for (int i = 0; i < ap->nlocs; i++) {
		const struct usdt_note *note = ap->locs[i].note;
		if (!note)
			continue;
		if (!note->args_ok) {
			*err = note->args_err;
			return -1;
		}
		if (n < 0 || note->nargs < n)
			n = note->nargs;
	}
	return n < 0 ? 0 : n;
}

/* ---- where binaries live ------------------------------------------------ */

bool elf_is_elf(const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return false;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	unsigned char m[4];
	bool ok = read(fd, m, 4) == 4 && !memcmp(m, "\177ELF", 4);
	close(fd);
	return ok;
}

static const char *ld_cache_path = "/etc/ld.so.cache";

void elf_set_ld_cache(const char *path)
{
	ld_cache_path = path ? path : "/etc/ld.so.cache";
}

/* Does soname (an ld.so.cache key or a file name) name the library the
 * user wrote?  "libc.so.6" must be exact; "c" and "libc" match
 * "libc.so" and "libc.so.<version>". */
bool elf_lib_name_matches(const char *soname, const char *want)
{
	if (strstr(want, ".so"))
		return !strcmp(soname, want);
	const char *base = !strncmp(want, "lib", 3) ? want
						    : tt_sprintf("lib%s", want);
	size_t n = strlen(base);
	return !strncmp(soname, base, n) && !strncmp(soname + n, ".so", 3) &&
	       (soname[n + 3] == 0 || soname[n + 3] == '.');
}

/* glibc's ld.so.cache, new format ("glibc-ld.so.cache1.1"): a 48-byte
 * header (magic[17] version[3] nlibs:u32 len_strings:u32 flags:u8 pad[3]
 * extension_offset:u32 unused[3]:u32), then nlibs entries of 24 bytes
 * (flags:i32 key:u32 value:u32 osversion:u32 hwcap:u64); key (soname) and
 * value (path) are offsets from that header.  The old format
 * ("ld.so-1.7.0", 12-byte entries) may come first. */
static const char *find_in_ld_cache(const char *name)
{
	FILE *f = fopen(ld_cache_path, "re");
	if (!f)
		return NULL;
	struct strbuf b = { 0 };
	char buf[65536];
	size_t k;
	while ((k = fread(buf, 1, sizeof(buf), f)) > 0)
		sb_putn(&b, buf, k);
	fclose(f);
	const char *res = NULL;
	const unsigned char *d = (const unsigned char *)b.s;
	size_t len = b.len, start = 0;
	static const char old_magic[] = "ld.so-1.7.0";
	static const char new_magic[] = "glibc-ld.so.cache1.1";
	if (len >= 16 && !memcmp(d, old_magic, 11)) {
		uint32_t nold;
		memcpy(&nold, d + 12, 4);
		start = 16 + (size_t)nold * 12;
		start = (start + 7) & ~(size_t)7;
	}
	if (len < start + 48 || memcmp(d + start, new_magic, 20))
		goto out;
	uint32_t nlibs;
	memcpy(&nlibs, d + start + 20, 4);
	/* the library flags this machine wants */
	const int32_t want = arch_current()->ldcache_flags;
	for (uint32_t i = 0; i < nlibs; i++) {
		size_t e = start + 48 + (size_t)i * 24;
		if (e + 24 > len)
			break;
		int32_t flags;
		uint32_t key, value;
		memcpy(&flags, d + e, 4);
		memcpy(&key, d + e + 4, 4);
		memcpy(&value, d + e + 8, 4);
		/* string offsets count from the new-format header */
		key += (uint32_t)start;
		value += (uint32_t)start;
		if (key >= len || value >= len)
			continue;
		if (want >= 0 && flags != want)
			continue;
		const char *soname = (const char *)d + key;
		const char *path = (const char *)d + value;
		if (!memchr(soname, 0, len - key) || !memchr(path, 0, len - value))
			continue;
		if (elf_lib_name_matches(soname, name) && elf_is_elf(path)) {
			res = tt_strdup(path);
			break;
		}
	}
out:
	sb_free(&b);
	return res;
}

/* after the architecture's own two (arch.h) */
static const char *const lib_dirs[] = {
	"/lib64", "/usr/lib64", "/lib", "/usr/lib", "/usr/local/lib",
};

const char *elf_find_library(const char *name)
{
	if (!name || !*name || strchr(name, '/'))
		return NULL;
	const char *p = find_in_ld_cache(name);
	if (p)
		return p;
	/* not in the cache: the standard directories, the shortest
	   matching name first ("libc.so.6" before "libc.so.6.debug") */
	const struct arch *A = arch_current();
	for (size_t i = 0; i < 2 + ARRAY_SIZE(lib_dirs); i++) {
		const char *d = i < 2 ? A->lib_dirs[i] : lib_dirs[i - 2];
		DIR *dir = opendir(d);
		if (!dir)
			continue;
		const char *best = NULL;
		struct dirent *de;
		while ((de = readdir(dir)) != NULL) {
			if (!elf_lib_name_matches(de->d_name, name))
				continue;
			const char *path = tt_sprintf("%s/%s", d, de->d_name);
			if (!elf_is_elf(path))
				continue;
			if (!best || strlen(path) < strlen(best))
				best = path;
		}
		closedir(dir);
		if (best)
			return best;
	}
	return NULL;
}

const char *elf_find_in_path(const char *name)
{
	if (!name || !*name || strchr(name, '/'))
		return NULL;
	const char *env = getenv("PATH");
	if (!env || !*env)
		env = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:"
		      "/sbin:/bin";
	const char *s = env;
	while (*s) {
		size_t n = strcspn(s, ":");
		if (n) {
			const char *path = tt_sprintf("%.*s/%s", (int)n, s,
						      name);
			if (access(path, X_OK) == 0 && elf_is_elf(path))
				return path;
		}
		s += n;
		if (*s == ':')
			s++;
	}
	return NULL;
}

int elf_pid_modules(int pid, const char ***paths)
{
	FILE *f = fopen(tt_sprintf("/proc/%d/maps", pid), "re");
	if (!f)
		return errno == ENOENT ? -ESRCH : -errno;
	VEC(const char *) v = { 0 };
	char line[4096 + 256];
	while (fgets(line, sizeof(line), f)) {
		char perms[8];
		int pos = 0;
		if (sscanf(line, "%*s %7s %*s %*s %*s %n", perms, &pos) < 1 ||
		    !pos)
			continue;
		if (!strchr(perms, 'x'))
			continue;
		char *path = line + pos;
		path[strcspn(path, "\n")] = 0;
		if (path[0] != '/')
			continue;
		size_t n = strlen(path);
		if (n > 10 && !strcmp(path + n - 10, " (deleted)"))
			continue;
		bool dup = false;
		for (int i = 0; i < v.n && !dup; i++)
			dup = !strcmp(v.v[i], path);
		if (!dup)
			vec_push(&v, tt_strdup(path));
	}
	fclose(f);
	const char **arr = tt_alloc(sizeof(*arr) * (v.n + 1));
	for (int i = 0; i < v.n; i++)
		arr[i] = v.v[i];
	int n = v.n;
	vec_free(&v);
	*paths = arr;
	return n;
}

/* ---- x86-64 instruction lengths ------------------------------------------
 * (elf_insn_boundary uses them where the architecture's instructions have
 * no fixed size: arch.h's insn_size 0) */

/* One bit per one-byte opcode: has a ModRM byte (64-bit mode). */
static const uint8_t modrm_1[32] = {
	/* 00-0f */ 0x0f, 0x0f, /* 10-1f */ 0x0f, 0x0f,
	/* 20-2f */ 0x0f, 0x0f, /* 30-3f */ 0x0f, 0x0f,
	/* 40-4f */ 0x00, 0x00, /* 50-5f */ 0x00, 0x00,
	/* 60-6f: 62 63 69 6b */ 0x0c, 0x0a,
	/* 70-7f */ 0x00, 0x00, /* 80-8f */ 0xff, 0xff,
	/* 90-9f */ 0x00, 0x00, /* a0-af */ 0x00, 0x00,
	/* b0-bf */ 0x00, 0x00,
	/* c0-cf: c0 c1 c4 c5 c6 c7 */ 0xf3, 0x00,
	/* d0-df: d0-d3 d8-df */ 0x0f, 0xff,
	/* e0-ef */ 0x00, 0x00,
	/* f0-ff: f6 f7 fe ff */ 0xc0, 0xc0,
};

/* One bit per 0F opcode: has NO ModRM byte. */
static const uint8_t no_modrm_0f[32] = {
	/* 00-0f: 05 06 07 08 09 0b 0e */ 0xe0, 0x4b,
	/* 10-1f */ 0x00, 0x00, /* 20-2f */ 0x00, 0x00,
	/* 30-3f: 30-37 */ 0xff, 0x00,
	/* 40-4f */ 0x00, 0x00, /* 50-5f */ 0x00, 0x00,
	/* 60-6f */ 0x00, 0x00, /* 70-7f: 77 */ 0x80, 0x00,
	/* 80-8f: jcc rel32 */ 0xff, 0xff,
	/* 90-9f */ 0x00, 0x00,
	/* a0-af: a0 a1 a2 a8 a9 aa */ 0x07, 0x07,
	/* b0-bf */ 0x00, 0x00,
	/* c0-cf: c8-cf */ 0x00, 0xff,
	/* d0-df */ 0x00, 0x00, /* e0-ef */ 0x00, 0x00, /* f0-ff */ 0x00, 0x00,
};

static bool bit(const uint8_t *t, uint8_t op)
{
	return (t[op >> 3] >> (op & 7)) & 1;
}

/* Opcodes invalid in 64-bit mode (one-byte map). */
static bool invalid_64(uint8_t op)
{
	switch (op) {
	case 0x06: case 0x07: case 0x0e: case 0x16: case 0x17: case 0x1e:
	case 0x1f: case 0x27: case 0x2f: case 0x37: case 0x3f: case 0x60:
	case 0x61: case 0x82: case 0x9a: case 0xce: case 0xd4: case 0xd5:
	case 0xd6: case 0xea:
		return true;
	}
	return false;
}

/* Bytes of ModRM, SIB and displacement starting at p. */
static int modrm_len(const uint8_t *p, const uint8_t *end)
{
	if (p >= end)
		return -1;
	int mod = p[0] >> 6, rm = p[0] & 7, n = 1;
	if (mod == 3)
		return 1;
	if (rm == 4) {
		if (p + 1 >= end)
			return -1;
		n++;
		if (mod == 0 && (p[1] & 7) == 5)
			n += 4;
	} else if (mod == 0 && rm == 5) {
		n += 4; /* rip + disp32 */
	}
	if (mod == 1)
		n += 1;
	else if (mod == 2)
		n += 4;
	return n;
}

/* An instruction being measured: where the decoder is, what the prefixes
 * said, and what follows the opcode. */
struct xinsn {
	const uint8_t *p, *end;
	bool opsize, adsize, rex_w; /* 66, 67, REX.W */
	bool modrm;                 /* a ModRM (and SIB, disp) follows */
	int imm;                    /* bytes of immediate after it */
};

/* VEX (c5: 2 bytes, c4: 3), EVEX (62: 4), XOP (8f: 3) after its first
 * byte op: the opcode and what follows it; 0 or -1. */
static int vex_op(struct xinsn *x, uint8_t op)
{
	int n = op == 0xc5 ? 1 : op == 0x62 ? 3 : 2;
	if (x->p + n >= x->end)
		return -1;
	int map = op == 0xc5 ? 1 : op == 0x62 ? (x->p[0] & 7) : (x->p[0] & 0x1f);
	bool xop = op == 0x8f;
	x->p += n;
	op = *x->p++;
	if (xop) {
		x->modrm = true;
		x->imm = map == 8 ? 1 : map == 0xa ? 4 : 0;
	} else if (map == 1) {
		x->modrm = op != 0x77; /* vzeroupper/vzeroall */
		x->imm = (op >= 0x70 && op <= 0x73) || op == 0xc2 ||
			 op == 0xc4 || op == 0xc5 || op == 0xc6;
	} else if (map == 2 || map == 5 || map == 6) {
		x->modrm = true;
	} else if (map == 3) {
		x->modrm = true;
		x->imm = 1;
	} else {
		return -1;
	}
	return 0;
}

/* A two- or three-byte opcode after its 0f; 0 or -1. */
static int op_0f(struct xinsn *x)
{
	if (x->p >= x->end)
		return -1;
	uint8_t op = *x->p++;
	if (op == 0x38 || op == 0x3a) {
		if (x->p >= x->end)
			return -1;
		x->imm = op == 0x3a;
		x->p++;
		x->modrm = true;
	} else if (op == 0x0f) {
		x->modrm = true; /* 3DNow!: the opcode follows as an imm8 */
		x->imm = 1;
	} else {
		x->modrm = !bit(no_modrm_0f, op);
		if (op >= 0x80 && op <= 0x8f)
			x->imm = 4;
		else if ((op >= 0x70 && op <= 0x73) || op == 0xa4 ||
			 op == 0xac || op == 0xba || op == 0xc2 ||
			 (op >= 0xc4 && op <= 0xc6))
			x->imm = 1;
	}
	return 0;
}

/* A one-byte opcode op; 0 or -1 (not valid in 64-bit mode). */
static int op_1byte(struct xinsn *x, uint8_t op)
{
	if (invalid_64(op))
		return -1;
	x->modrm = bit(modrm_1, op);
	int iz = x->opsize ? 2 : 4;
	switch (op) {
	case 0x04: case 0x0c: case 0x14: case 0x1c: case 0x24:
	case 0x2c: case 0x34: case 0x3c: case 0x6a: case 0x6b:
	case 0x80: case 0x83: case 0xa8: case 0xc0: case 0xc1:
	case 0xc6: case 0xcd: case 0xe0: case 0xe1: case 0xe2:
	case 0xe3: case 0xe4: case 0xe5: case 0xe6: case 0xe7:
	case 0xeb:
		x->imm = 1;
		break;
	case 0x05: case 0x0d: case 0x15: case 0x1d: case 0x25:
	case 0x2d: case 0x35: case 0x3d: case 0x68: case 0x69:
	case 0x81: case 0xa9: case 0xc7:
		x->imm = iz;
		break;
	case 0xe8: case 0xe9:
		x->imm = 4;
		break;
	case 0xa0: case 0xa1: case 0xa2: case 0xa3:
		x->imm = x->adsize ? 4 : 8; /* moffs */
		break;
	case 0xc2: case 0xca:
		x->imm = 2;
		break;
	case 0xc8:
		x->imm = 3;
		break;
	case 0xf6: case 0xf7:
		/* test r/m, imm: /0 and /1 only */
		if (x->p < x->end && ((*x->p >> 3) & 7) < 2)
			x->imm = op == 0xf6 ? 1 : iz;
		break;
	default:
		if (op >= 0x70 && op <= 0x7f)
			x->imm = 1;
		else if (op >= 0xb0 && op <= 0xb7)
			x->imm = 1;
		else if (op >= 0xb8 && op <= 0xbf)
			x->imm = x->rex_w ? 8 : iz;
	}
	return 0;
}

int elf_insn_len(const uint8_t *code, size_t size)
{
	struct xinsn x = { code, code + size, false, false, false, false, 0 };
	int npfx = 0;

	for (; x.p < x.end; x.p++, npfx++) {
		uint8_t c = *x.p;
		if (c == 0x66)
			x.opsize = true;
		else if (c == 0x67)
			x.adsize = true;
		else if (c != 0xf0 && c != 0xf2 && c != 0xf3 && c != 0x2e &&
			 c != 0x36 && c != 0x3e && c != 0x26 && c != 0x64 &&
			 c != 0x65)
			break;
		if (npfx > 14)
			return -1;
	}
	if (x.p < x.end && (*x.p & 0xf0) == 0x40) {
		x.rex_w = *x.p & 8;
		x.p++;
	}
	if (x.p >= x.end)
		return -1;
	uint8_t op = *x.p++;
	int r;
	if (op == 0xc5 || op == 0xc4 || op == 0x62 ||
	    (op == 0x8f && x.p < x.end && (*x.p & 0x1f) >= 8))
		r = vex_op(&x, op);
	else if (op == 0x0f)
		r = op_0f(&x);
	else
		r = op_1byte(&x, op);
	if (r < 0)
		return -1;
	if (x.modrm) {
		int m = modrm_len(x.p, x.end);
		if (m < 0)
			return -1;
		x.p += m;
	}
	x.p += x.imm;
	if (x.p > x.end)
		return -1;
	return (int)(x.p - code);
}

int elf_insn_boundary(const uint8_t *code, size_t size, size_t off)
{
	int fixed = arch_current()->insn_size;
	if (fixed)
		return off % (size_t)fixed == 0;
	size_t at = 0;
	while (at < off) {
		int n = elf_insn_len(code + at, size - at);
		if (n <= 0)
			return -1;
		at += (size_t)n;
	}
	return at == off;
}

int elf_read_code(const struct elf_bin *b, const struct elf_sym *s,
		  uint8_t **code)
{
	uint64_t off;
	if (!s->size || elf_vaddr_to_offset(b, s->addr, &off) < 0)
		return -ERANGE;
	int fd = open(b->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	uint8_t *buf = tt_alloc(s->size);
	ssize_t n = pread(fd, buf, s->size, (off_t)off);
	close(fd);
	if (n != (ssize_t)s->size)
		return -EIO;
	*code = buf;
	return (int)s->size;
}
