/* btf.c — kernel BTF -> struct type, loaded lazily (btf.h).
 *
 * Takes /sys/kernel/btf/vmlinux (and /sys/kernel/btf/<module>), only when a
 * caller first asks for a kernel type, prototype or enum value; produces
 * struct type values cached per BTF id.  Struct bodies are converted when
 * first needed (btf_complete), so converting `struct task_struct *` costs
 * one allocation, not a walk over every type reachable from it.
 *
 * Converted types live on the heap (not the compile-time arena) for as long
 * as the BTF data whose names they point into; btf_unload() frees both. */
#include "btf.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <linux/bpf.h>
#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#define VMLINUX_PATH "/sys/kernel/btf/vmlinux"
#define MODULES_DIR "/sys/kernel/btf"

/* One BTF object: vmlinux, or a module's split BTF on top of it. */
struct bsrc {
	struct btf *btf;        /* NULL: module not loaded yet */
	char *name;             /* "vmlinux" or the module name */
	uint32_t start, cnt;    /* ids this object owns: [start, cnt) */
	struct type **conv;     /* converted types, by id - start */
	uint32_t *index;        /* (name, kind) -> first id; hash table */
	size_t index_cap;
	int lookups;            /* by name, before the index is built */
	bool failed;            /* module BTF could not be read */
};

/* A struct converted from BTF: where its body is, and whether it was
 * filled in.  Kept in an open-addressing table keyed by the type pointer. */
struct pending {
	struct type *t;
	struct bsrc *src;
	uint32_t id;            /* a struct/union, or a FWD whose definition
				   is searched in the modules when needed */
	bool done;
};

struct enumval {
	const char *name;
	int64_t value;
	uint32_t id;            /* the enum type */
};

static struct {
	char *path;             /* btf_set_vmlinux_path() */
	bool tried;
	int load_count;
	struct bsrc vml;
	bool have_vml;
	VEC(struct bsrc *) mods;
	bool mods_listed;
	struct pending *pend;   /* hash table, cap a power of two */
	size_t pend_cap, pend_n;
	struct enumval *enums;  /* hash table */
	size_t enum_cap, enum_n;
	bool enums_built;
	VEC(struct type *) allocs; /* every type made here, for btf_unload */
} B;

/* ---- allocation and hash tables ---------------------------------------- */

static struct type *newtype(enum type_kind k, int size, int align)
{
	struct type *t = xcalloc(1, sizeof(*t));
	t->kind = k;
	t->size = size;
	t->align = align > 0 ? align : 1;
	vec_push(&B.allocs, t);
	return t;
}

static struct type *newptr(struct type *elem, enum addrspace as)
{
	struct type *t = newtype(TY_PTR, 8, 8);
	t->elem = elem;
	t->as = as;
	return t;
}

static struct type *newarray(struct type *elem, int n)
{
	struct type *t = newtype(TY_ARRAY, elem->size * n, elem->align);
	t->elem = elem;
	t->nelem = n;
	return t;
}

static size_t hash_ptr(const void *p)
{
	uint64_t x = (uint64_t)(uintptr_t)p;
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return (size_t)x;
}

static size_t hash_str(const char *s)
{
	size_t h = 5381;
	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

static struct pending *pend_find(const struct type *t)
{
	if (!B.pend_cap)
		return NULL;
	size_t m = B.pend_cap - 1;
	for (size_t i = hash_ptr(t) & m;; i = (i + 1) & m) {
		if (B.pend[i].t == t)
			return &B.pend[i];
		if (!B.pend[i].t)
			return NULL;
	}
}

static void pend_insert(struct pending p)
{
	size_t m = B.pend_cap - 1;
	size_t i = hash_ptr(p.t) & m;
	while (B.pend[i].t)
		i = (i + 1) & m;
	B.pend[i] = p;
	B.pend_n++;
}

static void pend_add(struct type *t, struct bsrc *src, uint32_t id)
{
	if (2 * (B.pend_n + 1) > B.pend_cap) {
		size_t oldcap = B.pend_cap;
		struct pending *old = B.pend;
		B.pend_cap = oldcap ? 2 * oldcap : 256;
		B.pend = xcalloc(B.pend_cap, sizeof(*B.pend));
		B.pend_n = 0;
		for (size_t i = 0; i < oldcap; i++)
			if (old[i].t)
				pend_insert(old[i]);
		free(old);
	}
	pend_insert((struct pending){ .t = t, .src = src, .id = id });
}

/* ---- loading ---------------------------------------------------------- */

static void src_init(struct bsrc *s, struct btf *btf, const char *name)
{
	s->btf = btf;
	s->name = xmalloc(strlen(name) + 1);
	strcpy(s->name, name);
	const struct btf *base = btf__base_btf(btf);
	s->start = base ? btf__type_cnt(base) : 1;
	s->cnt = btf__type_cnt(btf);
	s->conv = xcalloc(s->cnt - s->start + 1, sizeof(*s->conv));
}

bool btf_available(void)
{
	return access(B.path ? B.path : VMLINUX_PATH, R_OK) == 0;
}

bool btf_kernel_available(void)
{
	return access(VMLINUX_PATH, R_OK) == 0;
}

const char *btf_vmlinux_path(void)
{
	return B.path;
}

bool btf_loaded(void)
{
	return B.have_vml;
}

int btf_load_count(void)
{
	return B.load_count;
}

/* vmlinux BTF, read on the first call; NULL if there is none. */
static struct bsrc *vml(void)
{
	if (!B.tried) {
		B.tried = true;
		if (!btf_available())
			return NULL;
		B.load_count++;
		struct btf *b = B.path ? btf__parse(B.path, NULL)
				       : btf__parse_raw(VMLINUX_PATH);
		if (!b)
			return NULL;
		src_init(&B.vml, b, "vmlinux");
		B.have_vml = true;
	}
	return B.have_vml ? &B.vml : NULL;
}

/* The modules that have BTF (not loaded yet). */
static void list_modules(void)
{
	if (B.mods_listed)
		return;
	B.mods_listed = true;
	if (B.path)
		return; /* a BTF file given by a test: no modules */
	DIR *d = opendir(MODULES_DIR);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || !strcmp(e->d_name, "vmlinux"))
			continue;
		struct bsrc *s = xcalloc(1, sizeof(*s));
		s->name = xmalloc(strlen(e->d_name) + 1);
		strcpy(s->name, e->d_name);
		vec_push(&B.mods, s);
	}
	closedir(d);
}

