/* probes.c — attach points: the raw text as written -> provider and fields
 * (probes_parse), wildcards -> concrete attach points (probes_expand), and
 * tracepoint `format` files -> the `args` struct type (probes_tp_args).
 *
 * One table row per provider: its spellings, how many ':'-separated parts
 * it takes, the BPF program type its probes become.  Tracepoint types come
 * from tracefs (no BTF needed); pointers in `syscalls` tracepoints and
 * fields tagged btf_type_tag("user") point into user memory. */
#include "probes.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <glob.h>
#include <linux/bpf.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "btf.h"
#include "dwarf.h"
#include "elf_syms.h"
#include "prog.h"
#include "runtime.h"
#include "types.h"

struct provider_info {
	enum provider prov;
	const char *name;     /* canonical */
	const char *aliases;  /* space separated, matched case-insensitively */
	uint32_t prog_type;
};

static const struct provider_info providers[] = {
	{ PROV_BEGIN, "begin", "begin BEGIN", BPF_PROG_TYPE_RAW_TRACEPOINT },
	{ PROV_END, "end", "end END", BPF_PROG_TYPE_RAW_TRACEPOINT },
	{ PROV_TRACEPOINT, "tracepoint", "tracepoint t", BPF_PROG_TYPE_TRACEPOINT },
	{ PROV_RAWTRACEPOINT, "rawtracepoint", "rawtracepoint rt",
	  BPF_PROG_TYPE_RAW_TRACEPOINT },
	{ PROV_KPROBE, "kprobe", "kprobe k", BPF_PROG_TYPE_KPROBE },
	{ PROV_KRETPROBE, "kretprobe", "kretprobe kr", BPF_PROG_TYPE_KPROBE },
	{ PROV_UPROBE, "uprobe", "uprobe u", BPF_PROG_TYPE_KPROBE },
	{ PROV_URETPROBE, "uretprobe", "uretprobe ur", BPF_PROG_TYPE_KPROBE },
	{ PROV_USDT, "usdt", "usdt U", BPF_PROG_TYPE_KPROBE },
	{ PROV_PROFILE, "profile", "profile p", BPF_PROG_TYPE_PERF_EVENT },
	{ PROV_INTERVAL, "interval", "interval i", BPF_PROG_TYPE_PERF_EVENT },
	{ PROV_SOFTWARE, "software", "software s", BPF_PROG_TYPE_PERF_EVENT },
	{ PROV_HARDWARE, "hardware", "hardware h", BPF_PROG_TYPE_PERF_EVENT },
	{ PROV_WATCHPOINT, "watchpoint", "watchpoint w", BPF_PROG_TYPE_PERF_EVENT },
	{ PROV_ASYNCWATCHPOINT, "asyncwatchpoint", "asyncwatchpoint aw",
	  BPF_PROG_TYPE_PERF_EVENT },
	{ PROV_FENTRY, "fentry", "fentry f kfunc", BPF_PROG_TYPE_TRACING },
	{ PROV_FEXIT, "fexit", "fexit fr kretfunc", BPF_PROG_TYPE_TRACING },
	{ PROV_ITER, "iter", "iter it", BPF_PROG_TYPE_TRACING },
	{ PROV_SELF, "self", "self", BPF_PROG_TYPE_RAW_TRACEPOINT },
};

static const struct provider_info *prov_info(enum provider p)
{
	for (size_t i = 0; i < ARRAY_SIZE(providers); i++)
		if (providers[i].prov == p)
			return &providers[i];
	return NULL;
}

const char *probes_provider_name(enum provider p)
{
	const struct provider_info *pi = prov_info(p);
	return pi ? pi->name : "none";
}

uint32_t probes_prog_type(enum provider p)
{
	const struct provider_info *pi = prov_info(p);
	return pi ? pi->prog_type : BPF_PROG_TYPE_UNSPEC;
}

/* BEGIN/END are case-sensitive spellings of their own; every other
 * provider name is matched case-insensitively, except the one-letter
 * aliases u/U (uprobe/usdt), which differ only in case. */
static const struct provider_info *lookup_provider(const char *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(providers); i++) {
		const char *a = providers[i].aliases;
		while (*a) {
			size_t n = strcspn(a, " ");
			if (strlen(s) == n &&
			    (n == 1 ? !strncmp(a, s, n) : !strncasecmp(a, s, n)))
				return &providers[i];
			a += n;
			while (*a == ' ')
				a++;
		}
	}
	return NULL;
}

/* Split the raw text on ':' outside double quotes; quotes are removed
 * and \x inside quotes is x. */
static int split_parts(const char *raw, char **parts, int max)
{
	int n = 0;
	struct strbuf cur = { 0 };
	sb_puts(&cur, "");
	bool inq = false;
	for (const char *p = raw;; p++) {
		if (!*p || (*p == ':' && !inq)) {
			if (n < max)
				parts[n] = tt_strdup(cur.s);
			n++;
			cur.len = 0;
			cur.s[0] = 0;
			if (!*p)
				break;
		} else if (*p == '"') {
			inq = !inq;
		} else if (inq && *p == '\\' && p[1]) {
			sb_putc(&cur, *++p);
		} else {
			sb_putc(&cur, *p);
		}
	}
	sb_free(&cur);
	return n;
}

static bool has_wildcard(const char *s)
{
	return s && (strchr(s, '*') || strchr(s, '?') || strchr(s, '['));
}

/* Parse an unsigned number (decimal, 0x hex, 0 octal).  Returns false if
 * the string is empty or has trailing characters. */
static bool parse_u64(const char *s, uint64_t *out)
{
	if (!s || !*s)
		return false;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

/* [module:]func[+offset] */
static int parse_func_offset(struct attach_point *ap, const char *s,
			     bool allow_offset)
{
	const char *plus = strchr(s, '+');
	if (!plus) {
		ap->func = s;
		return 0;
	}
	if (!allow_offset) {
		diag_error(&ap->loc, "Offset not allowed");
		return -1;
	}
	if (strchr(plus + 1, '+')) {
		diag_error(&ap->loc, "Cannot take more than one offset");
		return -1;
	}
	ap->func = tt_strndup(s, plus - s);
	if (!parse_u64(plus + 1, &ap->offset)) {
		diag_error(&ap->loc, "Found trailing non-numeric characters: %s",
			   plus + 1);
		return -1;
	}
	return 0;
}

static int nargs_error(struct attach_point *ap, const char *what)
{
	diag_error(&ap->loc, "%s probe type requires %s",
		   probes_provider_name(ap->prov), what);
	return -1;
}

/* The event names (and aliases) of software: and hardware: probes, as
 * bpftrace spells them (attach.c maps them to perf event configs). */
static bool perf_event_known(enum provider prov, const char *name)
{
	static const char *const sw[] = {
		"cpu-clock", "cpu", "task-clock", "page-faults", "faults",
		"context-switches", "cs", "cpu-migrations", "minor-faults",
		"major-faults", "alignment-faults", "emulation-faults",
		"dummy", "bpf-output",
	};
	static const char *const hw[] = {
		"cpu-cycles", "cycles", "instructions", "cache-references",
		"cache-misses", "branch-instructions", "branches",
		"branch-misses", "bus-cycles", "frontend-stalls",
		"backend-stalls", "ref-cycles",
	};
	const char *const *names = prov == PROV_SOFTWARE ? sw : hw;
	size_t n = prov == PROV_SOFTWARE ? ARRAY_SIZE(sw) : ARRAY_SIZE(hw);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(name, names[i]))
			return true;
	return false;
}

