/* symbols.c — addresses to names at run time (symbols.h).
 *
 * Takes: kernel addresses (ksym, kstack frames), user addresses with the
 * pid and probe they came from (usym, func, ustack frames).
 * Produces: bpftrace's text for them: kallsyms names, ELF function names
 * found through the process's mappings, "+offset", perf-style lines, and
 * "0x..." for what nothing names.
 *
 * Kernel: /proc/kallsyms is read once, on first use, into one name buffer
 * and an array sorted by address (file order kept among equal addresses).
 * User: a process's file mappings (/proc/PID/maps) map an address to a
 * file offset, the file's PT_LOAD segments map that to the ELF virtual
 * address its symbols use; each ELF file is read once (libelf) into
 * address-sorted symbol tables. */
#include "symbols.h"
#include "demangle.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <inttypes.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dwarf.h"
#include "prog.h"
#include "probes.h"
#include "types.h"

enum cache_mode { CACHE_PER_PID, CACHE_PER_PROGRAM, CACHE_NONE };

static const struct tt_prog *prog;      /* probe ids -> binaries */
static enum cache_mode cache_mode = CACHE_PER_PID;
static bool show_debug_info = true;

/* ---- kernel --------------------------------------------------------------- */

struct ksym_ent {
	uint64_t addr;
	uint32_t name;  /* offset in ktab.names */
	uint32_t line;  /* position in the file: keeps the sort stable */
};

static struct {
	bool tried;     /* loaded (or failed) once */
	struct ksym_ent *v;
	int n;
	char *names;
} ktab;

static void ktab_free(void)
{
	free(ktab.v);
	free(ktab.names);
	memset(&ktab, 0, sizeof(ktab));
}

static int ksym_cmp(const void *a, const void *b)
{
	const struct ksym_ent *x = a, *y = b;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* Reads a whole file (procfs files have no size) into a NUL-terminated
 * heap buffer. */
static char *read_all(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	size_t cap = 1 << 20, n = 0;
	char *buf = xmalloc(cap + 1);
	for (;;) {
		if (n == cap) {
			cap *= 2;
			buf = xrealloc(buf, cap + 1);
		}
		ssize_t k = read(fd, buf + n, cap - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			if (k < 0) {
				int e = errno;
				free(buf);
				close(fd);
				errno = e;
				return NULL;
			}
			break;
		}
		n += (size_t)k;
	}
	close(fd);
	buf[n] = '\0';
	*len = n;
	return buf;
}

int ksym_load(const char *path)
{
	size_t len;
	ktab_free();
	ktab.tried = true;
	char *buf = read_all(path ? path : "/proc/kallsyms", &len);
	if (!buf)
		return -errno;
	/* "ffffffff81000000 T _text\n", maybe "\t[module]" after the name;
	   names are cut out in place */
	int cap = 1024;
	ktab.v = xmalloc(sizeof(*ktab.v) * cap);
	ktab.names = buf;
	char *p = buf, *end = buf + len;
	uint32_t line = 0;
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		*nl = '\0';
		char *q;
		uint64_t addr = strtoull(p, &q, 16);
		if (q != p && addr) {
			while (*q == ' ' || *q == '\t')
				q++;
			if (*q && *q != ' ' && *q != '\t')
				q++; /* the type letter */
			while (*q == ' ' || *q == '\t')
				q++;
			char *name = q;
			q += strcspn(q, " \t");
			*q = '\0';
			if (*name) {
				if (ktab.n == cap) {
					cap *= 2;
					ktab.v = xrealloc(ktab.v,
							  sizeof(*ktab.v) * cap);
				}
				ktab.v[ktab.n].addr = addr;
				ktab.v[ktab.n].name = (uint32_t)(name - buf);
				ktab.v[ktab.n].line = line;
				ktab.n++;
			}
		}
		line++;
		p = nl + 1;
	}
	qsort(ktab.v, ktab.n, sizeof(*ktab.v), ksym_cmp);
	return ktab.n;
}