/* Module s with its BTF read, or NULL. */
static struct bsrc *mod_load(struct bsrc *s)
{
	if (s->btf)
		return s;
	if (s->failed || !vml())
		return NULL;
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", MODULES_DIR, s->name);
	struct btf *b = btf__parse_split(path, B.vml.btf);
	if (!b) {
		s->failed = true;
		return NULL;
	}
	char *name = s->name;
	src_init(s, b, name);
	free(name);
	return s;
}

static struct bsrc *mod_by_name(const char *name)
{
	list_modules();
	for (int i = 0; i < B.mods.n; i++)
		if (!strcmp(B.mods.v[i]->name, name))
			return mod_load(B.mods.v[i]);
	return NULL;
}

static void src_free(struct bsrc *s)
{
	btf__free(s->btf);
	free(s->name);
	free(s->conv);
	free(s->index);
}

void btf_unload(void)
{
	if (B.have_vml)
		src_free(&B.vml);
	for (int i = 0; i < B.mods.n; i++) {
		src_free(B.mods.v[i]);
		free(B.mods.v[i]);
	}
	vec_free(&B.mods);
	for (int i = 0; i < B.allocs.n; i++) {
		vec_free(&B.allocs.v[i]->fields);
		free((void *)B.allocs.v[i]->enums);
		free(B.allocs.v[i]);
	}
	vec_free(&B.allocs);
	free(B.pend);
	free(B.enums);
	free(B.path);
	memset(&B, 0, sizeof(B));
}

void btf_set_vmlinux_path(const char *path)
{
	btf_unload();
	if (path) {
		B.path = xmalloc(strlen(path) + 1);
		strcpy(B.path, path);
	}
}

/* ---- lookups by name -------------------------------------------------- */

static const struct btf_type *bt_of(struct bsrc *s, uint32_t id)
{
	return btf__type_by_id(s->btf, id);
}

static const char *name_of(struct bsrc *s, const struct btf_type *t)
{
	const char *n = btf__name_by_offset(s->btf, t->name_off);
	return n ? n : "";
}

static bool indexed_kind(int k)
{
	return k == BTF_KIND_STRUCT || k == BTF_KIND_UNION ||
	       k == BTF_KIND_ENUM || k == BTF_KIND_ENUM64 ||
	       k == BTF_KIND_TYPEDEF || k == BTF_KIND_INT ||
	       k == BTF_KIND_FUNC || k == BTF_KIND_FLOAT;
}

static size_t hash_nk(const char *name, int kind)
{
	return hash_str(name) * 31 + (size_t)kind;
}

/* One pass over the object's own types: every named type of the kinds
 * looked up by name, the first of a (name, kind) winning.  For vmlinux this
 * costs about as much as ten linear lookups (~1 ms each), so it is built
 * only once an object has been searched INDEX_AFTER times. */
#define INDEX_AFTER 16

