/* fmt_values.h — values that userspace resolves when it prints them
 * (fmt_values.c).  Below output.c: output calls these, they call nothing
 * of output's.
 *
 * Takes: the bytes of a value of one of these kinds, laid out as types.h
 * says: TY_TIMESTAMP (strftime), TY_BUFFER (buf), TY_INET (ntop),
 * TY_MAC (macaddr), TY_CGROUP_PATH (cgroup_path), TY_STRERROR (strerror,
 * signal_name), TY_USERNAME (username).
 * Produces: bpftrace's text for it (output.c quotes it for JSON).
 *
 * Compile-time strings a value refers to by number (a strftime format, a
 * cgroup_path filter) are ACT_STRING entries of tt_prog.actions:
 * fmt_set_prog() tells this module which program is running. */
#ifndef FMT_VALUES_H
#define FMT_VALUES_H

#include "prog.h"
#include "types.h"

void fmt_set_prog(const struct tt_prog *p);

/* The text of one value of the kinds above (no JSON quoting). */
void fmt_resolved_value(struct strbuf *sb, const struct type *t, const void *v);

/* strftime(3) of a clock's nanoseconds as local wall-clock time, with
 * bpftrace's extension %f = microseconds (6 digits). */
void fmt_strftime(struct strbuf *sb, const char *fmt, uint64_t ns,
		  enum ts_mode mode);
/* printf %r (style 0): printable ASCII as is, other bytes \xNN; %rx
 * ('x'): every byte \xNN; %rh ('h'): every byte NN, separated by spaces. */
void fmt_buffer(struct strbuf *sb, const uint8_t *d, size_t n, char style);
/* A buf() value (or a string's bytes) with fmt_buffer: printf %r. */
void fmt_buffer_value(struct strbuf *sb, const struct type *t, const void *d,
		      char style);
/* "127.0.0.1", "::1" (af AF_INET or AF_INET6, else nothing). */
void fmt_inet(struct strbuf *sb, int64_t af, const uint8_t *addr);
/* "05:04:03:02:01:02" */
void fmt_mac(struct strbuf *sb, const uint8_t *mac);
/* "unified:/user.slice/..." for every mounted cgroup hierarchy (whose
 * name matches the wildcard filter, if any) that has a cgroup with this
 * id, separated by ';'; cgroup2 is "unified".  root: where the
 * hierarchies are searched ("/" normally; tests use a directory tree). */
void fmt_cgroup_path(struct strbuf *sb, uint64_t id, const char *filter,
		     const char *root);
/* strsignal()'s text for 0..64 (bpftrace's table), else "N/A". */
void fmt_signal_name(struct strbuf *sb, int64_t sig);
/* printf %gr: GFP allocation flags by name, as the kernel's %pGg
 * prints them ("GFP_KERNEL", "GFP_ATOMIC|__GFP_HIGHMEM"): composite
 * names first, then single flags, leftover bits as 0x...; 0 is "0".
 * Bit positions come from the kernel's BTF (___GFP_*_BIT), else from
 * the layout of Linux 6.x. */
void fmt_gfp_flags(struct strbuf *sb, uint64_t flags);
/* The user name of uid from /etc/passwd (under root), else the number. */
void fmt_username(struct strbuf *sb, uint64_t uid, const char *root);

#endif