const char *ksym_lookup(uint64_t addr, uint64_t *offset)
{
	if (!ktab.tried)
		ksym_load(NULL);
	/* first entry with an address >= addr */
	int lo = 0, hi = ktab.n;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (ktab.v[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	const struct ksym_ent *e;
	if (lo < ktab.n && ktab.v[lo].addr == addr)
		e = &ktab.v[lo];
	else if (lo > 0)
		e = &ktab.v[lo - 1];
	else
		return NULL;
	if (offset)
		*offset = addr - e->addr;
	return ktab.names + e->name;
}

uint64_t ksym_addr(const char *name)
{
	if (!ktab.tried)
		ksym_load(NULL);
	const struct ksym_ent *best = NULL;
	for (int i = 0; i < ktab.n; i++)
		if (!strcmp(ktab.names + ktab.v[i].name, name) &&
		    (!best || ktab.v[i].line < best->line))
			best = &ktab.v[i];
	return best ? best->addr : 0;
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s);
	if (!d)
		abort();
	return d;
}

/* ---- ELF files --------------------------------------------------------------
 * blazesym's ELF symbolization, which current bpftrace prints: a table of
 * .symtab and one of .dynsym (the latter asked only when the former has
 * nothing), each holding the defined functions and data objects, sorted
 * by address and, at one
 * address, by size descending.  An exact address takes the biggest
 * symbol there; an address inside takes the last symbol below it, which
 * must hold it unless its size is 0 (unknown: taken as holding
 * anything).  Nothing else is tried: a frame past the end of a sized
 * function has no name. */

struct usent {
	uint64_t addr, size;
	uint32_t name;    /* offset in the table's names */
	uint32_t order;   /* position in the file: keeps the sort stable */
};

struct usymtab {
	struct usent *v;
	int n;
	char *names;
	size_t names_len;
};

struct useg {
	uint64_t vaddr, memsz, offset;
};

struct ufile {
	char *path;                  /* as opened */
	bool elf;                    /* readable as ELF */
	struct usymtab tab[2];       /* .symtab, .dynsym */
	struct useg *segs;           /* PT_LOAD */
	int nsegs;
	struct dwarf_lines *lines;   /* read on first use; NULL: none */
	bool lines_tried;
};

static VEC(struct ufile *) files;

static int usent_cmp(const void *a, const void *b)
{
	const struct usent *x = a, *y = b;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	if (x->size != y->size)
		return x->size > y->size ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* config cpp_demangle (default true): C++ names as written in the source */
static bool demangle_cpp = true;

static void read_symtab(Elf *e, Elf_Scn *scn, const GElf_Shdr *sh,
			struct usymtab *t)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	if (!d || !sh->sh_entsize)
		return;
	size_t n = sh->sh_size / sh->sh_entsize;
	struct strbuf names = { 0 };
	t->v = xmalloc(sizeof(*t->v) * (n + 1));
	for (size_t i = 0; i < n; i++) {
		GElf_Sym sym;
		if (!gelf_getsym(d, (int)i, &sym))
			continue;
		int ty = GELF_ST_TYPE(sym.st_info);
		if (ty != STT_FUNC && ty != STT_GNU_IFUNC && ty != STT_OBJECT)
			continue;
		if (sym.st_shndx == SHN_UNDEF)
			continue;
		const char *name = elf_strptr(e, sh->sh_link, sym.st_name);
		if (!name || !*name)
			continue;
		struct usent *u = &t->v[t->n++];
		u->addr = sym.st_value;
		u->size = sym.st_size;
		u->name = (uint32_t)names.len;
		u->order = (uint32_t)i;
		char *dm = demangle_cpp ? demangle(name, NULL, NULL) : NULL;
		if (dm)
			name = dm;
		sb_putn(&names, name, strlen(name) + 1);
		free(dm);
	}
	t->names = names.s;
	t->names_len = names.len;
	if (t->n)
		qsort(t->v, t->n, sizeof(*t->v), usent_cmp);
}

static void ufile_read(struct ufile *f)
{
	elf_version(EV_CURRENT);
	int fd = open(f->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	Elf *e = elf_begin(fd, ELF_C_READ, NULL);
	if (e && elf_kind(e) == ELF_K_ELF) {
		f->elf = true;
		size_t phnum = 0;
		elf_getphdrnum(e, &phnum);
		f->segs = xcalloc(phnum + 1, sizeof(*f->segs));
		for (size_t i = 0; i < phnum; i++) {
			GElf_Phdr ph;
			if (!gelf_getphdr(e, (int)i, &ph) || ph.p_type != PT_LOAD)
				continue;
			struct useg *sg = &f->segs[f->nsegs++];
			sg->vaddr = ph.p_vaddr;
			sg->memsz = ph.p_memsz;
			sg->offset = ph.p_offset;
		}
		Elf_Scn *scn = NULL;
		while ((scn = elf_nextscn(e, scn)) != NULL) {
			GElf_Shdr sh;
			if (!gelf_getshdr(scn, &sh))
				continue;
			if (sh.sh_type == SHT_SYMTAB && !f->tab[0].v)
				read_symtab(e, scn, &sh, &f->tab[0]);
			else if (sh.sh_type == SHT_DYNSYM && !f->tab[1].v)
				read_symtab(e, scn, &sh, &f->tab[1]);
		}
	}
	if (e)
		elf_end(e);
	close(fd);
}

static struct ufile *ufile_get(const char *path)
{
	for (int i = 0; i < files.n; i++)
		if (!strcmp(files.v[i]->path, path))
			return files.v[i];
	struct ufile *f = xcalloc(1, sizeof(*f));
	f->path = xstrdup(path);
	ufile_read(f);
	vec_push(&files, f);
	return f;
}

static void ufile_free(struct ufile *f)
{
	for (int i = 0; i < 2; i++) {
		free(f->tab[i].v);
		free(f->tab[i].names);
	}
	free(f->segs);
	dwarf_lines_free(f->lines);
	free(f->path);
	free(f);
}

static const struct usent *usymtab_at(const struct usymtab *t, uint64_t vaddr)
{
	int lo = 0, hi = t->n;
	while (lo < hi) { /* first entry at or above vaddr */
		int mid = lo + (hi - lo) / 2;
		if (t->v[mid].addr < vaddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	int i = lo < t->n && t->v[lo].addr == vaddr ? lo : lo - 1;
	for (; i >= 0 && i < t->n && t->v[i].addr <= vaddr; i++)
		if (!t->v[i].size || vaddr - t->v[i].addr < t->v[i].size)
			return &t->v[i];
	return NULL;
}

const char *usym_lookup_file(const char *path, uint64_t vaddr,
			     uint64_t *offset)
{
	const struct ufile *f = ufile_get(path);
	for (int k = 0; k < 2; k++) {
		const struct usent *u = usymtab_at(&f->tab[k], vaddr);
		if (u) {
			if (offset)
				*offset = vaddr - u->addr;
			return f->tab[k].names + u->name;
		}
	}
	return NULL;
}

/* ---- processes -------------------------------------------------------------- */

struct umap {
	uint64_t start, end, pgoff;
	char *path;     /* as /proc/PID/maps shows it */
	char *open;     /* the file to read (inside the process's root) */
};

struct uproc {
	int pid;
	bool ok;        /* maps were read */
	struct umap *maps;
	int n;
};

static VEC(struct uproc *) procs;
static VEC(char *) modules;     /* module names handed out, kept */

/* A copy of s that lives until sym_reset (maps entries come and go). */
static const char *intern(const char *s)
{
	for (int i = 0; i < modules.n; i++)
		if (!strcmp(modules.v[i], s))
			return modules.v[i];
	char *d = strdup(s);
	if (!d)
		abort();
	vec_push(&modules, d);
	return d;
}

static void uproc_free(struct uproc *p)
{
	for (int i = 0; i < p->n; i++) {
		free(p->maps[i].path);
		free(p->maps[i].open);
	}
	free(p->maps);
	free(p);
}

/* The file-backed mappings of pid. */
static struct uproc *uproc_read(int pid)
{
	struct uproc *p = xcalloc(1, sizeof(*p));
	p->pid = pid;
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return p;
	p->ok = true;
	int cap = 0;
	char line[4096 + 256];
	while (fgets(line, sizeof(line), f)) {
		unsigned long long start, end, off;
		int pos = 0;
		if (sscanf(line, "%llx-%llx %*s %llx %*s %*s %n", &start, &end,
			   &off, &pos) < 3 || !pos)
			continue;
		char *name = line + pos;
		name[strcspn(name, "\n")] = '\0';
		if (name[0] != '/')
			continue;
		if (p->n == cap) {
			cap = cap ? 2 * cap : 32;
			p->maps = xrealloc(p->maps, sizeof(*p->maps) * cap);
		}
		struct umap *m = &p->maps[p->n++];
		m->start = start;
		m->end = end;
		m->pgoff = off;
		m->path = xstrdup(name);
		/* read the file as the process sees it (its mount namespace);
		   a deleted file only through map_files */
		char buf[sizeof(line) + 64];
		size_t n = strlen(name);
		if (n > 10 && !strcmp(name + n - 10, " (deleted)"))
			snprintf(buf, sizeof(buf), "/proc/%d/map_files/%llx-%llx",
				 pid, start, end);
		else
			snprintf(buf, sizeof(buf), "/proc/%d/root%s", pid, name);
		/* the plain path when it is that very file: it stays
		   readable after the process is gone */
		struct stat a, b;
		bool same = stat(buf, &a) == 0 && stat(name, &b) == 0 &&
			    a.st_dev == b.st_dev && a.st_ino == b.st_ino;
		m->open = xstrdup(same || access(buf, R_OK) != 0 ? name : buf);
	}
	fclose(f);
	return p;
}

static struct uproc *uproc_get(int pid)
{
	if (cache_mode == CACHE_NONE)
		return uproc_read(pid);
	for (int i = 0; i < procs.n; i++)
		if (procs.v[i]->pid == pid)
			return procs.v[i];
	struct uproc *p = uproc_read(pid);
	if (!p->ok) {
		/* not cached: the process may still appear (a pid seen
		   before its maps are readable is unusual, but cheap) */
		return p;
	}
	vec_push(&procs, p);
	return p;
}

/* The ELF virtual address of file offset off in file f. */
static bool file_off_to_vaddr(const struct ufile *f, uint64_t off,
			      uint64_t *vaddr)
{
	for (int i = 0; i < f->nsegs; i++) {
		const struct useg *s = &f->segs[i];
		if (off >= s->offset && off - s->offset < s->memsz) {
			*vaddr = off - s->offset + s->vaddr;
			return true;
		}
	}
	return false;
}

/* The binary of probe_id's attach point (uprobes, USDT), or NULL. */
static const char *probe_binary(int probe_id)
{
	if (!prog || probe_id < 0 || probe_id >= prog->probes.n)
		return NULL;
	const struct attach_point *ap = prog->probes.v[probe_id].ap;
	if (!prov_has(ap, PF_USER))
		return NULL;
	return ap->path ? ap->path : ap->target;
}

/* Where a user address was found. */
struct uloc {
	const char *name;       /* function */
	uint64_t offset;
	const char *module;     /* the file, as maps shows it */
	struct ufile *file;
	uint64_t vaddr;         /* in the file */
};

static bool usym_resolve(uint64_t addr, int pid, int probe_id,
			 struct uloc *loc);

const char *usym_lookup(uint64_t addr, int pid, int probe_id,
			uint64_t *offset, const char **module)
{
	struct uloc l;
	if (!usym_resolve(addr, pid, probe_id, &l))
		return NULL;
	if (offset)
		*offset = l.offset;
	if (module)
		*module = l.module;
	return l.name;
}

static bool usym_resolve(uint64_t addr, int pid, int probe_id,
			 struct uloc *loc)
{
	memset(loc, 0, sizeof(*loc));
	if (cache_mode == CACHE_PER_PROGRAM) {
		/* the executable's own symbols, the address taken as its
		   virtual address (bpftrace's per-program symbolization) */
		char exe[4096];
		char link[64];
		snprintf(link, sizeof(link), "/proc/%d/exe", pid);
		ssize_t k = pid > 0 ? readlink(link, exe, sizeof(exe) - 1) : -1;
		const char *path = NULL;
		if (k > 0) {
			exe[k] = '\0';
			path = exe;
		} else {
			path = probe_binary(probe_id);
		}
		if (!path)
			return false;
		loc->file = ufile_get(path);
		loc->vaddr = addr;
		loc->name = usym_lookup_file(path, addr, &loc->offset);
		loc->module = loc->file->path;
		return loc->name != NULL;
	}
	struct uproc *p = uproc_get(pid);
	for (int i = 0; p->ok && i < p->n; i++) {
		struct umap *m = &p->maps[i];
		if (addr < m->start || addr >= m->end)
			continue;
		struct ufile *f = ufile_get(m->open);
		uint64_t vaddr;
		if (!f->elf || !file_off_to_vaddr(f, addr - m->start + m->pgoff,
						   &vaddr))
			break;
		loc->file = f;
		loc->vaddr = vaddr;
		loc->name = usym_lookup_file(m->open, vaddr, &loc->offset);
		if (loc->name)
			loc->module = intern(m->path);
		break;
	}
	bool cached = cache_mode != CACHE_NONE && p->ok;
	if (!cached)
		uproc_free(p);
	/* names point into an ELF file's symbols, which stay */
	return loc->name != NULL;
}

/* The source line of vaddr in f (its DWARF line tables, read once). */
static bool ufile_line(struct ufile *f, uint64_t vaddr, const char **file,
		       unsigned *line)
{
	if (!f->lines_tried) {
		f->lines_tried = true;
		if (dwarf_lines_open(f->path, &f->lines) < 0)
			f->lines = NULL;
	}
	return f->lines && dwarf_line_at(f->lines, vaddr, file, line);
}

/* ---- set-up ----------------------------------------------------------------- */

static bool aslr_enabled(void)
{
	FILE *f = fopen("/proc/sys/kernel/randomize_va_space", "re");
	int v = 2;
	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = 2;
		fclose(f);
	}
	return v >= 1;
}

void sym_reset(void)
{
	ktab_free();
	for (int i = 0; i < procs.n; i++)
		uproc_free(procs.v[i]);
	vec_free(&procs);
	for (int i = 0; i < files.n; i++)
		ufile_free(files.v[i]);
	vec_free(&files);
	for (int i = 0; i < modules.n; i++)
		free(modules.v[i]);
	vec_free(&modules);
}

/* PER_PID, as bpftrace: the mappings of the processes already running a
 * uprobe's or USDT probe's executable (only the -p one with -p) are read
 * now, so their addresses still get names after they exit. */
static void preload_processes(const struct tt_prog *p)
{
	VEC(struct stat) exes = { 0 };
	for (int i = 0; i < p->probes.n; i++) {
		const char *path = probe_binary(i);
		struct stat st;
		if (path && stat(path, &st) == 0)
			vec_push(&exes, st);
	}
	DIR *d = exes.n ? opendir("/proc") : NULL;
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		if (*end || pid <= 0 || (p->cfg.pid > 0 && pid != p->cfg.pid))
			continue;
		char exe[64];
		struct stat st;
		snprintf(exe, sizeof(exe), "/proc/%ld/exe", pid);
		if (stat(exe, &st) < 0)
			continue;
		for (int i = 0; i < exes.n; i++)
			if (exes.v[i].st_dev == st.st_dev &&
			    exes.v[i].st_ino == st.st_ino) {
				uproc_get((int)pid);
				break;
			}
	}
	if (d)
		closedir(d);
	vec_free(&exes);
}

void sym_init(const struct tt_prog *p)
{
	sym_reset();
	prog = p;
	const char *m = p ? p->cfg.cache_user_symbols : NULL;
	if (m && !strcasecmp(m, "PER_PROGRAM"))
		cache_mode = CACHE_PER_PROGRAM;
	else if (m && !strcasecmp(m, "NONE"))
		cache_mode = CACHE_NONE;
	else if (m && !strcasecmp(m, "PER_PID"))
		cache_mode = CACHE_PER_PID;
	else /* bpftrace: per program with -c or without ASLR */
		cache_mode = (p && p->cfg.cmd) || !aslr_enabled()
				     ? CACHE_PER_PROGRAM : CACHE_PER_PID;
	show_debug_info = p ? p->cfg.show_debug_info : true;
	demangle_cpp = p ? p->cfg.cpp_demangle : true;
	if (cache_mode == CACHE_PER_PID && p)
		preload_processes(p);
}

/* ---- printing --------------------------------------------------------------- */

void sym_put_addr(struct strbuf *sb, uint64_t addr)
{
	if (addr)
		sb_printf(sb, "0x%" PRIx64, addr);
	else
		sb_putc(sb, '0');
}

void sym_put_ksym(struct strbuf *sb, uint64_t addr)
{
	const char *name = ksym_lookup(addr, NULL);
	if (name)
		sb_puts(sb, name);
	else
		sym_put_addr(sb, addr);
}

static uint64_t get_u64(const uint8_t *d)
{
	uint64_t v;
	memcpy(&v, d, 8);
	return v;
}

static int32_t get_i32(const uint8_t *d)
{
	int32_t v;
	memcpy(&v, d, 4);
	return v;
}

/* The function at a uprobe's (single) location, from its binary. */
static const char *probe_location_sym(int probe_id)
{
	const char *path = probe_binary(probe_id);
	if (!path)
		return NULL;
	const struct attach_point *ap = prog->probes.v[probe_id].ap;
	if (ap->nlocs != 1)
		return NULL;
	uint64_t vaddr;
	struct ufile *f = ufile_get(path);
	if (!f->elf || !file_off_to_vaddr(f, ap->locs[0].offset, &vaddr))
		return NULL;
	/* of the names at that address (getpid, __getpid), the one the
	   probe was written with */
	for (int k = 0; ap->func && k < 2; k++) {
		const struct usymtab *t = &f->tab[k];
		const struct usent *u = usymtab_at(t, vaddr);
		for (; u && u < t->v + t->n && u->addr == vaddr; u++)
			if (!strcmp(t->names + u->name, ap->func))
				return t->names + u->name;
	}
	return usym_lookup_file(path, vaddr, NULL);
}

void sym_put_usym(struct strbuf *sb, const void *data)
{
	const uint8_t *d = data;
	uint64_t addr = get_u64(d);
	int32_t probe_id = get_i32(d + 12);
	const char *name = NULL;
	/* func of a uprobe: the probe's function, whether or not its
	   process (whose maps place the library) still runs */
	if (probe_id >= 0 && (probe_id & USYM_AT_PROBE)) {
		probe_id &= ~USYM_AT_PROBE;
		name = probe_location_sym(probe_id);
	}
	if (!name)
		name = usym_lookup(addr, get_i32(d + 8), probe_id, NULL, NULL);
	if (name)
		sb_puts(sb, name);
	else
		sym_put_addr(sb, addr);
}

/* One frame, as whole lines: "<indent>sym+off" (bpftrace mode) or
 * "\t<ip> sym+off (<file>)" (perf mode).  With show_debug_info a user
 * frame in a binary with DWARF also gets "@file:line" (bpftrace mode),
 * and inlined calls at the address come first, innermost first, as
 * "[inlined] name@file:line" lines ("name (inlined)" in perf mode): the
 * innermost has the address's line, each outer one the call site of the
 * one it holds, the function the call site of the outermost. */
static void put_frame(struct strbuf *sb, bool user, uint64_t ip, int pid,
		      int probe_id, bool perf)
{
	uint64_t off = 0;
	struct uloc l;
	const char *name = NULL;
	if (user && usym_resolve(ip, pid, probe_id, &l)) {
		name = l.name;
		off = l.offset;
	} else if (!user) {
		name = ksym_lookup(ip, &off);
	}

	struct dwarf_inline inl[16];
	int ninl = 0;
	const char *file = NULL;
	unsigned line = 0;
	bool code_info = false;
	if (user && name && show_debug_info) {
		code_info = ufile_line(l.file, l.vaddr, &file, &line);
		if (l.file->lines)
			ninl = dwarf_inlined_at(l.file->lines, l.vaddr, inl,
						(int)ARRAY_SIZE(inl));
	}
	/* innermost first; each takes the code info of the one inside */
	for (int i = ninl - 1; i >= 0; i--) {
		if (perf) {
			sb_printf(sb, "\t%" PRIx64 " %s (inlined)\n", ip,
				  inl[i].name);
		} else {
			sb_printf(sb, "        [inlined] %s", inl[i].name);
			if (code_info)
				sb_printf(sb, "@%s:%u", file, line);
			sb_putc(sb, '\n');
		}
		code_info = inl[i].call_file != NULL;
		file = inl[i].call_file;
		line = inl[i].call_line;
	}

	if (perf)
		sb_printf(sb, "\t%" PRIx64 " ", ip);
	else
		sb_puts(sb, "        ");
	if (name)
		sb_printf(sb, "%s+%" PRIu64, name, off);
	else
		sym_put_addr(sb, ip);
	if (perf && user)
		sb_printf(sb, " (%s)", name && l.module ? l.module : "[unknown]");
	if (!perf && code_info)
		sb_printf(sb, "@%s:%u", file, line);
	sb_putc(sb, '\n');
}

void sym_put_stack(struct strbuf *sb, const struct type *t, const void *data)
{
	const uint8_t *d = data;
	bool user = t->kind == TY_USTACK;
	int pid = user ? get_i32(d) : -1;
	int probe_id = user ? get_i32(d + 4) : -1;
	const uint8_t *hdr = user ? d + 8 : d;
	uint64_t n = get_u64(hdr);
	const uint8_t *frames = hdr + 8;
	int mode = t->stack_mode;
	int esize = mode == STACK_MODE_BUILD_ID && user
			    ? (int)sizeof(struct bpf_stack_build_id) : 8;

	if (n > (uint64_t)t->nelem)
		n = (uint64_t)t->nelem;
	sb_putc(sb, '\n');
	for (uint64_t i = 0; i < n; i++) {
		const uint8_t *fr = frames + i * esize;
		if (esize != 8) {
			struct bpf_stack_build_id b;
			memcpy(&b, fr, sizeof(b));
			if (b.status == BPF_STACK_BUILD_ID_VALID) {
				for (int k = 0; k < BPF_BUILD_ID_SIZE; k++)
					sb_printf(sb, "%02x", b.build_id[k]);
				sb_printf(sb, " 0x%02" PRIx64 "\n",
					  (uint64_t)b.offset);
			} else {
				sb_printf(sb, "%" PRIx64 "\n", (uint64_t)b.ip);
			}
			continue;
		}
		uint64_t ip = get_u64(fr);
		switch (mode) {
		case STACK_MODE_RAW:
			sb_printf(sb, "%" PRIx64 "\n", ip);
			break;
		case STACK_MODE_PERF:
			put_frame(sb, user, ip, pid, probe_id, true);
			break;
		default:
			put_frame(sb, user, ip, pid, probe_id, false);
		}
	}
}