/* interval:UNIT:N, profile:UNIT:N, also interval:Ns / interval:100ms. */
static int parse_rate(struct attach_point *ap, char **parts, int n)
{
	static const char *const units[] = { "s", "ms", "us", "hz", "ns" };
	const char *unit, *count;
	char *split = NULL;
	if (n == 2) {
		const char *p = parts[1];
		while (isdigit((unsigned char)*p))
			p++;
		if (p == parts[1] || !*p)
			return nargs_error(ap, "2 arguments");
		split = tt_strndup(parts[1], p - parts[1]);
		count = split;
		unit = p;
	} else if (n == 3) {
		unit = parts[1];
		count = parts[2];
	} else {
		return nargs_error(ap, "2 arguments");
	}
	bool ok = false;
	for (size_t i = 0; i < ARRAY_SIZE(units); i++)
		if (!strcmp(unit, units[i]))
			ok = true;
	if (!ok || (ap->prov == PROV_INTERVAL && !strcmp(unit, "ns"))) {
		diag_error(&ap->loc, "%s is not an accepted unit of time", unit);
		return -1;
	}
	ap->target = unit;
	if (!parse_u64(count, &ap->freq)) {
		diag_error(&ap->loc, "Found trailing non-numeric characters: %s",
			   count);
		return -1;
	}
	if (ap->freq == 0) {
		diag_error(&ap->loc, "%s frequency should be a positive integer",
			   probes_provider_name(ap->prov));
		return -1;
	}
	return 0;
}

int probes_parse(struct attach_point *ap)
{
	char *parts[8];
	int n = split_parts(ap->raw, parts, 8);
	if (n > 8)
		n = 8;
	if (n == 0 || !parts[0][0]) {
		diag_error(&ap->loc, "Invalid attachpoint definition");
		return -1;
	}
	const struct provider_info *pi = lookup_provider(parts[0]);
	if (!pi) {
		diag_error(&ap->loc, "Invalid probe type: %s", parts[0]);
		return -1;
	}
	ap->prov = pi->prov;
	switch (ap->prov) {
	case PROV_BEGIN:
	case PROV_END:
		if (n != 1)
			return nargs_error(ap, "0 arguments");
		break;
	case PROV_SELF:
		if (n != 3)
			return nargs_error(ap, "2 arguments");
		ap->target = parts[1];
		ap->func = parts[2];
		break;
	case PROV_TRACEPOINT:
		if (n == 2 && has_wildcard(parts[1])) {
			ap->target = "*";
			ap->func = parts[1];
		} else if (n != 3) {
			return nargs_error(ap, "2 arguments");
		} else {
			ap->target = parts[1];
			ap->func = parts[2];
		}
		break;
	case PROV_RAWTRACEPOINT:
		if (n == 2) {
			ap->func = parts[1];
		} else if (n == 3) {
			ap->target = parts[1];
			ap->func = parts[2];
		} else {
			return nargs_error(ap, "1 or 2 arguments");
		}
		break;
	case PROV_KPROBE:
	case PROV_KRETPROBE:
		if (n == 3) {
			ap->target = parts[1];
			if (parse_func_offset(ap, parts[2],
					      ap->prov == PROV_KPROBE))
				return -1;
		} else if (n == 2) {
			if (parse_func_offset(ap, parts[1],
					      ap->prov == PROV_KPROBE))
				return -1;
		} else {
			return nargs_error(ap, "1 argument");
		}
		break;
	case PROV_UPROBE:
	case PROV_URETPROBE:
		if (n != 3)
			return nargs_error(ap, "2 arguments");
		ap->target = parts[1];
		if (ap->prov == PROV_UPROBE && strchr(parts[1], '@') &&
		    !has_wildcard(parts[1])) {
			/* uprobe:BIN@FILE:LINE */
			char *at = strrchr(parts[1], '@');
			uint64_t line;
			if (!parse_u64(parts[2], &line) || !line) {
				diag_error(&ap->loc, "Invalid source line: %s",
					   parts[2]);
				return -1;
			}
			ap->target = tt_strndup(parts[1],
						(size_t)(at - parts[1]));
			ap->src_file = at + 1;
			ap->src_line = (unsigned)line;
			ap->func = "";
		} else if (parse_u64(parts[2], &ap->addr)) {
			ap->func = "";
		} else if (parse_func_offset(ap, parts[2],
					     ap->prov == PROV_UPROBE)) {
			return -1;
		}
		break;
	case PROV_USDT:
		if (n == 3) {
			ap->target = parts[1];
			ap->func = parts[2];
		} else if (n == 4) {
			ap->target = parts[1];
			ap->ns = parts[2];
			ap->func = parts[3];
		} else {
			return nargs_error(ap, "2 or 3 arguments");
		}
		break;
	case PROV_PROFILE:
	case PROV_INTERVAL:
		if (parse_rate(ap, parts, n))
			return -1;
		break;
	case PROV_SOFTWARE:
	case PROV_HARDWARE:
		if (n != 2 && n != 3)
			return nargs_error(ap, "1 or 2 arguments");
		ap->target = parts[1];
		if (!has_wildcard(parts[1]) && !perf_event_known(ap->prov,
								 parts[1])) {
			diag_error(&ap->loc, "%s is not a %s probe", parts[1],
				   probes_provider_name(ap->prov));
			return -1;
		}
		if (n == 3 && strcmp(parts[2], "*") &&
		    !parse_u64(parts[2], &ap->freq)) {
			diag_error(&ap->loc,
				   "Found trailing non-numeric characters: %s",
				   parts[2]);
			return -1;
		}
		break;
	case PROV_WATCHPOINT:
	case PROV_ASYNCWATCHPOINT: {
		uint64_t len;
		if (n != 4)
			return nargs_error(ap, "3 arguments");
		if (!parse_u64(parts[1], &ap->addr)) {
			diag_error(&ap->loc, "Invalid watchpoint address: %s",
				   parts[1]);
			return -1;
		}
		if (!parse_u64(parts[2], &len) ||
		    (len != 1 && len != 2 && len != 4 && len != 8)) {
			diag_error(&ap->loc, "Invalid watchpoint length: %s",
				   parts[2]);
			return -1;
		}
		ap->len = (int)len;
		ap->mode = parts[3];
		break;
	}
	case PROV_FENTRY:
	case PROV_FEXIT:
		if (n == 2) {
			ap->func = parts[1];
		} else if (n == 3) {
			ap->target = parts[1];
			ap->func = parts[2];
		} else {
			return nargs_error(ap, "1 or 2 arguments");
		}
		break;
	case PROV_ITER:
		if (n != 2 && n != 3)
			return nargs_error(ap, "1 or 2 arguments");
		ap->func = parts[1];
		if (n == 3)
			ap->target = parts[2]; /* pin path */
		break;
	default:
		diag_error(&ap->loc, "Invalid probe type: %s", parts[0]);
		return -1;
	}
	ap->wildcard = has_wildcard(ap->func) ||
		       (ap->prov != PROV_INTERVAL && ap->prov != PROV_PROFILE &&
			has_wildcard(ap->target)) ||
		       has_wildcard(ap->ns);
	return 0;
}