static void index_build(struct bsrc *s)
{
	size_t n = 0;
	for (uint32_t id = s->start; id < s->cnt; id++)
		n += indexed_kind(btf_kind(bt_of(s, id)));
	s->index_cap = 64;
	while (s->index_cap < 2 * n)
		s->index_cap *= 2;
	s->index = xcalloc(s->index_cap, sizeof(*s->index));
	size_t m = s->index_cap - 1;
	for (uint32_t id = s->start; id < s->cnt; id++) {
		const struct btf_type *t = bt_of(s, id);
		int k = btf_kind(t);
		if (!indexed_kind(k) || !t->name_off)
			continue;
		const char *name = name_of(s, t);
		size_t i = hash_nk(name, k) & m;
		for (; s->index[i]; i = (i + 1) & m) {
			const struct btf_type *o = bt_of(s, s->index[i]);
			if (btf_kind(o) == k && !strcmp(name_of(s, o), name))
				break;
		}
		if (!s->index[i])
			s->index[i] = id;
	}
}

/* The first type named `name` of kind `kind` that s itself defines (for a
 * module, not its vmlinux base); 0 if none. */
static uint32_t find_own(struct bsrc *s, const char *name, int kind)
{
	if (!s->index && ++s->lookups <= INDEX_AFTER) {
		if (s == &B.vml) {
			int id = btf__find_by_name_kind(s->btf, name, kind);
			return id > 0 ? (uint32_t)id : 0;
		}
		for (uint32_t id = s->start; id < s->cnt; id++) {
			const struct btf_type *t = bt_of(s, id);
			if (btf_kind(t) == kind && !strcmp(name_of(s, t), name))
				return id;
		}
		return 0;
	}
	if (!s->index)
		index_build(s);
	size_t m = s->index_cap - 1;
	for (size_t i = hash_nk(name, kind) & m; s->index[i]; i = (i + 1) & m) {
		const struct btf_type *t = bt_of(s, s->index[i]);
		if (btf_kind(t) == kind && !strcmp(name_of(s, t), name))
			return s->index[i];
	}
	return 0;
}

/* Searches vmlinux, then (if `modules`) every module; sets *srcp. */
static uint32_t find_any(const char *name, int kind, bool modules,
			 struct bsrc **srcp)
{
	struct bsrc *v = vml();
	if (!v)
		return 0;
	uint32_t id = find_own(v, name, kind);
	if (id) {
		*srcp = v;
		return id;
	}
	if (!modules)
		return 0;
	list_modules();
	for (int i = 0; i < B.mods.n; i++) {
		struct bsrc *m = mod_load(B.mods.v[i]);
		if (m && (id = find_own(m, name, kind))) {
			*srcp = m;
			return id;
		}
	}
	return 0;
}

/* Skips const/volatile/restrict/type tags (and typedefs if `typedefs`);
 * sets *user when it passes a "user" type tag. */
static uint32_t skip_mods(struct bsrc *s, uint32_t id, bool typedefs,
			  bool *user)
{
	for (int guard = 0; id && guard < 64; guard++) {
		const struct btf_type *t = bt_of(s, id);
		if (!t)
			return 0;
		int k = btf_kind(t);
		if (k == BTF_KIND_TYPE_TAG && user &&
		    !strcmp(name_of(s, t), "user"))
			*user = true;
		if (k == BTF_KIND_CONST || k == BTF_KIND_VOLATILE ||
		    k == BTF_KIND_RESTRICT || k == BTF_KIND_TYPE_TAG ||
		    (typedefs && k == BTF_KIND_TYPEDEF))
			id = t->type;
		else
			break;
	}
	return id;
}

static bool is_char(struct bsrc *s, uint32_t id)
{
	id = skip_mods(s, id, false, NULL);
	if (!id)
		return false;
	const struct btf_type *t = bt_of(s, id);
	return btf_kind(t) == BTF_KIND_INT && t->size == 1 &&
	       !strcmp(name_of(s, t), "char");
}

/* ---- conversion ------------------------------------------------------- */

static struct type *conv(struct bsrc *s, uint32_t id);

static struct type *conv_int(struct bsrc *s, const struct btf_type *t)
{
	uint8_t enc = btf_int_encoding(t);
	int size = (int)t->size;
	if (enc & BTF_INT_BOOL)
		return size == 1 ? type_bool() : type_int(size, false);
	if (!strcmp(name_of(s, t), "char"))
		return type_int(1, true);
	if (size == 1 || size == 2 || size == 4 || size == 8)
		return type_int(size, enc & BTF_INT_SIGNED);
	return newarray(type_int(1, false), size);
}

/* A struct or union whose fields come later (pending). */
static struct type *conv_struct(struct bsrc *s, uint32_t id,
				const struct btf_type *t)
{
	int align = btf__align_of(s->btf, id);
	struct type *r = newtype(TY_STRUCT, (int)t->size, align);
	r->is_union = btf_kind(t) == BTF_KIND_UNION;
	const char *name = name_of(s, t);
	r->name = *name ? name : NULL;
	pend_add(r, s, id);
	return r;
}

/* A forward declaration: the full definition of that name in the
 * declaring object or vmlinux; else a pending empty struct whose
 * definition is searched in the modules' BTF when it is completed (a
 * struct only forward-declared in vmlinux may be defined in a module),
 * so that converting a pointer never loads every module. */
