/* fake_tracefs.h — a throw-away tracefs with a few tracepoint format files
 * (syscalls:sys_enter_openat/sys_exit_openat, sched:sched_switch,
 * sched:sched_process_exec), so that compiler unit tests type `args`
 * without root or a mounted tracefs. */
#ifndef TESTS_FAKE_TRACEFS_H
#define TESTS_FAKE_TRACEFS_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "probes.h"

static const char *openat_enter =
	"name: sys_enter_openat\nID: 782\nformat:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"
	"\tfield:int __syscall_nr;\toffset:8;\tsize:4;\tsigned:1;\n"
	"\tfield:int dfd;\toffset:16;\tsize:8;\tsigned:0;\n"
	"\tfield:const char __attribute__((btf_type_tag(\"user\"))) * filename;\toffset:24;\tsize:8;\tsigned:0;\n"
	"\tfield:int flags;\toffset:32;\tsize:8;\tsigned:0;\n"
	"\tfield:umode_t mode;\toffset:40;\tsize:8;\tsigned:0;\n\n"
	"print fmt: \"dfd: 0x%08lx\", ((unsigned long)(REC->dfd))\n";

static const char *openat_exit =
	"name: sys_exit_openat\nID: 781\nformat:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"
	"\tfield:int __syscall_nr;\toffset:8;\tsize:4;\tsigned:1;\n"
	"\tfield:long ret;\toffset:16;\tsize:8;\tsigned:1;\n\n"
	"print fmt: \"0x%lx\", REC->ret\n";

static const char *sched_switch =
	"name: sched_switch\nID: 372\nformat:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n\n"
	"\tfield:char prev_comm[16];\toffset:8;\tsize:16;\tsigned:0;\n"
	"\tfield:pid_t prev_pid;\toffset:24;\tsize:4;\tsigned:1;\n"
	"\tfield:int prev_prio;\toffset:28;\tsize:4;\tsigned:1;\n"
	"\tfield:long prev_state;\toffset:32;\tsize:8;\tsigned:1;\n"
	"\tfield:char next_comm[16];\toffset:40;\tsize:16;\tsigned:0;\n"
	"\tfield:pid_t next_pid;\toffset:56;\tsize:4;\tsigned:1;\n"
	"\tfield:int next_prio;\toffset:60;\tsize:4;\tsigned:1;\n";

static const char *process_exec =
	"name: sched_process_exec\nID: 320\nformat:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n\n"
	"\tfield:__data_loc char[] filename;\toffset:8;\tsize:4;\tsigned:0;\n"
	"\tfield:pid_t pid;\toffset:12;\tsize:4;\tsigned:1;\n"
	"\tfield:pid_t old_pid;\toffset:16;\tsize:4;\tsigned:1;\n";

static char fake_tracefs_root[64];

static inline void fake_tracefs_write(const char *cat, const char *ev,
				      const char *text)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/events", fake_tracefs_root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/events/%s", fake_tracefs_root, cat);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/events/%s/%s", fake_tracefs_root, cat, ev);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/events/%s/%s/format", fake_tracefs_root,
		 cat, ev);
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
}

/* Makes the tree under a new /tmp directory named from `name` and points
 * probes.c at it. */
static inline void fake_tracefs_create(const char *name)
{
	snprintf(fake_tracefs_root, sizeof(fake_tracefs_root),
		 "/tmp/tt_%s_XXXXXX", name);
	cr_assert_not_null(mkdtemp(fake_tracefs_root));
	fake_tracefs_write("syscalls", "sys_enter_openat", openat_enter);
	fake_tracefs_write("syscalls", "sys_exit_openat", openat_exit);
	fake_tracefs_write("sched", "sched_switch", sched_switch);
	fake_tracefs_write("sched", "sched_process_exec", process_exec);
	probes_set_tracefs_root(fake_tracefs_root);
}

static inline void fake_tracefs_remove(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", fake_tracefs_root);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", fake_tracefs_root);
}

/* Unsets every BPFTRACE_* variable: the environment must not change what
 * a script means in a compiler test. */
static inline void fake_tracefs_clear_env(void)
{
	extern char **environ;
	for (char **e = environ; *e;) {
		if (!strncmp(*e, "BPFTRACE_", 9)) {
			char *name = strndup(*e, strcspn(*e, "="));
			unsetenv(name);
			free(name);
			e = environ;
		} else {
			e++;
		}
	}
}

#endif