const char *probes_ap_name(const struct attach_point *ap)
{
	switch (ap->prov) {
	case PROV_BEGIN:
	case PROV_END:
		return probes_provider_name(ap->prov);
	case PROV_TRACEPOINT:
		return tt_sprintf("tracepoint:%s:%s", ap->target, ap->func);
	case PROV_INTERVAL:
	case PROV_PROFILE:
		return tt_sprintf("%s:%s:%llu", probes_provider_name(ap->prov),
				  ap->target, (unsigned long long)ap->freq);
	case PROV_KPROBE:
	case PROV_KRETPROBE:
		if (!ap->func || !*ap->func)
			return ap->raw; /* an address */
		return tt_sprintf("%s:%s%s%s%s", probes_provider_name(ap->prov),
				  ap->target ? ap->target : "",
				  ap->target ? ":" : "", ap->func,
				  ap->offset ? tt_sprintf("+%llu",
				       (unsigned long long)ap->offset) : "");
	case PROV_FENTRY:
	case PROV_FEXIT:
		return tt_sprintf("%s:%s:%s", probes_provider_name(ap->prov),
				  ap->target && *ap->target ? ap->target
							    : "vmlinux",
				  ap->func);
	default:
		return ap->raw;
	}
}

/* ---- tracefs ------------------------------------------------------------ */

static const char *tracefs_root_override;

void probes_set_tracefs_root(const char *dir)
{
	tracefs_root_override = dir;
}

static const char *tracefs_root(void)
{
	return tracefs_root_override ? tracefs_root_override : tracefs_path();
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	struct strbuf b = { 0 };
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sb_putn(&b, buf, n);
	fclose(f);
	char *s = tt_strdup(b.s ? b.s : "");
	sb_free(&b);
	return s;
}

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
		else if (!strncmp(ty, "struct ", 7))
			elem = type_struct(tt_strdup(ty + 7), false);
		else if (sg >= 0)
			elem = type_int(8, sg == 1); /* refined by BTF later */
		else
			elem = type_int(1, false);
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
	const char *root = tracefs_root();
	if (!root) {
		diag_error(&ap->loc, "tracefs is not available: cannot read "
				     "the format of tracepoint %s:%s",
			   ap->target, ap->func);
		return -1;
	}
	char *path = tt_sprintf("%s/events/%s/%s/format", root, ap->target,
				ap->func);
	char *text = read_file(path);
	if (!text) {
		diag_error(&ap->loc, "No matches for tracepoint %s:%s.",
			   ap->target, ap->func);
		return -1;
	}
	ap->args_type = probes_tp_parse_format(text, ap->target, ap->func);
	return 0;
}

/* ---- expansion ------------------------------------------------------------ */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names of the directories in dir matching pattern. */
static int list_dirs(const char *dir, const char *pattern, char ***out)
{
	DIR *d = opendir(dir);
	VEC(char *) names = { 0 };
	if (d) {
		struct dirent *de;
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			if (fnmatch(pattern, de->d_name, 0))
				continue;
			vec_push(&names, tt_strdup(de->d_name));
		}
		closedir(d);
	}
	if (names.n)
		qsort(names.v, names.n, sizeof(char *), cmp_str);
	char **arr = tt_alloc(sizeof(char *) * (names.n + 1));
	for (int i = 0; i < names.n; i++)
		arr[i] = names.v[i];
	int n = names.n;
	vec_free(&names);
	*out = arr;
	return n;
}

static struct attach_point *ap_copy(const struct attach_point *ap)
{
	struct attach_point *c = tt_alloc(sizeof(*c));
	*c = *ap;
	c->args_type = NULL;
	c->wildcard = false;
	return c;
}

static int user_expand(struct attach_point *ap, struct ap_vec *out);
static int kernel_expand(struct attach_point *ap, struct ap_vec *out);

/* A raw tracepoint is named after its tracepoint (sys_exit is
 * raw_syscalls:sys_exit); [module:] names a loaded module. */
static bool rawtp_exists(const struct attach_point *ap)
{
	struct stat st;
	if (ap->target && *ap->target && strcmp(ap->target, "vmlinux") &&
	    stat(tt_sprintf("/sys/module/%s", ap->target), &st))
		return false;
	const char *root = tracefs_root();
	if (!root)
		return true; /* cannot tell: attaching will */
	char **cats;
	int ncat = list_dirs(tt_sprintf("%s/events", root), "*", &cats);
	for (int i = 0; i < ncat; i++)
		if (!stat(tt_sprintf("%s/events/%s/%s", root, cats[i], ap->func),
			  &st) && S_ISDIR(st.st_mode))
			return true;
	return false;
}

static int no_match(struct attach_point *ap, const char *what);

/* The `args` of a raw tracepoint from BTF (its arguments less the leading
 * void *__data); target becomes the module that has it. */
static int rawtp_proto(struct attach_point *ap, const char *mod)
{
	struct btf_fn f;
	int r = btf_tracepoint_args(mod, ap->func, &f);
	if (r < 0)
		return r;
	ap->args_type = btf_args_type(&f);
	ap->target = f.module;
	return 0;
}

struct rawtp_match {
	struct attach_point *ap;
	struct ap_vec *out;
	int found;
};