static struct type *conv_fwd(struct bsrc *s, uint32_t fid,
			     const struct btf_type *t)
{
	const char *name = name_of(s, t);
	int kind = btf_kflag(t) ? BTF_KIND_UNION : BTF_KIND_STRUCT;
	struct bsrc *at = s;
	uint32_t id = find_own(s, name, kind);
	if (!id)
		id = find_any(name, kind, false, &at);
	if (id)
		return conv(at, id);
	struct type *r = newtype(TY_STRUCT, 0, 1);
	r->is_union = kind == BTF_KIND_UNION;
	r->name = *name ? name : NULL;
	pend_add(r, s, fid);
	return r;
}

/* The enumerators of BTF enum t, for naming values in output: one heap
 * block (freed with the type), names in the BTF's strings. */
static void enum_values(struct bsrc *s, const struct btf_type *t,
			struct type *r)
{
	int n = btf_vlen(t);
	struct enumerator_vec *e =
		xcalloc(1, sizeof(*e) + (size_t)n * sizeof(struct enumerator));
	e->v = (struct enumerator *)(e + 1);
	e->n = e->cap = n;
	for (int i = 0; i < n; i++) {
		struct enumerator *d = &e->v[i];
		if (btf_kind(t) == BTF_KIND_ENUM64) {
			const struct btf_enum64 *v = btf_enum64(t) + i;
			d->name = btf__name_by_offset(s->btf, v->name_off);
			d->value = (int64_t)btf_enum64_value(v);
		} else {
			const struct btf_enum *v = btf_enum(t) + i;
			d->name = btf__name_by_offset(s->btf, v->name_off);
			d->value = btf_kflag(t) ? (int64_t)v->val
						: (int64_t)(uint32_t)v->val;
		}
	}
	r->enums = e;
}

static struct type *conv(struct bsrc *s, uint32_t id)
{
	if (!id)
		return type_void();
	if (s != &B.vml && id < s->start)
		s = &B.vml;
	if (id >= s->cnt)
		return type_void();
	struct type **slot = &s->conv[id - s->start];
	if (*slot)
		return *slot;
	const struct btf_type *t = bt_of(s, id);
	struct type *r;
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
		r = conv_int(s, t);
		break;
	case BTF_KIND_PTR: {
		bool user = false;
		uint32_t to = skip_mods(s, t->type, true, &user);
		bool fn = to && btf_kind(bt_of(s, to)) == BTF_KIND_FUNC_PROTO;
		r = newptr(fn ? type_void() : conv(s, t->type),
			   user ? AS_USER : AS_KERNEL);
		break;
	}
	case BTF_KIND_ARRAY: {
		const struct btf_array *a = btf_array(t);
		if (is_char(s, a->type) && a->nelems > 0)
			r = newtype(TY_STR, (int)a->nelems, 1);
		else
			r = newarray(conv(s, a->type), (int)a->nelems);
		break;
	}
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		r = conv_struct(s, id, t);
		break;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64: {
		int size = (int)t->size;
		if (size != 1 && size != 2 && size != 4 && size != 8)
			size = 4;
		r = newtype(TY_INT, size, size);
		r->is_signed = btf_kflag(t);
		const char *name = name_of(s, t);
		r->name = *name ? name : NULL;
		enum_values(s, t, r);
		break;
	}
	case BTF_KIND_FWD:
		r = conv_fwd(s, id, t);
		break;
	case BTF_KIND_TYPEDEF:
		r = conv(s, t->type);
		/* typedef struct { ... } atomic_t: the struct takes the name */
		if (r->kind == TY_STRUCT && !r->name && *name_of(s, t))
			r->name = name_of(s, t);
		break;
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
	case BTF_KIND_DECL_TAG:
		r = conv(s, t->type);
		break;
	case BTF_KIND_FLOAT:
		r = newarray(type_int(1, false), (int)t->size);
		r->is_float = true;
		break;
	default: /* FUNC, FUNC_PROTO, VAR, DATASEC */
		r = type_void();
		break;
	}
	*slot = r;
	return r;
}

static void complete_value(struct type *t);

