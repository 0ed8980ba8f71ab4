/* fmt_values.c — values userspace resolves at print time (see
 * fmt_values.h).
 *
 * Takes: value bytes laid out as types.h says (timestamps, buffers, inet
 * addresses, MAC addresses, cgroup paths, errno values, uids).
 * Produces: bpftrace's text for them.
 *
 * Timestamps: a clock's nanoseconds become wall-clock time by adding the
 * offset between CLOCK_REALTIME and that clock, measured once. */
#define _GNU_SOURCE
#include "fmt_values.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "btf.h"
#include "cheaders.h"
#include "types.h"

static const struct tt_prog *cur_prog;

void fmt_set_prog(const struct tt_prog *p)
{
	cur_prog = p;
}

/* The compile-time string ACT_STRING number id, or NULL. */
static const char *prog_string(uint64_t id)
{
	if (!cur_prog || id >= (uint64_t)cur_prog->actions.n)
		return NULL;
	return cur_prog->actions.v[id].fmt;
}

static uint64_t get_u(const void *p, int size)
{
	uint64_t v = 0;
	memcpy(&v, p, size); /* little-endian */
	return v;
}

/* ---- timestamps --------------------------------------------------------- */

static int64_t ts_ns(clockid_t c)
{
	struct timespec t;
	clock_gettime(c, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* CLOCK_REALTIME minus the clock of mode, in ns (measured once). */
static int64_t realtime_offset(enum ts_mode mode)
{
	static int64_t off[4];
	static bool have[4];
	clockid_t c = mode == TS_MONOTONIC ? CLOCK_MONOTONIC
		      : mode == TS_BOOT	   ? CLOCK_BOOTTIME
					   : CLOCK_TAI;
	int i = mode == TS_SW_TAI ? TS_TAI : mode;

	if (!have[i]) {
		/* the other clock read on both sides of the realtime read */
		int64_t a = ts_ns(c), r = ts_ns(CLOCK_REALTIME), b = ts_ns(c);
		off[i] = r - (a + (b - a) / 2);
		have[i] = true;
	}
	return off[i];
}

void fmt_strftime(struct strbuf *sb, const char *fmt, uint64_t ns,
		  enum ts_mode mode)
{
	int64_t wall = (int64_t)ns + realtime_offset(mode);
	int64_t sec = wall / 1000000000, rem = wall % 1000000000;
	if (rem < 0) {
		rem += 1000000000;
		sec--;
	}
	/* %f first (strftime would keep it as is), %% kept for strftime */
	struct strbuf f = { 0 };
	for (const char *p = fmt; *p; p++) {
		if (p[0] == '%' && p[1] == 'f') {
			sb_printf(&f, "%06" PRId64, rem / 1000);
			p++;
		} else if (p[0] == '%' && p[1]) {
			sb_putn(&f, p, 2);
			p++;
		} else {
			sb_putc(&f, *p);
		}
	}
	time_t t = (time_t)sec;
	struct tm tm;
	char buf[1024];
	size_t n = 0;
	if (localtime_r(&t, &tm))
		n = strftime(buf, sizeof(buf), f.s ? f.s : "", &tm);
	sb_putn(sb, buf, n);
	sb_free(&f);
}

/* ---- buffers, addresses ------------------------------------------------- */

void fmt_buffer(struct strbuf *sb, const uint8_t *d, size_t n, char style)
{
	for (size_t i = 0; i < n; i++) {
		if (style == 'h')
			sb_printf(sb, i ? " %02x" : "%02x", d[i]);
		else if (style == 0 && d[i] >= 32 && d[i] <= 126)
			sb_putc(sb, (char)d[i]);
		else
			sb_printf(sb, "\\x%02x", d[i]);
	}
}

void fmt_buffer_value(struct strbuf *sb, const struct type *t, const void *d,
		      char style)
{
	const uint8_t *b = d;
	if (t && t->kind == TY_BUFFER) {
		uint64_t n = get_u(b, 4);
		if (n > (uint64_t)t->size - 4)
			n = t->size - 4;
		fmt_buffer(sb, b + 4, n, style);
	} else if (t && t->kind == TY_STR) {
		fmt_buffer(sb, b, strnlen(d, t->size), style);
	} else if (t && t->kind == TY_ARRAY) {
		fmt_buffer(sb, b, t->size, style);
	}
}

void fmt_inet(struct strbuf *sb, int64_t af, const uint8_t *addr)
{
	char buf[INET6_ADDRSTRLEN];
	if ((af == AF_INET || af == AF_INET6) &&
	    inet_ntop((int)af, addr, buf, sizeof(buf)))
		sb_puts(sb, buf);
}

void fmt_mac(struct strbuf *sb, const uint8_t *m)
{
	sb_printf(sb, "%02X:%02X:%02X:%02X:%02X:%02X", m[0], m[1], m[2], m[3],
		  m[4], m[5]);
}

/* ---- cgroup paths --------------------------------------------------------- */

/* Finds the directory under dir (depth-first) whose inode is id — a cgroup2
 * id is its kernfs inode number; appends its path relative to the mount
 * (rel) to sb.  True when found. */
static bool cgroup_find(struct strbuf *sb, const char *dir, const char *rel,
			uint64_t id, int depth)
{
	struct stat st;
	if (stat(dir, &st) < 0)
		return false;
	if ((uint64_t)st.st_ino == id) {
		sb_puts(sb, *rel ? rel : "/");
		return true;
	}
	if (depth > 64)
		return false;
	DIR *d = opendir(dir);
	if (!d)
		return false;
	bool found = false;
	struct dirent *e;
	while (!found && (e = readdir(d))) {
		if (e->d_type != DT_DIR || !strcmp(e->d_name, ".") ||
		    !strcmp(e->d_name, ".."))
			continue;
		char *sub, *subrel;
		if (asprintf(&sub, "%s/%s", dir, e->d_name) < 0)
			break;
		if (asprintf(&subrel, "%s/%s", rel, e->d_name) < 0) {
			free(sub);
			break;
		}
		found = cgroup_find(sb, sub, subrel, id, depth + 1);
		free(sub);
		free(subrel);
	}
	closedir(d);
	return found;
}

/* Each cgroup mount of /proc/self/mounts (under root): its hierarchy name
 * — "unified" for cgroup2, the controllers (or name=) for cgroup v1. */
void fmt_cgroup_path(struct strbuf *sb, uint64_t id, const char *filter,
		     const char *root)
{
	char *mounts;
	if (asprintf(&mounts, "%s/proc/self/mounts",
		     strcmp(root, "/") ? root : "") < 0)
		return;
	FILE *f = fopen(mounts, "r");
	free(mounts);
	if (!f)
		return;
	char line[4096];
	bool first = true;
	while (fgets(line, sizeof(line), f)) {
		char dev[256], dir[2048], fs[64], opts[1024];
		if (sscanf(line, "%255s %2047s %63s %1023s", dev, dir, fs, opts) != 4)
			continue;
		char name[1024];
		if (!strcmp(fs, "cgroup2")) {
			strcpy(name, "unified");
		} else if (!strcmp(fs, "cgroup")) {
			/* v1 options: rw,nosuid,...,cpu,cpuacct or name=systemd */
			name[0] = '\0';
			char *save = NULL;
			for (char *o = strtok_r(opts, ",", &save); o;
			     o = strtok_r(NULL, ",", &save)) {
				static const char *const skip[] = {
					"rw", "ro", "nosuid", "nodev", "noexec",
					"relatime", "noatime", "nsdelegate",
					"memory_recursiveprot", "xattr",
				};
				bool skipped = false;
				for (size_t i = 0; i < ARRAY_SIZE(skip); i++)
					if (!strcmp(o, skip[i]))
						skipped = true;
				if (skipped)
					continue;
				if (!strncmp(o, "name=", 5))
					o += 5;
				if (name[0])
					strncat(name, ",", sizeof(name) - strlen(name) - 1);
				strncat(name, o, sizeof(name) - strlen(name) - 1);
			}
		} else {
			continue;
		}
		if (filter && fnmatch(filter, name, 0) != 0)
			continue;
		char *path;
		if (asprintf(&path, "%s%s", strcmp(root, "/") ? root : "",
			     dir) < 0)
			continue;
		struct strbuf p = { 0 };
		if (cgroup_find(&p, path, "", id, 0)) {
			sb_printf(sb, "%s%s:%s", first ? "" : ";", name, p.s);
			first = false;
		}
		sb_free(&p);
		free(path);
	}
	fclose(f);
}

void fmt_username(struct strbuf *sb, uint64_t uid, const char *root)
{
	char *path;
	if (asprintf(&path, "%s/etc/passwd", strcmp(root, "/") ? root : "") < 0)
		return;
	FILE *f = fopen(path, "r");
	free(path);
	char line[1024];
	while (f && fgets(line, sizeof(line), f)) {
		/* name:password:uid:... */
		char *c1 = strchr(line, ':');
		char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		char *end;
		unsigned long long u = strtoull(c2 + 1, &end, 10);
		if (end != c2 + 1 && *end == ':' && u == uid) {
			sb_putn(sb, line, c1 - line);
			fclose(f);
			return;
		}
	}
	if (f)
		fclose(f);
	sb_printf(sb, "%" PRIu64, uid);
}

/* syscall_name(): the number itself when this machine has no such
 * syscall. */
static void fmt_syscall_name(struct strbuf *sb, uint64_t nr)
{
	const char *name = syscall_name_of(nr);
	if (name)
		sb_puts(sb, name);
	else
		sb_printf(sb, "%" PRId64, (int64_t)nr);
}

void fmt_signal_name(struct strbuf *sb, int64_t sig)
{
	static const char *const names[32] = {
		"Unknown signal 0", "Hangup", "Interrupt", "Quit",
		"Illegal instruction", "Trace/breakpoint trap", "Aborted",
		"Bus error", "Floating point exception", "Killed",
		"User defined signal 1", "Segmentation fault",
		"User defined signal 2", "Broken pipe", "Alarm clock",
		"Terminated", "Stack fault", "Child exited", "Continued",
		"Stopped (signal)", "Stopped", "Stopped (tty input)",
		"Stopped (tty output)", "Urgent I/O condition",
		"CPU time limit exceeded", "File size limit exceeded",
		"Virtual timer expired", "Profiling timer expired",
		"Window changed", "I/O possible", "Power failure",
		"Bad system call",
	};
	if (sig >= 0 && sig < 32)
		sb_puts(sb, names[sig]);
	else if (sig == 32 || sig == 33) /* glibc's own (SIGRTMIN - 2..) */
		sb_printf(sb, "Unknown signal %d", (int)sig);
	else if (sig > 33 && sig <= 64)
		sb_printf(sb, "Real-time signal %d", (int)sig - 34);
	else
		sb_puts(sb, "N/A");
}

/* ---- values ----------------------------------------------------------- */

void fmt_resolved_value(struct strbuf *sb, const struct type *t, const void *v)
{
	const uint8_t *d = v;

	switch (t->kind) {
	case TY_TIMESTAMP: {
		const char *f = prog_string(get_u(d, 4));
		fmt_strftime(sb, f ? f : "", get_u(d + 8, 8),
			     (enum ts_mode)get_u(d + 4, 4));
		break;
	}
	case TY_BUFFER:
		fmt_buffer_value(sb, t, d, 0);
		break;
	case TY_INET:
		fmt_inet(sb, (int64_t)get_u(d, 8), d + 8);
		break;
	case TY_MAC:
		fmt_mac(sb, d);
		break;
	case TY_CGROUP_PATH: {
		uint64_t fid = get_u(d + 8, 8);
		fmt_cgroup_path(sb, get_u(d, 8),
				fid == UINT64_MAX ? NULL : prog_string(fid), "/");
		break;
	}
	case TY_STRERROR:
		if (t->name && !strcmp(t->name, "signal_name"))
			fmt_signal_name(sb, (int64_t)get_u(d, 8));
		else if (t->name && !strcmp(t->name, "syscall_name"))
			fmt_syscall_name(sb, get_u(d, 8));
		else
			sb_puts(sb, strerror((int)(int64_t)get_u(d, 8)));
		break;
	case TY_USERNAME:
		fmt_username(sb, get_u(d, 8), "/");
		break;
	default:
		break;
	}
}

/* ---- GFP flags (printf %gr) ---------------------------------------------- */

/* The kernel's single GFP flags, named ___GFP_<name>_BIT in its BTF enum,
 * with their bit in Linux 6.x when there is no BTF (-1: none). */
static const struct { const char *name; int bit; } gfp_bits[] = {
	{ "DMA", 0 }, { "HIGHMEM", 1 }, { "DMA32", 2 }, { "MOVABLE", 3 },
	{ "RECLAIMABLE", 4 }, { "HIGH", 5 }, { "IO", 6 }, { "FS", 7 },
	{ "ZERO", 8 }, { "DIRECT_RECLAIM", 10 }, { "KSWAPD_RECLAIM", 11 },
	{ "WRITE", 12 }, { "NOWARN", 13 }, { "RETRY_MAYFAIL", 14 },
	{ "NOFAIL", 15 }, { "NORETRY", 16 }, { "MEMALLOC", 17 },
	{ "COMP", 18 }, { "NOMEMALLOC", 19 }, { "HARDWALL", 20 },
	{ "THISNODE", 21 }, { "ACCOUNT", 22 }, { "ZEROTAGS", 23 },
	{ "SKIP_ZERO", -1 }, { "SKIP_KASAN", -1 }, { "NOLOCKDEP", -1 },
	{ "NO_OBJ_EXT", -1 },
};

enum { G_DMA, G_HIGHMEM, G_DMA32, G_MOVABLE, G_RECLAIMABLE, G_HIGH, G_IO,
       G_FS, G_ZERO, G_DIRECT_RECLAIM, G_KSWAPD_RECLAIM, G_WRITE, G_NOWARN,
       G_RETRY_MAYFAIL, G_NOFAIL, G_NORETRY, G_MEMALLOC, G_COMP,
       G_NOMEMALLOC, G_HARDWALL, G_THISNODE, G_ACCOUNT, G_ZEROTAGS,
       G_SKIP_ZERO, G_SKIP_KASAN, G_NOLOCKDEP, G_NO_OBJ_EXT, G_N };

static uint64_t gfp_mask[G_N];

static void gfp_init(void)
{
	static bool done;
	if (done)
		return;
	done = true;
	bool btf = btf_available();
	for (int i = 0; i < G_N; i++) {
		int64_t bit = gfp_bits[i].bit;
		char name[48];
		snprintf(name, sizeof(name), "___GFP_%s_BIT", gfp_bits[i].name);
		if (btf && !btf_enum_value(name, &bit, NULL))
			bit = -1;
		gfp_mask[i] = bit >= 0 && bit < 64 ? 1ull << bit : 0;
	}
	if (btf && !gfp_mask[G_DMA] && !gfp_mask[G_IO]) /* an older kernel
							  without the enum */
		for (int i = 0; i < G_N; i++)
			gfp_mask[i] = gfp_bits[i].bit >= 0
					      ? 1ull << gfp_bits[i].bit : 0;
}

void fmt_gfp_flags(struct strbuf *sb, uint64_t flags)
{
	if (!flags) {
		sb_putc(sb, '0');
		return;
	}
	gfp_init();
	const uint64_t *m = gfp_mask;
	uint64_t reclaim = m[G_DIRECT_RECLAIM] | m[G_KSWAPD_RECLAIM];
	uint64_t kernel = reclaim | m[G_IO] | m[G_FS];
	uint64_t user = kernel | m[G_HARDWALL];
	uint64_t hu = user | m[G_HIGHMEM];
	uint64_t hum = hu | m[G_MOVABLE];
	uint64_t thl = (hum | m[G_COMP] | m[G_NOMEMALLOC] | m[G_NOWARN]) &
		       ~reclaim;
	/* the kernel's order (mmflags.h): composites before their parts */
	const struct { const char *name; uint64_t mask; } names[] = {
		{ "GFP_TRANSHUGE", thl | m[G_DIRECT_RECLAIM] },
		{ "GFP_TRANSHUGE_LIGHT", thl },
		{ "GFP_HIGHUSER_MOVABLE", hum },
		{ "GFP_HIGHUSER", hu },
		{ "GFP_USER", user },
		{ "GFP_KERNEL_ACCOUNT", kernel | m[G_ACCOUNT] },
		{ "GFP_KERNEL", kernel },
		{ "GFP_NOFS", reclaim | m[G_IO] },
		{ "GFP_ATOMIC", m[G_HIGH] | m[G_KSWAPD_RECLAIM] },
		{ "GFP_NOIO", reclaim },
		{ "GFP_NOWAIT", m[G_KSWAPD_RECLAIM] },
		{ "GFP_DMA", m[G_DMA] },
		{ "__GFP_HIGHMEM", m[G_HIGHMEM] },
		{ "GFP_DMA32", m[G_DMA32] },
		{ "__GFP_HIGH", m[G_HIGH] },
		{ "__GFP_IO", m[G_IO] },
		{ "__GFP_FS", m[G_FS] },
		{ "__GFP_NOWARN", m[G_NOWARN] },
		{ "__GFP_RETRY_MAYFAIL", m[G_RETRY_MAYFAIL] },
		{ "__GFP_NOFAIL", m[G_NOFAIL] },
		{ "__GFP_NORETRY", m[G_NORETRY] },
		{ "__GFP_COMP", m[G_COMP] },
		{ "__GFP_ZERO", m[G_ZERO] },
		{ "__GFP_NOMEMALLOC", m[G_NOMEMALLOC] },
		{ "__GFP_MEMALLOC", m[G_MEMALLOC] },
		{ "__GFP_HARDWALL", m[G_HARDWALL] },
		{ "__GFP_THISNODE", m[G_THISNODE] },
		{ "__GFP_RECLAIMABLE", m[G_RECLAIMABLE] },
		{ "__GFP_MOVABLE", m[G_MOVABLE] },
		{ "__GFP_ACCOUNT", m[G_ACCOUNT] },
		{ "__GFP_WRITE", m[G_WRITE] },
		{ "__GFP_RECLAIM", reclaim },
		{ "__GFP_DIRECT_RECLAIM", m[G_DIRECT_RECLAIM] },
		{ "__GFP_KSWAPD_RECLAIM", m[G_KSWAPD_RECLAIM] },
		{ "__GFP_ZEROTAGS", m[G_ZEROTAGS] },
		{ "__GFP_SKIP_ZERO", m[G_SKIP_ZERO] },
		{ "__GFP_SKIP_KASAN", m[G_SKIP_KASAN] },
		{ "__GFP_NOLOCKDEP", m[G_NOLOCKDEP] },
		{ "__GFP_NO_OBJ_EXT", m[G_NO_OBJ_EXT] },
	};
	bool first = true;
	for (size_t i = 0; i < ARRAY_SIZE(names) && flags; i++) {
		uint64_t mask = names[i].mask;
		if (!mask || (flags & mask) != mask)
			continue;
		if (!first)
			sb_putc(sb, '|');
		sb_puts(sb, names[i].name);
		flags &= ~mask;
		first = false;
	}
	if (flags)
		sb_printf(sb, "%s0x%" PRIx64, first ? "" : "|", flags);
}
