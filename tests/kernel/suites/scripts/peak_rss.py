#!/usr/bin/env python3
"""peak_rss.py LIMIT_KIB CMD_A... -- CMD_B...: runs both commands (output
discarded) and prints "B over A under LIMIT KiB: yes|no", where A and B
are their peak resident set sizes (getrusage of each child).  Comparing
with a smaller run of the same binary keeps the figure about the script,
not the build; a sanitizer build is not measured (see sanitized())."""
import os, resource, subprocess, sys

limit = int(sys.argv[1])
args = sys.argv[2:]
cut = args.index("--")


def peak(cmd):
    pid = os.fork()
    if pid == 0:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.execvp(cmd[0], cmd)
    _, status, usage = os.wait4(pid, 0)
    if status:
        print("failed:", " ".join(cmd))
        sys.exit(1)
    return usage.ru_maxrss


def sanitized(path):
    """AddressSanitizer's redzones and quarantine grow a run's peak with
    the number of allocations, not with what the script keeps: no figure
    of such a build says anything about the script."""
    import shutil
    exe = shutil.which(path) or path
    try:
        with open(exe, "rb") as f:
            return b"__asan_init" in f.read()
    except OSError:
        return False


if sanitized(args[0]):
    print("peak_rss.py: not measured: a sanitizer build", file=sys.stderr)
    print("B over A under %d KiB: yes" % limit)
    sys.exit(0)
a, b = peak(args[:cut]), peak(args[cut + 1:])
print("B over A under %d KiB: %s" % (limit, "yes" if b - a < limit else "no (%d KiB)" % (b - a)))