/* Fills the fields of pending struct p (and what it holds by value). */
static void fill(struct pending *p)
{
	/* p points into the table, which conv() may grow: read it first */
	struct type *r = p->t;
	struct bsrc *s = p->src;
	uint32_t pid = p->id;
	p->done = true;
	p = NULL;
	const struct btf_type *t = bt_of(s, pid);
	if (btf_kind(t) == BTF_KIND_FWD) {
		/* defined in some module?  Take a copy of that body. */
		struct bsrc *at;
		uint32_t id = r->name ? find_any(r->name, r->is_union
						 ? BTF_KIND_UNION
						 : BTF_KIND_STRUCT, true, &at)
				      : 0;
		if (!id)
			return;
		struct type *full = conv(at, id);
		complete_value(full);
		r->size = full->size;
		r->align = full->align;
		for (int i = 0; i < full->fields.n; i++)
			vec_push(&r->fields, full->fields.v[i]);
		return;
	}
	const struct btf_member *m = btf_members(t);
	int size = r->size;
	for (int i = 0; i < btf_vlen(t); i++, m++) {
		const char *name = btf__name_by_offset(s->btf, m->name_off);
		struct type *ft = conv(s, m->type);
		uint32_t bitoff = btf_member_bit_offset(t, i);
		uint32_t width = btf_member_bitfield_size(t, i);
		if (!btf_kflag(t)) {
			/* old-style bitfield: the width is in the int type */
			uint32_t it = skip_mods(s, m->type, true, NULL);
			const struct btf_type *bi = it ? bt_of(s, it) : NULL;
			if (bi && btf_kind(bi) == BTF_KIND_INT &&
			    btf_int_bits(bi) != bi->size * 8) {
				width = btf_int_bits(bi);
				bitoff += btf_int_offset(bi);
			}
		}
		type_add_field(r, name && *name ? name : NULL, ft,
			       (int)(bitoff / 8));
		if (width) {
			struct field *f = &r->fields.v[r->fields.n - 1];
			f->bit_offset = (int)(bitoff % 8);
			f->bit_width = (int)width;
		}
		complete_value(ft);
	}
	r->size = size;
}

/* Completes the structs t holds by value (t itself if a struct, array
 * elements). */
static void complete_value(struct type *t)
{
	while (t && t->kind == TY_ARRAY)
		t = t->elem;
	if (!t || t->kind != TY_STRUCT)
		return;
	struct pending *p = pend_find(t);
	if (p && !p->done)
		fill(p);
}

bool btf_pending(const struct type *t)
{
	struct pending *p = t && t->kind == TY_STRUCT ? pend_find(t) : NULL;
	return p && !p->done;
}

/* "struct x" -> kind STRUCT, returns "x"; plain names get kind 0. */
static const char *split_tag(const char *name, int *kind)
{
	static const struct { const char *kw; int kind; } tags[] = {
		{ "struct ", BTF_KIND_STRUCT },
		{ "union ", BTF_KIND_UNION },
		{ "enum ", BTF_KIND_ENUM },
	};
	while (*name == ' ')
		name++;
	*kind = 0;
	for (size_t i = 0; i < ARRAY_SIZE(tags); i++) {
		size_t n = strlen(tags[i].kw);
		if (!strncmp(name, tags[i].kw, n)) {
			*kind = tags[i].kind;
			name += n;
			while (*name == ' ')
				name++;
			break;
		}
	}
	return name;
}

static uint32_t find_kind(const char *name, int kind, struct bsrc **s)
{
	uint32_t id = find_any(name, kind, true, s);
	if (!id && kind == BTF_KIND_ENUM)
		id = find_any(name, BTF_KIND_ENUM64, true, s);
	return id;
}

static struct type *by_kind(const char *name, int kind)
{
	struct bsrc *s;
	uint32_t id = find_kind(name, kind, &s);
	if (!id)
		return NULL;
	struct type *t = conv(s, id);
	complete_value(t);
	return t;
}

struct type *btf_type_by_name(const char *name)
{
	if (!vml())
		return NULL;
	int kind;
	name = split_tag(name, &kind);
	if (!*name)
		return NULL;
	if (kind)
		return by_kind(name, kind);
	static const int order[] = { BTF_KIND_TYPEDEF, BTF_KIND_INT,
				     BTF_KIND_STRUCT, BTF_KIND_UNION,
				     BTF_KIND_ENUM };
	for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
		struct type *t = by_kind(name, order[i]);
		if (t)
			return t;
	}
	return NULL;
}

bool btf_has_type(const char *name)
{
	struct bsrc *v = vml();
	if (!v)
		return false;
	int kind;
	name = split_tag(name, &kind);
	if (!*name)
		return false;
	if (!kind)
		kind = BTF_KIND_TYPEDEF;
	return find_own(v, name, kind) ||
	       (kind == BTF_KIND_ENUM && find_own(v, name, BTF_KIND_ENUM64));
}

struct type *btf_complete(struct type *t)
{
	if (!t || t->kind != TY_STRUCT)
		return t;
	struct pending *p = pend_find(t);
	if (p) {
		struct pending pc = *p; /* fill() may move the table */
		if (!pc.done)
			fill(p);
		bool fwd = btf_kind(bt_of(pc.src, pc.id)) == BTF_KIND_FWD;
		return fwd && !t->size ? NULL : t; /* defined nowhere */
	}
	if (!t->name || !vml())
		return NULL;
	return by_kind(t->name, t->is_union ? BTF_KIND_UNION
					    : BTF_KIND_STRUCT);
}

