/* cheaders.h — constants of well-known C headers and the syscall table,
 * built in (tinytrace reads no C headers).
 *
 *   cheader_each("errno.h", fn, arg)   fn("EPERM", 1, arg), ...; false when
 *                                      tinytrace knows nothing of the header
 *   syscall_name_of(0)                 "read" on x86_64, NULL for a gap
 *
 * Headers known: errno.h, signal.h, sys/socket.h, linux/socket.h, fcntl.h,
 * linux/sched.h (TASK_*, PF_*, CLONE_*, SCHED_*), time.h, sys/mman.h,
 * sys/stat.h (and their linux/, asm/, asm-generic/ spellings), syscall.h
 * and sys/syscall.h (__NR_* and SYS_*), asm/unistd.h, linux/unistd.h. */
#ifndef CHEADERS_H
#define CHEADERS_H

#include <stdbool.h>
#include <stdint.h>

struct cheader_const {
	const char *name;
	int64_t value;
};

/* Calls fn (when not NULL) with each constant #include <header> defines;
 * returns whether header is one tinytrace knows. */
bool cheader_each(const char *header,
		  void (*fn)(const char *name, int64_t value, void *arg),
		  void *arg);
bool cheader_known(const char *header);

/* This machine's syscall names by number; NULL for an unused number. */
const char *syscall_name_of(uint64_t nr);
/* One more than the highest syscall number named. */
int syscall_table_size(void);

#endif