static int rawtp_each(void *arg, const char *module, const char *name)
{
	struct rawtp_match *m = arg;
	struct attach_point *ap = m->ap;
	const char *mod = ap->target && *ap->target ? ap->target : NULL;
	if (fnmatch(ap->func, name, 0) || (mod && fnmatch(mod, module, 0)))
		return 0;
	struct attach_point *c = ap_copy(ap);
	c->func = tt_strdup(name);
	if (rawtp_proto(c, tt_strdup(module)) < 0)
		return 0;
	c->raw = tt_sprintf("rawtracepoint:%s:%s", c->target, c->func);
	vec_push(m->out, c);
	m->found++;
	return 0;
}

/* rawtracepoint:[module:]name with BTF: each match (wildcards in either
 * part) gets its `args` from the btf_trace_<name> prototype. */
static int rawtp_expand(struct attach_point *ap, struct ap_vec *out)
{
	const char *mod = ap->target && *ap->target ? ap->target : NULL;
	if (!ap->wildcard) {
		int r = rawtp_proto(ap, mod);
		if (r == 0) {
			vec_push(out, ap);
			return 0;
		}
		if (r != -ENOENT && r != -ENODATA)
			return r;
		if (mod)
			return no_match(ap, tt_sprintf("rawtracepoint %s:%s",
						       mod, ap->func));
		diag_error(&ap->loc, "Probe has no valid attach points.");
		return -1;
	}
	struct rawtp_match m = { ap, out, 0 };
	btf_each_tracepoint(mod && !has_wildcard(mod) ? mod : NULL,
			    rawtp_each, &m);
	if (m.found)
		return 0;
	if (mod)
		return no_match(ap, tt_sprintf("rawtracepoint %s:%s", mod,
					       ap->func));
	/* no module is any module (*:name): a wildcard that found nothing */
	diag_error(&ap->loc, "Probe has no valid attach points.");
	return -1;
}

int probes_expand(struct attach_point *ap, struct ap_vec *out)
{
	if (ap->prov == PROV_UPROBE || ap->prov == PROV_URETPROBE ||
	    ap->prov == PROV_USDT)
		return user_expand(ap, out);
	if (ap->prov == PROV_KPROBE || ap->prov == PROV_KRETPROBE ||
	    ap->prov == PROV_FENTRY || ap->prov == PROV_FEXIT)
		return kernel_expand(ap, out);
	if (ap->prov == PROV_RAWTRACEPOINT && btf_available())
		return rawtp_expand(ap, out);
	if (ap->prov == PROV_RAWTRACEPOINT && !ap->wildcard &&
	    !rawtp_exists(ap)) {
		bool mod = ap->target && *ap->target;
		diag_error(&ap->loc, "No matches for rawtracepoint %s%s%s.",
			   mod ? ap->target : "", mod ? ":" : "", ap->func);
		return -1;
	}
	if (!ap->wildcard) {
		if (ap->prov == PROV_TRACEPOINT && probes_tp_args(ap))
			return -1;
		vec_push(out, ap);
		return 0;
	}
	if (ap->prov != PROV_TRACEPOINT) {
		diag_error(&ap->loc, "wildcards in %s probes are not supported "
				     "yet", probes_provider_name(ap->prov));
		return -1;
	}
	const char *root = tracefs_root();
	if (!root) {
		diag_error(&ap->loc, "tracefs is not available: cannot expand %s",
			   ap->raw);
		return -1;
	}
	char **cats;
	int ncat = list_dirs(tt_sprintf("%s/events", root), ap->target, &cats);
	int found = 0;
	for (int i = 0; i < ncat; i++) {
		char **evs;
		int nev = list_dirs(tt_sprintf("%s/events/%s", root, cats[i]),
				    ap->func, &evs);
		for (int j = 0; j < nev; j++) {
			struct attach_point *c = ap_copy(ap);
			c->target = cats[i];
			c->func = evs[j];
			c->raw = tt_sprintf("tracepoint:%s:%s", cats[i], evs[j]);
			char *text = read_file(tt_sprintf(
				"%s/events/%s/%s/format", root, cats[i], evs[j]));
			if (!text)
				continue; /* not an event directory */
			c->args_type =
				probes_tp_parse_format(text, cats[i], evs[j]);
			vec_push(out, c);
			found++;
		}
	}
	if (!found) {
		diag_error(&ap->loc, "No matches for tracepoint %s:%s.",
			   ap->target, ap->func);
		return -1;
	}
	return 0;
}

/* ---- uprobes, uretprobes and USDT ------------------------------------------ */

static const struct tt_config *user_cfg;

void probes_set_config(const struct tt_config *cfg)
{
	user_cfg = cfg;
}

static int cfg_pid(void)
{
	return user_cfg && user_cfg->pid > 0 ? user_cfg->pid : 0;
}

static bool cfg_unsafe(void)
{
	return user_cfg && user_cfg->unsafe;
}

/* A file an attach point's target names: display is how probe names show
 * it, path is what is opened and given to the kernel. */
struct utarget {
	const char *display, *path;
	dev_t dev;
	ino_t ino;
};
typedef VEC(struct utarget) utarget_vec;