/* ---- C spelling of a type, for listings -------------------------------- */

static void ctext_into(struct strbuf *b, struct bsrc *s, uint32_t id,
		       int depth)
{
	if (s != &B.vml && id < s->start)
		s = &B.vml;
	if (!id || depth > 32) {
		sb_puts(b, "void");
		return;
	}
	const struct btf_type *t = bt_of(s, id);
	const char *name = name_of(s, t);
	int k = btf_kind(t);
	switch (k) {
	case BTF_KIND_CONST: {
		/* `char *const p` prints as `char *`; `const char` as is */
		uint32_t in = skip_mods(s, t->type, false, NULL);
		if (!in || btf_kind(bt_of(s, in)) != BTF_KIND_PTR)
			sb_puts(b, "const ");
		ctext_into(b, s, t->type, depth + 1);
		return;
	}
	case BTF_KIND_VOLATILE:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		ctext_into(b, s, t->type, depth + 1);
		return;
	case BTF_KIND_INT:
	case BTF_KIND_FLOAT:
	case BTF_KIND_TYPEDEF:
		sb_puts(b, name);
		return;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
	case BTF_KIND_FWD: {
		const char *kw = "enum";
		if (k == BTF_KIND_UNION || (k == BTF_KIND_FWD && btf_kflag(t)))
			kw = "union";
		else if (k == BTF_KIND_STRUCT || k == BTF_KIND_FWD)
			kw = "struct";
		sb_printf(b, "%s %s", kw, *name ? name : "(anon)");
		return;
	}
	case BTF_KIND_PTR: {
		uint32_t to = skip_mods(s, t->type, true, NULL);
		if (to && btf_kind(bt_of(s, to)) == BTF_KIND_FUNC_PROTO) {
			sb_puts(b, "void *");
			return;
		}
		ctext_into(b, s, t->type, depth + 1);
		sb_puts(b, b->len && b->s[b->len - 1] == '*' ? "*" : " *");
		return;
	}
	case BTF_KIND_ARRAY:
		ctext_into(b, s, btf_array(t)->type, depth + 1);
		sb_printf(b, "[%u]", btf_array(t)->nelems);
		return;
	default:
		sb_puts(b, "void");
	}
}

static const char *ctext(struct bsrc *s, uint32_t id)
{
	struct strbuf b = { 0 };
	ctext_into(&b, s, id, 0);
	const char *r = tt_strdup(b.s ? b.s : "void");
	sb_free(&b);
	return r;
}

/* ---- functions and tracepoints ---------------------------------------- */

/* Fills out from FUNC_PROTO `proto` of object s, skipping `skip` leading
 * parameters. */
static void fill_fn(struct bsrc *s, uint32_t proto, int skip,
		    const char *name, struct btf_fn *out)
{
	const struct btf_type *p = bt_of(s, proto);
	const struct btf_param *pa = btf_params(p);
	int n = btf_vlen(p);
	memset(out, 0, sizeof(*out));
	out->name = tt_strdup(name);
	out->module = tt_strdup(s->name);
	out->ret = conv(s, p->type);
	out->ret_ctext = ctext(s, p->type);
	if (n > 0 && !pa[n - 1].type && !pa[n - 1].name_off)
		n--; /* `...` */
	out->nargs = n > skip ? n - skip : 0;
	out->args = tt_alloc(sizeof(*out->args) * (out->nargs + 1));
	int slot = 0;
	for (int i = skip; i < n; i++) {
		struct btf_arg *a = &out->args[i - skip];
		const char *an = btf__name_by_offset(s->btf, pa[i].name_off);
		a->name = an && *an ? tt_strdup(an)
				    : tt_sprintf("arg%d", i - skip);
		a->type = conv(s, pa[i].type);
		a->ctext = ctext(s, pa[i].type);
		a->slot = slot;
		slot += a->type->size > 8 ? (a->type->size + 7) / 8 : 1;
	}
	out->retval_slot = slot;
}

/* Calls look() on the objects `module` designates, in order, until it
 * returns 0.  Returns 0, -ENOENT or -ENODATA. */
static int each_src(const char *module, int (*look)(struct bsrc *, void *),
		    void *arg)
{
	struct bsrc *v = vml();
	if (!v)
		return -ENODATA;
	if (module && strcmp(module, "vmlinux")) {
		struct bsrc *m = mod_by_name(module);
		if (!m)
			return -ENODATA;
		return look(m, arg) == 0 ? 0 : -ENOENT;
	}
	if (look(v, arg) == 0)
		return 0;
	if (module)
		return -ENOENT;
	list_modules();
	for (int i = 0; i < B.mods.n; i++) {
		struct bsrc *m = mod_load(B.mods.v[i]);
		if (m && look(m, arg) == 0)
			return 0;
	}
	return -ENOENT;
}

struct fn_query {
	const char *name;
	struct btf_fn *out;
};

