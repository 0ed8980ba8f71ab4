/* prov_tracepoint.c — tracepoint:CATEGORY:EVENT (t:), also
 * tracepoint:CAT*:EV* and tracepoint:PATTERN over "CAT:EVENT".
 *
 * Types come from tracefs, no BTF needed: the `args` struct is read from
 * <tracefs>/events/CAT/EVENT/format (probes.h says how each field is
 * typed); pointers in `syscalls` tracepoints and fields tagged
 * btf_type_tag("user") point into user memory.  The program
 * (BPF_PROG_TYPE_TRACEPOINT) reads the raw record in place.  Attached as a
 * perf event of type PERF_TYPE_TRACEPOINT on one CPU; the kernel runs the
 * programs of one tracepoint in attach order. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <string.h>

#include <linux/bpf.h>
#include <linux/perf_event.h>

#include "btf.h"
#include "probes.h"
#include "tracefs.h"
#include "types.h"

static int tp_parse(struct attach_point *ap, char **parts, int n)
{
	if (n == 2 && prov_has_wildcard(parts[1])) {
		ap->target = "*";
		ap->func = parts[1];
	} else if (n != 3) {
		return prov_nargs_error(ap, "2 arguments");
	} else {
		ap->target = parts[1];
		ap->func = parts[2];
	}
	return 0;
}

static const char *tp_name(const struct attach_point *ap)
{
	return tt_sprintf("tracepoint:%s:%s", ap->target, ap->func);
}

/* ---- format files -> the `args` type --------------------------------------- */

