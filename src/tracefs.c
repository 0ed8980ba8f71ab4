/* tracefs.c — where the kernel's tracing directory is, and tracepoint ids.
 *
 * Takes: nothing (the running system).
 * Produces: the tracefs path ("/sys/kernel/tracing", mounting tracefs there
 * when a fresh machine has not, or the debugfs location
 * "/sys/kernel/debug/tracing"), and the numeric id of a tracepoint
 * (events/<category>/<name>/id) for perf_event_open.
 *
 * The answer is computed once and cached; a failure is explained once on
 * stderr and NULL is returned from then on. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tracefs.h"

#define TRACEFS "/sys/kernel/tracing"
#define DEBUGFS_TRACING "/sys/kernel/debug/tracing"

/* A tracing directory is usable when it has an events/ directory. */
static bool has_events(const char *dir)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), "%s/events", dir);
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *tracefs_path(void)
{
	static const char *path;
	static bool tried;
	int mount_err = 0;

	if (tried)
		return path;
	tried = true;
	if (has_events(TRACEFS))
		return path = TRACEFS;
	if (mount("nodev", TRACEFS, "tracefs", 0, NULL) == 0) {
		if (has_events(TRACEFS))
			return path = TRACEFS;
	} else {
		mount_err = errno;
	}
	if (has_events(DEBUGFS_TRACING))
		return path = DEBUGFS_TRACING;
	fprintf(stderr,
		"ERROR: tracefs is not available: %s has no events/ directory "
		"and mounting tracefs there failed (%s), and %s does not exist "
		"either.\nHINT: as root, run 'mount -t tracefs nodev %s'\n",
		TRACEFS, mount_err ? strerror(mount_err) : "mounted but empty",
		DEBUGFS_TRACING, TRACEFS);
	return NULL;
}

void tracefs_mount_debugfs(void)
{
	struct stat st;
	if (stat(DEBUGFS_TRACING, &st) == 0)
		return;
	mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
}

int tracefs_tp_id(const char *category, const char *name)
{
	const char *dir = tracefs_path();
	char path[512], buf[32];
	ssize_t n;
	int fd;

	if (!dir)
		return -ENOENT;
	snprintf(path, sizeof(path), "%s/events/%s/%s/id", dir, category, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return n < 0 ? -errno : -EINVAL;
	buf[n] = '\0';
	return atoi(buf);
}