static int look_func(struct bsrc *s, void *arg)
{
	struct fn_query *q = arg;
	uint32_t id = find_own(s, q->name, BTF_KIND_FUNC);
	if (!id)
		return -1;
	fill_fn(s, bt_of(s, id)->type, 0, q->name, q->out);
	return 0;
}

int btf_func_args(const char *module, const char *func, struct btf_fn *out)
{
	struct fn_query q = { func, out };
	return each_src(module, look_func, &q);
}

static int look_tp(struct bsrc *s, void *arg)
{
	struct fn_query *q = arg;
	static const char *const fns[] = { "__probestub_", "__bpf_trace_" };
	for (size_t i = 0; i < ARRAY_SIZE(fns); i++) {
		uint32_t id = find_own(s, tt_sprintf("%s%s", fns[i], q->name),
				       BTF_KIND_FUNC);
		if (id) {
			fill_fn(s, bt_of(s, id)->type, 1, q->name, q->out);
			return 0;
		}
	}
	/* btf_trace_<tp>: typedef -> pointer -> func proto (no names) */
	uint32_t id = find_own(s, tt_sprintf("btf_trace_%s", q->name),
			       BTF_KIND_TYPEDEF);
	if (!id)
		return -1;
	id = skip_mods(s, bt_of(s, id)->type, true, NULL);
	if (!id || btf_kind(bt_of(s, id)) != BTF_KIND_PTR)
		return -1;
	id = skip_mods(s, bt_of(s, id)->type, true, NULL);
	if (!id || btf_kind(bt_of(s, id)) != BTF_KIND_FUNC_PROTO)
		return -1;
	fill_fn(s, id, 1, q->name, q->out);
	return 0;
}

int btf_tracepoint_args(const char *module, const char *tp,
			struct btf_fn *out)
{
	struct fn_query q = { tp, out };
	return each_src(module, look_tp, &q);
}

struct type *btf_args_type(const struct btf_fn *f)
{
	struct type *t = type_struct(tt_sprintf("%s_args", f->name), false);
	t->is_ctx = true;
	for (int i = 0; i < f->nargs; i++)
		type_add_field(t, f->args[i].name, f->args[i].type,
			       f->args[i].slot * 8);
	t->size = f->retval_slot * 8;
	t->align = 8;
	return t;
}

/* ---- enum values ------------------------------------------------------ */

static void enum_insert(struct enumval e)
{
	size_t m = B.enum_cap - 1;
	size_t i = hash_str(e.name) & m;
	for (; B.enums[i].name; i = (i + 1) & m)
		if (!strcmp(B.enums[i].name, e.name))
			return; /* the first definition wins */
	B.enums[i] = e;
	B.enum_n++;
}

static void enum_put(const char *name, int64_t v, uint32_t id)
{
	if (2 * (B.enum_n + 1) > B.enum_cap) {
		size_t oldcap = B.enum_cap;
		struct enumval *old = B.enums;
		B.enum_cap = oldcap ? 2 * oldcap : 4096;
		B.enums = xcalloc(B.enum_cap, sizeof(*B.enums));
		B.enum_n = 0;
		for (size_t i = 0; i < oldcap; i++)
			if (old[i].name)
				enum_insert(old[i]);
		free(old);
	}
	enum_insert((struct enumval){ name, v, id });
}

static void enums_build(struct bsrc *s)
{
	B.enums_built = true;
	for (uint32_t id = s->start; id < s->cnt; id++) {
		const struct btf_type *t = bt_of(s, id);
		if (btf_kind(t) == BTF_KIND_ENUM) {
			const struct btf_enum *e = btf_enum(t);
			for (int i = 0; i < btf_vlen(t); i++, e++)
				enum_put(btf__name_by_offset(s->btf, e->name_off),
					 btf_kflag(t) ? (int64_t)e->val
						      : (int64_t)(uint32_t)e->val,
					 id);
		} else if (btf_kind(t) == BTF_KIND_ENUM64) {
			const struct btf_enum64 *e = btf_enum64(t);
			for (int i = 0; i < btf_vlen(t); i++, e++)
				enum_put(btf__name_by_offset(s->btf, e->name_off),
					 (int64_t)btf_enum64_value(e), id);
		}
	}
}

bool btf_enum_value(const char *name, int64_t *value, struct type **type)
{
	struct bsrc *s = vml();
	if (!s)
		return false;
	if (!B.enums_built)
		enums_build(s);
	if (!B.enum_cap)
		return false;
	size_t m = B.enum_cap - 1;
	for (size_t i = hash_str(name) & m; B.enums[i].name; i = (i + 1) & m) {
		if (!strcmp(B.enums[i].name, name)) {
			*value = B.enums[i].value;
			if (type)
				*type = conv(s, B.enums[i].id);
			return true;
		}
	}
	return false;
}

/* ---- iteration -------------------------------------------------------- */