/* Adds a file once, however many names (or processes) lead to it. */
static void add_target(utarget_vec *v, const char *display, const char *path)
{
	struct stat st;
	struct utarget t = { display, path, 0, 0 };
	if (stat(path, &st) == 0) {
		t.dev = st.st_dev;
		t.ino = st.st_ino;
	}
	for (int i = 0; i < v->n; i++)
		if (t.ino ? v->v[i].dev == t.dev && v->v[i].ino == t.ino
			  : !strcmp(v->v[i].path, path))
			return;
	vec_push(v, t);
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* A file of process pid as seen from here (its mount namespace may not
 * be ours). */
static const char *pid_path(int pid, const char *path)
{
	return tt_sprintf("/proc/%d/root%s", pid, path);
}

/* Every file mapped executable by a process: pid, or all processes. */
static void pid_targets(utarget_vec *v, int pid, const char *pattern)
{
	int pids_buf[1] = { pid };
	int *pids = pids_buf, npids = 1;
	VEC(int) all = { 0 };
	if (!pid) {
		DIR *d = opendir("/proc");
		struct dirent *de;
		int self = getpid();
		while (d && (de = readdir(d)) != NULL) {
			int p = atoi(de->d_name);
			if (p > 0 && p != self)
				vec_push(&all, p);
		}
		if (d)
			closedir(d);
		pids = all.v;
		npids = all.n;
	}
	for (int i = 0; i < npids; i++) {
		const char **mods;
		int n = elf_pid_modules(pids[i], &mods);
		for (int k = 0; k < n; k++) {
			if (pattern && *pattern &&
			    fnmatch(pattern, mods[k], 0) &&
			    fnmatch(pattern, base_name(mods[k]), 0))
				continue;
			add_target(v, mods[k], pid_path(pids[i], mods[k]));
		}
	}
	vec_free(&all);
}

static int missing_target(struct attach_point *ap, const char *target)
{
	diag_error(&ap->loc, "%s target file '%s' does not exist or is not "
			     "executable", probes_provider_name(ap->prov),
		   target);
	return -1;
}

/* The files ap->target names (see probes.h); 0 or -1 after an error. */
static int user_targets(struct attach_point *ap, utarget_vec *v)
{
	const char *t = ap->target ? ap->target : "";
	int pid = cfg_pid();

	if (!*t || !strcmp(t, "*")) {
		if (!pid && !*t) {
			diag_error(&ap->loc, "%s probes need a target file, "
					     "or -p PID to search a process",
				   probes_provider_name(ap->prov));
			return -1;
		}
		pid_targets(v, pid, NULL);
		return 0;
	}
	if (has_wildcard(t)) {
		if (pid && !strchr(t, '/')) {
			pid_targets(v, pid, t);
			return 0;
		}
		const char *pat = pid && t[0] == '/' ? pid_path(pid, t) : t;
		size_t skip = pat == t ? 0 : strlen(pat) - strlen(t);
		glob_t g;
		if (glob(pat, 0, NULL, &g) == 0) {
			for (size_t i = 0; i < g.gl_pathc; i++)
				if (elf_is_elf(g.gl_pathv[i]))
					add_target(v, tt_strdup(g.gl_pathv[i] +
								skip),
						   tt_strdup(g.gl_pathv[i]));
			globfree(&g);
		}
		return 0;
	}
	if (strchr(t, '/')) {
		const char *path = t;
		if (pid && t[0] == '/' && access(pid_path(pid, t), F_OK) == 0)
			path = pid_path(pid, t);
		struct stat st;
		if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
			return missing_target(ap, t);
		add_target(v, t, path);
		return 0;
	}
	/* a bare name: a file of the process, in the current directory, in
	   $PATH, or a library */
	if (pid) {
		const char **mods;
		int n = elf_pid_modules(pid, &mods);
		for (int k = 0; k < n; k++) {
			const char *b = base_name(mods[k]);
			if (!strcmp(b, t) || (!strncmp(b, "lib", 3) &&
					      elf_lib_name_matches(b, t))) {
				add_target(v, mods[k], pid_path(pid, mods[k]));
				return 0;
			}
		}
	}
	const char *p;
	if (elf_is_elf(t))
		add_target(v, t, t);
	else if ((p = elf_find_in_path(t)) || (p = elf_find_library(t)))
		add_target(v, p, p);
	else
		return missing_target(ap, t);
	return 0;
}

static const struct srcloc no_loc;

/* Nothing matched `what`: an error, or with config missing_probes =
 * "warn" a warning and the attach point is dropped ("ignore": silently).
 * Returns -1 or 0. */
static int no_match(struct attach_point *ap, const char *what)
{
	const char *m = user_cfg ? user_cfg->missing_probes : NULL;
	if (m && !strcmp(m, "ignore"))
		return 0;
	if (m && !strcmp(m, "warn")) {
		diag_warning(&ap->loc, "No matches for %s. Skipping.", what);
		return 0;
	}
	diag_error(&ap->loc, "No matches for %s.", what);
	return -1;
}

static struct attach_point *user_ap(struct attach_point *ap,
				    const struct utarget *t, int nlocs)
{
	struct attach_point *c = ap_copy(ap);
	c->target = t->display;
	c->path = t->path;
	c->pid = cfg_pid();
	c->nlocs = nlocs;
	c->locs = tt_alloc(sizeof(*c->locs) * nlocs);
	return c;
}

/* Does an instruction of function sym start at byte off?  1 yes, 0 no,
 * -1 unknown (no size, or bytes the decoder does not know). */
static int insn_boundary(const struct elf_bin *b, const struct elf_sym *sym,
			 uint64_t off)
{
	uint8_t *code;
	if (off == 0)
		return 1;
	int n = elf_read_code(b, sym, &code);
	if (n <= 0 || off >= (uint64_t)n)
		return -1;
	return elf_insn_boundary(code, (size_t)n, (size_t)off);
}

/* Can a uprobe go at byte `off` of function sym?  At its entry unless
 * the symbol has no size (bpftrace's rule), and inside it where an
 * instruction starts: a breakpoint in the middle of one corrupts the
 * process.  --unsafe skips these checks. */
static int check_func_offset(const struct elf_bin *b, const char *path,
			     const struct elf_sym *sym, uint64_t off)
{
	if (off == 0 && sym->size == 0 && !cfg_unsafe()) {
		diag_error(&no_loc, "Could not determine boundary for %s "
				    "(symbol has size 0).\nUse --unsafe to "
				    "force attachment. WARNING: This option "
				    "could lead to data corruption in the "
				    "target process.", sym->name);
		return -1;
	}
	if (off && sym->size && off >= sym->size) {
		diag_error(&no_loc, "Offset outside the function bounds "
				    "('%s' size is %llu)", sym->name,
			   (unsigned long long)sym->size);
		return -1;
	}
	if (!off || cfg_unsafe())
		return 0;
	int r = insn_boundary(b, sym, off);
	if (r == 0) {
		diag_error(&no_loc, "Could not add uprobe into middle of "
				    "instruction: %s:%s+%llu", path, sym->name,
			   (unsigned long long)off);
		return -1;
	}
	if (r < 0) {
		diag_error(&no_loc, "Could not check that %s:%s+%llu is the "
				    "start of an instruction", path, sym->name,
			   (unsigned long long)off);
		diag_hint("use --unsafe to attach there anyway");
		return -1;
	}
	return 0;
}

static int open_target(struct attach_point *ap, const struct utarget *t,
		       bool quiet, struct elf_bin **b)
{
	int err = elf_bin_open(t->path, b);
	if (err < 0 && !quiet) {
		if (err == -ENOEXEC)
			diag_error(&ap->loc, "%s target file '%s' is not an "
					     "ELF executable or library",
				   probes_provider_name(ap->prov), t->display);
		else
			diag_error(&ap->loc, "cannot read %s target file "
					     "'%s': %s",
				   probes_provider_name(ap->prov), t->display,
				   strerror(-err));
	}
	return err;
}

/* uprobe `args`: the function's parameters from DWARF, read from pt_regs
 * at entry as the SysV x86-64 ABI passes them (rdi, rsi, rdx, rcx, r8,
 * r9); parameters passed otherwise (structs by value, past the sixth) are
 * left out.  NULL without debug information. */
static struct type *uprobe_args_type(const char *path, const char *func)
{
	static const int regs[] = { 112, 104, 96, 88, 72, 64 };
	struct dwarf_param *ps;
	int n;
	if (dwarf_func_params(path, func, &ps, &n) < 0)
		return NULL;
	struct type *t = type_struct(tt_sprintf("%s_args", func), false);
	t->is_ctx = true;
	for (int i = 0, slot = 0; i < n && slot < 6; i++) {
		struct type *pt = ps[i].type;
		if (pt->kind != TY_INT && pt->kind != TY_BOOL &&
		    pt->kind != TY_PTR)
			break; /* registers past here are not known */
		type_add_field(t, ps[i].name, pt, regs[slot++]);
	}
	t->size = 168; /* sizeof(struct pt_regs) */
	t->align = 8;
	return t;
}

static int uprobe_expand(struct attach_point *ap, utarget_vec *tv,
			 struct ap_vec *out)
{
	const char *pn = probes_provider_name(ap->prov);
	bool addr_form = ap->func && !*ap->func;
	bool wild = has_wildcard(ap->func);
	bool many = tv->n > 1 || has_wildcard(ap->target) ||
		    !ap->target || !*ap->target;
	int found = 0;

	for (int i = 0; i < tv->n; i++) {
		const struct utarget *t = &tv->v[i];
		struct elf_bin *b;
		int err = open_target(ap, t, many || addr_form, &b);
		if (err == -ENOEXEC && addr_form) {
			if (!cfg_unsafe()) {
				diag_error(&ap->loc, "%s is not an ELF file: "
						     "use --unsafe to probe "
						     "its file offset 0x%llx",
					   t->display,
					   (unsigned long long)ap->addr);
				return -1;
			}
			/* a flat binary: the address is a file offset */
			struct attach_point *c = user_ap(ap, t, 1);
			c->locs[0].offset = ap->addr;
			c->raw = tt_sprintf("%s:%s:0x%llx", pn, t->display,
					    (unsigned long long)ap->addr);
			vec_push(out, c);
			found++;
			continue;
		}
		if (err < 0) {
			if (many)
				continue;
			if (addr_form)
				open_target(ap, t, false, &b);
			return -1;
		}
		dwarf_add_type_source(t->path);
		if (ap->src_file &&
		    dwarf_line_addr(t->path, ap->src_file, ap->src_line,
				    &ap->addr) < 0) {
			diag_error(&ap->loc, "Could not find source location "
					     "%s:%u in %s",
				   ap->src_file, ap->src_line, t->display);
			return -1;
		}
		if (addr_form) {
			const struct elf_sym *s = elf_sym_at(b, ap->addr);
			uint64_t off;
			if ((!s && !cfg_unsafe()) ||
			    elf_vaddr_to_offset(b, ap->addr, &off) < 0) {
				diag_error(&no_loc, "Could not resolve address: "
						    "%s:0x%llx", t->display,
					   (unsigned long long)ap->addr);
				return -1;
			}
			if (s && check_func_offset(b, t->display, s,
						   ap->addr - s->addr) < 0)
				return -1;
			struct attach_point *c = user_ap(ap, t, 1);
			c->locs[0].offset = off;
			c->raw = tt_sprintf("%s:%s:0x%llx", pn, t->display,
					    (unsigned long long)ap->addr);
			vec_push(out, c);
			found++;
			continue;
		}
		for (int k = 0; k < b->nsyms; k++) {
			const struct elf_sym *s = &b->syms[k];
			if (wild ? fnmatch(ap->func, s->name, 0) != 0
				 : strcmp(ap->func, s->name) != 0)
				continue;
			if (wild && !cfg_unsafe() &&
			    (s->size == 0 || ap->offset >= s->size ||
			     insn_boundary(b, s, ap->offset) != 1))
				continue; /* no boundary: skipped quietly */
			if (!wild && check_func_offset(b, t->display, s,
						       ap->offset) < 0)
				return -1;
			uint64_t off;
			if (elf_vaddr_to_offset(b, s->addr + ap->offset,
						&off) < 0)
				continue;
			struct attach_point *c = user_ap(ap, t, 1);
			c->func = s->name;
			c->locs[0].offset = off;
			if (!wild && !ap->offset && ap->prov == PROV_UPROBE)
				c->args_type = uprobe_args_type(t->path, s->name);
			c->raw = ap->offset
				? tt_sprintf("%s:%s:%s+%llu", pn, t->display,
					     s->name,
					     (unsigned long long)ap->offset)
				: tt_sprintf("%s:%s:%s", pn, t->display,
					     s->name);
			vec_push(out, c);
			found++;
		}
	}
	if (!found) {
		if (addr_form)
			diag_error(&no_loc, "Could not resolve address: "
					    "%s:0x%llx", ap->target,
				   (unsigned long long)ap->addr);
		else
			return no_match(ap, tt_sprintf("%s %s:%s", pn,
						       ap->target, ap->func));
		return -1;
	}
	return 0;
}

static bool usdt_match(const char *pattern, const char *s)
{
	return !pattern || !*pattern || !fnmatch(pattern, s, 0);
}

/* One attach point per provider:name, with all the locations of that
 * probe in the file (in note order). */
static int usdt_expand(struct attach_point *ap, utarget_vec *tv,
		       struct ap_vec *out)
{
	bool many = tv->n > 1 || has_wildcard(ap->target) ||
		    !ap->target || !*ap->target;
	int found = 0;

	for (int i = 0; i < tv->n; i++) {
		const struct utarget *t = &tv->v[i];
		struct elf_bin *b;
		if (open_target(ap, t, many, &b) < 0) {
			if (many)
				continue;
			return -1;
		}
		bool *done = tt_alloc(b->nnotes + 1);
		for (int j = 0; j < b->nnotes; j++) {
			const struct usdt_note *n = &b->notes[j];
			if (done[j] || !usdt_match(ap->ns, n->provider) ||
			    !usdt_match(ap->func, n->name))
				continue;
			int nlocs = 0;
			for (int k = j; k < b->nnotes; k++)
				if (!strcmp(b->notes[k].provider, n->provider) &&
				    !strcmp(b->notes[k].name, n->name))
					nlocs++;
			struct attach_point *c = user_ap(ap, t, nlocs);
			c->ns = n->provider;
			c->func = n->name;
			c->raw = tt_sprintf("usdt:%s:%s:%s", t->display,
					    n->provider, n->name);
			nlocs = 0;
			for (int k = j; k < b->nnotes; k++) {
				const struct usdt_note *m = &b->notes[k];
				if (strcmp(m->provider, n->provider) ||
				    strcmp(m->name, n->name))
					continue;
				done[k] = true;
				c->locs[nlocs].offset = m->pc_off;
				c->locs[nlocs].ref_ctr_offset = m->sema_off;
				c->locs[nlocs].note = m;
				nlocs++;
			}
			vec_push(out, c);
			found++;
		}
	}
	if (!found)
		return no_match(ap, tt_sprintf("usdt %s:%s%s%s",
					       ap->target ? ap->target : "",
					       ap->ns ? ap->ns : "",
					       ap->ns ? ":" : "",
					       ap->func ? ap->func : ""));
	return 0;
}

static int user_expand(struct attach_point *ap, struct ap_vec *out)
{
	utarget_vec tv = { 0 };
	int err = user_targets(ap, &tv);
	if (!err && !tv.n) {
		if (ap->target && *ap->target && strcmp(ap->target, "*"))
			err = missing_target(ap, ap->target);
		else {
			diag_error(&ap->loc, "No matches for %s", ap->raw);
			err = -1;
		}
	}
	if (!err)
		err = ap->prov == PROV_USDT ? usdt_expand(ap, &tv, out)
					    : uprobe_expand(ap, &tv, out);
	vec_free(&tv);
	return err;
}

/* ---- kernel functions: kprobe, kretprobe, fentry, fexit ------------------- */

/* A copy on the heap for the caches below, which live as long as the
 * process: the arena is freed after each compilation (a process may
 * compile several scripts: unit tests, the fuzzer). */
static char *cache_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(xmalloc(n), s, n);
}

