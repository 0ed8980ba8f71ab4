/* ktypes.c — kernel types from BTF (/sys/kernel/btf/vmlinux), loaded lazily
 * the first time a script names a kernel struct or uses curtask.
 *
 * Takes names ("task_struct", "size_t"); produces struct type values
 * (types.h).  Structs and unions are converted member by member on first
 * field access (ktype_complete), so a pointer to a huge struct costs nothing
 * until it is dereferenced.  char arrays become strings (bpftrace prints
 * task_struct.comm as a string); the btf_type_tag("user") of a pointer
 * gives AS_USER. */
#include "ktypes.h"

#include <bpf/btf.h>
#include <string.h>

#include "types.h"

static struct btf *vmlinux;
static bool tried;
static struct type **cache;   /* by BTF id */
static int ncache;

static struct btf *get_btf(void)
{
	if (!tried) {
		tried = true;
		vmlinux = btf__load_vmlinux_btf();
		if (!vmlinux)
			vmlinux = NULL;
		else {
			ncache = (int)btf__type_cnt(vmlinux);
			cache = xcalloc(ncache, sizeof(*cache));
		}
	}
	return vmlinux;
}

bool ktype_available(void)
{
	return get_btf() != NULL;
}

static struct type *convert(int id, enum addrspace as);

/* Skips typedefs and modifiers; notes a "user" type tag. */
static int resolve(int id, enum addrspace *as)
{
	for (int guard = 0; guard < 64 && id > 0; guard++) {
		const struct btf_type *t = btf__type_by_id(vmlinux, id);
		if (!t)
			return 0;
		if (btf_is_type_tag(t)) {
			const char *tag = btf__name_by_offset(vmlinux, t->name_off);
			if (as && tag && !strcmp(tag, "user"))
				*as = AS_USER;
			id = t->type;
		} else if (btf_is_typedef(t) || btf_is_mod(t)) {
			id = t->type;
		} else {
			return id;
		}
	}
	return id;
}

static const char *name_of(const struct btf_type *t)
{
	const char *n = btf__name_by_offset(vmlinux, t->name_off);
	return n && *n ? n : NULL;
}

static struct type *convert(int id, enum addrspace as)
{
	enum addrspace pas = as;
	id = resolve(id, &pas);
	if (id <= 0)
		return type_void();
	if (id < ncache && cache[id])
		return cache[id];
	const struct btf_type *t = btf__type_by_id(vmlinux, id);
	struct type *r;
	if (btf_is_int(t)) {
		uint32_t enc = btf_int_encoding(t);
		if (enc & BTF_INT_BOOL)
			r = type_bool();
		else
			r = type_int(t->size, (enc & BTF_INT_SIGNED) ||
					      (name_of(t) &&
					       !strcmp(name_of(t), "char")));
	} else if (btf_is_any_enum(t)) {
		r = type_new(TY_INT, t->size, t->size);
		r->is_signed = btf_kflag(t);
		r->name = name_of(t);
	} else if (btf_is_ptr(t)) {
		enum addrspace eas = as;
		int target = resolve(t->type, &eas);
		const struct btf_type *tt = target > 0
			? btf__type_by_id(vmlinux, target) : NULL;
		struct type *elem;
		if (!tt || btf_is_func_proto(tt))
			elem = type_void();
		else
			elem = convert(target, eas);
		r = type_ptr(elem, eas == AS_USER ? AS_USER : AS_KERNEL);
		return r; /* not cached: the address space depends on the tag */
	} else if (btf_is_array(t)) {
		const struct btf_array *a = btf_array(t);
		struct type *elem = convert(a->type, as);
		if (elem->kind == TY_INT && elem->size == 1 && elem->is_signed &&
		    !elem->name)
			r = type_str(a->nelems ? (int)a->nelems : 1);
		else
			r = type_array(elem, (int)a->nelems);
	} else if (btf_is_composite(t)) {
		r = type_struct(name_of(t), btf_is_union(t));
		r->size = t->size;
		r->align = 8;
		r->btf_id = id;
		r->incomplete = true;
	} else if (btf_is_fwd(t)) {
		r = type_struct(name_of(t), btf_kflag(t));
		r->incomplete = false;
	} else if (btf_is_float(t)) {
		r = type_array(type_int(1, false), t->size);
	} else {
		r = type_void();
	}
	if (id < ncache)
		cache[id] = r;
	return r;
}

void ktype_complete(struct type *t)
{
	if (!t || !t->incomplete || !get_btf())
		return;
	t->incomplete = false;
	const struct btf_type *bt = btf__type_by_id(vmlinux, t->btf_id);
	const struct btf_member *m = btf_members(bt);
	int size = t->size;
	for (int i = 0; i < btf_vlen(bt); i++, m++) {
		const char *name = btf__name_by_offset(vmlinux, m->name_off);
		uint32_t bits = btf_member_bit_offset(bt, i);
		uint32_t width = btf_member_bitfield_size(bt, i);
		struct type *ft = convert(m->type, AS_KERNEL);
		type_add_field(t, name && *name ? name : NULL, ft,
			       (int)(bits / 8));
		struct field *f = &t->fields.v[t->fields.n - 1];
		if (width) {
			f->offset = (int)(bits / 8);
			f->bit_offset = (int)(bits % 8);
			f->bit_width = (int)width;
		}
	}
	t->size = size;
}

struct type *ktype_struct(const char *name, bool is_union)
{
	if (!get_btf())
		return NULL;
	int id = btf__find_by_name_kind(vmlinux, name,
					is_union ? BTF_KIND_UNION : BTF_KIND_STRUCT);
	if (id <= 0)
		return NULL;
	return convert(id, AS_KERNEL);
}

struct type *ktype_named(const char *name)
{
	if (!get_btf())
		return NULL;
	int id = btf__find_by_name_kind(vmlinux, name, BTF_KIND_TYPEDEF);
	if (id <= 0)
		id = btf__find_by_name_kind(vmlinux, name, BTF_KIND_INT);
	if (id <= 0)
		return NULL;
	struct type *t = convert(id, AS_KERNEL);
	return t->kind == TY_VOID ? NULL : t;
}
