/* fmt_extra.h — values that userspace resolves when it prints them, and the
 * asynchronous actions that are more than printf.
 *
 * Values (output.c calls fmt_extra_value for these kinds; layouts in
 * types.h): strftime() timestamps, buf() buffers, ntop() addresses,
 * macaddr(), cgroup_path(), strerror(), username.
 * Actions (runtime.c calls fmt_action): time(), cat(), system(), join(),
 * errorf(), warnf().
 *
 * Compile-time strings a value refers to by number (a strftime format, a
 * cgroup_path filter) are ACT_STRING entries of tt_prog.actions:
 * fmt_set_prog() tells this module which program is running. */
#ifndef FMT_EXTRA_H
#define FMT_EXTRA_H

#include "prog.h"

struct type;

/* nsecs(mode) clocks; a timestamp records which one its value came from. */
enum ts_mode { TS_BOOT, TS_MONOTONIC, TS_TAI, TS_SW_TAI };

/* join(): at most this many array elements are read. */
#define FMT_JOIN_MAX_ARGS 16

void fmt_set_prog(const struct tt_prog *p);

/* True for the kinds fmt_extra_value prints. */
bool fmt_extra_kind(const struct type *t);
/* One value of such a kind, as text or as a JSON string. */
void fmt_extra_value(struct strbuf *sb, const struct type *t, const void *d,
		     bool json);

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
/* The user name of uid from /etc/passwd (under root), else the number. */
void fmt_username(struct strbuf *sb, uint64_t uid, const char *root);

/* The text of one action record: what goes to stdout (*out) — or, for
 * errorf/warnf, the message (then the caller adds the location).  cat's
 * file or system's command that cannot be opened/run: returns -errno and
 * *out holds the error message.  Exposed for tests; fmt_action prints. */
int fmt_action_text(struct strbuf *out, const struct tt_action *a,
		    const uint8_t *payload, size_t len,
		    const struct tt_config *cfg);
/* Carries out one ACT_TIME/CAT/SYSTEM/JOIN/ERRORF/WARNF record: text or
 * a JSON line on stdout, errors and errorf/warnf (with the script
 * location) on stderr. */
void fmt_action(const struct tt_action *a, const uint8_t *payload, size_t len,
		const struct tt_config *cfg, bool json);

#endif
