/* libbpf_lite.c — the few functions of libbpf's libbpf.o that the parts of
 * libbpf tinytrace uses (bpf.o: the bpf(2) wrappers, btf.o, btf_dump.o,
 * ringbuf.o, libbpf_probes.o) and tinytrace itself call.  Linked into the
 * static binary only (Makefile.am): defined here first, they keep the
 * linker from pulling in libbpf.o, which is libbpf's ELF object loader
 * (with usdt.o, gen_loader.o and relo_core.o that it brings) — about
 * 180 KB that tinytrace never runs, since it creates its maps and
 * programs itself (doc/design-notes.md).  Should libbpf.o be needed for
 * anything else, the static link fails with duplicate definitions: never
 * silently.  Written for Debian's libbpf 1.1; each says what libbpf's own
 * does.
 *
 * Takes: nothing.  Produces: the symbols below. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

/* libbpf's messages: its default printer writes all but debug ones to
 * stderr; errno survives. */
void libbpf_print(enum libbpf_print_level level, const char *format, ...)
{
	int err = errno;
	if (level != LIBBPF_DEBUG) {
		va_list ap;
		va_start(ap, format);
		vfprintf(stderr, format, ap);
		va_end(ap);
	}
	errno = err;
}

/* An error encoded in a pointer (ERR_PTR), or NULL with errno. */
long libbpf_get_error(const void *ptr)
{
	if (ptr && (unsigned long)ptr < (unsigned long)-4095)
		return 0;
	if (ptr)
		errno = -(int)(long)ptr;
	return -errno;
}

/* The number of possible CPUs: /sys/devices/system/cpu/possible
 * ("0-3,5,7-8"), read once. */
int libbpf_num_possible_cpus(void)
{
	static int n;
	if (n > 0)
		return n;
	char buf[256];
	int fd = open("/sys/devices/system/cpu/possible", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t len = read(fd, buf, sizeof(buf) - 1);
	int err = errno;
	close(fd);
	if (len <= 0)
		return len < 0 ? -err : -EINVAL;
	buf[len] = '\0';
	int count = 0;
	for (char *p = buf; *p && *p != '\n';) {
		char *e;
		long a = strtol(p, &e, 10), b = a;
		if (e == p)
			return -EINVAL;
		if (*e == '-')
			b = strtol(e + 1, &e, 10);
		if (b < a)
			return -EINVAL;
		count += (int)(b - a + 1);
		p = *e == ',' ? e + 1 : e;
	}
	if (count <= 0)
		return -EINVAL;
	return n = count;
}

/* The running kernel as KERNEL_VERSION(a, b, c), for probe programs that
 * old kernels load only with it. */
unsigned int get_kernel_version(void);
unsigned int get_kernel_version(void)
{
	struct utsname u;
	unsigned a = 0, b = 0, c = 0;
	if (uname(&u) < 0 || sscanf(u.release, "%u.%u.%u", &a, &b, &c) < 2)
		return 0;
	return (a << 16) | (b << 8) | (c > 255 ? 255 : c);
}

/* libbpf's cached kernel feature probes.  Without libbpf.o the only
 * question left is bpf.o's "are BPF objects charged to the memory cgroup"
 * before it raises RLIMIT_MEMLOCK: answering no makes it raise the limit,
 * which is right on every kernel. */
struct bpf_object;
bool kernel_supports(const struct bpf_object *obj, int feat);
bool kernel_supports(const struct bpf_object *obj, int feat)
{
	(void)obj;
	(void)feat;
	return false;
}

/* The type id refers to, through modifiers (const, volatile, restrict,
 * type tags) and typedefs; *res_id its id. */
const struct btf_type *skip_mods_and_typedefs(const struct btf *btf,
					      __u32 id, __u32 *res_id);
const struct btf_type *skip_mods_and_typedefs(const struct btf *btf,
					      __u32 id, __u32 *res_id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	if (res_id)
		*res_id = id;
	while (t && (btf_is_mod(t) || btf_is_typedef(t))) {
		if (res_id)
			*res_id = t->type;
		t = btf__type_by_id(btf, t->type);
	}
	return t;
}