/* One traceable kernel function; module "vmlinux" for the kernel itself. */
struct kfunc {
	const char *name, *module;
};
static VEC(struct kfunc) kfuncs;
static bool kfuncs_read;

static int cmp_kfunc(const void *a, const void *b)
{
	const struct kfunc *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : strcmp(x->module, y->module);
}

/* "name" or "name [module]" at s (one line, cut at the newline). */
static void kfunc_add(char *s)
{
	char *nl = strchr(s, '\n');
	if (nl)
		*nl = 0;
	char *sp = strpbrk(s, " \t");
	const char *mod = "vmlinux";
	if (sp) {
		*sp = 0;
		char *m = strchr(sp + 1, '[');
		if (m) {
			mod = m + 1;
			m[1 + strcspn(m + 1, "]")] = 0;
		}
	}
	/* what the kernel lists but no probe can use (as -l hides them):
	 * the placeholder for dropped addresses, assembler labels, padding
	 * and CFI stubs, split-off cold and partial bodies */
	if (!*s || *s == '.' || !strncmp(s, "__ftrace_invalid_address__", 26) ||
	    !strncmp(s, "__pfx_", 6) || !strncmp(s, "__cfi_", 6) ||
	    strstr(s, ".cold") || strstr(s, ".part."))
		return;
	struct kfunc k = { cache_strdup(s), cache_strdup(mod) };
	vec_push(&kfuncs, k);
}