/* C integer type names a format file uses, with their signedness. */
static int c_int_signedness(const char *t)
{
	static const struct { const char *name; int sign; } names[] = {
		{ "char", 1 }, { "signed char", 1 }, { "unsigned char", 0 },
		{ "short", 1 }, { "unsigned short", 0 }, { "int", 1 },
		{ "signed int", 1 }, { "signed", 1 },
		{ "unsigned int", 0 }, { "unsigned", 0 }, { "long", 1 },
		{ "unsigned long", 0 }, { "long long", 1 },
		{ "unsigned long long", 0 }, { "s8", 1 }, { "u8", 0 },
		{ "s16", 1 }, { "u16", 0 }, { "s32", 1 }, { "u32", 0 },
		{ "s64", 1 }, { "u64", 0 }, { "__s8", 1 }, { "__u8", 0 },
		{ "__s16", 1 }, { "__u16", 0 }, { "__s32", 1 }, { "__u32", 0 },
		{ "__s64", 1 }, { "__u64", 0 }, { "int8_t", 1 },
		{ "uint8_t", 0 }, { "int16_t", 1 }, { "uint16_t", 0 },
		{ "int32_t", 1 }, { "uint32_t", 0 }, { "int64_t", 1 },
		{ "uint64_t", 0 }, { "size_t", 0 }, { "ssize_t", 1 },
		{ "pid_t", 1 }, { "bool", 0 }, { "_Bool", 0 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(t, names[i].name))
			return names[i].sign;
	return -1;
}

/* The size of a C integer type c_int_signedness() knows (LP64). */
static int c_int_size(const char *t)
{
	if (strstr(t, "char") || strstr(t, "8"))
		return 1;
	if (strstr(t, "short") || strstr(t, "16"))
		return 2;
	if (strstr(t, "long") || strstr(t, "64") || strstr(t, "size_t"))
		return 8;
	if (!strcmp(t, "bool") || !strcmp(t, "_Bool"))
		return 1;
	return 4; /* int, unsigned, 32-bit names, pid_t */
}

/* Remove `__attribute__((...))`, `const`, `volatile` and extra spaces
 * from a C declaration's type part. */
static char *clean_decl(const char *s)
{
	struct strbuf b = { 0 };
	sb_puts(&b, "");
	while (*s) {
		if (!strncmp(s, "__attribute__", 13)) {
			s += 13;
			int depth = 0;
			while (*s) {
				if (*s == '(')
					depth++;
				else if (*s == ')' && --depth == 0) {
					s++;
					break;
				}
				s++;
			}
			continue;
		}
		if ((!strncmp(s, "const", 5) || !strncmp(s, "volatile", 8)) &&
		    (b.len == 0 || !isalnum((unsigned char)b.s[b.len - 1]))) {
			size_t k = s[0] == 'c' ? 5 : 8;
			if (!isalnum((unsigned char)s[k]) && s[k] != '_') {
				s += k;
				continue;
			}
		}
		if (isspace((unsigned char)*s)) {
			if (b.len && b.s[b.len - 1] != ' ')
				sb_putc(&b, ' ');
			s++;
			continue;
		}
		sb_putc(&b, *s++);
	}
	while (b.len && b.s[b.len - 1] == ' ')
		b.s[--b.len] = 0;
	char *r = tt_strdup(b.s);
	sb_free(&b);
	/* drop a leading space */
	return *r == ' ' ? r + 1 : r;
}

/* What a format's `T *` field points to: the kernel's type by name from
 * BTF (struct, union, typedef or integer), so that *p reads its size and
 * p[i], p + i step by it; without BTF a struct or union known by name
 * only, an integer of the C type's size, else a byte. */
static struct type *pointee_type(const char *ty, int sg)
{
	struct type *t = btf_available() ? btf_type_by_name(ty) : NULL;
	if (t && t->kind == TY_STRUCT)
		return t;
	if (t && t->kind == TY_INT && t->size >= 1 && t->size <= 8)
		return type_int(t->size, t->is_signed);
	if (!strncmp(ty, "struct ", 7))
		return type_struct(tt_strdup(ty + 7), false);
	if (!strncmp(ty, "union ", 6))
		return type_struct(tt_strdup(ty + 6), true);
	if (sg >= 0)
		return type_int(c_int_size(ty), sg == 1);
	return type_int(1, false);
}

/* The type of one format field.  decl is "type name[N]" as written. */
static struct type *field_type(const char *decl, int size, bool is_signed,
			       bool user, bool *data_loc, const char **name)
{
	char *d = clean_decl(decl);
	*data_loc = false;
	if (!strncmp(d, "__data_loc ", 11)) {
		*data_loc = true;
		d += 11;
	}
	/* name: the last identifier, possibly followed by [N] */
	size_t len = strlen(d);
	int nelem = -1;
	if (len && d[len - 1] == ']') {
		char *br = strrchr(d, '[');
		nelem = atoi(br + 1);
		*br = 0;
	}
	len = strlen(d);
	while (len && d[len - 1] == ' ')
		d[--len] = 0;
	size_t e = len;
	while (e && (isalnum((unsigned char)d[e - 1]) || d[e - 1] == '_'))
		e--;
	*name = tt_strdup(d + e);
	d[e] = 0;
	char *ty = clean_decl(d);

	if (*data_loc)
		return type_ptr(type_int(1, true), AS_KERNEL);

	int stars = 0;
	size_t tl = strlen(ty);
	while (tl && (ty[tl - 1] == '*' || ty[tl - 1] == ' ')) {
		if (ty[tl - 1] == '*')
			stars++;
		ty[--tl] = 0;
	}
	if (stars) {
		struct type *elem;
		int sg = c_int_signedness(ty);
		if (sg >= 0 && (!strcmp(ty, "char") || strstr(ty, "char")))
			elem = type_int(1, sg == 1);
		else if (!strcmp(ty, "void"))
			elem = type_void();
		else
			elem = pointee_type(ty, sg);
		struct type *t = elem;
		for (int i = 0; i < stars; i++)
			t = type_ptr(t, user ? AS_USER : AS_KERNEL);
		return t;
	}
	if (nelem >= 0) {
		int sg = c_int_signedness(ty);
		if (!strcmp(ty, "char") || !strcmp(ty, "signed char") ||
		    !strcmp(ty, "unsigned char") || !strcmp(ty, "u8") ||
		    !strcmp(ty, "__u8")) {
			if (!strcmp(ty, "char"))
				return type_str(nelem ? nelem : size);
			return type_array(type_int(1, sg == 1),
					  nelem ? nelem : size);
		}
		int n = nelem ? nelem : 1;
		int esz = size / n;
		if (esz != 1 && esz != 2 && esz != 4 && esz != 8)
			return type_array(type_int(1, false), size);
		return type_array(type_int(esz, sg >= 0 ? sg == 1 : is_signed),
				  n);
	}
	if (!strcmp(ty, "bool") || !strcmp(ty, "_Bool"))
		return size == 1 ? type_bool() : type_int(size, false);
	int sg = c_int_signedness(ty);
	if (size != 1 && size != 2 && size != 4 && size != 8)
		return type_array(type_int(1, false), size);
	if (!strncmp(ty, "enum ", 5) && btf_available()) {
		/* the kernel's enum names the field's values in output */
		struct type *e = btf_type_by_name(ty);
		if (e && e->kind == TY_INT && e->name)
			return type_enum_as(e, size, is_signed);
	}
	return type_int(size, sg >= 0 ? sg == 1 : is_signed);
}

struct type *probes_tp_parse_format(const char *text, const char *category,
				    const char *event)
{
	struct type *t = type_struct(tt_sprintf("%s_%s_args", category, event),
				     false);
	t->is_ctx = true;
	bool user = !strcmp(category, "syscalls");
	const char *p = text;
	while ((p = strstr(p, "field:")) != NULL) {
		p += 6;
		const char *semi = strchr(p, ';');
		if (!semi)
			break;
		char *decl = tt_strndup(p, semi - p);
		int offset = -1, size = -1, sign = 0;
		const char *q;
		if ((q = strstr(semi, "offset:")))
			offset = atoi(q + 7);
		if ((q = strstr(semi, "size:")))
			size = atoi(q + 5);
		if ((q = strstr(semi, "signed:")))
			sign = atoi(q + 7);
		const char *eol = strchr(semi, '\n');
		p = eol ? eol : semi + 1;
		if (offset < 0 || size <= 0)
			continue;
		bool fuser = user || strstr(decl, "btf_type_tag(\"user\")");
		bool dl;
		const char *name;
		struct type *ft = field_type(decl, size, sign, fuser, &dl, &name);
		if (!strncmp(name, "common_", 7))
			continue;
		type_add_field(t, name, ft, offset);
		if (dl)
			t->fields.v[t->fields.n - 1].data_loc = true;
	}
	/* the record is read in place: size covers the last field */
	t->align = 8;
	return t;
}

int probes_tp_args(struct attach_point *ap)
{
	if (ap->args_type)
		return 0;
	const char *root = prov_tracefs();
	if (!root) {
		diag_error(&ap->loc, "tracefs is not available: cannot read "
				     "the format of tracepoint %s:%s",
			   ap->target, ap->func);
		return -1;
	}
	char *path = tt_sprintf("%s/events/%s/%s/format", root, ap->target,
				ap->func);
	char *text = prov_read_file(path);
	if (!text)
		return 1;
	ap->args_type = probes_tp_parse_format(text, ap->target, ap->func);
	return 0;
}

/* ---- expansion -------------------------------------------------------------- */

/* Every CAT:EVENT matching the wildcards, each with its `args`. */
static int tp_expand(struct attach_point *ap, struct ap_vec *out)
{
	if (!ap->wildcard) {
		int r = probes_tp_args(ap);
		if (r > 0)
			return prov_no_match(ap, tt_sprintf("tracepoint %s:%s",
							    ap->target,
							    ap->func));
		if (r < 0)
			return -1;
		vec_push(out, ap);
		return 0;
	}
	const char *root = prov_tracefs();
	if (!root) {
		diag_error(&ap->loc, "tracefs is not available: cannot expand %s",
			   ap->raw);
		return -1;
	}
	char **cats;
	int ncat = prov_list_dirs(tt_sprintf("%s/events", root), ap->target,
				  &cats);
	int found = 0;
	for (int i = 0; i < ncat; i++) {
		char **evs;
		int nev = prov_list_dirs(tt_sprintf("%s/events/%s", root,
						    cats[i]),
					 ap->func, &evs);
		for (int j = 0; j < nev; j++) {
			struct attach_point *c = prov_ap_copy(ap);
			c->target = cats[i];
			c->func = evs[j];
			c->raw = tt_sprintf("tracepoint:%s:%s", cats[i], evs[j]);
			char *text = prov_read_file(tt_sprintf(
				"%s/events/%s/%s/format", root, cats[i], evs[j]));
			if (!text)
				continue; /* not an event directory */
			c->args_type =
				probes_tp_parse_format(text, cats[i], evs[j]);
			vec_push(out, c);
			found++;
		}
	}
	if (!found)
		return prov_no_match(ap, tt_sprintf("tracepoint %s:%s",
						    ap->target, ap->func));
	return 0;
}

/* ---- -l ------------------------------------------------------------------------ */

static bool match(const char *pattern, const char *s)
{
	return !fnmatch(pattern, s, 0);
}

static void add_tp(const struct prov_query *q, const char *cat, const char *ev,
		   prov_entry_vec *out)
{
	bool ok = q->n >= 2
		? match(q->p[0], cat) && match(q->p[1], ev)
		: match(prov_query_part(q, 0), tt_sprintf("%s:%s", cat, ev));
	if (ok)
		prov_list_add(out, q, PROV_TRACEPOINT,
			      tt_sprintf("tracepoint:%s:%s", cat, ev), cat, ev);
}

static int dir_names(const char *path, char ***names)
{
	DIR *d = opendir(path);
	VEC(char *) v = { 0 };
	if (d) {
		struct dirent *e;
		while ((e = readdir(d)) != NULL)
			if (e->d_name[0] != '.' && e->d_type == DT_DIR)
				vec_push(&v, tt_strdup(e->d_name));
		closedir(d);
	}
	char **r = tt_alloc(sizeof(*r) * (v.n + 1));
	memcpy(r, v.v, sizeof(*r) * v.n);
	int n = v.n;
	vec_free(&v);
	*names = r;
	return n;
}

/* tracepoint:CAT:NAME from available_events ("cat:name" lines), else the
 * events/ directories.  One part is matched against "CAT:NAME". */
static void tp_list(const struct prov_query *q, const struct prov_ops *p,
		    prov_entry_vec *out)
{
	const char *root = tracefs_path();
	if (!root)
		return;
	FILE *f = fopen(tt_sprintf("%s/available_events", root), "r");
	if (f) {
		char line[512];
		while (fgets(line, sizeof(line), f)) {
			line[strcspn(line, "\n")] = 0;
			char *c = strchr(line, ':');
			if (!c)
				continue;
			*c = 0;
			add_tp(q, tt_strdup(line), tt_strdup(c + 1), out);
		}
		fclose(f);
		return;
	}
	char **cats;
	int ncat = dir_names(tt_sprintf("%s/events", root), &cats);
	for (int i = 0; i < ncat; i++) {
		char **evs;
		int nev = dir_names(tt_sprintf("%s/events/%s", root, cats[i]),
				    &evs);
		for (int j = 0; j < nev; j++)
			add_tp(q, cats[i], evs[j], out);
	}
}

/* -lv: the fields of the format file after the common_ ones, as written
 * there ("const char * filename"). */
static void tp_list_args(const struct prov_entry *e, FILE *out)
{
	const char *root = tracefs_path();
	FILE *f = root ? fopen(tt_sprintf("%s/events/%s/%s/format", root,
					  e->mod, e->fn), "r")
		       : NULL;
	if (!f)
		return;
	char line[1024];
	bool past_common = false;
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '\n') {
			past_common = true;
			continue;
		}
		if (!past_common || strncmp(line, "\tfield:", 7))
			continue;
		fprintf(out, "    %.*s\n", (int)strcspn(line + 7, ";"),
			line + 7);
	}
	fclose(f);
}

static int tp_list_parts(const struct attach_point *ap, const char **parts)
{
	parts[0] = ap->target;
	parts[1] = ap->func;
	return 2;
}

const struct prov_ops prov_tracepoint = {
	.id = PROV_TRACEPOINT,
	.name = "tracepoint",
	.aliases = "tracepoint t",
	.flags = PF_PID_FILTER,
	.parse = tp_parse,
	.expand = tp_expand,
	.ap_name = tp_name,
	.list = tp_list,
	.listed = true,
	.list_args = tp_list_args,
	.list_parts = tp_list_parts,
	.prog_type = BPF_PROG_TYPE_TRACEPOINT,
	.args_ctype = "struct _tracepoint_%s_%s",
};