struct each_query {
	bool tracepoints;
	int (*fn)(void *, const char *, const char *);
	void *arg;
};

static int each_in(struct bsrc *s, struct each_query *q)
{
	for (uint32_t id = s->start; id < s->cnt; id++) {
		const struct btf_type *t = bt_of(s, id);
		const char *name;
		if (q->tracepoints) {
			if (btf_kind(t) != BTF_KIND_TYPEDEF)
				continue;
			name = name_of(s, t);
			if (strncmp(name, "btf_trace_", 10))
				continue;
			name += 10;
		} else {
			if (btf_kind(t) != BTF_KIND_FUNC)
				continue;
			name = name_of(s, t);
		}
		int r = q->fn(q->arg, s->name, name);
		if (r)
			return r;
	}
	return 0;
}

static int each(const char *module, struct each_query *q)
{
	struct bsrc *v = vml();
	if (!v)
		return -ENODATA;
	int r;
	bool vmlinux = module && !strcmp(module, "vmlinux");
	if ((!module || vmlinux) && (r = each_in(v, q)))
		return r;
	if (vmlinux)
		return 0;
	list_modules();
	for (int i = 0; i < B.mods.n; i++) {
		if (module && strcmp(B.mods.v[i]->name, module))
			continue;
		struct bsrc *m = mod_load(B.mods.v[i]);
		if (m && (r = each_in(m, q)))
			return r;
	}
	return 0;
}

int btf_each_func(const char *module,
		  int (*fn)(void *arg, const char *module, const char *name),
		  void *arg)
{
	struct each_query q = { false, fn, arg };
	return each(module, &q);
}

int btf_each_tracepoint(const char *module,
			int (*fn)(void *arg, const char *module,
				  const char *name),
			void *arg)
{
	struct each_query q = { true, fn, arg };
	return each(module, &q);
}

/* ---- kfuncs ----------------------------------------------------------------- */

int btf_kfunc_id(const char *name)
{
	struct bsrc *v = vml();
	if (!v || !btf_kernel_available() ||
	    (btf_vmlinux_path() && strcmp(btf_vmlinux_path(),
					  "/sys/kernel/btf/vmlinux")))
		return 0;
	return (int)find_own(v, name, BTF_KIND_FUNC);
}

bool btf_func_exists(const char *name)
{
	struct bsrc *s;
	return vml() && find_any(name, BTF_KIND_FUNC, true, &s);
}

/* Loads `r1..r5 = 0; call kfunc id; r0 = 0; exit` as a prog_type
 * program: the verifier says "calling kernel function NAME is not
 * allowed" before it looks at the arguments, so any other refusal
 * (a NULL argument, an unreleased reference) means it may call it. */
static int kfunc_probe(int id, uint32_t prog_type)
{
	struct bpf_insn p[9] = { 0 };
	for (int r = 1; r <= 5; r++)
		p[r - 1] = (struct bpf_insn){ .code = BPF_ALU64 | BPF_MOV | BPF_K,
					      .dst_reg = r };
	p[5] = (struct bpf_insn){ .code = BPF_JMP | BPF_CALL,
				  .src_reg = BPF_PSEUDO_KFUNC_CALL, .imm = id };
	p[6] = (struct bpf_insn){ .code = BPF_ALU64 | BPF_MOV | BPF_K };
	p[7] = (struct bpf_insn){ .code = BPF_JMP | BPF_EXIT };
	static char log[4096];
	LIBBPF_OPTS(bpf_prog_load_opts, o, .log_buf = log,
		    .log_size = sizeof(log), .log_level = 1);
	if (prog_type == BPF_PROG_TYPE_TRACING) {
		/* which kfuncs TRACING may call does not depend on its
		   attach type: ask with a task iterator */
		o.expected_attach_type = BPF_TRACE_ITER;
		o.attach_btf_id = (uint32_t)btf_kfunc_id("bpf_iter_task");
	}
	log[0] = 0;
	int fd = bpf_prog_load(prog_type, NULL, "GPL", p, 8, &o);
	if (fd >= 0) {
		close(fd);
		return 1;
	}
	if (strstr(log, "is not allowed") || strstr(log, "not supported"))
		return 0;
	return log[0] ? 1 : -errno;
}

int btf_kfunc_allowed(const char *name, uint32_t prog_type)
{
	struct kfunc_ok { char *name; uint32_t type; int ok; };
	static struct kfunc_ok cache[16];
	static int ncache;
	for (int i = 0; i < ncache; i++)
		if (cache[i].type == prog_type && !strcmp(cache[i].name, name))
			return cache[i].ok;
	int id = btf_kfunc_id(name);
	int ok = id > 0 ? kfunc_probe(id, prog_type) : 0;
	if (ncache < (int)ARRAY_SIZE(cache))
		cache[ncache++] = (struct kfunc_ok){ strdup(name), prog_type,
						     ok };
	return ok;
}