/* The kernel functions that can be traced: <tracefs>/available_filter_
 * functions (what ftrace, and so kprobes and trampolines, can hook), else
 * the text symbols of /proc/kallsyms; sorted by name, read once. */
static void kfuncs_load(void)
{
	if (kfuncs_read)
		return;
	kfuncs_read = true;
	const char *root = tracefs_root();
	FILE *f = root ? fopen(tt_sprintf("%s/available_filter_functions",
					  root), "r")
		       : NULL;
	char line[512];
	if (f) {
		while (fgets(line, sizeof(line), f))
			kfunc_add(line);
	} else if ((f = fopen("/proc/kallsyms", "r")) != NULL) {
		while (fgets(line, sizeof(line), f)) {
			char type, *name;
			/* "ffffffff81000000 T name [module]" */
			name = strchr(line, ' ');
			if (!name || !name[1] || name[2] != ' ')
				continue;
			type = name[1];
			if (type != 't' && type != 'T')
				continue;
			kfunc_add(name + 3);
		}
	}
	if (f)
		fclose(f);
	if (!kfuncs.n)
		return;
	qsort(kfuncs.v, kfuncs.n, sizeof(*kfuncs.v), cmp_kfunc);
	int n = 1;
	for (int i = 1; i < kfuncs.n; i++)
		if (cmp_kfunc(&kfuncs.v[i], &kfuncs.v[n - 1]))
			kfuncs.v[n++] = kfuncs.v[i];
	kfuncs.n = n;
}

/* Functions kprobes refuse (the kernel's NOKPROBE list, in debugfs when
 * it is mounted): sorted names, read once. */
static VEC(char *) kp_blacklist;
static bool kp_blacklist_read;

static bool kprobe_blacklisted(const char *name)
{
	if (!kp_blacklist_read) {
		kp_blacklist_read = true;
		FILE *f = fopen("/sys/kernel/debug/kprobes/blacklist", "r");
		char line[512];
		/* "0xADDR-0xADDR\tname [module]" */
		while (f && fgets(line, sizeof(line), f)) {
			char *t = strchr(line, '\t');
			if (!t)
				continue;
			t++;
			t[strcspn(t, " \n")] = 0;
			vec_push(&kp_blacklist, cache_strdup(t));
		}
		if (f)
			fclose(f);
		if (kp_blacklist.n)
			qsort(kp_blacklist.v, kp_blacklist.n, sizeof(char *),
			      cmp_str);
	}
	return kp_blacklist.n &&
	       bsearch(&name, kp_blacklist.v, kp_blacklist.n, sizeof(char *),
		       cmp_str);
}

/* fentry/fexit: the `args` struct and the return type from the function's
 * BTF prototype.  0, -ENOENT (no such function) or -ENODATA (no BTF). */
static int fentry_proto(struct attach_point *ap)
{
	struct btf_fn f;
	const char *mod = ap->target && *ap->target ? ap->target : NULL;
	int r = btf_func_args(mod, ap->func, &f);
	if (r < 0)
		return r;
	ap->args_type = btf_args_type(&f);
	ap->ret_type = f.ret;
	if (!mod)
		ap->target = f.module;
	return 0;
}

/* "kprobe vmlinux:nonsense", as bpftrace words a missing match */
static const char *kernel_what(const struct attach_point *ap)
{
	bool mod = ap->target && *ap->target;
	return tt_sprintf("%s %s%s%s", probes_provider_name(ap->prov),
			  mod ? ap->target : "", mod ? ":" : "", ap->func);
}

/* kprobe, kretprobe: [module:]func[+offset], wildcards over the traceable
 * functions (less the kprobe blacklist); one attach point each.
 * fentry, fexit: [module:]func, wildcards over the same functions that
 * have a BTF prototype; each gets its `args` type from BTF. */
static int kernel_expand(struct attach_point *ap, struct ap_vec *out)
{
	bool tramp = ap->prov == PROV_FENTRY || ap->prov == PROV_FEXIT;
	const char *mod = ap->target && *ap->target ? ap->target : NULL;
	struct stat st;

	if (mod && !has_wildcard(mod) && strcmp(mod, "vmlinux") &&
	    stat(tt_sprintf("/sys/module/%s", mod), &st)) {
		diag_error(&ap->loc, "specified module %s in probe %s is not "
				     "loaded.", mod, probes_ap_name(ap));
		return -1;
	}
	if (!ap->wildcard) {
		if (tramp) {
			int r = fentry_proto(ap);
			if (r == -ENOENT)
				return no_match(ap, kernel_what(ap));
			/* -ENODATA: no BTF, the loader says so */
		}
		vec_push(out, ap);
		return 0;
	}
	if (tramp && !btf_available()) {
		diag_error(&ap->loc, "%s needs kernel BTF (/sys/kernel/btf/"
				     "vmlinux), which this kernel lacks",
			   probes_provider_name(ap->prov));
		return -1;
	}
	kfuncs_load();
	int found = 0;
	for (int i = 0; i < kfuncs.n; i++) {
		const struct kfunc *k = &kfuncs.v[i];
		if (fnmatch(ap->func, k->name, 0) ||
		    (mod && fnmatch(mod, k->module, 0)))
			continue;
		if (!tramp && kprobe_blacklisted(k->name))
			continue;
		struct attach_point *c = ap_copy(ap);
		c->func = k->name;
		/* kprobe:vfs_read, kprobe:MOD:func for a module's (as -l) */
		c->target = mod || tramp || strcmp(k->module, "vmlinux")
				    ? k->module : NULL;
		if (tramp && fentry_proto(c))
			continue; /* no BTF prototype: not attachable */
		c->raw = probes_ap_name(c);
		vec_push(out, c);
		found++;
	}
	if (!found)
		return no_match(ap, kernel_what(ap));
	return 0;
}

/* ---- listing (-l) ------------------------------------------------------------ */

static int cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

typedef VEC(const char *) name_vec;

/* uprobe:TARGET:FUNC and usdt:TARGET[:PROV]:NAME names, as probes_expand
 * would find them, but every symbol (also those without a size) and no
 * error when nothing matches. */
static void list_user(enum provider prov, const char *target,
		      const char *ns, const char *func, name_vec *names)
{
	struct attach_point ap = { 0 };
	ap.prov = prov;
	ap.raw = "";
	ap.target = target;
	utarget_vec tv = { 0 };
	if (user_targets(&ap, &tv) < 0) {
		vec_free(&tv);
		return;
	}
	for (int i = 0; i < tv.n; i++) {
		struct elf_bin *b;
		if (elf_bin_open(tv.v[i].path, &b) < 0)
			continue;
		const char *d = tv.v[i].display;
		if (prov != PROV_USDT) {
			for (int k = 0; k < b->nsyms; k++)
				if (usdt_match(func, b->syms[k].name))
					vec_push(names, tt_sprintf(
						"uprobe:%s:%s", d,
						b->syms[k].name));
			continue;
		}
		for (int k = 0; k < b->nnotes; k++) {
			const struct usdt_note *n = &b->notes[k];
			if (!usdt_match(ns, n->provider) ||
			    !usdt_match(func, n->name))
				continue;
			bool seen = false;
			for (int j = 0; j < k && !seen; j++)
				seen = !strcmp(b->notes[j].provider,
					       n->provider) &&
				       !strcmp(b->notes[j].name, n->name);
			if (!seen)
				vec_push(names, tt_sprintf("usdt:%s:%s:%s", d,
							   n->provider,
							   n->name));
		}
	}
	vec_free(&tv);
}

static void list_tracepoints(const char *cat, const char *ev,
			     name_vec *names)
{
	const char *root = tracefs_root();
	if (!root)
		return;
	char **cats;
	int ncat = list_dirs(tt_sprintf("%s/events", root), cat, &cats);
	for (int i = 0; i < ncat; i++) {
		char **evs;
		int nev = list_dirs(tt_sprintf("%s/events/%s", root, cats[i]),
				    ev, &evs);
		for (int j = 0; j < nev; j++)
			vec_push(names, tt_sprintf("tracepoint:%s:%s", cats[i],
						   evs[j]));
	}
}

static bool list_provider(const char *pattern, enum provider p)
{
	const struct provider_info *pi = lookup_provider(pattern);
	if (pi)
		return pi->prov == p;
	return !fnmatch(pattern, probes_provider_name(p), 0);
}

int probes_list(const char *search, FILE *out)
{
	int pid = cfg_pid();
	name_vec names = { 0 };
	const char *filter = NULL;
	char *parts[5] = { 0 };
	int n = 0;

	if (search && *search && strchr(search, ':'))
		n = split_parts(search, parts, 5);
	else
		filter = search && *search ? search : NULL;
	if (n > 5) {
		diag_error(&no_loc, "Invalid probe search: %s", search);
		return -1;
	}
	const char *prov = n ? parts[0] : "*";
	/* uprobes and USDT: of the files named, or of the -p process */
	const char *target = n >= 2 ? parts[1] : pid ? "*" : NULL;
	if (target && *target) {
		if (list_provider(prov, PROV_UPROBE))
			list_user(PROV_UPROBE, target, NULL,
				  n >= 3 ? parts[2] : "*", &names);
		if (list_provider(prov, PROV_USDT))
			list_user(PROV_USDT, target, n == 4 ? parts[2] : NULL,
				  n == 4 ? parts[3] : n == 3 ? parts[2] : "*",
				  &names);
	}
	if (list_provider(prov, PROV_TRACEPOINT) && (n != 0 || !pid))
		list_tracepoints(n >= 2 ? parts[1] : "*",
				 n >= 3 ? parts[2] : "*", &names);
	if (names.n)
		qsort(names.v, names.n, sizeof(*names.v), cmp_cstr);
	for (int i = 0; i < names.n; i++) {
		if (i && !strcmp(names.v[i], names.v[i - 1]))
			continue;
		if (filter && fnmatch(filter, names.v[i], 0))
			continue;
		fprintf(out, "%s\n", names.v[i]);
	}
	vec_free(&names);
	return 0;
}
